//! Every JSON body the REST API answers with, success or error, is checked
//! against the schema `openapi.yaml` declares for that operation and
//! status, in both URL forms (root and `/v1`).

use panther_emulator::{ForbiddenStyle, Options};
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{key, role_id, start_with, user_id, Harness, Reply};
use crate::openapi::{fallback_component, message_only, OpenApi};

/// One request and the answer it should get.
struct Case {
    method: Method,
    /// The path template as `openapi.yaml` spells it.
    template: &'static str,
    path: String,
    token: &'static str,
    body: Option<Value>,
    status: u16,
}

fn case(method: Method, template: &'static str, path: impl Into<String>, status: u16) -> Case {
    Case {
        method,
        template,
        path: path.into(),
        token: "admin",
        body: None,
        status,
    }
}

impl Case {
    fn called_by(mut self, token: &'static str) -> Case {
        self.token = token;
        self
    }

    fn with_body(mut self, body: Value) -> Case {
        self.body = Some(body);
        self
    }
}

fn read_cases() -> Vec<Case> {
    let alice = user_id("alice.nakamura@example.com");
    let nameless = user_id("scim-sync@example.com");
    let newcomer = user_id("gita.raman@example.com");
    let admin = role_id("Admin");
    let readonly = role_id("AnalystReadOnly");
    let managers = role_id("Token Managers");
    let get = Method::GET;
    vec![
        case(get.clone(), "/users", "/users", 200),
        case(
            get.clone(),
            "/users",
            "/users?include-deactivated=true",
            200,
        ),
        case(get.clone(), "/users", "/users?limit=2", 200),
        case(
            get.clone(),
            "/users",
            "/users?email=kai.osei@example.com",
            200,
        ),
        case(
            get.clone(),
            "/users",
            "/users?email=nobody@example.com",
            200,
        ),
        case(
            get.clone(),
            "/users",
            "/users?contains=NAKA&status=CONFIRMED",
            200,
        ),
        case(
            get.clone(),
            "/users",
            format!("/users?id={alice}&ids={newcomer},x"),
            200,
        ),
        case(get.clone(), "/users", "/users?limit=0", 400),
        case(get.clone(), "/users", "/users?limit=61", 400),
        case(get.clone(), "/users", "/users?limit=many", 400),
        case(get.clone(), "/users", "/users?cursor=zz", 400),
        case(
            get.clone(),
            "/users",
            "/users?include-deactivated=maybe",
            400,
        ),
        case(get.clone(), "/users/{id}", format!("/users/{alice}"), 200),
        case(
            get.clone(),
            "/users/{id}",
            format!("/users/{nameless}"),
            200,
        ),
        case(
            get.clone(),
            "/users/{id}",
            format!("/users/{newcomer}"),
            200,
        ),
        case(get.clone(), "/users/{id}", "/users/no-such-user", 404),
        case(get.clone(), "/roles", "/roles", 200),
        case(get.clone(), "/roles", "/roles?name=Analyst", 200),
        case(
            get.clone(),
            "/roles",
            "/roles?name-contains=ANALYST&sort-dir=desc",
            200,
        ),
        case(
            get.clone(),
            "/roles",
            format!("/roles?ids={admin},{managers}"),
            200,
        ),
        case(get.clone(), "/roles", "/roles?sort-dir=sideways", 400),
        case(get.clone(), "/roles/{id}", format!("/roles/{admin}"), 200),
        case(
            get.clone(),
            "/roles/{id}",
            format!("/roles/{readonly}"),
            200,
        ),
        case(get.clone(), "/roles/{id}", "/roles/no-such-role", 404),
        case(get.clone(), "/api-tokens", "/api-tokens", 200),
        case(get.clone(), "/api-tokens/{id}", "/api-tokens/self", 200),
        case(
            get.clone(),
            "/api-tokens/{id}",
            "/api-tokens/integration",
            200,
        ),
        case(get.clone(), "/api-tokens/{id}", "/api-tokens/expiring", 200),
        case(
            get.clone(),
            "/api-tokens/{id}",
            "/api-tokens/no-such-token",
            404,
        ),
        case(get.clone(), "/users", "/users", 401).called_by("expired"),
        case(get, "/api-tokens", "/api-tokens", 403).called_by("no-token-read"),
    ]
}

fn write_cases() -> Vec<Case> {
    let post = Method::POST;
    let new_token = json!({
        "name": "Conformance",
        "permissions": ["UserRead"],
        "allowedCIDRBlocks": ["192.0.2.0/24"]
    });
    vec![
        case(post.clone(), "/api-tokens", "/api-tokens", 200).with_body(new_token.clone()),
        case(post.clone(), "/api-tokens", "/api-tokens", 400).with_body(json!({ "name": "x" })),
        case(post.clone(), "/api-tokens", "/api-tokens", 400)
            .with_body(json!({ "name": "x", "permissions": ["Everything"] })),
        case(post.clone(), "/api-tokens", "/api-tokens", 400)
            .with_body(json!({ "name": "x", "permissions": [], "allowedCIDRBlocks": ["home"] })),
        case(
            post.clone(),
            "/api-tokens/{id}",
            "/api-tokens/expiring",
            200,
        )
        .with_body(new_token.clone()),
        case(
            post.clone(),
            "/api-tokens/{id}",
            "/api-tokens/expiring",
            400,
        )
        .with_body(json!([])),
        case(post.clone(), "/api-tokens/{id}", "/api-tokens/nope", 404).with_body(new_token),
        case(
            post.clone(),
            "/api-tokens/{id}/rotate",
            "/api-tokens/expiring/rotate",
            200,
        ),
        case(
            post.clone(),
            "/api-tokens/{id}/rotate",
            "/api-tokens/nope/rotate",
            404,
        ),
        case(
            post,
            "/api-tokens/{id}/rotate",
            "/api-tokens/admin/rotate",
            403,
        )
        .called_by("integration"),
        case(
            Method::DELETE,
            "/api-tokens/{id}",
            "/api-tokens/expired",
            204,
        ),
        case(
            Method::DELETE,
            "/api-tokens/{id}",
            "/api-tokens/expired",
            404,
        ),
    ]
}

