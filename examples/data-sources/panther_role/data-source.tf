# Reads one role by name (letter case ignored) and records its permissions.
data "panther_role" "admin" {
  name = "Admin"
}

output "admin_role" {
  value = {
    id          = data.panther_role.admin.id
    permissions = data.panther_role.admin.permissions
    updated_at  = data.panther_role.admin.updated_at
  }
}
