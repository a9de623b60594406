//! `panther_roles`: Panther roles, filtered, ordered by name.

use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tf_provider::schema::{Block, Description, Schema};
use tf_provider::value::{Value, ValueEmpty, ValueList, ValueString};
use tf_provider::{map, DataSource, Diagnostics};

use super::{argument, collection, reject_empty, RoleObject};
use crate::client::{permissions, Role};
use crate::messages;
use crate::provider::Shared;
use crate::schema::{computed_of, object_list, optional, role_attributes};

/// The arguments and result of `panther_roles`.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct RolesState<'a> {
    pub name: ValueString<'a>,
    pub name_contains: ValueString<'a>,
    pub permission: ValueString<'a>,
    pub roles: ValueList<RoleObject<'a>>,
}

/// The `panther_roles` data source.
pub struct RolesDataSource {
    shared: Arc<Shared>,
}

impl RolesDataSource {
    /// A data source reading through the provider's shared state.
    pub fn new(shared: Arc<Shared>) -> Self {
        RolesDataSource { shared }
    }
}

#[async_trait]
impl DataSource for RolesDataSource {
    type State<'a> = RolesState<'a>;
    type ProviderMetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(Schema {
            version: 1,
            block: Block {
                description: Description::markdown(
                    "Lists Panther roles ordered by name (letter case \
                     ignored). Every argument narrows the list; with none, \
                     every role is listed.",
                ),
                attributes: map! {
                    "name" => optional(
                        "Only the role with this name (letter case ignored).",
                    ),
                    "name_contains" => optional(
                        "Only roles whose name contains this text (letter \
                         case ignored).",
                    ),
                    "permission" => optional(
                        "Only roles that hold this permission id, such as \
                         `UserModify`.",
                    ),
                    "roles" => computed_of(
                        object_list(&role_attributes()),
                        "The matching roles, ordered by name.",
                    ),
                },
                ..Default::default()
            },
        })
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: Self::State<'a>) -> Option<()> {
        reject_empty(diags, "name", &config.name);
        reject_empty(diags, "name_contains", &config.name_contains);
        reject_empty(diags, "permission", &config.permission);

        // A mistyped id matches no role, and a `check` that no role holds
        // it would pass for ever. Only a warning: Panther adds ids.
        if let Some(id) = argument(&config.permission) {
            if !id.trim().is_empty() && !permissions::is_known(id) {
                diags.add_warning(messages::unknown_permission_filter(id));
            }
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
        let roles = collection(diags, &session, session.catalog.roles().await)?;

        let name = argument(&config.name).map(str::to_lowercase);
        let fragment = argument(&config.name_contains).map(str::to_lowercase);
        let permission = argument(&config.permission);
        let mut matching: Vec<&Role> = roles
            .iter()
            .filter(|role| {
                let folded = role.name.to_lowercase();
                name.as_deref().is_none_or(|n| n == folded)
                    && fragment.as_deref().is_none_or(|f| folded.contains(f))
                    && permission.is_none_or(|p| role.permissions.iter().any(|h| h == p))
            })
            .collect();
        matching.sort_by_cached_key(|role| (role.name.to_lowercase(), role.id.clone()));

        let roles = matching.into_iter().map(RoleObject::from).collect();
        Some(RolesState {
            roles: Value::Value(roles),
            ..config
        })
    }
}
