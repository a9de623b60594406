//! `GET /roles` and `GET /roles/{id}`.
//!
//! Panther's role list has no paging: every matching role comes back in
//! one answer, sorted by name.

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::Json;
use serde::Serialize;

use super::{contains_ignoring_case, json, ListResp, QueryParams};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::fixture::Role;
use crate::permissions::{covers_all_log_types, USER_READ};
use crate::state::EmulatorState;

/// A role as REST answers it; `logTypeAccess` is left out for the
/// `*_ALL` kinds, as the spec asks.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleView<'a> {
    id: &'a str,
    name: &'a str,
    permissions: &'a [String],
    log_type_access_kind: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    log_type_access: Option<&'a [String]>,
    created_at: &'a str,
    updated_at: &'a str,
}

impl<'a> From<&'a Role> for RoleView<'a> {
    fn from(role: &'a Role) -> RoleView<'a> {
        let log_type_access = match covers_all_log_types(&role.log_type_access_kind) {
            true => None,
            false => role.log_type_access.as_deref(),
        };
        RoleView {
            id: &role.id,
            name: &role.name,
            permissions: &role.permissions,
            log_type_access_kind: &role.log_type_access_kind,
            log_type_access,
            created_at: &role.created_at,
            updated_at: &role.updated_at,
        }
    }
}

/// `GET /roles`.
pub async fn list(
    State(state): State<Arc<EmulatorState>>,
    caller: Caller,
    RawQuery(raw): RawQuery,
) -> Result<Json<serde_json::Value>, ApiError> {
    caller.require(USER_READ)?;
    let query = QueryParams::parse(raw.as_deref());
    let name = query.first("name");
    // The spec says an exact name ignores every other parameter, so a bad
    // `sort-dir` beside it is not an error.
    let descending = match name {
        Some(_) => false,
        None => sort_descending(query.first("sort-dir"))?,
    };
    let store = state.store();

    let mut roles: Vec<&Role> = match name {
        // Exact is read strictly, letter case included; GraphQL's
        // `roleByName` is documented to ignore case, and does.
        Some(name) => store
            .role_by_name(name)
            .filter(|role| role.name == name)
            .into_iter()
            .collect(),
        None => {
            let contains = query.first("name-contains").map(str::to_lowercase);
            let ids = query.id_set();
            store
                .roles()
                .filter(|role| ids.as_ref().is_none_or(|ids| ids.contains(&role.id)))
                .filter(|role| {
                    contains
                        .as_deref()
                        .is_none_or(|needle| contains_ignoring_case(&role.name, needle))
                })
                .collect()
        }
    };

    roles.sort_by_cached_key(|role| (role.name.to_lowercase(), role.id.clone()));
    if descending {
        roles.reverse();
    }
    let results = roles.into_iter().map(RoleView::from).collect();
    Ok(json(ListResp {
        results,
        next: None,
    }))
}

/// `GET /roles/{id}`.
pub async fn get_one(
    State(state): State<Arc<EmulatorState>>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    caller.require(USER_READ)?;
    let store = state.store();
    match store.role(&id) {
        Some(role) => Ok(json(RoleView::from(role))),
        None => Err(ApiError::not_found(format!("role {id} not found"))),
    }
}

fn sort_descending(direction: Option<&str>) -> Result<bool, ApiError> {
    match direction {
        None | Some("asc") => Ok(false),
        Some("desc") => Ok(true),
        Some(other) => Err(ApiError::bad_request(format!(
            "sort-dir must be asc or desc, got {other:?}"
        ))),
    }
}
