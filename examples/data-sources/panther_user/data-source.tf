# Reads one user by email, with the permissions their role grants.
data "panther_user" "alice" {
  email = "alice@acme.example"
}

output "alice_access" {
  value = {
    enabled     = data.panther_user.alice.enabled
    role        = data.panther_user.alice.role_name
    permissions = data.panther_user.alice.role_permissions
    last_login  = data.panther_user.alice.last_logged_in_at
  }
}
