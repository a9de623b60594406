# Lists the active users who hold the Admin role, and every user whose
# name or email mentions "contractor", deactivated ones included.
data "panther_users" "admins" {
  role_name = "Admin"
  enabled   = true
}

data "panther_users" "contractors" {
  contains = "contractor"
}

output "admin_emails" {
  value = data.panther_users.admins.users[*].email
}

output "contractors_never_signed_in" {
  value = [
    for user in data.panther_users.contractors.users : user.email
    if user.last_logged_in_at == null
  ]
}
