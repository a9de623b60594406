//! The `panther-emulator` binary: the base URL on the first stdout line,
//! and every flag taking effect.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{key, read};

/// A running binary, killed when dropped.
struct Binary {
    child: Child,
    base_url: String,
}

impl Drop for Binary {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn launch(args: &[&str]) -> Binary {
    let mut child = Command::new(env!("CARGO_BIN_EXE_panther-emulator"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let stdout = child.stdout.take().unwrap();
    let mut first_line = String::new();
    BufReader::new(stdout).read_line(&mut first_line).unwrap();
    Binary {
        child,
        base_url: first_line.trim_end().to_string(),
    }
}

async fn get(binary: &Binary, token: &str, path: &str) -> (u16, Value, Duration) {
    let started = Instant::now();
    let response = reqwest::Client::new()
        .get(format!("{}{path}", binary.base_url))
        .header("X-API-Key", key(token))
        .send()
        .await
        .unwrap();
    let reply = read(response).await;
    (reply.status, reply.body, started.elapsed())
}

#[tokio::test]
async fn the_first_line_is_the_base_url_and_the_flags_apply() {
    let binary = launch(&[
        "--port",
        "0",
        "--extra-users",
        "70",
        "--latency-ms",
        "150",
        "--forbidden-style",
        "error",
    ]);
    let port = binary.base_url.strip_prefix("http://127.0.0.1:");
    assert!(
        port.is_some_and(|p| p.parse::<u16>().is_ok_and(|p| p > 0)),
        "{}",
        binary.base_url
    );

    let (status, body, elapsed) = get(&binary, "admin", "/users?include-deactivated=true").await;
    assert_eq!(status, 200);
    assert!(body["next"].is_string(), "82 users need two pages");
    assert!(elapsed >= Duration::from_millis(150));

    let (status, body, _) = get(&binary, "no-token-read", "/api-tokens").await;
    assert_eq!(status, 403);
    assert_eq!(body, serde_json::json!({ "error": "forbidden" }));
}

#[tokio::test]
async fn a_fixture_file_replaces_the_default_one() {
    let mut fixture: Value =
        serde_json::from_str(include_str!("../../fixtures/default.json")).unwrap();
    fixture["pantherVersion"] = "9.9.9".into();
    let path = std::env::temp_dir().join(format!("emulator-fixture-{}.json", std::process::id()));
    std::fs::write(&path, fixture.to_string()).unwrap();

    let binary = launch(&["--fixture", path.to_str().unwrap()]);
    let response = reqwest::Client::new()
        .post(format!("{}/public/graphql", binary.base_url))
        .header("X-API-Key", key("integration"))
        .json(&serde_json::json!({ "query": "{ generalSettings { pantherVersion } }" }))
        .send()
        .await
        .unwrap();
    let reply = read(response).await;
    assert_eq!(
        reply.body["data"]["generalSettings"]["pantherVersion"],
        "9.9.9"
    );
    let _ = std::fs::remove_file(path);
}

#[test]
fn a_bad_fixture_path_fails_with_a_message() {
    let output = Command::new(env!("CARGO_BIN_EXE_panther-emulator"))
        .args(["--fixture", "/no/such/fixture.json"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(output.stdout.is_empty(), "no URL is printed");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("/no/such/fixture.json"), "{stderr}");
}
