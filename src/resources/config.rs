//! What a `panther_integration` block may say: its schema, whose
//! descriptions the docs are checked against, and the checks
//! `terraform validate` makes without calling Panther.

use std::collections::BTreeSet;

use tf_provider::schema::{AttributeConstraint, Block, Description, Schema};
use tf_provider::value::ValueString;
use tf_provider::{map, AttributePath, Diagnostics};

use super::integration::IntegrationState;
use crate::client::{permissions, Endpoint};
use crate::messages;
use crate::provider::check_key;
use crate::schema::{computed, computed_of, required, string_set};

/// The resource's schema.
pub fn schema() -> Schema {
    let mut owners = required(
        "Email addresses of the Panther users who own the integration, at \
         least one. Each must be an enabled user whose role holds Manage API \
         Tokens (`OrganizationAPITokenModify`), so that they can rotate the \
         token.",
    );
    owners.attr_type = string_set();
    let mut key = required(
        "The integration's dedicated Panther API token. Rotating it is an \
         in-place update. Terraform state holds it, marked sensitive.",
    );
    key.sensitive = true;
    let mut required_permissions = computed_of(
        string_set(),
        "Permission ids the token must hold. Defaults to `UserRead`, \
         `GeneralSettingsRead` and `OrganizationAPITokenRead` (Read User \
         Info, Read Panther Settings Info, Read API Token Info).",
    );
    required_permissions.constraint = AttributeConstraint::OptionalComputed;

    Schema {
        version: 1,
        block: Block {
            description: Description::markdown(
                "The integration between Panther and an identity-governance \
                 system: a Panther API URL, the integration's dedicated token \
                 and its owners. Create, update and every refresh check that \
                 Panther accepts the token, that it holds the required \
                 permissions and that every owner can manage API tokens. \
                 Destroying it forgets the integration and leaves the token \
                 in Panther.",
            ),
            attributes: map! {
                "id" => computed("The token's id in Panther."),
                "api_url" => required(
                    "Panther API URL (the GraphQL URL the console shows, or \
                     the REST base). Changing it to another Panther replaces \
                     the integration.",
                ),
                "api_key" => key,
                "owners" => owners,
                "required_permissions" => required_permissions,
                "token_name" => computed("The token's name in Panther."),
                "token_permissions" => computed_of(
                    string_set(),
                    "The permission ids the token holds.",
                ),
                "token_expires_at" => computed(
                    "When the token expires (RFC 3339); null when it never \
                     does.",
                ),
                "panther_version" => computed(
                    "The Panther version; null when the token cannot read \
                     it.",
                ),
            },
            ..Default::default()
        },
    }
}

/// The checks `terraform validate` can make without calling Panther.
pub fn validate_config(diags: &mut Diagnostics, config: &IntegrationState<'_>) {
    if let Some(url) = config.api_url.as_ref_option() {
        if let Err(err) = Endpoint::parse(url) {
            let path = AttributePath::new("api_url");
            diags.add_error(messages::invalid_url_at(&err, "`api_url`", path));
        }
    }
    if let Some(key) = config.api_key.as_ref_option() {
        check_key(diags, key, false);
    }
    if let Some(owners) = config.owners.as_ref_option() {
        validate_owners(diags, owners);
    }
    if let Some(permissions) = config.required_permissions.as_ref_option() {
        for id in permissions.iter().filter_map(|p| p.as_ref_option()) {
            if !permissions::is_known(id) {
                diags.add_error(messages::unknown_permission(id));
            }
        }
    }
}

/// Owners: at least one, each an email, none repeated in another case.
fn validate_owners(diags: &mut Diagnostics, owners: &BTreeSet<ValueString<'_>>) {
    if owners.is_empty() {
        diags.add_error(messages::no_owners());
    }
    let mut seen = BTreeSet::new();
    for email in owners.iter().filter_map(|o| o.as_ref_option()) {
        if !looks_like_email(email) {
            diags.add_error(messages::invalid_owner(email));
        } else if !seen.insert(email.to_lowercase()) {
            diags.add_error(messages::duplicate_owner(email));
        }
    }
}

/// A plain syntax check: one `@`, something before it, a dotted domain
/// after it, no white space. Panther is the judge of the rest.
fn looks_like_email(value: &str) -> bool {
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !value.chars().any(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_syntax_check_accepts_plain_addresses_only() {
        assert!(looks_like_email("ada@example.com"));
        assert!(looks_like_email("a.b+c@sub.example.org"));
        for bad in [
            "ada",
            "@example.com",
            "ada@",
            "ada@example",
            "a da@x.io",
            "a@b@c.io",
            "ada@.com",
        ] {
            assert!(!looks_like_email(bad), "{bad} accepted");
        }
    }
}
