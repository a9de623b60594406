//! The control API: counters, reset, and changes made behind a client's
//! back (revoke, rotate, users, roles, tokens), plus REST token writes.

use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{key, role_id, start, user_id};

#[tokio::test]
async fn counters_count_routes_under_one_key_for_both_url_forms() {
    let harness = start().await;
    let integration = key("integration");
    harness.get(&integration, "/users").await;
    harness.get(&integration, "/v1/users").await;
    harness.get(&integration, "/api-tokens/self").await;
    harness
        .get(&integration, "/v1/api-tokens/integration")
        .await;
    let query = "{ users { id } a: users { id } generalSettings { pantherVersion } }";
    harness.graphql(&integration, query, json!({})).await;
    harness.get(&integration, "/no-such-path").await;

    let counters = harness.counters().await;
    assert_eq!(counters["total"], 5);
    assert_eq!(counters["routes"]["GET /users"], 2);
    assert_eq!(counters["routes"]["GET /api-tokens/{id}"], 2);
    assert_eq!(counters["routes"]["POST /public/graphql"], 1);
    assert_eq!(counters["routes"]["graphql users"], 2);
    assert_eq!(counters["routes"]["graphql generalSettings"], 1);

    let reply = harness.control(Method::DELETE, "/counters", None).await;
    assert_eq!(reply.status, 204);
    let counters = harness.counters().await;
    assert_eq!(counters, json!({ "total": 0, "routes": {} }));
}

#[tokio::test]
async fn revoking_a_token_makes_its_key_fail_but_keeps_it_listed() {
    let harness = start().await;
    let integration = key("integration");
    let reply = harness
        .control(Method::POST, "/tokens/integration/revoke", None)
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body["revoked"], true);

    assert_eq!(
        harness.get(&integration, "/api-tokens/self").await.status,
        401
    );
    let reply = harness.get(&key("admin"), "/api-tokens/integration").await;
    assert_eq!(reply.status, 200);
}

#[tokio::test]
async fn rotating_through_the_control_api_swaps_the_working_key() {
    let harness = start().await;
    let old = key("integration");
    let reply = harness
        .control(Method::POST, "/tokens/integration/rotate", None)
        .await;
    let new = reply.body["value"].as_str().unwrap().to_string();
    assert_ne!(new, old);
    assert_eq!(harness.get(&old, "/users").await.status, 401);
    assert_eq!(harness.get(&new, "/users").await.status, 200);
    let reply = harness.get(&new, "/api-tokens/self").await;
    assert!(reply.body["rotatedAt"].is_string());
}

#[tokio::test]
async fn rotating_through_rest_swaps_the_working_key() {
    let harness = start().await;
    let old = key("token-manager");
    let reply = harness
        .post(&old, "/api-tokens/self/rotate", json!({}))
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body["id"], "token-manager");
    let new = reply.body["value"].as_str().unwrap().to_string();
    assert_eq!(harness.get(&old, "/api-tokens/self").await.status, 401);
    assert_eq!(harness.get(&new, "/api-tokens/self").await.status, 200);
}

#[tokio::test]
async fn tokens_created_over_rest_work_until_deleted() {
    let harness = start().await;
    let admin = key("admin");
    let body = json!({ "name": "Reviewer", "permissions": ["UserRead"] });
    let reply = harness.post(&admin, "/api-tokens", body).await;
    assert_eq!(reply.status, 200);
    let id = reply.body["id"].as_str().unwrap().to_string();
    let value = reply.body["value"].as_str().unwrap().to_string();
    assert_eq!(
        reply.body["createdBy"],
        json!({ "id": "api-token", "type": "admin" })
    );

    assert_eq!(harness.get(&value, "/users").await.status, 200);
    assert_eq!(harness.get(&value, "/api-tokens/self").await.status, 403);

    let change =
        json!({ "name": "Reviewer", "permissions": ["UserRead", "OrganizationAPITokenRead"] });
    let reply = harness
        .post(&admin, &format!("/api-tokens/{id}"), change)
        .await;
    assert_eq!(reply.status, 200);
    assert!(reply.body["updatedAt"].is_string());
    assert_eq!(harness.get(&value, "/api-tokens/self").await.status, 200);

    let reply = harness.delete(&admin, &format!("/api-tokens/{id}")).await;
    assert_eq!(reply.status, 204);
    assert_eq!(reply.body, Value::Null);
    assert_eq!(harness.get(&value, "/users").await.status, 401);
}

