//! Every fault kind, latency, and the control API staying out of reach of
//! both.

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{key, read, start, Harness};

async fn add_fault(harness: &Harness, fault: Value) {
    let reply = harness.control(Method::POST, "/faults", Some(fault)).await;
    assert_eq!(reply.status, 201, "{:?}", reply.body);
}

#[tokio::test]
async fn a_status_fault_answers_json_with_retry_after_for_its_count() {
    let harness = start().await;
    add_fault(
        &harness,
        json!({ "kind": "status", "status": 503, "retryAfter": "1", "count": 2 }),
    )
    .await;
    let admin = key("admin");
    for _ in 0..2 {
        let response = harness
            .http
            .get(harness.url("/users"))
            .header("X-API-Key", &admin)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 503);
        assert_eq!(response.headers()["retry-after"], "1");
        let reply = read(response).await;
        assert!(reply.body["message"].is_string());
    }
    assert_eq!(harness.get(&admin, "/users").await.status, 200);
}

#[tokio::test]
async fn a_route_filter_limits_a_fault_to_its_path_in_both_url_forms() {
    let harness = start().await;
    add_fault(
        &harness,
        json!({ "kind": "status", "status": 429, "route": "/users" }),
    )
    .await;
    let admin = key("admin");
    assert_eq!(harness.get(&admin, "/users").await.status, 429);
    assert_eq!(harness.get(&admin, "/v1/users").await.status, 429);
    assert_eq!(harness.get(&admin, "/roles").await.status, 200);

    let reply = harness.control(Method::DELETE, "/faults", None).await;
    assert_eq!(reply.status, 204);
    assert_eq!(harness.get(&admin, "/users").await.status, 200);
}

#[tokio::test]
async fn an_html_fault_sends_a_gateway_page() {
    let harness = start().await;
    add_fault(&harness, json!({ "kind": "html", "count": 1 })).await;
    let reply = harness.get(&key("admin"), "/roles").await;
    assert_eq!(reply.status, 502);
    assert!(reply.content_type.starts_with("text/html"));
    assert!(reply.body.as_str().unwrap().contains("<html>"));

    add_fault(
        &harness,
        json!({ "kind": "html", "status": 504, "count": 1 }),
    )
    .await;
    assert_eq!(harness.get(&key("admin"), "/roles").await.status, 504);
}

#[tokio::test]
async fn a_delay_fault_answers_normally_but_late() {
    let harness = start().await;
    add_fault(
        &harness,
        json!({ "kind": "delay", "delayMs": 300, "count": 1 }),
    )
    .await;
    let started = Instant::now();
    let reply = harness.get(&key("admin"), "/roles").await;
    assert_eq!(reply.status, 200);
    assert!(started.elapsed() >= Duration::from_millis(300));
}

async fn raw_roles(harness: &Harness) -> String {
    let response = harness
        .http
        .get(harness.url("/roles"))
        .header("X-API-Key", key("admin"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.text().await.unwrap()
}

#[tokio::test]
async fn a_truncate_fault_cuts_the_body_in_half() {
    let harness = start().await;
    let whole = raw_roles(&harness).await;
    add_fault(&harness, json!({ "kind": "truncate", "count": 1 })).await;
    let cut = raw_roles(&harness).await;
    assert!(serde_json::from_str::<Value>(&cut).is_err());
    assert_eq!(cut, whole[..whole.len() / 2]);
}

#[tokio::test]
async fn a_drop_fault_closes_the_connection_without_an_answer() {
    let harness = start().await;
    add_fault(&harness, json!({ "kind": "drop", "count": 1 })).await;
    let admin = key("admin");
    let outcome = harness
        .http
        .get(harness.url("/users"))
        .header("X-API-Key", &admin)
        .send()
        .await;
    let error = outcome.expect_err("no answer arrives");
    assert!(
        !error.is_timeout(),
        "the connection closes at once: {error}"
    );
    assert_eq!(harness.get(&admin, "/users").await.status, 200);
}

#[tokio::test]
async fn a_content_type_fault_mislabels_the_real_body() {
    let harness = start().await;
    add_fault(&harness, json!({ "kind": "content-type", "count": 1 })).await;
    let reply = harness.get(&key("admin"), "/roles").await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.content_type, "text/html");
    assert!(reply.body["results"].is_array());
}

#[tokio::test]
async fn a_ratio_fault_hits_some_requests_and_spares_others() {
    let harness = start().await;
    add_fault(
        &harness,
        json!({ "kind": "status", "status": 500, "ratio": 0.5 }),
    )
    .await;
    let admin = key("admin");
    let mut failed = 0;
    for _ in 0..40 {
        if harness.get(&admin, "/roles").await.status == 500 {
            failed += 1;
        }
    }
    assert!((5..=35).contains(&failed), "{failed} of 40 failed");
}

#[tokio::test]
async fn faults_and_latency_leave_the_control_api_alone() {
    let harness = start().await;
    add_fault(&harness, json!({ "kind": "status", "status": 500 })).await;
    let reply = harness
        .control(Method::PUT, "/latency", Some(json!({ "ms": 400 })))
        .await;
    assert_eq!(reply.status, 200);

    let started = Instant::now();
    assert_eq!(
        harness.control(Method::GET, "/counters", None).await.status,
        200
    );
    assert!(started.elapsed() < Duration::from_millis(400));

    let started = Instant::now();
    assert_eq!(harness.get(&key("admin"), "/roles").await.status, 500);
    assert!(started.elapsed() >= Duration::from_millis(400));
}

#[tokio::test]
async fn malformed_fault_requests_are_refused() {
    let harness = start().await;
    for fault in [
        json!({ "kind": "meltdown" }),
        json!({ "kind": "status", "count": 1, "ratio": 0.5 }),
        json!({ "kind": "status", "ratio": 2.0 }),
        json!({ "kind": "status", "status": 99 }),
        json!({ "kind": "status", "colour": "red" }),
    ] {
        let reply = harness
            .control(Method::POST, "/faults", Some(fault.clone()))
            .await;
        assert_eq!(reply.status, 400, "{fault}");
        assert!(reply.body["message"].is_string());
    }
}
