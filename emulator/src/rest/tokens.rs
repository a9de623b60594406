//! `/api-tokens`: list, read, create, update, rotate and delete.
//!
//! Reads need `OrganizationAPITokenRead` (even for `self`, as the docs tie
//! every read to it) and writes need `OrganizationAPITokenModify`. The
//! secret `value` appears only in the answers to create and rotate.

use std::net::Ipv4Addr;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};

use super::{json, ListResp};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::fixture::{Actor, Token};
use crate::permissions::{self, TOKEN_MODIFY, TOKEN_READ};
use crate::random;
use crate::state::EmulatorState;
use crate::store::Store;
use crate::timefmt;

/// A token as REST answers it; absent times are left out rather than
/// sent as null, since the spec types them as plain strings.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenView<'a> {
    id: &'a str,
    name: &'a str,
    permissions: &'a [String],
    #[serde(rename = "allowedCIDRBlocks")]
    allowed_cidr_blocks: &'a [String],
    created_at: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    created_by: Option<&'a Actor>,
    #[serde(skip_serializing_if = "Option::is_none")]
    updated_at: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    updated_by: Option<&'a Actor>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expires_at: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_used_at: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rotated_at: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<&'a str>,
}

impl<'a> TokenView<'a> {
    /// The view every read and update answers with: no secret.
    fn without_value(token: &'a Token) -> TokenView<'a> {
        TokenView {
            id: &token.id,
            name: &token.name,
            permissions: &token.permissions,
            allowed_cidr_blocks: &token.allowed_cidr_blocks,
            created_at: &token.created_at,
            created_by: token.created_by.as_ref(),
            updated_at: token.updated_at.as_deref(),
            updated_by: token.updated_by.as_ref(),
            expires_at: token.expires_at.as_deref(),
            last_used_at: token.last_used_at.as_deref(),
            rotated_at: token.rotated_at.as_deref(),
            value: None,
        }
    }

    /// The view create and rotate answer with, secret included.
    fn with_value(token: &'a Token) -> TokenView<'a> {
        TokenView {
            value: Some(&token.value),
            ..TokenView::without_value(token)
        }
    }
}

/// The body of create and update (`APITokenAPI.ModifyAPIToken`).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ModifyApiToken {
    name: String,
    permissions: Vec<String>,
    #[serde(rename = "allowedCIDRBlocks", default)]
    allowed_cidr_blocks: Option<Vec<String>>,
}

/// `GET /api-tokens`.
pub async fn list(
    State(state): State<Arc<EmulatorState>>,
    caller: Caller,
) -> Result<Json<serde_json::Value>, ApiError> {
    caller.require(TOKEN_READ)?;
    let store = state.store();
    let results = store.tokens().map(TokenView::without_value).collect();
    Ok(json(ListResp {
        results,
        next: None,
    }))
}

/// `GET /api-tokens/{id}`; `self` is the calling token.
pub async fn get_one(
    State(state): State<Arc<EmulatorState>>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    caller.require(TOKEN_READ)?;
    let store = state.store();
    let token = find(&store, caller.resolve(&id))?;
    Ok(json(TokenView::without_value(token)))
}

/// `POST /api-tokens`.
pub async fn create(
    State(state): State<Arc<EmulatorState>>,
    caller: Caller,
    body: Bytes,
) -> Result<Json<serde_json::Value>, ApiError> {
    caller.require(TOKEN_MODIFY)?;
    let request = parse_body(&body)?;
    let token = Token {
        id: random::uuid(),
        name: request.name,
        value: random::token_value(),
        permissions: request.permissions,
        allowed_cidr_blocks: request.allowed_cidr_blocks.unwrap_or_default(),
        created_at: timefmt::now(),
        created_by: Some(actor(&caller)),
        updated_at: None,
        updated_by: None,
        expires_at: None,
        last_used_at: None,
        rotated_at: None,
        revoked: false,
    };
    let mut store = state.store();
    store.insert_token(token.clone())?;
    Ok(json(TokenView::with_value(&token)))
}

/// `POST /api-tokens/{id}`: replaces name, permissions and CIDR blocks.
pub async fn update(
    State(state): State<Arc<EmulatorState>>,
    caller: Caller,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<serde_json::Value>, ApiError> {
    caller.require(TOKEN_MODIFY)?;
    let mut store = state.store();
    let mut token = find(&store, caller.resolve(&id))?.clone();
    let request = parse_body(&body)?;

    token.name = request.name;
    token.permissions = request.permissions;
    if let Some(blocks) = request.allowed_cidr_blocks {
        token.allowed_cidr_blocks = blocks;
    }
    token.updated_at = Some(timefmt::now());
    token.updated_by = Some(actor(&caller));
    store.replace_token(token.clone())?;
    Ok(json(TokenView::without_value(&token)))
}

/// `POST /api-tokens/{id}/rotate`: a new secret; the old one stops working.
pub async fn rotate(
    State(state): State<Arc<EmulatorState>>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    caller.require(TOKEN_MODIFY)?;
    let mut store = state.store();
    let mut token = find(&store, caller.resolve(&id))?.clone();
    token.value = random::token_value();
    token.rotated_at = Some(timefmt::now());
    store.replace_token(token.clone())?;
    Ok(json(TokenView::with_value(&token)))
}

/// `DELETE /api-tokens/{id}`: 204 with no body.
pub async fn delete(
    State(state): State<Arc<EmulatorState>>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    caller.require(TOKEN_MODIFY)?;
    let mut store = state.store();
    let id = caller.resolve(&id);
    match store.remove_token(id) {
        Some(_) => Ok(StatusCode::NO_CONTENT),
        None => Err(not_found(id)),
    }
}

fn find<'a>(store: &'a Store, id: &str) -> Result<&'a Token, ApiError> {
    store.token(id).ok_or_else(|| not_found(id))
}

fn not_found(id: &str) -> ApiError {
    ApiError::not_found(format!("api token {id} not found"))
}

/// The actor a write records: this emulator only knows calling tokens.
fn actor(caller: &Caller) -> Actor {
    Actor {
        id: "api-token".into(),
        kind: caller.token_id.clone(),
    }
}

/// Parses and checks a create or update body, as 400 on any problem.
fn parse_body(body: &[u8]) -> Result<ModifyApiToken, ApiError> {
    let request: ModifyApiToken = serde_json::from_slice(body)
        .map_err(|error| ApiError::bad_request(format!("invalid request body: {error}")))?;
    if request.name.trim().is_empty() {
        return Err(ApiError::bad_request("name must not be empty"));
    }
    permissions::check_all(&request.permissions)
        .map_err(|error| ApiError::bad_request(error.to_string()))?;
    for block in request.allowed_cidr_blocks.iter().flatten() {
        check_cidr(block)?;
    }
    Ok(request)
}

/// Accepts IPv4 CIDR blocks such as `10.0.0.0/8`, as Panther does.
fn check_cidr(block: &str) -> Result<(), ApiError> {
    let valid = block.split_once('/').is_some_and(|(address, prefix)| {
        address.parse::<Ipv4Addr>().is_ok() && prefix.parse::<u8>().is_ok_and(|bits| bits <= 32)
    });
    if valid {
        Ok(())
    } else {
        Err(ApiError::bad_request(format!(
            "{block:?} is not an IPv4 CIDR block"
        )))
    }
}
