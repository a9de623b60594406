# Configures the panther provider. The data sources read Panther with the
# token given here; panther_integration checks its own token instead.
terraform {
  required_providers {
    panther = {
      source  = "panther-governance/panther"
      version = "~> 0.1"
    }
  }
}

variable "panther_reader_token" {
  type        = string
  sensitive   = true
  description = "A Panther API token that holds Read User Info (UserRead)."
}

# Either value may come from the environment instead: PANTHER_API_URL, and
# PANTHER_API_KEY (or PANTHER_API_TOKEN). A value set here wins.
provider "panther" {
  api_url = "https://api.acme.runpanther.net/public/graphql"
  api_key = var.panther_reader_token
}
