//! Each default token against each route: allowed exactly when it holds the
//! permission the digest's table names, 401 when the key is not accepted.

use panther_emulator::{Fixture, ForbiddenStyle, Options};
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{key, role_id, start, start_with, user_id, Harness};

const USER_READ: &str = "UserRead";
const SETTINGS_READ: &str = "GeneralSettingsRead";
const TOKEN_READ: &str = "OrganizationAPITokenRead";
const TOKEN_MODIFY: &str = "OrganizationAPITokenModify";

/// The tokens that Panther accepts, and the one it no longer does.
const LIVE_TOKENS: [&str; 5] = [
    "integration",
    "admin",
    "no-token-read",
    "expiring",
    "token-manager",
];

struct Route {
    method: Method,
    path: String,
    body: Option<Value>,
    permission: &'static str,
}

fn route(method: Method, path: impl Into<String>, permission: &'static str) -> Route {
    Route {
        method,
        path: path.into(),
        body: None,
        permission,
    }
}

/// REST routes; writes aim at a `victim` token each run creates, and the
/// delete comes last.
fn rest_routes() -> Vec<Route> {
    let alice = user_id("alice.nakamura@example.com");
    let admin_role = role_id("Admin");
    let change = json!({ "name": "victim", "permissions": ["UserRead"] });
    let mut routes = vec![
        route(Method::GET, "/users", USER_READ),
        route(Method::GET, format!("/users/{alice}"), USER_READ),
        route(Method::GET, "/roles", USER_READ),
        route(Method::GET, format!("/roles/{admin_role}"), USER_READ),
        route(Method::GET, "/api-tokens", TOKEN_READ),
        route(Method::GET, "/api-tokens/self", TOKEN_READ),
        route(Method::GET, "/api-tokens/integration", TOKEN_READ),
        route(Method::POST, "/api-tokens", TOKEN_MODIFY),
        route(Method::POST, "/api-tokens/victim", TOKEN_MODIFY),
        route(Method::POST, "/api-tokens/victim/rotate", TOKEN_MODIFY),
        route(Method::DELETE, "/api-tokens/victim", TOKEN_MODIFY),
    ];
    routes[7].body = Some(change.clone());
    routes[8].body = Some(change);
    routes
}

/// GraphQL root fields and the permission each needs.
fn graphql_fields() -> Vec<(&'static str, &'static str)> {
    vec![
        ("{ users { id } }", USER_READ),
        (r#"{ userById(id: "x") { id } }"#, USER_READ),
        (
            r#"{ userByEmail(email: "kai.osei@example.com") { id } }"#,
            USER_READ,
        ),
        ("{ roles { id } }", USER_READ),
        (r#"{ roleById(id: "x") { id } }"#, USER_READ),
        (r#"{ roleByName(name: "Admin") { id } }"#, USER_READ),
        ("{ generalSettings { pantherVersion } }", SETTINGS_READ),
    ]
}

fn holds(token_id: &str, permission: &str) -> bool {
    let fixture = Fixture::default_fixture();
    let token = fixture
        .tokens
        .iter()
        .find(|token| token.id == token_id)
        .unwrap();
    token.permissions.iter().any(|held| held == permission)
}

async fn add_victim(harness: &Harness) {
    let victim = json!({ "id": "victim", "name": "victim", "permissions": ["UserRead"] });
    let reply = harness.control(Method::POST, "/tokens", Some(victim)).await;
    assert_eq!(reply.status, 201, "{:?}", reply.body);
}

#[tokio::test]
async fn each_token_reaches_exactly_the_rest_routes_its_permissions_allow() {
    for token in LIVE_TOKENS {
        let harness = start().await;
        add_victim(&harness).await;
        let secret = key(token);
        for route in rest_routes() {
            let reply = harness
                .call(
                    route.method.clone(),
                    Some(&secret),
                    &route.path,
                    route.body.clone(),
                )
                .await;
            let what = format!("{token}: {} {}", route.method, route.path);
            if holds(token, route.permission) {
                assert!(matches!(reply.status, 200 | 204), "{what}: {reply:?}");
            } else {
                assert_eq!(reply.status, 403, "{what}: {reply:?}");
                assert!(reply.body["message"].is_string(), "{what}");
            }
        }
    }
}

#[tokio::test]
async fn each_token_reaches_exactly_the_graphql_fields_its_permissions_allow() {
    let harness = start().await;
    for token in LIVE_TOKENS {
        let secret = key(token);
        for (query, permission) in graphql_fields() {
            let reply = harness.graphql(&secret, query, json!({})).await;
            assert_eq!(reply.status, 200);
            let first_error = reply.body["errors"][0]["message"].as_str();
            let denied = first_error == Some("access denied");
            assert_eq!(denied, !holds(token, permission), "{token}: {query}");
            if denied {
                assert!(reply.body["data"].is_null(), "{token}: {query}");
            }
        }
    }
}

#[tokio::test]
async fn a_missing_unknown_or_expired_key_is_a_401_everywhere() {
    let harness = start().await;
    let expired = key("expired");
    let keys = [
        None,
        Some("not-a-real-key-0000000000"),
        Some(expired.as_str()),
    ];
    for secret in keys {
        for route in rest_routes() {
            let reply = harness
                .call(
                    route.method.clone(),
                    secret,
                    &route.path,
                    route.body.clone(),
                )
                .await;
            assert_eq!(reply.status, 401, "{secret:?} {}", route.path);
            assert!(reply.body["message"].is_string());
        }
        let body = Some(json!({ "query": "{ users { id } }" }));
        let reply = harness
            .call(Method::POST, secret, "/public/graphql", body)
            .await;
        assert_eq!(reply.status, 401);
        assert!(reply.body["message"].is_string());
    }
}

#[tokio::test]
async fn a_401_never_repeats_the_key_it_refused() {
    let harness = start().await;
    let expired = key("expired");
    let reply = harness.get(&expired, "/users").await;
    assert_eq!(reply.status, 401);
    assert!(!reply.body.to_string().contains(&expired));
}

#[tokio::test]
async fn the_error_style_sends_the_short_forbidden_body() {
    let options = Options {
        forbidden_style: ForbiddenStyle::Error,
        ..Options::default()
    };
    let harness = start_with(options).await;
    let reply = harness.get(&key("no-token-read"), "/api-tokens/self").await;
    assert_eq!(reply.status, 403);
    assert_eq!(reply.body, json!({ "error": "forbidden" }));
}

#[tokio::test]
async fn reading_self_needs_the_token_read_permission() {
    let harness = start().await;
    let reply = harness.get(&key("no-token-read"), "/api-tokens/self").await;
    assert_eq!(reply.status, 403);
    let reply = harness.get(&key("integration"), "/api-tokens/self").await;
    assert_eq!(reply.body["id"], "integration");
    let expected = json!([
        "UserRead",
        "GeneralSettingsRead",
        "OrganizationAPITokenRead"
    ]);
    assert_eq!(reply.body["permissions"], expected);
}
