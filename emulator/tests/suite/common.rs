//! What every test here shares: an in-process emulator, an HTTP client and
//! the default fixture's token secrets by id.

use std::time::Duration;

use panther_emulator::{Fixture, Options, RunningEmulator};
use reqwest::Method;
use serde_json::Value;

/// An emulator with a client pointed at it; dropping it stops the server.
pub struct Harness {
    pub emulator: RunningEmulator,
    pub http: reqwest::Client,
}

/// A status and a body parsed as JSON (`Null` when the body is empty).
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub body: Value,
    pub content_type: String,
}

pub async fn start() -> Harness {
    start_with(Options::default()).await
}

pub async fn start_with(options: Options) -> Harness {
    let emulator = panther_emulator::spawn(options)
        .await
        .expect("the emulator starts");
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("the HTTP client builds");
    Harness { emulator, http }
}

/// The secret of a token in the default fixture.
pub fn key(token_id: &str) -> String {
    let fixture = Fixture::default_fixture();
    let token = fixture.tokens.iter().find(|token| token.id == token_id);
    token
        .expect("the default fixture has this token")
        .value
        .clone()
}

/// The id of a user in the default fixture, by email.
pub fn user_id(email: &str) -> String {
    let fixture = Fixture::default_fixture();
    let user = fixture.users.iter().find(|user| user.email == email);
    user.expect("the default fixture has this user").id.clone()
}

/// The id of a role in the default fixture, by name.
pub fn role_id(name: &str) -> String {
    let fixture = Fixture::default_fixture();
    let role = fixture.roles.iter().find(|role| role.name == name);
    role.expect("the default fixture has this role").id.clone()
}

impl Harness {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.emulator.base_url())
    }

    /// An API call made with a token secret (or none).
    pub async fn call(
        &self,
        method: Method,
        key: Option<&str>,
        path: &str,
        body: Option<Value>,
    ) -> Reply {
        let mut request = self.http.request(method, self.url(path));
        if let Some(key) = key {
            request = request.header("X-API-Key", key);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        read(request.send().await.expect("the request is answered")).await
    }

    pub async fn get(&self, key: &str, path: &str) -> Reply {
        self.call(Method::GET, Some(key), path, None).await
    }

    pub async fn post(&self, key: &str, path: &str, body: Value) -> Reply {
        self.call(Method::POST, Some(key), path, Some(body)).await
    }

    pub async fn delete(&self, key: &str, path: &str) -> Reply {
        self.call(Method::DELETE, Some(key), path, None).await
    }

    /// A GraphQL query at `/public/graphql`.
    pub async fn graphql(&self, key: &str, query: &str, variables: Value) -> Reply {
        let body = serde_json::json!({ "query": query, "variables": variables });
        self.post(key, "/public/graphql", body).await
    }

    /// A control-API call under `/__emulator`.
    pub async fn control(&self, method: Method, path: &str, body: Option<Value>) -> Reply {
        let path = format!("/__emulator{path}");
        self.call(method, None, &path, body).await
    }

    /// The control API's counters.
    pub async fn counters(&self) -> Value {
        self.control(Method::GET, "/counters", None).await.body
    }
}

/// Reads a response whole; a body that is not JSON is kept as a string.
pub async fn read(response: reqwest::Response) -> Reply {
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let text = response.text().await.expect("the body is read");
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    Reply {
        status,
        body,
        content_type,
    }
}
