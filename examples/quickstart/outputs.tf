# What the quickstart reports after apply.

output "integration_token" {
  description = "The integration's token as Panther describes it."
  value = {
    id          = panther_integration.iga.id
    name        = panther_integration.iga.token_name
    permissions = panther_integration.iga.token_permissions
    expires_at  = panther_integration.iga.token_expires_at
  }
}

output "users_per_role" {
  description = "How many active users hold each role."
  value       = { for role, emails in local.users_by_role : role => length(emails) }
}

output "users_by_role" {
  description = "The email addresses of the active users in each role."
  value       = local.users_by_role
}

output "owners" {
  description = "Each owner's role, and when that role last changed."
  value = {
    for email, owner in data.panther_user.owner : email => {
      role            = owner.role_name
      role_updated_at = data.panther_role.owner_role[owner.role_name].updated_at
      last_login      = owner.last_logged_in_at
    }
  }
}

output "admin_level_users" {
  description = "Active users whose role can manage users or API tokens."
  value = sort([
    for user in data.panther_users.active.users : user.email
    if contains(local.admin_roles, user.role_name)
  ])
}
