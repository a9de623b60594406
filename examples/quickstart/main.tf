# A complete configuration to start from: it registers an
# identity-governance integration, reads Panther's users and roles, sums up
# who holds which role, and warns about users with admin-level rights who
# are not expected to have them.
terraform {
  # check and import blocks need Terraform 1.5.
  required_version = ">= 1.5"

  required_providers {
    panther = {
      source  = "panther-governance/panther"
      version = "~> 0.1"
    }
  }
}

# A null attribute falls back to the environment: PANTHER_API_URL, then
# PANTHER_API_KEY or PANTHER_API_TOKEN.
provider "panther" {
  api_url = var.reader_api_url
  api_key = var.reader_api_key
}

resource "panther_integration" "iga" {
  api_url = var.api_url
  api_key = var.integration_api_key
  owners  = var.owners
}

data "panther_users" "active" {
  enabled = true
}

data "panther_roles" "all" {}

# Roles that can manage users or API tokens can grant themselves anything:
# they are admins in all but name.
data "panther_roles" "user_managers" {
  permission = "UserModify"
}

data "panther_roles" "token_managers" {
  permission = "OrganizationAPITokenModify"
}

data "panther_user" "owner" {
  for_each = var.owners
  email    = each.value
}

data "panther_role" "owner_role" {
  for_each = toset([for owner in data.panther_user.owner : owner.role_name])
  name     = each.value
}

locals {
  # Users are matched to roles by name: users signed in through SAML carry
  # role ids such as "Analyst (SAML Default)" that no role has.
  users_by_role = {
    for role in data.panther_roles.all.roles : role.name => sort([
      for user in data.panther_users.active.users : user.email
      if user.role_name == role.name
    ])
  }

  admin_roles = toset(concat(
    data.panther_roles.user_managers.roles[*].name,
    data.panther_roles.token_managers.roles[*].name,
  ))

  expected_admins = toset([for email in var.expected_admins : lower(email)])

  unexpected_admins = {
    for user in data.panther_users.active.users : user.email => user.role_name
    if contains(local.admin_roles, user.role_name)
    && !contains(local.expected_admins, lower(user.email))
  }
}

# A failed check is a warning: plan and apply go on. For an error that
# stops the pipeline instead, write the same condition as a
# `lifecycle { postcondition }` of data.panther_users.active, reading the
# users from `self.users`.
check "no_unexpected_admins" {
  assert {
    condition = length(local.unexpected_admins) == 0
    error_message = format(
      "These active users hold a role that can manage users or API tokens, and are not in expected_admins: %s.",
      join(", ", [
        for email, role in local.unexpected_admins : "${email} (${role})"
      ]),
    )
  }
}
