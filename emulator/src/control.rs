//! The control API under `/__emulator`: how a test changes the world
//! behind the client's back, injects faults and reads the counters.
//!
//! It takes and returns records in the fixture's format, needs no API key,
//! and is neither counted nor delayed nor faulted. README.md lists it.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::counters::Counters;
use crate::error::ApiError;
use crate::faults::FaultSpec;
use crate::fixture::{Role, Token, User};
use crate::random;
use crate::state::EmulatorState;
use crate::timefmt;

type Shared = State<Arc<EmulatorState>>;
type Answer = Result<(StatusCode, Json<Value>), ApiError>;

/// The most users one `generate` call may add, to keep a typo from
/// exhausting memory.
const MAX_GENERATED: usize = 1_000_000;

/// Control routes, relative to `/__emulator`.
pub fn routes() -> Router<Arc<EmulatorState>> {
    Router::new()
        .route("/users", post(add_user))
        .route("/users/generate", post(generate_users))
        .route(
            "/users/{id}",
            get(get_user).patch(patch_user).delete(delete_user),
        )
        .route("/roles", post(add_role))
        .route(
            "/roles/{id}",
            get(get_role).patch(patch_role).delete(delete_role),
        )
        .route("/tokens", post(add_token))
        .route(
            "/tokens/{id}",
            get(get_token).patch(patch_token).delete(delete_token),
        )
        .route("/tokens/{id}/revoke", post(revoke_token))
        .route("/tokens/{id}/rotate", post(rotate_token))
        .route("/faults", post(add_fault).delete(clear_faults))
        .route("/latency", put(set_latency))
        .route("/counters", get(counters).delete(clear_counters))
        .route("/reset", post(reset))
}

async fn add_user(State(state): Shared, body: Bytes) -> Answer {
    let mut record = object(&body)?;
    fill(&mut record, "id", || json!(random::uuid()));
    fill(&mut record, "createdAt", || json!(timefmt::now()));
    fill(&mut record, "enabled", || json!(true));
    fill(&mut record, "status", || json!("CONFIRMED"));
    let user: User = decode(Value::Object(record))?;
    let id = user.id.clone();
    let mut store = state.store();
    store.insert_user(user)?;
    created(store.user(&id))
}

async fn get_user(State(state): Shared, Path(id): Path<String>) -> Answer {
    let store = state.store();
    found(store.user(&id), "user", &id)
}

async fn patch_user(State(state): Shared, Path(id): Path<String>, body: Bytes) -> Answer {
    let mut store = state.store();
    let current = store.user(&id).ok_or_else(|| missing("user", &id))?;
    let user: User = merge(current, &id, &body)?;
    store.replace_user(user)?;
    found(store.user(&id), "user", &id)
}

