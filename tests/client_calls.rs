//! Each call against its own fake server: the request it sends (method,
//! path, parameters, headers, GraphQL body) and how it reads Panther's
//! answer, including the odd cases the digest lists: nine fractional
//! digits, empty or null names, and SAML role ids that match no role.

mod client_support;

use client_support::*;
use serde_json::{json, Value};
use terraform_provider_panther::client::Error;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer};

/// Serves `body` for `verb` requests to `route`.
async fn serve(server: &MockServer, verb: &str, route: &str, body: Value) {
    Mock::given(method(verb))
        .and(path(route))
        .respond_with(json_response(200, body))
        .mount(server)
        .await;
}

fn graphql_user(id: &str, email: &str, role_id: &str) -> Value {
    json!({
        "id": id, "email": email, "givenName": null, "familyName": null,
        "enabled": true, "status": "CONFIRMED",
        "createdAt": "2024-11-14T17:09:49.841715953Z",
        "lastLoggedInAt": "2025-01-02T03:04:05.123Z",
        "role": {
            "id": role_id, "name": "Analyst",
            "permissions": ["AlertRead", "UserRead"]
        }
    })
}

#[tokio::test]
async fn every_request_carries_the_key_and_the_user_agent() {
    let server = server().await;
    let agent = concat!("terraform-provider-panther/", env!("CARGO_PKG_VERSION"));
    Mock::given(header("X-API-Key", KEY))
        .and(header("User-Agent", agent))
        .and(path("/roles"))
        .respond_with(json_response(200, json!({"results": []})))
        .mount(&server)
        .await;
    Mock::given(header("X-API-Key", KEY))
        .and(header("User-Agent", agent))
        .and(path("/public/graphql"))
        .respond_with(json_response(
            200,
            json!({"data": {"generalSettings": {"pantherVersion": "v1"}}}),
        ))
        .mount(&server)
        .await;
    let client = client(&server);

    client.roles().await.unwrap();
    client.panther_version().await.unwrap();
}

#[tokio::test]
async fn graphql_users_is_one_post_that_selects_role_permissions() {
    let server = server().await;
    let body = json!({"data": {"users": [
        graphql_user("u1", "a@example.com", "Analyst (SAML Default)"),
        graphql_user("u2", "b@example.com", "role-2"),
    ]}});
    serve(&server, "POST", "/public/graphql", body).await;

    let users = client(&server).users_graphql().await.unwrap();

    let seen = requests(&server).await;
    assert_eq!(seen.len(), 1);
    let sent: Value = serde_json::from_slice(&seen[0].body).unwrap();
    let query = sent["query"].as_str().unwrap();
    assert!(query.contains("users {"), "{query}");
    assert!(query.contains("role { id name permissions }"), "{query}");
    assert_eq!(sent["variables"], json!({}));
    let content_type = seen[0].headers.get("content-type").unwrap();
    assert_eq!(content_type, "application/json");

    assert_eq!(users.len(), 2);
    assert_eq!(users[0].given_name, None);
    assert_eq!(users[0].role.id, "Analyst (SAML Default)");
    assert_eq!(
        users[0].role.permissions.as_deref(),
        Some(&["AlertRead".to_owned(), "UserRead".to_owned()][..])
    );
}

#[tokio::test]
async fn a_self_hosted_prefix_is_kept_for_rest_and_graphql() {
    let server = server().await;
    serve(&server, "GET", "/v1/roles", json!({"results": []})).await;
    let version = json!({"data": {"generalSettings": {"pantherVersion": null}}});
    serve(&server, "POST", "/v1/public/graphql", version).await;
    let url = format!("{}/v1/public/graphql", server.uri());
    let client = client_with(&url, &fast_options());

    assert!(client.roles().await.unwrap().is_empty());
    assert_eq!(client.panther_version().await.unwrap(), None);
}

#[tokio::test]
async fn the_panther_version_is_read_from_general_settings() {
    let server = server().await;
    let body = json!({"data": {"generalSettings": {"pantherVersion": "1.110.2"}}});
    serve(&server, "POST", "/public/graphql", body).await;

    let version = client(&server).panther_version().await.unwrap();

    assert_eq!(version.as_deref(), Some("1.110.2"));
}

#[tokio::test]
async fn the_own_token_is_read_with_its_timestamps_and_actors() {
    let server = server().await;
    let body = json!({
        "id": "tok-1", "name": "access-review",
        "permissions": ["UserRead", "GeneralSettingsRead"],
        "allowedCIDRBlocks": [],
        "createdAt": "2024-11-14T17:09:49.841715953Z",
        "createdBy": {"id": "user", "type": "e5b1"},
        "updatedBy": null,
        "expiresAt": null,
        "lastUsedAt": "2024-11-15T00:00:00Z"
    });
    serve(&server, "GET", "/api-tokens/self", body).await;

    let token = client(&server).own_token().await.unwrap();

    let created = token.created_at.unwrap();
    assert_eq!(created.as_str(), "2024-11-14T17:09:49.841715953Z");
    assert_eq!(created.instant().nanosecond(), 841_715_953);
    assert!(token.last_used_at.unwrap() > created);
    assert_eq!(token.expires_at, None);
    assert_eq!(token.permissions, ["UserRead", "GeneralSettingsRead"]);
    assert_eq!(token.created_by.unwrap().id.as_deref(), Some("user"));
    assert_eq!(token.updated_by, None);
}

