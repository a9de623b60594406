# The quickstart's inputs. Pass the keys through the environment
# (TF_VAR_integration_api_key, PANTHER_API_KEY) rather than a file, so that
# they never sit in plain text beside the configuration.

variable "api_url" {
  type        = string
  description = "The Panther API URL the integration uses, as the console shows it."
}

variable "integration_api_key" {
  type        = string
  sensitive   = true
  description = "The integration's dedicated Panther API token."
}

variable "owners" {
  type        = set(string)
  description = "Email addresses of the Panther users who own the integration."
}

variable "reader_api_url" {
  type        = string
  default     = null
  description = "The Panther API URL the data sources read; null means PANTHER_API_URL."
}

variable "reader_api_key" {
  type        = string
  default     = null
  sensitive   = true
  description = "A token with Read User Info for the data sources; null means PANTHER_API_KEY, then PANTHER_API_TOKEN."
}

variable "expected_admins" {
  type        = list(string)
  default     = []
  description = "Email addresses of users allowed a role that can manage users or API tokens."
}
