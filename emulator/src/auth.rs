//! Who is calling: the `X-API-Key` header checked against the tokens, and
//! the permissions that token holds.
//!
//! As at Panther's gateway, a missing, unknown, revoked or expired key is a
//! 401 before anything else is looked at. Answers never repeat the key.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use crate::error::ApiError;
use crate::options::ForbiddenStyle;
use crate::state::EmulatorState;
use crate::timefmt;

/// The header Panther reads the token from.
pub const API_KEY_HEADER: &str = "x-api-key";

/// The token behind an authenticated request.
#[derive(Clone, Debug)]
pub struct Caller {
    pub token_id: String,
    pub permissions: Vec<String>,
    style: ForbiddenStyle,
}

impl Caller {
    /// Whether the calling token holds a permission.
    pub fn holds(&self, permission: &str) -> bool {
        self.permissions.iter().any(|held| held == permission)
    }

    /// A REST 403 unless the token holds `permission`.
    pub fn require(&self, permission: &'static str) -> Result<(), ApiError> {
        if self.holds(permission) {
            return Ok(());
        }
        Err(ApiError::Forbidden {
            style: self.style,
            permission,
        })
    }

    /// The token id a path names: `self` stands for the caller's own.
    pub fn resolve<'a>(&'a self, id: &'a str) -> &'a str {
        if id == "self" {
            &self.token_id
        } else {
            id
        }
    }
}

impl FromRequestParts<Arc<EmulatorState>> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<EmulatorState>,
    ) -> Result<Caller, ApiError> {
        let key = parts
            .headers
            .get(API_KEY_HEADER)
            .and_then(|value| value.to_str().ok());
        authenticate(state, key)
    }
}

/// Finds the token for a key and records that it was used.
pub fn authenticate(state: &EmulatorState, key: Option<&str>) -> Result<Caller, ApiError> {
    let Some(key) = key.map(str::trim).filter(|key| !key.is_empty()) else {
        return Err(unauthorized("no API key was sent in the X-API-Key header"));
    };
    let mut store = state.store();
    let Some(token) = store.token_by_value(key) else {
        return Err(unauthorized("the API key is not valid"));
    };
    if token.revoked {
        return Err(unauthorized("the API key has been revoked"));
    }
    if token.expires_at.as_deref().is_some_and(timefmt::is_past) {
        return Err(unauthorized("the API key has expired"));
    }
    let caller = Caller {
        token_id: token.id.clone(),
        permissions: token.permissions.clone(),
        style: state.forbidden_style(),
    };
    if let Some(token) = store.token_mut(&caller.token_id) {
        token.last_used_at = Some(timefmt::now());
    }
    Ok(caller)
}

fn unauthorized(reason: &str) -> ApiError {
    ApiError::Unauthorized(format!("Unauthorized: {reason}"))
}
