# Finds the roles that can manage users, and lists every role with its
# permissions, as evidence for an access review.
data "panther_roles" "user_managers" {
  permission = "UserModify"
}

data "panther_roles" "all" {}

output "user_manager_roles" {
  value = data.panther_roles.user_managers.roles[*].name
}

output "permissions_by_role" {
  value = {
    for role in data.panther_roles.all.roles : role.name => role.permissions
  }
}
