//! `GET /users` and `GET /users/{id}`.
//!
//! Lists are served in creation order (then id) and paged with an opaque
//! cursor that names the last user of the page, so a page boundary stays
//! put while users are added or removed elsewhere in the list.

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::Json;
use serde::Serialize;

use super::{contains_ignoring_case, json, ListResp, QueryParams};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::fixture::User;
use crate::permissions::USER_READ;
use crate::state::EmulatorState;
use crate::store::UserKey;

/// Panther's page size: the default and the most one request may ask for.
const MAX_LIMIT: usize = 60;

/// A user as REST answers it.
///
/// NOTE: `openapi.yaml` makes `givenName` and `familyName` required
/// strings, so a missing name is sent as "" rather than null, and a
/// missing `lastLoggedInAt` is left out.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserView<'a> {
    id: &'a str,
    email: &'a str,
    given_name: &'a str,
    family_name: &'a str,
    enabled: bool,
    status: &'a str,
    created_at: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_logged_in_at: Option<&'a str>,
    role: RoleRefView<'a>,
}

#[derive(Serialize)]
struct RoleRefView<'a> {
    id: &'a str,
    name: &'a str,
}

impl<'a> From<&'a User> for UserView<'a> {
    fn from(user: &'a User) -> UserView<'a> {
        UserView {
            id: &user.id,
            email: &user.email,
            given_name: user.given_name.as_deref().unwrap_or_default(),
            family_name: user.family_name.as_deref().unwrap_or_default(),
            enabled: user.enabled,
            status: &user.status,
            created_at: &user.created_at,
            last_logged_in_at: user.last_logged_in_at.as_deref(),
            role: RoleRefView {
                id: &user.role.id,
                name: &user.role.name,
            },
        }
    }
}

/// `GET /users`.
pub async fn list(
    State(state): State<Arc<EmulatorState>>,
    caller: Caller,
    RawQuery(raw): RawQuery,
) -> Result<Json<serde_json::Value>, ApiError> {
    caller.require(USER_READ)?;
    let query = QueryParams::parse(raw.as_deref());
    let store = state.store();

    // The spec says an email match is exact and ignores every other
    // parameter. Exact is read strictly, letter case included, so a client
    // that passes here also works against a Panther that reads it so.
    if let Some(email) = query.first("email") {
        let results: Vec<UserView> = store
            .user_by_email(email)
            .filter(|user| user.email == email)
            .map(UserView::from)
            .into_iter()
            .collect();
        return Ok(json(ListResp {
            results,
            next: None,
        }));
    }

    let filter = UserFilter::from_query(&query)?;
    let limit = parse_limit(query.first("limit"))?;
    let cursor = query.first("cursor").map(decode_cursor).transpose()?;
    let mut matching = store
        .users_after(cursor.as_ref())
        .filter(|(_, user)| filter.matches(user));

    let page: Vec<(&UserKey, &User)> = matching.by_ref().take(limit).collect();
    let more = matching.next().is_some();
    let next = match page.last() {
        Some((key, _)) if more => Some(encode_cursor(key)),
        _ => None,
    };
    let results = page
        .into_iter()
        .map(|(_, user)| UserView::from(user))
        .collect();
    Ok(json(ListResp { results, next }))
}

/// `GET /users/{id}`.
pub async fn get_one(
    State(state): State<Arc<EmulatorState>>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    caller.require(USER_READ)?;
    let store = state.store();
    match store.user(&id) {
        Some(user) => Ok(json(UserView::from(user))),
        None => Err(ApiError::not_found(format!("user {id} not found"))),
    }
}

/// The list filters other than `email`, which short-cuts them all.
struct UserFilter {
    include_deactivated: bool,
    contains: Option<String>,
    status: Option<String>,
    ids: Option<BTreeSet<String>>,
}

impl UserFilter {
    fn from_query(query: &QueryParams) -> Result<UserFilter, ApiError> {
        Ok(UserFilter {
            include_deactivated: query.flag("include-deactivated")?,
            contains: query.first("contains").map(str::to_lowercase),
            status: query.first("status").map(str::to_string),
            ids: query.id_set(),
        })
    }

    fn matches(&self, user: &User) -> bool {
        if !user.enabled && !self.include_deactivated {
            return false;
        }
        if let Some(ids) = &self.ids {
            if !ids.contains(&user.id) {
                return false;
            }
        }
        if let Some(status) = &self.status {
            if &user.status != status {
                return false;
            }
        }
        match &self.contains {
            Some(needle) => {
                contains_ignoring_case(&user.email, needle)
                    || contains_ignoring_case(&user.full_name(), needle)
            }
            None => true,
        }
    }
}

fn parse_limit(text: Option<&str>) -> Result<usize, ApiError> {
    let Some(text) = text else {
        return Ok(MAX_LIMIT);
    };
    match text.parse::<i64>() {
        Ok(limit) if (1..=MAX_LIMIT as i64).contains(&limit) => Ok(limit as usize),
        _ => Err(ApiError::bad_request(format!(
            "limit must be an integer from 1 to {MAX_LIMIT}, got {text:?}"
        ))),
    }
}

/// The cursor is the hex form of the last user's list key, so it reveals
/// nothing useful and needs no extra dependency to encode.
fn encode_cursor((created, id): &UserKey) -> String {
    format!("{created}\n{id}")
        .bytes()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

fn decode_cursor(cursor: &str) -> Result<UserKey, ApiError> {
    let invalid = || ApiError::bad_request("the cursor is not one this API issued");
    if !cursor.len().is_multiple_of(2) || !cursor.is_ascii() {
        return Err(invalid());
    }
    let bytes = (0..cursor.len())
        .step_by(2)
        .map(|at| u8::from_str_radix(&cursor[at..at + 2], 16))
        .collect::<Result<Vec<u8>, _>>()
        .map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let (created, id) = text.split_once('\n').ok_or_else(invalid)?;
    Ok((created.to_string(), id.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_round_trips() {
        let key = (
            "2024-01-01T00:00:00.000000000Z".to_string(),
            "u-1".to_string(),
        );
        assert_eq!(decode_cursor(&encode_cursor(&key)), Ok(key));
    }

    #[test]
    fn a_foreign_cursor_is_a_bad_request() {
        assert!(decode_cursor("not-hex").is_err());
        assert!(decode_cursor("abc").is_err());
    }

    #[test]
    fn limits_outside_one_to_sixty_are_refused() {
        assert_eq!(parse_limit(None), Ok(60));
        assert_eq!(parse_limit(Some("1")), Ok(1));
        assert!(parse_limit(Some("0")).is_err());
        assert!(parse_limit(Some("61")).is_err());
        assert!(parse_limit(Some("ten")).is_err());
    }
}
