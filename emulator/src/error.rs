//! Error answers, shaped as Panther sends them: `{"message": "..."}` for
//! 400, 401, 404 and 409, and a 403 in the style the emulator was started
//! with.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::options::ForbiddenStyle;
use crate::store::StoreError;

/// An API or control-API request that cannot be answered normally.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    BadRequest(String),
    Unauthorized(String),
    Forbidden {
        style: ForbiddenStyle,
        permission: &'static str,
    },
    NotFound(String),
    Conflict(String),
}

impl ApiError {
    /// A 400 with this message.
    pub fn bad_request(text: impl Into<String>) -> ApiError {
        ApiError::BadRequest(text.into())
    }

    /// A 404 with this message.
    pub fn not_found(text: impl Into<String>) -> ApiError {
        ApiError::NotFound(text.into())
    }

    fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden { .. } => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
        }
    }

    fn body(&self) -> serde_json::Value {
        match self {
            ApiError::Forbidden {
                style: ForbiddenStyle::Error,
                ..
            } => json!({ "error": "forbidden" }),
            ApiError::Forbidden { permission, .. } => json!({
                "message": format!(
                    "access denied: the API token lacks the {permission} permission"
                )
            }),
            ApiError::BadRequest(text)
            | ApiError::Unauthorized(text)
            | ApiError::NotFound(text)
            | ApiError::Conflict(text) => json!({ "message": text }),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status(), Json(self.body())).into_response()
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> ApiError {
        match error {
            StoreError::NotFound(text) => ApiError::NotFound(text),
            StoreError::Conflict(text) => ApiError::Conflict(text),
            StoreError::Invalid(text) => ApiError::BadRequest(text),
        }
    }
}