#[tokio::test]
async fn rest_users_with_empty_names_read_them_as_none() {
    let server = server().await;
    let mut user = rest_user("u1", "a@example.com");
    user["givenName"] = json!("");
    user["familyName"] = json!(null);
    user["role"] = json!({"id": "Analyst (SAML Default)", "name": "Analyst"});
    serve(&server, "GET", "/users", json!({"results": [user]})).await;

    let users = client(&server).users_rest().await.unwrap();

    assert_eq!(users[0].given_name, None);
    assert_eq!(users[0].family_name, None);
    assert_eq!(users[0].role.id, "Analyst (SAML Default)");
    assert_eq!(users[0].role.permissions, None);
    assert_eq!(users[0].last_logged_in_at, None);
}

#[tokio::test]
async fn a_user_is_found_by_email_in_any_letter_case_among_deactivated_users_too() {
    let server = server().await;
    let body = json!({"results": [
        rest_user("u1", "devops@example.com"),
        rest_user("u2", "Ops@Example.com"),
    ]});
    Mock::given(path("/users"))
        .and(query_param("contains", "ops@example.com"))
        .and(query_param("include-deactivated", "true"))
        .respond_with(json_response(200, body))
        .mount(&server)
        .await;

    let user = client(&server)
        .user_by_email("ops@example.com")
        .await
        .unwrap();

    assert_eq!(user.id, "u2");
}

#[tokio::test]
async fn an_email_that_matches_nobody_is_not_found() {
    let server = server().await;
    serve(&server, "GET", "/users", json!({"results": []})).await;

    let err = client(&server).user_by_email("gone@example.com").await;

    assert_eq!(
        err.unwrap_err().to_string(),
        "looking up a Panther user: no user with email gone@example.com \
         exists in Panther"
    );
}

#[tokio::test]
async fn a_user_is_found_by_id_in_an_encoded_path() {
    let server = server().await;
    let user = rest_user("a/b c", "a@example.com");
    serve(&server, "GET", "/users/a%2Fb%20c", user).await;

    let found = client(&server).user_by_id("a/b c").await.unwrap();

    assert_eq!(found.id, "a/b c");
}

#[tokio::test]
async fn a_saml_role_id_can_be_looked_up_as_a_path_segment() {
    let server = server().await;
    let role = rest_role("Analyst (SAML Default)", "Analyst");
    serve(&server, "GET", "/roles/Analyst%20(SAML%20Default)", role).await;

    let found = client(&server)
        .role_by_id("Analyst (SAML Default)")
        .await
        .unwrap();

    assert_eq!(found.name, "Analyst");
}

#[tokio::test]
async fn a_role_is_found_by_name_and_missing_names_are_not_found() {
    let server = server().await;
    Mock::given(path("/roles"))
        .and(query_param("name", "Admin"))
        .respond_with(json_response(
            200,
            json!({"results": [rest_role("r1", "admin")]}),
        ))
        .mount(&server)
        .await;
    Mock::given(path("/roles"))
        .and(query_param("name", "Auditor"))
        .respond_with(json_response(200, json!({"results": []})))
        .mount(&server)
        .await;
    let client = client(&server);

    let found = client.role_by_name("Admin").await.unwrap();
    let missing = client.role_by_name("Auditor").await.unwrap_err();

    assert_eq!(found.id, "r1");
    assert!(
        matches!(&missing, Error::NotFound { what, .. } if what == "role named Auditor"),
        "{missing:?}"
    );
}

#[tokio::test]
async fn roles_keep_their_log_type_access_as_given() {
    let server = server().await;
    let mut limited = rest_role("r2", "Restricted");
    limited["logTypeAccessKind"] = json!("DENY");
    limited["logTypeAccess"] = json!(["AWS.CloudTrail"]);
    let body = json!({"results": [rest_role("r1", "Admin"), limited]});
    serve(&server, "GET", "/roles", body).await;

    let roles = client(&server).roles().await.unwrap();

    assert_eq!(roles[0].log_type_access_kind, "ALLOW_ALL");
    assert_eq!(roles[0].log_type_access, None);
    assert_eq!(
        roles[1].log_type_access.as_deref(),
        Some(&["AWS.CloudTrail".to_owned()][..])
    );
    assert_eq!(
        roles[0].updated_at.as_ref().unwrap().as_str(),
        "2024-06-07T08:09:10.5Z"
    );
    assert_eq!(requests(&server).await.len(), 1);
}