async fn delete_user(State(state): Shared, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    match state.store().remove_user(&id) {
        Some(_) => Ok(StatusCode::NO_CONTENT),
        None => Err(missing("user", &id)),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GenerateRequest {
    count: usize,
}

async fn generate_users(State(state): Shared, body: Bytes) -> Answer {
    let request: GenerateRequest = decode(parse(&body)?)?;
    if request.count > MAX_GENERATED {
        let text = format!("count may be at most {MAX_GENERATED}");
        return Err(ApiError::bad_request(text));
    }
    let mut store = state.store();
    store.generate_users(request.count)?;
    let body = json!({ "added": request.count, "users": store.user_count() });
    Ok((StatusCode::CREATED, Json(body)))
}

async fn add_role(State(state): Shared, body: Bytes) -> Answer {
    let mut record = object(&body)?;
    let now = timefmt::now();
    fill(&mut record, "id", || json!(random::uuid()));
    fill(&mut record, "createdAt", || json!(now));
    fill(&mut record, "updatedAt", || json!(now));
    fill(&mut record, "logTypeAccessKind", || json!("ALLOW_ALL"));
    fill(&mut record, "permissions", || json!([]));
    let role: Role = decode(Value::Object(record))?;
    let id = role.id.clone();
    let mut store = state.store();
    store.insert_role(role)?;
    created(store.role(&id))
}

async fn get_role(State(state): Shared, Path(id): Path<String>) -> Answer {
    let store = state.store();
    found(store.role(&id), "role", &id)
}

/// Changes a role; `updatedAt` moves unless the patch sets it.
async fn patch_role(State(state): Shared, Path(id): Path<String>, body: Bytes) -> Answer {
    let mut store = state.store();
    let current = store.role(&id).ok_or_else(|| missing("role", &id))?;
    let mut role: Role = merge(current, &id, &body)?;
    if !object(&body)?.contains_key("updatedAt") {
        role.updated_at = timefmt::now();
    }
    store.replace_role(role)?;
    found(store.role(&id), "role", &id)
}

async fn delete_role(State(state): Shared, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    state.store().remove_role(&id)?;
    Ok(StatusCode::NO_CONTENT)
}

async fn add_token(State(state): Shared, body: Bytes) -> Answer {
    let mut record = object(&body)?;
    fill(&mut record, "id", || json!(random::uuid()));
    fill(&mut record, "value", || json!(random::token_value()));
    fill(&mut record, "createdAt", || json!(timefmt::now()));
    fill(&mut record, "permissions", || json!([]));
    let token: Token = decode(Value::Object(record))?;
    let id = token.id.clone();
    let mut store = state.store();
    store.insert_token(token)?;
    created(store.token(&id))
}

async fn get_token(State(state): Shared, Path(id): Path<String>) -> Answer {
    let store = state.store();
    found(store.token(&id), "token", &id)
}

async fn patch_token(State(state): Shared, Path(id): Path<String>, body: Bytes) -> Answer {
    let mut store = state.store();
    let current = store.token(&id).ok_or_else(|| missing("token", &id))?;
    let token: Token = merge(current, &id, &body)?;
    store.replace_token(token)?;
    found(store.token(&id), "token", &id)
}

async fn delete_token(
    State(state): Shared,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    match state.store().remove_token(&id) {
        Some(_) => Ok(StatusCode::NO_CONTENT),
        None => Err(missing("token", &id)),
    }
}

/// Makes the token's value stop working; the token stays listed.
async fn revoke_token(State(state): Shared, Path(id): Path<String>) -> Answer {
    let mut store = state.store();
    let token = store.token_mut(&id).ok_or_else(|| missing("token", &id))?;
    token.revoked = true;
    found(store.token(&id), "token", &id)
}

/// Gives the token a new value, as a rotation in the console would.
async fn rotate_token(State(state): Shared, Path(id): Path<String>) -> Answer {
    let mut store = state.store();
    let mut token = store
        .token(&id)
        .ok_or_else(|| missing("token", &id))?
        .clone();
    token.value = random::token_value();
    token.rotated_at = Some(timefmt::now());
    let value = token.value.clone();
    store.replace_token(token)?;
    Ok((StatusCode::OK, Json(json!({ "value": value }))))
}

async fn add_fault(State(state): Shared, body: Bytes) -> Answer {
    let spec: FaultSpec = decode(parse(&body)?)?;
    let active = state.faults().add(spec).map_err(ApiError::BadRequest)?;
    Ok((StatusCode::CREATED, Json(json!({ "active": active }))))
}

async fn clear_faults(State(state): Shared) -> StatusCode {
    state.faults().clear();
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LatencyRequest {
    ms: u64,
}

async fn set_latency(State(state): Shared, body: Bytes) -> Answer {
    let request: LatencyRequest = decode(parse(&body)?)?;
    state.set_latency_ms(request.ms);
    Ok((StatusCode::OK, Json(json!({ "ms": request.ms }))))
}

async fn counters(State(state): Shared) -> Json<Counters> {
    Json(state.counters_snapshot())
}

async fn clear_counters(State(state): Shared) -> StatusCode {
    *state.counters() = Counters::default();
    StatusCode::NO_CONTENT
}

async fn reset(State(state): Shared) -> Result<StatusCode, ApiError> {
    state
        .reset()
        .map_err(|error| ApiError::Conflict(format!("{error:#}")))?;
    Ok(StatusCode::NO_CONTENT)
}

/// Applies a patch: the fields it names replace the stored ones, `null`
/// included (so `"expiresAt": null` makes a token never expire).
fn merge<T: Serialize + DeserializeOwned>(
    current: &T,
    id: &str,
    body: &[u8],
) -> Result<T, ApiError> {
    let patch = object(body)?;
    if patch.get("id").is_some_and(|new_id| new_id != id) {
        return Err(ApiError::bad_request("the id of a record cannot change"));
    }
    // NOTE: records are plain structs of strings and lists, which always
    // serialize to a JSON object.
    let Ok(Value::Object(mut record)) = serde_json::to_value(current) else {
        unreachable!("records serialize to JSON objects");
    };
    record.extend(patch);
    decode(Value::Object(record))
}

fn parse(body: &[u8]) -> Result<Value, ApiError> {
    serde_json::from_slice(body)
        .map_err(|error| ApiError::bad_request(format!("the body is not JSON: {error}")))
}

fn object(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    match parse(body)? {
        Value::Object(map) => Ok(map),
        _ => Err(ApiError::bad_request("the body must be a JSON object")),
    }
}

fn decode<T: DeserializeOwned>(value: Value) -> Result<T, ApiError> {
    serde_json::from_value(value)
        .map_err(|error| ApiError::bad_request(format!("the record is not valid: {error}")))
}

/// Sets a field the caller left out (or sent as null) to its default.
fn fill(record: &mut Map<String, Value>, field: &str, default: impl FnOnce() -> Value) {
    if record.get(field).is_none_or(Value::is_null) {
        record.insert(field.to_string(), default());
    }
}

fn created<T: Serialize>(record: Option<&T>) -> Answer {
    let (_, body) = found(record, "record", "")?;
    Ok((StatusCode::CREATED, body))
}

fn found<T: Serialize>(record: Option<&T>, kind: &str, id: &str) -> Answer {
    let record = record.ok_or_else(|| missing(kind, id))?;
    let body = serde_json::to_value(record).expect("records serialize");
    Ok((StatusCode::OK, Json(body)))
}

fn missing(kind: &str, id: &str) -> ApiError {
    ApiError::not_found(format!("no {kind} has the id {id:?}"))
}