#[tokio::test]
async fn patching_a_token_changes_what_it_may_do_and_when_it_expires() {
    let harness = start().await;
    let integration = key("integration");
    let patch = json!({ "permissions": ["UserRead"] });
    let reply = harness
        .control(Method::PATCH, "/tokens/integration", Some(patch))
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        harness.get(&integration, "/api-tokens/self").await.status,
        403
    );

    let patch = json!({ "expiresAt": "2001-01-01T00:00:00Z" });
    harness
        .control(Method::PATCH, "/tokens/integration", Some(patch))
        .await;
    assert_eq!(harness.get(&integration, "/users").await.status, 401);

    let patch = json!({ "expiresAt": null });
    harness
        .control(Method::PATCH, "/tokens/integration", Some(patch))
        .await;
    assert_eq!(harness.get(&integration, "/users").await.status, 200);
}

#[tokio::test]
async fn tokens_added_through_control_get_a_generated_secret() {
    let harness = start().await;
    let token = json!({ "name": "Added", "permissions": ["GeneralSettingsRead"] });
    let reply = harness.control(Method::POST, "/tokens", Some(token)).await;
    assert_eq!(reply.status, 201);
    let value = reply.body["value"].as_str().unwrap();
    assert!(value.len() >= 32);
    let query = "{ generalSettings { pantherVersion } }";
    let reply = harness.graphql(value, query, json!({})).await;
    assert!(reply.body.get("errors").is_none());
}

#[tokio::test]
async fn deactivating_a_user_hides_them_from_the_default_list() {
    let harness = start().await;
    let admin = key("admin");
    let esra = user_id("esra.yilmaz@example.com");
    let path = format!("/users/{esra}");
    let reply = harness
        .control(Method::PATCH, &path, Some(json!({ "enabled": false })))
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body["enabled"], false);

    let reply = harness.get(&admin, "/users?contains=esra").await;
    assert!(reply.body["results"].as_array().unwrap().is_empty());
    let reply = harness.get(&admin, &path).await;
    assert_eq!(reply.body["enabled"], false);
}

#[tokio::test]
async fn moving_a_user_to_a_role_by_id_fills_in_the_role_name() {
    let harness = start().await;
    let chen = user_id("chen.wei@example.com");
    let managers = role_id("Token Managers");
    let patch = json!({ "role": { "id": managers } });
    let path = format!("/users/{chen}");
    let reply = harness.control(Method::PATCH, &path, Some(patch)).await;
    assert_eq!(
        reply.body["role"],
        json!({ "id": managers, "name": "Token Managers" })
    );

    let patch = json!({ "role": { "id": "no-such-role" } });
    let reply = harness.control(Method::PATCH, &path, Some(patch)).await;
    assert_eq!(reply.status, 409);
}

#[tokio::test]
async fn role_changes_reach_graphql_and_renames_reach_users() {
    let harness = start().await;
    let integration = key("integration");
    let managers = role_id("Token Managers");
    let patch = json!({ "name": "API Stewards", "permissions": ["UserRead"] });
    let path = format!("/roles/{managers}");
    let reply = harness.control(Method::PATCH, &path, Some(patch)).await;
    assert_eq!(reply.status, 200);

    let query = r#"{ userByEmail(email: "kai.osei@example.com") { role { name permissions } } }"#;
    let reply = harness.graphql(&integration, query, json!({})).await;
    let role = &reply.body["data"]["userByEmail"]["role"];
    assert_eq!(role["name"], "API Stewards");
    assert_eq!(role["permissions"], json!(["UserRead"]));

    let kai = user_id("kai.osei@example.com");
    let reply = harness.get(&integration, &format!("/users/{kai}")).await;
    assert_eq!(reply.body["role"]["name"], "API Stewards");
}

