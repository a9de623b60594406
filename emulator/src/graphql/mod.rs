//! GraphQL at `/public/graphql`: users, roles and general settings.
//!
//! async-graphql does the parsing, validation and execution, so any valid
//! selection, alias, fragment or variable works and an invalid query is
//! refused as a real server would. Each root field checks the calling
//! token's permission itself and fails with `access denied`; since every
//! root field is non-null, that error leaves `data` null.
//!
//! ASSUMPTION: Panther does not say whether `users` lists deactivated
//! users. The emulator includes them, so clients must filter on `enabled`.

mod types;

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::{Context, EmptyMutation, EmptySubscription, Object, Schema, ID};
use axum::body::Bytes;
use axum::extract::Extension;
use axum::Json;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::fixture::User;
use crate::permissions::{GENERAL_SETTINGS_READ, USER_READ};
use crate::state::EmulatorState;
use crate::store::Store;
use types::{GeneralSettingsConfig, RoleObject, RolesInput, SortDirEnum, UserObject};

/// The executable schema; it holds the shared state as context data.
pub type PantherSchema = Schema<Query, EmptyMutation, EmptySubscription>;

/// Builds the schema over an emulator's state.
pub fn schema(state: Arc<EmulatorState>) -> PantherSchema {
    Schema::build(Query, EmptyMutation, EmptySubscription)
        .data(state)
        .finish()
}

/// The schema in SDL, for comparing with Panther's `schema.graphql`.
pub fn sdl() -> String {
    Schema::build(Query, EmptyMutation, EmptySubscription)
        .finish()
        .sdl()
}

/// `POST /public/graphql`: authenticates, then runs the query as the
/// calling token.
pub async fn handler(
    Extension(schema): Extension<PantherSchema>,
    caller: Caller,
    body: Bytes,
) -> Result<Json<async_graphql::Response>, ApiError> {
    let request: async_graphql::Request = serde_json::from_slice(&body)
        .map_err(|error| ApiError::bad_request(format!("invalid GraphQL request: {error}")))?;
    let response = schema.execute(request.data(caller)).await;
    Ok(Json(response))
}

/// The root query type.
pub struct Query;

#[Object]
impl Query {
    /// Every user, deactivated ones included.
    async fn users(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<UserObject>> {
        let state = authorize(ctx, "users", USER_READ)?;
        let store = state.store();
        let mut roles = RoleCache::default();
        let users = store.users();
        users.map(|user| roles.user_object(&store, user)).collect()
    }

    /// The user with this id.
    async fn user_by_id(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<UserObject> {
        let state = authorize(ctx, "userById", USER_READ)?;
        let store = state.store();
        let user = store
            .user(&id)
            .ok_or_else(|| not_found("user with id", &id))?;
        RoleCache::default().user_object(&store, user)
    }

    /// The user with this email address, ignoring case.
    async fn user_by_email(
        &self,
        ctx: &Context<'_>,
        email: String,
    ) -> async_graphql::Result<UserObject> {
        let state = authorize(ctx, "userByEmail", USER_READ)?;
        let store = state.store();
        let user = store
            .user_by_email(&email)
            .ok_or_else(|| not_found("user with email", &email))?;
        RoleCache::default().user_object(&store, user)
    }

    /// Roles sorted by name, optionally filtered.
    async fn roles(
        &self,
        ctx: &Context<'_>,
        input: Option<RolesInput>,
    ) -> async_graphql::Result<Vec<RoleObject>> {
        let state = authorize(ctx, "roles", USER_READ)?;
        let input = input.unwrap_or_default();
        let needle = input.name_contains.map(|text| text.to_lowercase());
        let store = state.store();

        let mut roles: Vec<RoleObject> = store
            .roles()
            .filter(|role| {
                let name = role.name.to_lowercase();
                needle.as_deref().is_none_or(|needle| name.contains(needle))
            })
            .map(|role| RoleObject(Arc::new(role.clone())))
            .collect();
        roles.sort_by_cached_key(|role| (role.0.name.to_lowercase(), role.0.id.clone()));
        if input.sort_dir == Some(SortDirEnum::Descending) {
            roles.reverse();
        }
        Ok(roles)
    }

    /// The role with this id.
    async fn role_by_id(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<RoleObject> {
        let state = authorize(ctx, "roleById", USER_READ)?;
        let store = state.store();
        let role = store
            .role(&id)
            .ok_or_else(|| not_found("role with id", &id))?;
        Ok(RoleObject(Arc::new(role.clone())))
    }

    /// The role with this name, ignoring case.
    async fn role_by_name(
        &self,
        ctx: &Context<'_>,
        name: String,
    ) -> async_graphql::Result<RoleObject> {
        let state = authorize(ctx, "roleByName", USER_READ)?;
        let store = state.store();
        let role = store
            .role_by_name(&name)
            .ok_or_else(|| not_found("role named", &name))?;
        Ok(RoleObject(Arc::new(role.clone())))
    }

    /// Settings of the Panther instance.
    async fn general_settings(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<GeneralSettingsConfig> {
        let state = authorize(ctx, "generalSettings", GENERAL_SETTINGS_READ)?;
        let panther_version = state.store().panther_version.clone();
        Ok(GeneralSettingsConfig { panther_version })
    }
}

/// Counts a root field and checks the caller's permission for it.
fn authorize<'a>(
    ctx: &Context<'a>,
    field: &str,
    permission: &str,
) -> async_graphql::Result<&'a Arc<EmulatorState>> {
    let state = ctx.data::<Arc<EmulatorState>>()?;
    state.counters().record_graphql_field(field);
    let caller = ctx.data::<Caller>()?;
    if !caller.holds(permission) {
        return Err("access denied".into());
    }
    Ok(state)
}

/// Roles copied out of the store during one query, so that the users
/// who share a role share one copy of it.
#[derive(Default)]
struct RoleCache(HashMap<String, RoleObject>);

impl RoleCache {
    /// A user with its role found by id, or by name for SAML-style ids.
    fn user_object(&mut self, store: &Store, user: &User) -> async_graphql::Result<UserObject> {
        // NOTE: the store refuses users whose role cannot be found, so
        // this error would mean a bug in the emulator, not in the client.
        let role = store
            .role_for(&user.role)
            .ok_or_else(|| format!("the role of user {} cannot be found", user.id))?;
        if !self.0.contains_key(&role.id) {
            let object = RoleObject(Arc::new(role.clone()));
            self.0.insert(role.id.clone(), object);
        }
        Ok(UserObject {
            user: user.clone(),
            role: self.0[&role.id].clone(),
        })
    }
}

fn not_found(what: &str, value: &str) -> async_graphql::Error {
    async_graphql::Error::new(format!("{what} {value:?} not found"))
}
