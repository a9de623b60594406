//! When the client asks again: overload statuses and broken connections are
//! retried, `Retry-After` is honoured within the time budget, and answers
//! that will not change (401, 403) are not. Tests count attempts; none
//! measures time.

mod client_support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use client_support::*;
use serde_json::json;
use terraform_provider_panther::client::{ClientOptions, Error};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Answers `first` to the first `times` requests for `route`, then `then`.
async fn fail_then(
    server: &MockServer,
    route: &str,
    first: ResponseTemplate,
    times: u64,
    then: ResponseTemplate,
) {
    Mock::given(path(route))
        .respond_with(first)
        .up_to_n_times(times)
        .with_priority(1)
        .mount(server)
        .await;
    Mock::given(path(route))
        .respond_with(then)
        .with_priority(2)
        .mount(server)
        .await;
}

fn status_after(status: u16, retry_after: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).insert_header("Retry-After", retry_after)
}

fn roles_ok() -> ResponseTemplate {
    json_response(200, json!({"results": [rest_role("r1", "Admin")]}))
}

#[tokio::test]
async fn a_503_with_retry_after_zero_is_retried_until_it_passes() {
    let server = server().await;
    fail_then(&server, "/roles", status_after(503, "0"), 2, roles_ok()).await;

    let roles = client(&server).roles().await.unwrap();

    assert_eq!(roles.len(), 1);
    assert_eq!(requests(&server).await.len(), 3);
}

#[tokio::test]
async fn a_429_with_retry_after_one_second_is_retried_once() {
    let server = server().await;
    fail_then(&server, "/roles", status_after(429, "1"), 1, roles_ok()).await;

    let roles = client(&server).roles().await.unwrap();

    assert_eq!(roles[0].name, "Admin");
    assert_eq!(requests(&server).await.len(), 2);
}

#[tokio::test]
async fn a_retry_after_date_in_the_past_means_retry_now() {
    let server = server().await;
    let past = status_after(504, "Sun, 06 Nov 1994 08:49:37 GMT");
    fail_then(&server, "/roles", past, 1, roles_ok()).await;

    client(&server).roles().await.unwrap();

    assert_eq!(requests(&server).await.len(), 2);
}

#[tokio::test]
async fn a_retry_after_beyond_the_budget_ends_retrying_at_once() {
    let server = server().await;
    fail_then(&server, "/roles", status_after(429, "3600"), 1, roles_ok()).await;

    let err = client(&server).roles().await.unwrap_err();

    assert!(matches!(err, Error::Server { status: 429, .. }), "{err:?}");
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn attempts_stop_at_the_configured_limit() {
    let server = server().await;
    let busy = ResponseTemplate::new(503);
    fail_then(&server, "/roles", busy, 100, roles_ok()).await;
    let options = ClientOptions {
        max_attempts: 3,
        ..fast_options()
    };

    let err = client_with(&server.uri(), &options)
        .roles()
        .await
        .unwrap_err();

    assert!(matches!(err, Error::Server { status: 503, .. }), "{err:?}");
    assert_eq!(requests(&server).await.len(), 3);
}

#[tokio::test]
async fn one_attempt_means_no_retry() {
    let server = server().await;
    fail_then(&server, "/roles", status_after(503, "0"), 1, roles_ok()).await;
    let options = ClientOptions {
        max_attempts: 1,
        ..fast_options()
    };

    let err = client_with(&server.uri(), &options)
        .roles()
        .await
        .unwrap_err();

    assert!(err.is_retryable());
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn neither_401_nor_403_is_retried_even_with_retry_after() {
    for status in [401, 403] {
        let server = server().await;
        let refused = status_after(status, "0");
        fail_then(&server, "/roles", refused, 1, roles_ok()).await;

        let err = client(&server).roles().await.unwrap_err();

        assert!(!err.is_retryable(), "{err:?}");
        assert_eq!(requests(&server).await.len(), 1, "status {status}");
    }
}

#[tokio::test]
async fn each_page_gets_its_own_retries() {
    let server = server().await;
    let first = json!({"results": [rest_user("u1", "a@x.io")], "next": "c2"});
    let last = json!({"results": [rest_user("u2", "b@x.io")], "next": null});
    Mock::given(path("/users"))
        .and(wiremock::matchers::query_param_is_missing("cursor"))
        .respond_with(json_response(200, first))
        .mount(&server)
        .await;
    Mock::given(path("/users"))
        .and(wiremock::matchers::query_param("cursor", "c2"))
        .respond_with(status_after(503, "0"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(path("/users"))
        .and(wiremock::matchers::query_param("cursor", "c2"))
        .respond_with(json_response(200, last))
        .with_priority(2)
        .mount(&server)
        .await;

    let users = client(&server).users_rest().await.unwrap();

    assert_eq!(users.len(), 2);
    assert_eq!(requests(&server).await.len(), 3);
}

#[tokio::test]
async fn a_connection_dropped_before_the_answer_is_retried() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    tokio::spawn(drop_first_then_answer(listener, accepted.clone()));

    let client = client_with(&format!("http://{address}"), &fast_options());
    let roles = client.roles().await.unwrap();

    assert_eq!(roles.len(), 1);
    assert_eq!(accepted.load(Ordering::SeqCst), 2);
}

/// A bare HTTP server whose first connection is closed unanswered and
/// whose later ones get one list of roles each.
async fn drop_first_then_answer(listener: TcpListener, accepted: Arc<AtomicUsize>) {
    let body = json!({"results": [rest_role("r1", "Admin")]}).to_string();
    loop {
        let Ok((mut socket, _)) = listener.accept().await else {
            return;
        };
        if accepted.fetch_add(1, Ordering::SeqCst) == 0 {
            drop(socket);
            continue;
        }
        let mut request = vec![0; 4096];
        let _ = socket.read(&mut request).await;
        let answer = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
             content-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        let _ = socket.write_all(answer.as_bytes()).await;
        let _ = socket.shutdown().await;
    }
}

#[tokio::test]
async fn a_backoff_longer_than_the_budget_ends_retrying_at_once() {
    // With a one-hour backoff and no Retry-After, the first wait already
    // exceeds the ten-second budget, so only one attempt is made.
    let server = server().await;
    fail_then(&server, "/roles", ResponseTemplate::new(502), 5, roles_ok()).await;
    let client = client(&server).with_backoff(Duration::from_secs(3600), Duration::from_secs(3600));

    let err = client.roles().await.unwrap_err();

    assert!(matches!(err, Error::Server { status: 502, .. }), "{err:?}");
    assert_eq!(requests(&server).await.len(), 1);
}
