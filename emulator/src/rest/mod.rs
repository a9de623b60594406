//! The REST API: users, roles and API tokens, with bodies exactly as
//! `openapi.yaml` declares them.
//!
//! Each file here holds one resource: its handlers and the JSON views that
//! turn stored records into response bodies. This file holds what they
//! share: the route table and query-string parsing.

mod roles;
mod tokens;
mod users;

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;

use crate::error::ApiError;
use crate::state::EmulatorState;

/// REST routes, relative to the API base (the root or `/v1`).
pub fn routes() -> Router<Arc<EmulatorState>> {
    Router::new()
        .route("/users", get(users::list))
        .route("/users/{id}", get(users::get_one))
        .route("/roles", get(roles::list))
        .route("/roles/{id}", get(roles::get_one))
        .route("/api-tokens", get(tokens::list).post(tokens::create))
        .route(
            "/api-tokens/{id}",
            get(tokens::get_one)
                .post(tokens::update)
                .delete(tokens::delete),
        )
        .route("/api-tokens/{id}/rotate", post(tokens::rotate))
}

/// The `{"results": [...], "next": "..."}` shape of every list.
#[derive(Serialize)]
struct ListResp<T> {
    results: Vec<T>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next: Option<String>,
}

/// A decoded query string; repeated parameters keep every value.
#[derive(Debug, Default)]
struct QueryParams(Vec<(String, String)>);

impl QueryParams {
    fn parse(raw: Option<&str>) -> QueryParams {
        let pairs = form_urlencoded::parse(raw.unwrap_or_default().as_bytes());
        QueryParams(pairs.into_owned().collect())
    }

    /// The first non-empty value; an empty one counts as absent, since
    /// the spec allows empty values on every parameter.
    fn first<'a>(&'a self, name: &'a str) -> Option<&'a str> {
        self.values(name).next()
    }

    fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(key, value)| key == name && !value.is_empty())
            .map(|(_, value)| value.as_str())
    }

    /// The ids named by repeated `id` and comma-separated `ids` together;
    /// `None` when neither parameter restricts the result.
    fn id_set(&self) -> Option<BTreeSet<String>> {
        let single = self.values("id").map(str::to_string);
        let listed = self
            .values("ids")
            .flat_map(|list| list.split(','))
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .map(str::to_string);
        let ids: BTreeSet<String> = single.chain(listed).collect();
        (!ids.is_empty()).then_some(ids)
    }

    /// A boolean parameter; absent means `false`.
    fn flag(&self, name: &str) -> Result<bool, ApiError> {
        match self.first(name) {
            None | Some("false") => Ok(false),
            Some("true") => Ok(true),
            Some(other) => Err(ApiError::bad_request(format!(
                "{name} must be true or false, got {other:?}"
            ))),
        }
    }
}

/// Turns a view into a JSON value while the store lock is still held,
/// since the views borrow from the store.
fn json(view: impl Serialize) -> Json<serde_json::Value> {
    // NOTE: the views hold only strings, booleans and lists, which always
    // serialize.
    Json(serde_json::to_value(view).expect("a response view serializes"))
}

/// Whether `needle` occurs in `haystack`, ignoring case.
fn contains_ignoring_case(haystack: &str, needle_lower: &str) -> bool {
    haystack.to_lowercase().contains(needle_lower)
}
