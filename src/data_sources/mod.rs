//! The provider's data sources, one file each, and the objects they share.
//!
//! Every data source reads through the provider's [`Catalog`], so a plan
//! lists users and roles at most once however many data sources it has.
//!
//! [`Catalog`]: crate::catalog::Catalog

mod role;
mod roles;
mod user;
mod users;

pub use role::RoleDataSource;
pub use roles::RolesDataSource;
pub use user::UserDataSource;
pub use users::UsersDataSource;

use std::borrow::Cow;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tf_provider::value::{Value, ValueBool, ValueList, ValueString};
use tf_provider::{AttributePath, Diagnostics};

use crate::catalog;
use crate::client::{Error, Role, Timestamp, User};
use crate::messages;
use crate::provider::Session;

/// A user as Terraform sees it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct UserObject<'a> {
    pub id: ValueString<'a>,
    pub email: ValueString<'a>,
    pub given_name: ValueString<'a>,
    pub family_name: ValueString<'a>,
    pub enabled: ValueBool,
    pub status: ValueString<'a>,
    pub role_id: ValueString<'a>,
    pub role_name: ValueString<'a>,
    pub created_at: ValueString<'a>,
    pub last_logged_in_at: ValueString<'a>,
}

impl From<&User> for UserObject<'static> {
    fn from(user: &User) -> Self {
        UserObject {
            id: text(&user.id),
            email: text(&user.email),
            given_name: optional_text(user.given_name.as_deref()),
            family_name: optional_text(user.family_name.as_deref()),
            enabled: Value::Value(user.enabled),
            status: text(&user.status),
            role_id: text(&user.role.id),
            role_name: text(&user.role.name),
            created_at: timestamp(user.created_at.as_ref()),
            last_logged_in_at: timestamp(user.last_logged_in_at.as_ref()),
        }
    }
}

/// A role as Terraform sees it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RoleObject<'a> {
    pub id: ValueString<'a>,
    pub name: ValueString<'a>,
    pub permissions: ValueList<ValueString<'a>>,
    pub log_type_access_kind: ValueString<'a>,
    pub log_type_access: ValueList<ValueString<'a>>,
    pub created_at: ValueString<'a>,
    pub updated_at: ValueString<'a>,
}

impl From<&Role> for RoleObject<'static> {
    fn from(role: &Role) -> Self {
        RoleObject {
            id: text(&role.id),
            name: text(&role.name),
            permissions: sorted_texts(&role.permissions),
            log_type_access_kind: text(&role.log_type_access_kind),
            // The `*_ALL` kinds cover every log type, whatever list Panther
            // sends beside them (it may send `[]`).
            log_type_access: match &role.log_type_access {
                Some(types) if !role.log_type_access_kind.ends_with("_ALL") => texts(types),
                _ => Value::Null,
            },
            created_at: timestamp(role.created_at.as_ref()),
            updated_at: timestamp(role.updated_at.as_ref()),
        }
    }
}

/// A known string value.
fn text(value: &str) -> ValueString<'static> {
    Value::Value(Cow::Owned(value.to_owned()))
}

/// A string value, null when absent.
fn optional_text(value: Option<&str>) -> ValueString<'static> {
    value.map(text).unwrap_or(Value::Null)
}

/// A timestamp exactly as Panther wrote it, null when absent.
fn timestamp(value: Option<&Timestamp>) -> ValueString<'static> {
    optional_text(value.map(Timestamp::as_str))
}

/// A list of strings in the given order.
fn texts(values: &[String]) -> ValueList<ValueString<'static>> {
    Value::Value(values.iter().map(|v| text(v)).collect())
}

/// A list of strings in sorted order, so plans do not churn on order.
pub fn sorted_texts(values: &[String]) -> ValueList<ValueString<'static>> {
    let mut sorted: Vec<&String> = values.iter().collect();
    sorted.sort();
    Value::Value(sorted.into_iter().map(|v| text(v)).collect())
}

/// The known, non-empty string in an argument, if any.
fn argument<'v>(value: &'v ValueString<'_>) -> Option<&'v str> {
    value.as_ref_option().map(|v| v.as_ref())
}

/// Reports an argument that is set to an empty string.
fn reject_empty(diags: &mut Diagnostics, name: &str, value: &ValueString<'_>) {
    if argument(value).is_some_and(|v| v.trim().is_empty()) {
        diags.add_error(messages::empty_argument(name));
    }
}

/// Checks that exactly one of two lookup arguments is set.
///
/// Unknown values count as set: they will be known at apply.
fn exactly_one(
    diags: &mut Diagnostics,
    (first, first_value): (&str, &ValueString<'_>),
    (second, second_value): (&str, &ValueString<'_>),
) {
    match (first_value.is_null(), second_value.is_null()) {
        (true, true) => diags.add_error(messages::one_of_required(first, second)),
        (false, false) => diags.add_error(messages::exactly_one_of(first, second)),
        _ => {}
    }
    reject_empty(diags, first, first_value);
    reject_empty(diags, second, second_value);
}

/// The collection a catalog fetch returned, or `None` after reporting why
/// there is none.
fn collection<T>(
    diags: &mut Diagnostics,
    session: &Session,
    fetched: catalog::Shared<T>,
) -> Option<Arc<Vec<T>>> {
    fetched.map_err(|err| report(diags, session, &err)).ok()
}

/// Turns a failed read into a diagnostic that names the key's source.
fn report(diags: &mut Diagnostics, session: &Session, err: &Error) {
    let source = session.key_source.to_string();
    diags.add_error(messages::client_error(err, &source, AttributePath::root()));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn role(kind: &str, access: serde_json::Value) -> Role {
        serde_json::from_value(serde_json::json!({
            "id": "r1",
            "name": "Readers",
            "permissions": ["UserRead"],
            "logTypeAccessKind": kind,
            "logTypeAccess": access,
        }))
        .expect("a valid role")
    }

    #[test]
    fn log_type_access_is_null_for_the_all_kinds_whatever_panther_sends() {
        let all = RoleObject::from(&role("ALLOW_ALL", serde_json::json!([])));
        assert_eq!(all.log_type_access, Value::Null);

        let some = RoleObject::from(&role("DENY", serde_json::json!(["Okta.SystemLog"])));
        assert_eq!(some.log_type_access, texts(&["Okta.SystemLog".to_owned()]));
    }
}
