//! Shared pieces of the client's fake-server tests.
//!
//! Each test starts its own `wiremock` server on 127.0.0.1 with a random
//! port, so tests run in parallel without sharing state. Clients built here
//! retry with millisecond backoff: the tests count attempts and never
//! measure time.

#![allow(dead_code)] // each test file uses a different subset

use std::time::Duration;

use serde_json::{json, Value};
use terraform_provider_panther::client::{ApiKey, ClientOptions, Endpoint, PantherClient};
use wiremock::{MockServer, Request, ResponseTemplate};

/// A key distinctive enough that finding it in any output is a leak.
pub const KEY: &str = "pk-test-7f3a9c-DO-NOT-PRINT";

/// A fresh fake server of its own, on 127.0.0.1.
pub async fn server() -> MockServer {
    MockServer::builder().start().await
}

/// Options that keep failing tests short without any timed assertion.
pub fn fast_options() -> ClientOptions {
    ClientOptions {
        request_timeout: Duration::from_secs(5),
        max_attempts: 4,
        max_retry_time: Duration::from_secs(10),
        ca_certificate_pem: None,
    }
}

/// A client for the server's REST base, with fast backoff.
pub fn client(server: &MockServer) -> PantherClient {
    client_with(&server.uri(), &fast_options())
}

/// A client for any address and options, with fast backoff.
pub fn client_with(url: &str, options: &ClientOptions) -> PantherClient {
    let endpoint = Endpoint::parse(url).expect("test address parses");
    PantherClient::new(endpoint, ApiKey::new(KEY), options)
        .expect("client builds")
        .with_backoff(Duration::from_millis(1), Duration::from_millis(5))
}

/// A JSON answer with Panther's content type.
pub fn json_response(status: u16, body: Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(body)
}

/// A REST user as `GET /users` returns it.
pub fn rest_user(id: &str, email: &str) -> Value {
    json!({
        "id": id,
        "email": email,
        "givenName": "Ada",
        "familyName": "Lovelace",
        "enabled": true,
        "status": "CONFIRMED",
        "role": {"id": "role-admin", "name": "Admin"},
        "createdAt": "2024-11-14T17:09:49.841715953Z",
        "lastLoggedInAt": null
    })
}

/// A REST role as `GET /roles` returns it.
pub fn rest_role(id: &str, name: &str) -> Value {
    json!({
        "id": id,
        "name": name,
        "permissions": ["UserRead", "OrganizationAPITokenModify"],
        "logTypeAccessKind": "ALLOW_ALL",
        "createdAt": "2024-01-02T03:04:05Z",
        "updatedAt": "2024-06-07T08:09:10.5Z"
    })
}

/// The query parameters of a recorded request, in order.
pub fn query_pairs(request: &Request) -> Vec<(String, String)> {
    request
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// Every request the server has seen.
pub async fn requests(server: &MockServer) -> Vec<Request> {
    server
        .received_requests()
        .await
        .expect("request recording is on by default")
}
