//! The objects Panther returns, read permissively.
//!
//! Field names follow Panther's camelCase. Reading is lenient on purpose:
//! unknown fields are ignored, a field the provider can live without may be
//! absent or null, REST's empty-string names and GraphQL's null names both
//! become `None`, and permission ids stay plain strings because Panther adds
//! new ones over time. Only what the provider cannot work without (ids,
//! emails, names, `enabled`) is required.

use serde::{Deserialize, Deserializer};

pub use super::timestamp::{Timestamp, TimestampError};

/// A Panther user, from REST or GraphQL.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// Panther's id for the user.
    pub id: String,
    /// The address the user signs in with.
    pub email: String,
    /// First name; `None` when empty or null.
    #[serde(default, deserialize_with = "blank_as_none")]
    pub given_name: Option<String>,
    /// Last name; `None` when empty or null.
    #[serde(default, deserialize_with = "blank_as_none")]
    pub family_name: Option<String>,
    /// `false` for a deactivated user.
    pub enabled: bool,
    /// An Amazon Cognito status such as `CONFIRMED`; opaque to us.
    #[serde(default, deserialize_with = "null_as_default")]
    pub status: String,
    /// The user's one role.
    pub role: UserRole,
    /// When the user was created.
    #[serde(default, deserialize_with = "optional_timestamp")]
    pub created_at: Option<Timestamp>,
    /// `None` when the user never logged in.
    #[serde(default, deserialize_with = "optional_timestamp")]
    pub last_logged_in_at: Option<Timestamp>,
}

/// The role as embedded in a user.
///
/// NOTE: users created through SAML may carry an id such as
/// `Analyst (SAML Default)` that matches no role's id. It is kept as given;
/// the provider matches such users to roles by name.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserRole {
    /// The role's id, or a SAML placeholder that matches no role.
    #[serde(default, deserialize_with = "null_as_default")]
    pub id: String,
    /// The role's name, which is unique in Panther.
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
    /// Only GraphQL can return these; REST leaves them out.
    #[serde(default)]
    pub permissions: Option<Vec<String>>,
}

/// A Panther role.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Role {
    /// Panther's id for the role.
    pub id: String,
    /// The role's unique name; default roles can be renamed.
    pub name: String,
    /// Permission ids, as Panther lists them.
    #[serde(default, deserialize_with = "null_as_default")]
    pub permissions: Vec<String>,
    /// `ALLOW`, `ALLOW_ALL`, `DENY` or `DENY_ALL`, kept as a string.
    #[serde(default, deserialize_with = "null_as_default")]
    pub log_type_access_kind: String,
    /// Absent or null for the `*_ALL` kinds.
    #[serde(default)]
    pub log_type_access: Option<Vec<String>>,
    /// When the role was created.
    #[serde(default, deserialize_with = "optional_timestamp")]
    pub created_at: Option<Timestamp>,
    /// When the role last changed.
    #[serde(default, deserialize_with = "optional_timestamp")]
    pub updated_at: Option<Timestamp>,
}

/// A Panther API token, as `GET /api-tokens/self` describes it. The token's
/// value is never read: Panther only returns it on create and rotate.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiToken {
    /// Panther's id for the token.
    pub id: String,
    /// The name given when the token was created.
    pub name: String,
    /// Permission ids the token holds.
    #[serde(default, deserialize_with = "null_as_default")]
    pub permissions: Vec<String>,
    /// Empty when the token may be used from anywhere.
    #[serde(
        default,
        rename = "allowedCIDRBlocks",
        deserialize_with = "null_as_default"
    )]
    pub allowed_cidr_blocks: Vec<String>,
    /// When the token was created.
    #[serde(default, deserialize_with = "optional_timestamp")]
    pub created_at: Option<Timestamp>,
    /// `None` when the token never expires.
    #[serde(default, deserialize_with = "optional_timestamp")]
    pub expires_at: Option<Timestamp>,
    /// When the token last authenticated a call.
    #[serde(default, deserialize_with = "optional_timestamp")]
    pub last_used_at: Option<Timestamp>,
    /// When the token's value was last rotated.
    #[serde(default, deserialize_with = "optional_timestamp")]
    pub rotated_at: Option<Timestamp>,
    /// Who created the token.
    #[serde(default)]
    pub created_by: Option<Actor>,
    /// Who last changed the token.
    #[serde(default)]
    pub updated_by: Option<Actor>,
}

