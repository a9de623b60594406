//! `panther_role`: one Panther role by id or name.

use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tf_provider::schema::{AttributeConstraint, Block, Description, Schema};
use tf_provider::value::{ValueEmpty, ValueList, ValueString};
use tf_provider::{AttributePath, DataSource, Diagnostics};

use super::{argument, collection, exactly_one, RoleObject};
use crate::messages;
use crate::provider::Shared;
use crate::schema::role_attributes;

/// The arguments and result of `panther_role`.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct RoleState<'a> {
    pub id: ValueString<'a>,
    pub name: ValueString<'a>,
    pub permissions: ValueList<ValueString<'a>>,
    pub log_type_access_kind: ValueString<'a>,
    pub log_type_access: ValueList<ValueString<'a>>,
    pub created_at: ValueString<'a>,
    pub updated_at: ValueString<'a>,
}

/// The `panther_role` data source.
pub struct RoleDataSource {
    shared: Arc<Shared>,
}

impl RoleDataSource {
    /// A data source reading through the provider's shared state.
    pub fn new(shared: Arc<Shared>) -> Self {
        RoleDataSource { shared }
    }
}

#[async_trait]
impl DataSource for RoleDataSource {
    type State<'a> = RoleState<'a>;
    type ProviderMetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        let mut attributes = role_attributes();
        for (name, description) in [
            ("id", "The id of the role to read. Set this or `name`."),
            (
                "name",
                "The name of the role to read (letter case ignored). Set \
                 this or `id`.",
            ),
        ] {
            if let Some(attribute) = attributes.get_mut(name) {
                attribute.constraint = AttributeConstraint::OptionalComputed;
                attribute.description = Description::markdown(description);
            }
        }
        Some(Schema {
            version: 1,
            block: Block {
                description: Description::markdown(
                    "Reads one Panther role by id or by name. Finding none \
                     is an error.",
                ),
                attributes,
                ..Default::default()
            },
        })
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: Self::State<'a>) -> Option<()> {
        exactly_one(diags, ("id", &config.id), ("name", &config.name));
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

        // The role list is one request and shared with every other data
        // source, so a lookup by id or name filters it rather than asking
        // Panther again.
        let (found, what, path) = match argument(&config.id) {
            Some(id) => (
                roles.iter().find(|role| role.id == id),
                format!("role with id \"{id}\""),
                "id",
            ),
            None => {
                let name = argument(&config.name).unwrap_or_default();
                let folded = name.to_lowercase();
                (
                    roles.iter().find(|r| r.name.to_lowercase() == folded),
                    format!("role named \"{name}\""),
                    "name",
                )
            }
        };
        let Some(role) = found else {
            diags.add_error(messages::not_found(&what, AttributePath::new(path)));
            return None;
        };

        let object = RoleObject::from(role);
        Some(RoleState {
            id: object.id,
            name: object.name,
            permissions: object.permissions,
            log_type_access_kind: object.log_type_access_kind,
            log_type_access: object.log_type_access,
            created_at: object.created_at,
            updated_at: object.updated_at,
        })
    }
}