#[tokio::test]
async fn a_role_in_use_cannot_be_deleted_but_an_unused_one_can() {
    let harness = start().await;
    let path = format!("/roles/{}", role_id("Admin"));
    assert_eq!(
        harness.control(Method::DELETE, &path, None).await.status,
        409
    );

    let role = json!({ "name": "Auditors", "permissions": ["UserRead"] });
    let reply = harness.control(Method::POST, "/roles", Some(role)).await;
    assert_eq!(reply.status, 201);
    assert_eq!(reply.body["logTypeAccessKind"], "ALLOW_ALL");
    let path = format!("/roles/{}", reply.body["id"].as_str().unwrap());
    assert_eq!(
        harness.control(Method::DELETE, &path, None).await.status,
        204
    );
    assert_eq!(
        harness.control(Method::DELETE, &path, None).await.status,
        404
    );
}

#[tokio::test]
async fn users_can_be_added_by_role_name_and_deleted() {
    let harness = start().await;
    let user = json!({
        "email": "new.owner@example.com",
        "givenName": "New",
        "familyName": "Owner",
        "role": { "name": "Token Managers" }
    });
    let reply = harness
        .control(Method::POST, "/users", Some(user.clone()))
        .await;
    assert_eq!(reply.status, 201, "{:?}", reply.body);
    assert_eq!(reply.body["role"]["id"], role_id("Token Managers"));
    let id = reply.body["id"].as_str().unwrap().to_string();

    let again = harness.control(Method::POST, "/users", Some(user)).await;
    assert_eq!(again.status, 409, "emails are unique");

    let path = format!("/users/{id}");
    assert_eq!(
        harness.control(Method::DELETE, &path, None).await.status,
        204
    );
    let reply = harness.get(&key("admin"), &path).await;
    assert_eq!(reply.status, 404);
}

#[tokio::test]
async fn reset_restores_the_fixture_and_clears_faults_counters_and_latency() {
    let harness = start().await;
    let admin = key("admin");
    let alice = user_id("alice.nakamura@example.com");
    harness
        .control(Method::DELETE, &format!("/users/{alice}"), None)
        .await;
    harness
        .control(Method::POST, "/tokens/admin/revoke", None)
        .await;
    let fault = json!({ "kind": "status", "status": 500 });
    harness.control(Method::POST, "/faults", Some(fault)).await;
    harness
        .control(Method::PUT, "/latency", Some(json!({ "ms": 5000 })))
        .await;
    harness
        .control(Method::POST, "/users/generate", Some(json!({ "count": 5 })))
        .await;
    harness.get(&admin, "/users").await;

    let reply = harness.control(Method::POST, "/reset", None).await;
    assert_eq!(reply.status, 204);
    let counters = harness.counters().await;
    assert_eq!(counters["total"], 0);
    let started = std::time::Instant::now();
    let reply = harness.get(&admin, &format!("/users/{alice}")).await;
    assert_eq!(reply.status, 200);
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
    let reply = harness.get(&admin, "/users?include-deactivated=true").await;
    assert_eq!(reply.body["results"].as_array().unwrap().len(), 12);
}

#[tokio::test]
async fn control_errors_are_json_messages() {
    let harness = start().await;
    let cases = [
        (
            Method::PATCH,
            "/users/nobody",
            Some(json!({ "enabled": false })),
            404,
        ),
        (
            Method::PATCH,
            "/tokens/admin",
            Some(json!({ "id": "other" })),
            400,
        ),
        (
            Method::PATCH,
            "/tokens/admin",
            Some(json!({ "permissions": ["Root"] })),
            400,
        ),
        (Method::POST, "/tokens/nobody/revoke", None, 404),
        (Method::POST, "/users", Some(json!("not an object")), 400),
        (
            Method::POST,
            "/users/generate",
            Some(json!({ "count": -1 })),
            400,
        ),
        (Method::PUT, "/latency", Some(json!({ "seconds": 1 })), 400),
    ];
    for (method, path, body, status) in cases {
        let reply = harness.control(method.clone(), path, body).await;
        assert_eq!(reply.status, status, "{method} {path}: {:?}", reply.body);
        assert!(reply.body["message"].is_string(), "{method} {path}");
    }
}
