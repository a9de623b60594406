//! `panther_user`: one Panther user by id or email, with its role's
//! permissions.

use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tf_provider::schema::{AttributeConstraint, Block, Description, Schema};
use tf_provider::value::{Value, ValueBool, ValueEmpty, ValueList, ValueString};
use tf_provider::{AttributePath, DataSource, Diagnostics};

use super::{argument, collection, exactly_one, report, sorted_texts, UserObject};
use crate::catalog::{role_of, UserLookup};
use crate::client::{Error, User};
use crate::messages;
use crate::provider::{Session, Shared};
use crate::schema::{computed_of, string_list, user_attributes};

/// The arguments and result of `panther_user`.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct UserState<'a> {
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
    pub role_permissions: ValueList<ValueString<'a>>,
}

/// The `panther_user` data source.
pub struct UserDataSource {
    shared: Arc<Shared>,
}

impl UserDataSource {
    /// A data source reading through the provider's shared state.
    pub fn new(shared: Arc<Shared>) -> Self {
        UserDataSource { shared }
    }
}

#[async_trait]
impl DataSource for UserDataSource {
    type State<'a> = UserState<'a>;
    type ProviderMetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        let mut attributes = user_attributes();
        for (name, description) in [
            ("id", "The id of the user to read. Set this or `email`."),
            (
                "email",
                "The email address of the user to read, whole (letter case \
                 ignored). Set this or `id`.",
            ),
        ] {
            if let Some(attribute) = attributes.get_mut(name) {
                attribute.constraint = AttributeConstraint::OptionalComputed;
                attribute.description = Description::markdown(description);
            }
        }
        attributes.insert(
            "role_permissions".into(),
            computed_of(
                string_list(),
                "The permission ids of the user's role, sorted; null when \
                 the role cannot be found.",
            ),
        );
        Some(Schema {
            version: 1,
            block: Block {
                description: Description::markdown(
                    "Reads one Panther user, active or deactivated, by id or \
                     by email. Finding none is an error.",
                ),
                attributes,
                ..Default::default()
            },
        })
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: Self::State<'a>) -> Option<()> {
        exactly_one(diags, ("id", &config.id), ("email", &config.email));
        Some(())
    }

    async fn read<'a>(
        &self,
        diags: &mut Diagnostics,
        config: Self::State<'a>,
        _provider_meta_state: Self::ProviderMetaState<'a>,
    ) -> Option<Self::State<'a>> {
        let session = self.shared.session(diags)?;
        let user = find_user(diags, &session, &config).await?;
        let roles = collection(diags, &session, session.catalog.roles().await)?;

        let role_permissions = match role_of(&user, &roles) {
            Some(role) => sorted_texts(&role.permissions),
            None => Value::Null,
        };
        let object = UserObject::from(&user);
        Some(UserState {
            id: object.id,
            email: object.email,
            given_name: object.given_name,
            family_name: object.family_name,
            enabled: object.enabled,
            status: object.status,
            role_id: object.role_id,
            role_name: object.role_name,
            created_at: object.created_at,
            last_logged_in_at: object.last_logged_in_at,
            role_permissions,
        })
    }
}

/// Looks the user up by whichever argument is set.
async fn find_user(
    diags: &mut Diagnostics,
    session: &Session,
    config: &UserState<'_>,
) -> Option<User> {
    let (lookup, path) = match (argument(&config.id), argument(&config.email)) {
        (Some(id), _) => (UserLookup::Id(id.to_owned()), "id"),
        (None, Some(email)) => (UserLookup::Email(email.to_owned()), "email"),
        (None, None) => {
            diags.add_error(messages::one_of_required("id", "email"));
            return None;
        }
    };

    match session.catalog.user(&lookup).await {
        Ok(user) => Some(user),
        Err(err) if matches!(*err, Error::NotFound { .. }) => {
            let path = AttributePath::new(path);
            diags.add_error(messages::not_found(&lookup.describe(), path));
            None
        }
        Err(err) => {
            report(diags, session, &err);
            None
        }
    }
}
