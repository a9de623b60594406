//! What happens to every API request before its handler: it is counted,
//! delayed by the configured latency, and checked against the faults in
//! force, which may answer in the handler's place or spoil its answer.
//!
//! Control requests (`/__emulator/...`) bypass all of this, so a test can
//! always clear a fault it set.

use std::sync::Arc;
use std::time::Duration;

use axum::body::{to_bytes, Body};
use axum::extract::{MatchedPath, Request, State};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE, RETRY_AFTER};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;
use tokio::sync::Notify;

use crate::faults::{FaultKind, FaultSpec};
use crate::state::EmulatorState;

/// Lets a request close its own connection without answering; the
/// connection task in `server` waits on it.
#[derive(Clone, Debug, Default)]
pub struct ConnectionKill(pub Arc<Notify>);

/// Largest body `truncate` buffers; API answers are far smaller.
const TRUNCATE_BUFFER_LIMIT: usize = 64 * 1024 * 1024;

/// The middleware every API route runs through.
pub async fn api(
    State(state): State<Arc<EmulatorState>>,
    request: Request,
    next: Next,
) -> Response {
    count(&state, &request);

    let latency = state.latency_ms();
    if latency > 0 {
        tokio::time::sleep(Duration::from_millis(latency)).await;
    }

    let fault = state.faults().take(request.uri().path());
    match fault {
        Some(fault) => apply(fault, request, next).await,
        None => next.run(request).await,
    }
}

fn count(state: &EmulatorState, request: &Request) {
    // NOTE: axum sets the matched path before route layers run; unknown
    // paths reach the fallback instead and are not counted.
    if let Some(path) = request.extensions().get::<MatchedPath>() {
        let method = request.method().as_str();
        state.counters().record_request(method, path.as_str());
    }
}

async fn apply(fault: FaultSpec, request: Request, next: Next) -> Response {
    match fault.kind {
        FaultKind::Status => status_answer(&fault),
        FaultKind::Html => html_answer(&fault),
        FaultKind::Delay => {
            let delay = fault.delay_ms.unwrap_or(2000);
            tokio::time::sleep(Duration::from_millis(delay)).await;
            next.run(request).await
        }
        FaultKind::Truncate => truncate(next.run(request).await).await,
        FaultKind::ContentType => {
            let kind = fault.content_type.as_deref().unwrap_or("text/html");
            relabel(next.run(request).await, kind)
        }
        FaultKind::Drop => {
            let kill = request.extensions().get::<ConnectionKill>().cloned();
            drop_connection(kill).await
        }
    }
}

/// A JSON error, as the API itself would send for a 429 or a 5xx.
fn status_answer(fault: &FaultSpec) -> Response {
    let status = status_or(fault.status, StatusCode::SERVICE_UNAVAILABLE);
    let reason = status.canonical_reason().unwrap_or("Error");
    let body = json!({ "message": format!("{reason} (fault injected by the emulator)") });
    with_retry_after((status, Json(body)).into_response(), fault)
}

/// An HTML page, as a load balancer in front of the API would send.
fn html_answer(fault: &FaultSpec) -> Response {
    let status = status_or(fault.status, StatusCode::BAD_GATEWAY);
    let title = format!(
        "{} {}",
        status.as_u16(),
        status.canonical_reason().unwrap_or("Error")
    );
    let page = format!(
        "<html>\r\n<head><title>{title}</title></head>\r\n\
         <body>\r\n<center><h1>{title}</h1></center>\r\n</body>\r\n</html>\r\n"
    );
    let headers = [(CONTENT_TYPE, "text/html")];
    with_retry_after((status, headers, page).into_response(), fault)
}

fn status_or(status: Option<u16>, default: StatusCode) -> StatusCode {
    // NOTE: `FaultSpec::check` keeps statuses within 100..=599.
    status
        .and_then(|code| StatusCode::from_u16(code).ok())
        .unwrap_or(default)
}

fn with_retry_after(mut response: Response, fault: &FaultSpec) -> Response {
    let value = fault.retry_after.as_ref().map(|retry| retry.header_value());
    if let Some(value) = value.and_then(|text| HeaderValue::from_str(&text).ok()) {
        response.headers_mut().insert(RETRY_AFTER, value);
    }
    response
}

/// The real answer with only the first half of its body.
async fn truncate(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = match to_bytes(body, TRUNCATE_BUFFER_LIMIT).await {
        Ok(bytes) => bytes,
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    let half = bytes.slice(..bytes.len() / 2);
    // The old length would make the client wait for bytes never sent.
    parts.headers.remove(CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(half))
}

/// The real answer under another content type.
fn relabel(mut response: Response, content_type: &str) -> Response {
    if let Ok(value) = HeaderValue::from_str(content_type) {
        response.headers_mut().insert(CONTENT_TYPE, value);
    }
    response
}

/// Closes the connection and never answers.
async fn drop_connection(kill: Option<ConnectionKill>) -> Response {
    let Some(kill) = kill else {
        // Only reachable when the router is served by something other
        // than `server`; a bare 502 is the closest stand-in.
        return StatusCode::BAD_GATEWAY.into_response();
    };
    kill.0.notify_one();
    std::future::pending().await
}
