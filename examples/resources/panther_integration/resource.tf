# Registers the dedicated token of an identity-governance integration and
# the people who own it. Plan and apply fail unless Panther accepts the
# token, the token holds the required permissions and every owner can
# manage API tokens.
variable "iga_token" {
  type        = string
  sensitive   = true
  description = "The integration's dedicated Panther API token."
}

resource "panther_integration" "iga" {
  api_url = "https://api.acme.runpanther.net/public/graphql"
  api_key = var.iga_token
  owners  = ["alice@acme.example", "bruno@acme.example"]

  # The default; list more permission ids if the integration needs them.
  required_permissions = [
    "UserRead",
    "GeneralSettingsRead",
    "OrganizationAPITokenRead",
  ]
}

output "iga_token" {
  value = {
    id         = panther_integration.iga.id
    name       = panther_integration.iga.token_name
    expires_at = panther_integration.iga.token_expires_at
  }
}
