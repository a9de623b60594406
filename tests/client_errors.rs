//! Every error shape the Panther API digest describes, each against its own
//! fake server: what the client returns, how often it asked, and that no
//! message ever carries the key or the answer's body.

mod client_support;

use std::time::Duration;

use client_support::*;
use serde_json::json;
use terraform_provider_panther::client::{ClientOptions, Error, Operation};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Mounts one answer for every request to `route`.
async fn answer(server: &MockServer, route: &str, response: ResponseTemplate) {
    Mock::given(path(route))
        .respond_with(response)
        .mount(server)
        .await;
}

fn html(status: u16, page: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(page.to_owned(), "text/html")
}

#[tokio::test]
async fn a_401_is_unauthorized_and_not_retried() {
    let server = server().await;
    let body = json!({"message": "Unauthorized"});
    answer(&server, "/users", json_response(401, body)).await;

    let err = client(&server).users_rest().await.unwrap_err();

    assert!(matches!(err, Error::Unauthorized { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "listing Panther users: Panther rejected the API key (HTTP 401); it \
         may be revoked, expired or mistyped"
    );
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn a_401_html_page_is_unauthorized_not_a_parse_error() {
    let server = server().await;
    let page = "<html><body>401 Authorization Required</body></html>";
    answer(&server, "/api-tokens/self", html(401, page)).await;

    let err = client(&server).own_token().await.unwrap_err();

    assert!(matches!(err, Error::Unauthorized { .. }), "{err:?}");
}

#[tokio::test]
async fn a_403_with_a_message_is_forbidden_and_names_the_permission() {
    let server = server().await;
    let body = json!({"message": "You are not authorized"});
    answer(&server, "/api-tokens/self", json_response(403, body)).await;

    let err = client(&server).own_token().await.unwrap_err();

    assert!(matches!(err, Error::Forbidden { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "reading the API token's own details: access denied; the API key \
         needs the OrganizationAPITokenRead permission (Read API Token Info)"
    );
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn a_403_with_an_error_field_is_forbidden() {
    let server = server().await;
    let body = json!({"error": "forbidden"});
    answer(&server, "/roles", json_response(403, body)).await;

    let err = client(&server).roles().await.unwrap_err();

    assert!(
        matches!(
            err,
            Error::Forbidden {
                operation: Operation::ListRoles
            }
        ),
        "{err:?}"
    );
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn graphql_access_denied_is_forbidden_whatever_its_case() {
    let server = server().await;
    let body = json!({
        "data": null,
        "errors": [{"message": "Access Denied", "path": ["generalSettings"]}]
    });
    answer(&server, "/public/graphql", json_response(200, body)).await;

    let err = client(&server).panther_version().await.unwrap_err();

    assert_eq!(
        err.to_string(),
        "reading the Panther version: access denied; the API key needs the \
         GeneralSettingsRead permission (Read Panther Settings Info)"
    );
}

#[tokio::test]
async fn other_graphql_errors_are_reported_without_their_text() {
    let server = server().await;
    let body = json!({"errors": [{"message": "Cannot query field \"x\""}]});
    answer(&server, "/public/graphql", json_response(200, body)).await;

    let err = client(&server).users_graphql().await.unwrap_err();

    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    assert!(!err.to_string().contains("Cannot query"), "{err}");
}

#[tokio::test]
async fn an_html_502_is_retried_then_reported_as_a_server_error() {
    let server = server().await;
    let page = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    answer(&server, "/users", html(502, page)).await;

    let err = client(&server).users_rest().await.unwrap_err();

    assert!(matches!(err, Error::Server { status: 502, .. }), "{err:?}");
    assert_eq!(requests(&server).await.len(), 4);
    assert_eq!(
        err.to_string(),
        "listing Panther users: the Panther API kept answering HTTP 502 \
         (unavailable) until the retry budget ran out"
    );
}

#[tokio::test]
async fn a_500_is_a_server_error_and_not_retried() {
    let server = server().await;
    answer(&server, "/roles", json_response(500, json!({}))).await;

    let err = client(&server).roles().await.unwrap_err();

    assert!(matches!(err, Error::Server { status: 500, .. }), "{err:?}");
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn an_html_page_with_status_200_is_a_wrong_address() {
    let server = server().await;
    let page = "<!doctype html><title>Panther Console</title>";
    answer(&server, "/users", html(200, page)).await;

    let err = client(&server).users_rest().await.unwrap_err();

    let Error::WrongAddress { url, reason, .. } = &err else {
        panic!("expected a wrong address, got {err:?}");
    };
    assert!(url.starts_with(&server.uri()), "{url}");
    assert_eq!(reason, "it answered with an HTML page");
}

#[tokio::test]
async fn truncated_json_is_a_decode_error_that_says_where() {
    let server = server().await;
    let cut = r#"{"results": [{"id": "u1", "email": "a@exa"#;
    let response = ResponseTemplate::new(200).set_body_raw(cut.to_owned(), "application/json");
    answer(&server, "/users", response).await;

    let err = client(&server).users_rest().await.unwrap_err();

    assert_eq!(
        err.to_string(),
        "listing Panther users: could not read the Panther API's answer: the \
         answer ends early, at line 1 column 41; it may have been cut off"
    );
}

#[tokio::test]
async fn a_bad_field_is_named_by_its_path() {
    let server = server().await;
    let mut user = rest_user("u1", "a@example.com");
    user["enabled"] = json!("yes");
    let body = json!({"results": [rest_user("u0", "z@example.com"), user]});
    answer(&server, "/users", json_response(200, body)).await;

    let err = client(&server).users_rest().await.unwrap_err();

    let Error::Decode { reason, .. } = &err else {
        panic!("expected a decode error, got {err:?}");
    };
    assert_eq!(
        reason,
        "the field `results[1].enabled` has a value of an unexpected type"
    );
}

#[tokio::test]
async fn a_404_from_a_server_that_is_not_panther_is_a_wrong_address() {
    // No routes mounted: the fake server answers 404 to everything, as a
    // web server at the wrong address would.
    let server = server().await;
    let client = client(&server);

    let list = client.users_rest().await.unwrap_err();
    let token = client.own_token().await.unwrap_err();
    let graphql = client.users_graphql().await.unwrap_err();

    for err in [list, token, graphql] {
        assert!(matches!(err, Error::WrongAddress { .. }), "{err:?}");
        assert!(err
            .to_string()
            .contains("does not look like the Panther API"));
    }
}

#[tokio::test]
async fn json_of_another_shape_is_a_wrong_address() {
    let server = server().await;
    let body = json!({"status": "ok", "version": "2.1"});
    answer(&server, "/roles", json_response(200, body)).await;

    let err = client(&server).roles().await.unwrap_err();

    let Error::WrongAddress { reason, .. } = &err else {
        panic!("expected a wrong address, got {err:?}");
    };
    assert_eq!(reason, "its JSON answer has no `results` field");
}

#[tokio::test]
async fn a_lookup_404_with_panthers_message_is_not_found() {
    let server = server().await;
    let body = json!({"message": "user not found"});
    answer(&server, "/users/u-9", json_response(404, body)).await;

    let err = client(&server).user_by_id("u-9").await.unwrap_err();

    assert_eq!(
        err.to_string(),
        "looking up a Panther user: no user with id u-9 exists in Panther"
    );
}

#[tokio::test]
async fn a_lookup_400_with_panthers_message_is_not_found() {
    // Panther's spec declares 400 for `GET /users/{id}`: an id no user can
    // have is, to the user, a user that does not exist.
    let server = server().await;
    let body = json!({"message": "invalid id"});
    answer(&server, "/users/not%20an%20id", json_response(400, body)).await;

    let err = client(&server).user_by_id("not an id").await.unwrap_err();

    assert_eq!(
        err.to_string(),
        "looking up a Panther user: no user with id not an id exists in Panther"
    );
}

#[tokio::test]
async fn a_400_elsewhere_or_without_panthers_message_stays_a_failure() {
    let server = server().await;
    let body = json!({"message": "bad request"});
    answer(&server, "/roles", json_response(400, body)).await;
    answer(&server, "/roles/r-1", html(400, "<h1>Bad Request</h1>")).await;

    let listing = client(&server).roles().await.unwrap_err();
    let lookup = client(&server).role_by_id("r-1").await.unwrap_err();

    for err in [listing, lookup] {
        assert!(matches!(err, Error::Server { status: 400, .. }), "{err:?}");
    }
}

#[tokio::test]
async fn a_lookup_404_without_panthers_message_is_a_wrong_address() {
    let server = server().await;
    answer(&server, "/roles/r-1", html(404, "<h1>Not Found</h1>")).await;

    let err = client(&server).role_by_id("r-1").await.unwrap_err();

    assert!(matches!(err, Error::WrongAddress { .. }), "{err:?}");
}

#[tokio::test]
async fn a_redirect_is_not_followed() {
    let server = server().await;
    let elsewhere = format!("{}/elsewhere", server.uri());
    let response = ResponseTemplate::new(302).insert_header("Location", elsewhere);
    answer(&server, "/users", response).await;

    let err = client(&server).users_rest().await.unwrap_err();

    assert!(matches!(err, Error::WrongAddress { .. }), "{err:?}");
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn a_refused_connection_is_a_connection_error() {
    // Bind and release a port so that nothing listens on it.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = client_with(&format!("http://127.0.0.1:{port}"), &fast_options());

    let err = client.roles().await.unwrap_err();

    let Error::Connection { reason, .. } = &err else {
        panic!("expected a connection error, got {err:?}");
    };
    assert!(reason.starts_with("the connection was refused"), "{reason}");
    assert!(err.is_retryable());
}

#[tokio::test]
async fn a_request_past_the_timeout_is_a_timeout_and_not_retried() {
    let server = server().await;
    let slow = json_response(200, json!({"results": []})).set_delay(Duration::from_secs(30));
    answer(&server, "/roles", slow).await;
    let options = ClientOptions {
        request_timeout: Duration::from_millis(200),
        ..fast_options()
    };

    let err = client_with(&server.uri(), &options)
        .roles()
        .await
        .unwrap_err();

    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn the_key_never_appears_in_errors_or_debug_output() {
    let server = server().await;
    let echo = format!("bad key {KEY}");
    answer(
        &server,
        "/users",
        json_response(401, json!({"message": echo})),
    )
    .await;
    answer(&server, "/roles", html(200, &format!("<p>{KEY}</p>"))).await;
    let mut user = rest_user("u1", "a@example.com");
    user["enabled"] = json!(KEY);
    Mock::given(method("GET"))
        .and(path("/users/u1"))
        .respond_with(json_response(200, user))
        .mount(&server)
        .await;
    let gql = json!({"errors": [{"message": format!("denied for {KEY}")}]});
    answer(&server, "/public/graphql", json_response(200, gql)).await;
    let client = client(&server);

    let errors = [
        client.users_rest().await.unwrap_err(),
        client.roles().await.unwrap_err(),
        client.user_by_id("u1").await.unwrap_err(),
        client.panther_version().await.unwrap_err(),
        client.own_token().await.unwrap_err(),
    ];
    assert!(matches!(errors[2], Error::Decode { .. }), "{:?}", errors[2]);

    for err in &errors {
        for text in [format!("{err}"), format!("{err:#}"), format!("{err:?}")] {
            assert!(!text.contains(KEY), "leaked in {text}");
        }
    }
    assert!(!format!("{client:?}").contains(KEY));
    assert!(!format!("{client:#?}").contains(KEY));
}

#[test]
fn a_key_that_cannot_be_a_header_fails_at_setup_without_echoing_it() {
    use terraform_provider_panther::client::{ApiKey, Endpoint, PantherClient};
    let endpoint = Endpoint::parse("https://api.acme.runpanther.net").unwrap();
    let key = ApiKey::new(format!("{KEY}\nX-Injected: 1"));

    let err = PantherClient::new(endpoint, key, &fast_options()).unwrap_err();

    assert!(matches!(err, Error::Setup { .. }), "{err:?}");
    assert!(!format!("{err:?}").contains(KEY));
}
