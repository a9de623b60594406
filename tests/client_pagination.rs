//! How `users_rest` pages through `GET /users`: the parameters it sends,
//! every way Panther marks the last page, and the loop it refuses to enter.

mod client_support;

use client_support::*;
use serde_json::{json, Value};
use terraform_provider_panther::client::{Error, Operation};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer};

/// Serves `body` for the page requested with `cursor` (`None`: the first).
async fn page(server: &MockServer, cursor: Option<&str>, body: Value) {
    let mock = Mock::given(method("GET")).and(path("/users"));
    let mock = match cursor {
        Some(cursor) => mock.and(query_param("cursor", cursor)),
        None => mock.and(query_param_is_missing("cursor")),
    };
    mock.respond_with(json_response(200, body))
        .mount(server)
        .await;
}

fn users(ids: &[&str]) -> Value {
    let list: Vec<Value> = ids
        .iter()
        .map(|id| rest_user(id, &format!("{id}@example.com")))
        .collect();
    Value::Array(list)
}

#[tokio::test]
async fn every_page_asks_for_deactivated_users_and_at_most_sixty() {
    let server = server().await;
    page(
        &server,
        None,
        json!({"results": users(&["u1"]), "next": "c2"}),
    )
    .await;
    page(&server, Some("c2"), json!({"results": users(&["u2"])})).await;

    client(&server).users_rest().await.unwrap();

    let seen = requests(&server).await;
    assert_eq!(seen.len(), 2);
    for request in &seen {
        let query = query_pairs(request);
        let get = |name: &str| {
            query
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(get("include-deactivated"), Some("true"));
        let limit: u32 = get("limit").unwrap().parse().unwrap();
        assert!((1..=60).contains(&limit), "limit {limit}");
    }
    assert_eq!(query_pairs(&seen[1]).last().unwrap().1, "c2");
}

#[tokio::test]
async fn an_absent_next_ends_paging() {
    let server = server().await;
    page(&server, None, json!({"results": users(&["u1", "u2"])})).await;

    let found = client(&server).users_rest().await.unwrap();

    assert_eq!(found.len(), 2);
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn a_null_next_ends_paging() {
    let server = server().await;
    page(
        &server,
        None,
        json!({"results": users(&["u1"]), "next": "a"}),
    )
    .await;
    page(
        &server,
        Some("a"),
        json!({"results": users(&["u2"]), "next": null}),
    )
    .await;

    let found = client(&server).users_rest().await.unwrap();

    let ids: Vec<_> = found.iter().map(|u| u.id.as_str()).collect();
    assert_eq!(ids, ["u1", "u2"]);
    assert_eq!(requests(&server).await.len(), 2);
}

#[tokio::test]
async fn an_empty_next_ends_paging() {
    let server = server().await;
    page(
        &server,
        None,
        json!({"results": users(&["u1"]), "next": ""}),
    )
    .await;

    let found = client(&server).users_rest().await.unwrap();

    assert_eq!(found.len(), 1);
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn empty_and_null_results_are_empty_lists() {
    let server = server().await;
    page(&server, None, json!({"results": [], "next": "b"})).await;
    page(&server, Some("b"), json!({"results": null})).await;

    let found = client(&server).users_rest().await.unwrap();

    assert!(found.is_empty());
    assert_eq!(requests(&server).await.len(), 2);
}

#[tokio::test]
async fn a_cursor_seen_before_stops_paging_with_an_error() {
    let server = server().await;
    page(
        &server,
        None,
        json!({"results": users(&["u1"]), "next": "a"}),
    )
    .await;
    page(
        &server,
        Some("a"),
        json!({"results": users(&["u2"]), "next": "b"}),
    )
    .await;
    page(
        &server,
        Some("b"),
        json!({"results": users(&["u3"]), "next": "a"}),
    )
    .await;

    let err = client(&server).users_rest().await.unwrap_err();

    assert!(
        matches!(
            err,
            Error::RepeatedCursor {
                operation: Operation::ListUsers
            }
        ),
        "{err:?}"
    );
    assert_eq!(requests(&server).await.len(), 3);
}

#[tokio::test]
async fn a_cursor_that_points_to_itself_is_caught_at_once() {
    let server = server().await;
    page(&server, None, json!({"results": [], "next": "same"})).await;
    page(
        &server,
        Some("same"),
        json!({"results": [], "next": "same"}),
    )
    .await;

    let err = client(&server).users_rest().await.unwrap_err();

    assert!(matches!(err, Error::RepeatedCursor { .. }), "{err:?}");
    assert_eq!(requests(&server).await.len(), 2);
}

#[tokio::test]
async fn cursors_with_reserved_characters_are_sent_intact() {
    let server = server().await;
    let cursor = "eyJpZCI6IjEifQ==&x=1/2+3";
    page(&server, None, json!({"results": [], "next": cursor})).await;
    page(&server, Some(cursor), json!({"results": users(&["u9"])})).await;

    let found = client(&server).users_rest().await.unwrap();

    assert_eq!(found[0].id, "u9");
}
