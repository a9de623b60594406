//! `GET /users` paging over a large generated population, and its filters.

use std::collections::HashSet;

use panther_emulator::Options;
use serde_json::Value;

use crate::common::{key, start, start_with, user_id, Harness};

/// Follows `next` from the first page to the last; returns every user.
async fn all_pages(harness: &Harness, prefix: &str, query: &str) -> Vec<Value> {
    let admin = key("admin");
    let mut users = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("{prefix}/users?{query}");
        if let Some(cursor) = &cursor {
            path.push_str(&format!("&cursor={cursor}"));
        }
        let reply = harness.get(&admin, &path).await;
        assert_eq!(reply.status, 200, "{path}: {:?}", reply.body);
        let page = reply.body["results"].as_array().unwrap();
        assert!(page.len() <= 60);
        users.extend(page.iter().cloned());
        match reply.body.get("next") {
            Some(next) => {
                assert!(!page.is_empty(), "a page with a next cursor is never empty");
                cursor = Some(next.as_str().unwrap().to_string());
            }
            None => return users,
        }
    }
}

fn sort_key(user: &Value) -> (String, String) {
    let created = user["createdAt"].as_str().unwrap();
    let moment = padded_key(created);
    (moment, user["id"].as_str().unwrap().to_string())
}

/// Pads the fraction to nine digits so that text order is time order.
fn padded_key(text: &str) -> String {
    let body = text.trim_end_matches('Z');
    let (whole, fraction) = body.split_once('.').unwrap_or((body, ""));
    format!("{whole}.{fraction:0<9}")
}

#[tokio::test]
async fn ten_thousand_users_page_to_the_last_page_in_a_stable_order() {
    let options = Options {
        extra_users: 10_000,
        ..Options::default()
    };
    let harness = start_with(options).await;
    let users = all_pages(&harness, "", "include-deactivated=true&limit=60").await;
    assert_eq!(users.len(), 10_012);

    let ids: HashSet<&str> = users.iter().map(|u| u["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), users.len(), "no user is served twice");
    let keys: Vec<(String, String)> = users.iter().map(sort_key).collect();
    assert!(
        keys.windows(2).all(|pair| pair[0] < pair[1]),
        "ordered by createdAt, then id"
    );

    // Without include-deactivated, the deactivated are left out, and the
    // default page size is the maximum.
    let enabled = users.iter().filter(|user| user["enabled"] == true).count();
    let active = all_pages(&harness, "/v1", "").await;
    assert_eq!(active.len(), enabled);
    assert!(active.len() < users.len());
}

#[tokio::test]
async fn a_full_last_page_has_no_next() {
    let harness = start().await;
    let admin = key("admin");
    // The default fixture has 12 users, 2 of them deactivated.
    let reply = harness.get(&admin, "/users?limit=10").await;
    assert_eq!(reply.body["results"].as_array().unwrap().len(), 10);
    assert!(reply.body.get("next").is_none());
    let reply = harness.get(&admin, "/users?limit=9").await;
    assert!(reply.body["next"].is_string());
}

#[tokio::test]
async fn filters_combine_and_email_overrides_them() {
    let harness = start().await;
    let admin = key("admin");
    let emails = |body: &Value| -> Vec<String> {
        let results = body["results"].as_array().unwrap();
        results
            .iter()
            .map(|u| u["email"].as_str().unwrap().to_string())
            .collect()
    };

    // contains searches names and email, ignoring case.
    let reply = harness.get(&admin, "/users?contains=BERG").await;
    assert_eq!(emails(&reply.body), ["Jonas.Berg@Example.com"]);
    let reply = harness.get(&admin, "/users?contains=wei%20chen").await;
    assert_eq!(
        emails(&reply.body),
        ["chen.wei@example.com"],
        "given, then family"
    );
    let reply = harness.get(&admin, "/users?contains=chen%20wei").await;
    assert!(emails(&reply.body).is_empty());
    let reply = harness.get(&admin, "/users?contains=wei").await;
    assert_eq!(emails(&reply.body), ["chen.wei@example.com"]);

    // status, and a deactivated user only with include-deactivated.
    let reply = harness
        .get(&admin, "/users?status=FORCE_CHANGE_PASSWORD")
        .await;
    assert_eq!(emails(&reply.body), ["gita.raman@example.com"]);
    let reply = harness.get(&admin, "/users?contains=felix").await;
    assert!(emails(&reply.body).is_empty());
    let path = "/users?contains=felix&include-deactivated=true";
    let reply = harness.get(&admin, path).await;
    assert_eq!(emails(&reply.body), ["felix.brandt@example.com"]);

    // id and ids together select the union.
    let kai = user_id("kai.osei@example.com");
    let esra = user_id("esra.yilmaz@example.com");
    let reply = harness
        .get(&admin, &format!("/users?id={kai}&ids={esra}"))
        .await;
    assert_eq!(emails(&reply.body).len(), 2);

    // email ignores the rest, deactivated or not, and matches exactly.
    let path = "/users?email=felix.brandt@example.com&status=NONE&limit=0";
    let reply = harness.get(&admin, path).await;
    assert_eq!(emails(&reply.body), ["felix.brandt@example.com"]);
    let reply = harness
        .get(&admin, "/users?email=FELIX.BRANDT@example.com")
        .await;
    assert_eq!(emails(&reply.body), Vec::<String>::new());
}

#[tokio::test]
async fn fifty_thousand_generated_users_are_accepted() {
    let harness = start().await;
    let body = serde_json::json!({ "count": 50_000 });
    let reply = harness
        .control(reqwest::Method::POST, "/users/generate", Some(body))
        .await;
    assert_eq!(reply.status, 201);
    assert_eq!(reply.body["users"], 50_012);
    let reply = harness.get(&key("admin"), "/users?limit=60").await;
    assert_eq!(reply.body["results"].as_array().unwrap().len(), 60);
}

#[tokio::test]
async fn generation_is_deterministic_across_emulators() {
    let options = || Options {
        extra_users: 100,
        ..Options::default()
    };
    let first = start_with(options()).await;
    let second = start_with(options()).await;
    let admin = key("admin");
    let path = "/users?include-deactivated=true&limit=60";
    let one = first.get(&admin, path).await.body;
    let two = second.get(&admin, path).await.body;
    assert_eq!(one, two);
}
