//! `panther_users`: every Panther user, filtered, ordered by email.
//!
//! Filters run on the provider's cached list, so any number of
//! `panther_users` in one plan share a single listing. Deactivated users
//! are included unless `enabled` filters them out.

use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tf_provider::schema::{Block, Description, Schema};
use tf_provider::value::{Value, ValueBool, ValueEmpty, ValueList, ValueString};
use tf_provider::{map, DataSource, Diagnostics};

use super::{argument, collection, reject_empty, UserObject};
use crate::client::User;
use crate::provider::Shared;
use crate::schema::{computed_of, object_list, optional, optional_bool, user_attributes};

/// The arguments and result of `panther_users`.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct UsersState<'a> {
    pub email: ValueString<'a>,
    pub contains: ValueString<'a>,
    pub role_id: ValueString<'a>,
    pub role_name: ValueString<'a>,
    pub enabled: ValueBool,
    pub status: ValueString<'a>,
    pub users: ValueList<UserObject<'a>>,
}

/// The `panther_users` data source.
pub struct UsersDataSource {
    shared: Arc<Shared>,
}

impl UsersDataSource {
    /// A data source reading through the provider's shared state.
    pub fn new(shared: Arc<Shared>) -> Self {
        UsersDataSource { shared }
    }
}

#[async_trait]
impl DataSource for UsersDataSource {
    type State<'a> = UsersState<'a>;
    type ProviderMetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(Schema {
            version: 1,
            block: Block {
                description: Description::markdown(
                    "Lists Panther users, deactivated ones included, ordered \
                     by email (letter case ignored). Every argument narrows \
                     the list; with none, every user is listed.",
                ),
                attributes: map! {
                    "email" => optional(
                        "Only the user with this email address (the whole address, letter \
                         case ignored).",
                    ),
                    "contains" => optional(
                        "Only users whose given name, family name or email \
                         contains this text (letter case ignored).",
                    ),
                    "role_id" => optional("Only users whose role has this id."),
                    "role_name" => optional(
                        "Only users whose role has this name (letter case \
                         ignored).",
                    ),
                    "enabled" => optional_bool(
                        "Only active users (`true`) or only deactivated users \
                         (`false`).",
                    ),
                    "status" => optional(
                        "Only users with this sign-in status, such as \
                         `CONFIRMED`.",
                    ),
                    "users" => computed_of(
                        object_list(&user_attributes()),
                        "The matching users, ordered by email.",
                    ),
                },
                ..Default::default()
            },
        })
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: Self::State<'a>) -> Option<()> {
        for (name, value) in [
            ("email", &config.email),
            ("contains", &config.contains),
            ("role_id", &config.role_id),
            ("role_name", &config.role_name),
            ("status", &config.status),
        ] {
            reject_empty(diags, name, value);
        }
        Some(())
    }

    async fn read<'a>(
        &self,
        diags: &mut Diagnostics,
        config: Self::State<'a>,
        _provider_meta_state: Self::ProviderMetaState<'a>,
    ) -> Option<Self::State<'a>> {
        let session = self.shared.session(diags)?;
        let users = collection(diags, &session, session.catalog.users().await)?;

        let filter = UserFilter::from_state(&config);
        let mut matching: Vec<&User> = users.iter().filter(|user| filter.accepts(user)).collect();
        matching.sort_by_cached_key(|user| (user.email.to_lowercase(), user.id.clone()));

        let users = matching.into_iter().map(UserObject::from).collect();
        Some(UsersState {
            users: Value::Value(users),
            ..config
        })
    }
}

/// The filters of one `panther_users`, with case folded where it is
/// ignored.
#[derive(Debug, Default)]
struct UserFilter {
    email: Option<String>,
    contains: Option<String>,
    role_id: Option<String>,
    role_name: Option<String>,
    enabled: Option<bool>,
    status: Option<String>,
}

impl UserFilter {
    fn from_state(state: &UsersState<'_>) -> Self {
        let folded = |value| argument(value).map(str::to_lowercase);
        UserFilter {
            email: folded(&state.email),
            contains: folded(&state.contains),
            role_id: argument(&state.role_id).map(str::to_owned),
            role_name: folded(&state.role_name),
            enabled: state.enabled.as_ref_option().copied(),
            status: argument(&state.status).map(str::to_owned),
        }
    }

    fn accepts(&self, user: &User) -> bool {
        let is =
            |wanted: &Option<String>, actual: &str| wanted.as_deref().is_none_or(|w| w == actual);
        is(&self.email, &user.email.to_lowercase())
            && is(&self.role_id, &user.role.id)
            && is(&self.role_name, &user.role.name.to_lowercase())
            && is(&self.status, &user.status)
            && self.enabled.is_none_or(|e| e == user.enabled)
            && self.contains.as_deref().is_none_or(|c| mentions(user, c))
    }
}

/// Whether a user's names or email contain `needle` (already lowercase).
fn mentions(user: &User, needle: &str) -> bool {
    let full_name = format!(
        "{} {}",
        user.given_name.as_deref().unwrap_or_default(),
        user.family_name.as_deref().unwrap_or_default(),
    );
    [full_name.as_str(), user.email.as_str()]
        .iter()
        .any(|field| field.to_lowercase().contains(needle))
}