/// Who created or changed a token.
///
/// NOTE: the published spec puts the `user | api-token | system` enum on
/// `id` rather than on `type`, so both are read as plain strings.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Actor {
    /// The actor's `id` field, whatever it holds.
    #[serde(default)]
    pub id: Option<String>,
    /// The actor's `type` field, whatever it holds.
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
}

/// Reads a string where null, absent and `""` all mean "no value".
fn blank_as_none<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let value = Option::<String>::deserialize(d)?;
    Ok(value.filter(|text| !text.is_empty()))
}

/// Reads a value where null means the type's default (an empty string or
/// list), just as an absent field does.
pub(crate) fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// Reads a timestamp where null, absent and `""` all mean "never".
fn optional_timestamp<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Timestamp>, D::Error> {
    match blank_as_none(d)? {
        Some(text) => Timestamp::parse(&text)
            .map(Some)
            .map_err(serde::de::Error::custom),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rest_user_with_empty_names_reads_them_as_none() {
        let user: User = serde_json::from_value(json!({
            "id": "u1", "email": "a@example.com",
            "givenName": "", "familyName": "",
            "enabled": true, "status": "CONFIRMED",
            "role": {"id": "r1", "name": "Admin"},
            "createdAt": "2024-11-14T17:09:49.841715953Z",
            "lastLoggedInAt": null, "somethingNew": 1
        }))
        .unwrap();

        assert_eq!(user.given_name, None);
        assert_eq!(user.family_name, None);
        assert_eq!(user.role.permissions, None);
        assert_eq!(user.last_logged_in_at, None);
        assert_eq!(
            user.created_at.unwrap().as_str(),
            "2024-11-14T17:09:49.841715953Z"
        );
    }

    #[test]
    fn graphql_user_with_null_names_and_role_permissions() {
        let user: User = serde_json::from_value(json!({
            "id": "u2", "email": "b@example.com",
            "givenName": null, "familyName": null,
            "enabled": false, "status": "FORCE_CHANGE_PASSWORD",
            "role": {
                "id": "Analyst (SAML Default)", "name": "Analyst",
                "permissions": ["AlertRead", "SomeFuturePermission"]
            }
        }))
        .unwrap();

        assert_eq!(user.given_name, None);
        assert_eq!(user.role.id, "Analyst (SAML Default)");
        assert_eq!(
            user.role.permissions.unwrap(),
            ["AlertRead", "SomeFuturePermission"]
        );
    }

    #[test]
    fn role_of_an_all_kind_has_no_log_type_list() {
        let role: Role = serde_json::from_value(json!({
            "id": "r1", "name": "Admin", "permissions": ["UserRead"],
            "logTypeAccessKind": "ALLOW_ALL", "logTypeAccess": null,
            "createdAt": "2024-01-01T00:00:00Z", "updatedAt": ""
        }))
        .unwrap();

        assert_eq!(role.log_type_access, None);
        assert_eq!(role.updated_at, None);
    }

    #[test]
    fn token_reads_cidr_blocks_and_both_actor_fields() {
        let token: ApiToken = serde_json::from_value(json!({
            "id": "t1", "name": "governance",
            "permissions": ["UserRead"],
            "allowedCIDRBlocks": ["10.0.0.0/8"],
            "createdAt": "2024-01-01T00:00:00Z", "expiresAt": null,
            "createdBy": {"id": "user", "type": "abc-123"},
            "value": "never read"
        }))
        .unwrap();

        assert_eq!(token.allowed_cidr_blocks, ["10.0.0.0/8"]);
        assert_eq!(token.expires_at, None);
        let actor = token.created_by.unwrap();
        assert_eq!(actor.id.as_deref(), Some("user"));
        assert_eq!(actor.kind.as_deref(), Some("abc-123"));
    }
}