async fn run(harness: &Harness, api: &OpenApi, prefix: &str, case: &Case) -> Reply {
    let path = format!("{prefix}{}", case.path);
    let secret = key(case.token);
    let reply = harness
        .call(case.method.clone(), Some(&secret), &path, case.body.clone())
        .await;
    let what = format!("{} {path}", case.method);
    assert_eq!(reply.status, case.status, "{what}: {:?}", reply.body);
    check_body(api, case, &reply, &what);
    reply
}

fn check_body(api: &OpenApi, case: &Case, reply: &Reply, what: &str) {
    let method = case.method.as_str().to_lowercase();
    let declared = api.declared(case.template, &method, reply.status);
    let schema = match declared {
        Some(schema) => schema,
        None if api.declares_status(case.template, &method, reply.status) => {
            // A declared answer without content, such as DELETE's 204.
            assert_eq!(reply.body, Value::Null, "{what}: expected no body");
            return;
        }
        None if reply.status == 401 => message_only(),
        None => api.component(&fallback_component(case.template, reply.status)),
    };
    api.assert_valid(&schema, &reply.body, what);
}

#[tokio::test]
async fn every_rest_body_matches_openapi_in_both_url_forms() {
    let api = OpenApi::load();
    for prefix in ["", "/v1"] {
        let harness = start_with(Options::default()).await;
        for case in read_cases().iter().chain(&write_cases()) {
            run(&harness, &api, prefix, case).await;
        }
    }
}

#[tokio::test]
async fn the_secret_value_appears_only_in_create_and_rotate_answers() {
    let api = OpenApi::load();
    let harness = start_with(Options::default()).await;
    for case in read_cases().iter().chain(&write_cases()) {
        let reply = run(&harness, &api, "", case).await;
        let creates = case.template == "/api-tokens" && case.method == Method::POST;
        let rotates = case.template.ends_with("/rotate");
        let has_value = reply.body.get("value").is_some();
        let expected = (creates || rotates) && reply.status == 200;
        assert_eq!(has_value, expected, "{} {}", case.method, case.path);
        if let Some(results) = reply.body.get("results").and_then(Value::as_array) {
            assert!(results.iter().all(|token| token.get("value").is_none()));
        }
    }
}

#[tokio::test]
async fn the_declared_forbidden_body_holds_a_message_in_message_style() {
    let api = OpenApi::load();
    let harness = start_with(Options::default()).await;
    let reply = harness
        .post(&key("integration"), "/api-tokens/admin/rotate", json!({}))
        .await;
    assert_eq!(reply.status, 403);
    let schema = api
        .declared("/api-tokens/{id}/rotate", "post", 403)
        .unwrap();
    api.assert_valid(&schema, &reply.body, "rotate 403");

    let options = Options {
        forbidden_style: ForbiddenStyle::Error,
        ..Options::default()
    };
    let harness = start_with(options).await;
    let reply = harness
        .post(&key("integration"), "/api-tokens/admin/rotate", json!({}))
        .await;
    assert_eq!(reply.status, 403);
    assert_eq!(reply.body, json!({ "error": "forbidden" }));
}

#[tokio::test]
async fn rest_users_send_empty_names_and_omit_a_missing_last_login() {
    let harness = start_with(Options::default()).await;
    let admin = key("admin");
    let nameless = user_id("scim-sync@example.com");
    let reply = harness.get(&admin, &format!("/users/{nameless}")).await;
    assert_eq!(reply.body["givenName"], "");
    assert_eq!(reply.body["familyName"], "");

    let newcomer = user_id("gita.raman@example.com");
    let reply = harness.get(&admin, &format!("/users/{newcomer}")).await;
    assert!(reply.body.get("lastLoggedInAt").is_none());
}

#[tokio::test]
async fn roles_omit_log_type_access_only_for_the_all_kinds() {
    let harness = start_with(Options::default()).await;
    let reply = harness.get(&key("admin"), "/roles").await;
    for role in reply.body["results"].as_array().unwrap() {
        let kind = role["logTypeAccessKind"].as_str().unwrap();
        let listed = role.get("logTypeAccess").is_some();
        assert_eq!(listed, !kind.ends_with("_ALL"), "{role}");
    }
}

#[tokio::test]
async fn unknown_paths_answer_404_with_a_message() {
    let harness = start_with(Options::default()).await;
    for path in ["/nothing", "/v1/nothing", "/users/a/b", "/v2/users"] {
        let reply = harness.get(&key("admin"), path).await;
        assert_eq!(reply.status, 404, "{path}");
        assert!(reply.body["message"].is_string(), "{path}");
    }
}
