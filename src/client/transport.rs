//! Sending one call to Panther: headers, retries and the status check.
//!
//! Every request goes through [`Transport::send`], which adds the key and
//! user agent, retries what is worth retrying, and turns the answer into an
//! [`Answer`] only when its status says success. The status is checked
//! before the body is looked at, so a 401 HTML page becomes `Unauthorized`,
//! never a parse error.
//!
//! NOTE: every call this client makes is a read (GET, or a GraphQL query),
//! so repeating one after a broken connection cannot change anything twice.

use std::time::{Instant, SystemTime};

use reqwest::header::{HeaderMap, HeaderValue, CONTENT_TYPE, RETRY_AFTER};
use reqwest::{RequestBuilder, StatusCode};
use url::Url;

use super::decode;
use super::error::{Error, Operation};
use super::network;
use super::retry::{parse_retry_after, RetryPolicy};

/// The header Panther reads the key from.
pub(crate) const API_KEY_HEADER: &str = "X-API-Key";

/// What a 404 means for the call being made.
#[derive(Clone, Copy, Debug)]
pub(crate) enum On404<'a> {
    /// Panther never answers 404 here, so the address must be wrong.
    WrongAddress,
    /// A lookup of the named thing, such as "user with id u1".
    Lookup(&'a str),
}

/// The body of a successful answer that is JSON, or at least does not
/// claim to be anything else.
pub(crate) struct Answer {
    pub body: Vec<u8>,
}

/// An attempt that failed, with the server's hint on when to come back.
struct Failure {
    error: Error,
    retry_after: Option<std::time::Duration>,
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure {
            error,
            retry_after: None,
        }
    }
}

/// The HTTP side of the client: one shared connection pool, the key
/// header and the retry limits.
#[derive(Clone)]
pub(crate) struct Transport {
    pub http: reqwest::Client,
    pub key: HeaderValue,
    pub retry: RetryPolicy,
}

impl Transport {
    /// Sends a request built by `build`, retrying as the policy allows, and
    /// returns the body of a successful answer.
    pub async fn send(
        &self,
        operation: Operation,
        url: &Url,
        on_404: On404<'_>,
        build: impl Fn(&reqwest::Client) -> RequestBuilder,
    ) -> Result<Answer, Error> {
        let started = Instant::now();
        let mut attempts = 0;
        loop {
            attempts += 1;
            let request = build(&self.http).header(API_KEY_HEADER, &self.key);
            let failure = match self.attempt(operation, url, request, on_404).await {
                Ok(answer) => return Ok(answer),
                Err(failure) => failure,
            };
            if !failure.error.is_retryable() {
                return Err(failure.error);
            }

            let elapsed = started.elapsed();
            match self
                .retry
                .next_delay(attempts, elapsed, failure.retry_after)
            {
                Ok(delay) => {
                    tracing::debug!(
                        operation = operation.describe(),
                        attempt = attempts,
                        delay_ms = delay.as_millis() as u64,
                        error = %failure.error,
                        "retrying a failed Panther API call"
                    );
                    tokio::time::sleep(delay).await;
                }
                Err(why) => {
                    tracing::debug!(
                        operation = operation.describe(),
                        attempts,
                        reason = ?why,
                        error = %failure.error,
                        "giving up on a Panther API call"
                    );
                    return Err(failure.error);
                }
            }
        }
    }

    /// One request and the classification of its answer.
    async fn attempt(
        &self,
        operation: Operation,
        url: &Url,
        request: RequestBuilder,
        on_404: On404<'_>,
    ) -> Result<Answer, Failure> {
        let response = request
            .send()
            .await
            .map_err(|err| network::from_reqwest(operation, &err))?;
        let status = response.status();
        let headers = response.headers().clone();
        tracing::debug!(
            operation = operation.describe(),
            %url,
            status = status.as_u16(),
            "Panther API answered"
        );

        if let Some(error) = status_error(operation, url, status, on_404) {
            let retry_after = headers
                .get(RETRY_AFTER)
                .and_then(|v| parse_retry_after(v, SystemTime::now()));
            return Err(Failure { error, retry_after });
        }

        let body = response
            .bytes()
            .await
            .map_err(|err| network::from_reqwest(operation, &err))?
            .to_vec();
        Ok(judge(operation, url, status, &headers, body, on_404)?)
    }
}

/// Reads an answer whose status is success, 404 or a lookup's 400, from
/// its headers and body.
fn judge(
    operation: Operation,
    url: &Url,
    status: StatusCode,
    headers: &HeaderMap,
    body: Vec<u8>,
    on_404: On404<'_>,
) -> Result<Answer, Error> {
    if status == StatusCode::NOT_FOUND || status == StatusCode::BAD_REQUEST {
        return Err(refusal(operation, url, status, headers, &body, on_404));
    }
    check_content_type(operation, url, headers, &body)?;
    Ok(Answer { body })
}

/// The error for any status other than success or 404, which need the
/// body to decide.
fn status_error(
    operation: Operation,
    url: &Url,
    status: StatusCode,
    on_404: On404<'_>,
) -> Option<Error> {
    let code = status.as_u16();
    match code {
        200..=299 | 404 => None,
        400 if matches!(on_404, On404::Lookup(_)) => None,
        401 => Some(Error::Unauthorized { operation }),
        403 => Some(Error::Forbidden { operation }),

        // NOTE: redirects are not followed (see `PantherClient::new`); the
        // target would be told nothing, and `Location` is not shown.
        300..=399 => Some(Error::WrongAddress {
            operation,
            url: url.to_string(),
            reason: format!("it answered with a redirect (HTTP {code})"),
        }),
        _ => Some(Error::Server {
            operation,
            status: code,
        }),
    }
}

/// A 404 or a 400 is Panther's "not found" only for a lookup, and only
/// with Panther's `{"message": ...}` body: a 404 for an object that does
/// not exist, a 400 for an id or email no object can have. Otherwise a 404
/// means the address serves something other than the Panther API, and a
/// 400 stays a failure.
fn refusal(
    operation: Operation,
    url: &Url,
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
    on_404: On404<'_>,
) -> Error {
    match on_404 {
        On404::Lookup(what) if is_panther_message(headers, body) => Error::NotFound {
            operation,
            what: what.to_owned(),
        },
        _ if status == StatusCode::NOT_FOUND => Error::WrongAddress {
            operation,
            url: url.to_string(),
            reason: "it answered HTTP 404 where the Panther API would not".to_owned(),
        },
        _ => Error::Server {
            operation,
            status: status.as_u16(),
        },
    }
}

/// Whether a body is Panther's JSON `{"message": ...}`.
fn is_panther_message(headers: &HeaderMap, body: &[u8]) -> bool {
    is_json(headers, body)
        && serde_json::from_slice::<serde_json::Value>(body)
            .is_ok_and(|v| v.get("message").is_some())
}

/// Rejects an answer that says, by type or by its first byte, that it is
/// not JSON.
fn check_content_type(
    operation: Operation,
    url: &Url,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(), Error> {
    if is_json(headers, body) {
        return Ok(());
    }
    let reason = match media_type(headers) {
        Some(kind) if kind.contains("html") => "it answered with an HTML page",
        Some(_) => "it answered with something other than JSON",
        None => "it answered with an HTML page",
    };
    Err(Error::WrongAddress {
        operation,
        url: url.to_string(),
        reason: reason.to_owned(),
    })
}

/// Whether an answer is JSON: a JSON media type, or no type and a body
/// that does not start like markup.
fn is_json(headers: &HeaderMap, body: &[u8]) -> bool {
    match media_type(headers) {
        Some(kind) => kind == "application/json" || kind.ends_with("+json"),
        None => body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'<'),
    }
}

/// The `Content-Type` without parameters, lowercased.
fn media_type(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(CONTENT_TYPE)?.to_str().ok()?;
    let kind = value.split(';').next().unwrap_or_default().trim();
    Some(kind.to_ascii_lowercase())
}

/// Parses a successful answer, checks it carries `envelope_field`, and
/// reads it into `T`.
pub(crate) fn read_json<T: serde::de::DeserializeOwned>(
    operation: Operation,
    url: &Url,
    answer: &Answer,
    envelope_field: &str,
) -> Result<T, Error> {
    let value = decode::parse_json(operation, &answer.body)?;
    decode::expect_field(operation, url.as_str(), &value, envelope_field)?;
    decode::from_value(operation, value)
}

/// Properties of the classification of answers over arbitrary statuses,
/// content types and bodies, in a bounded run: it never panics, no error
/// repeats the body or a header, and the status decides before the body.
#[cfg(test)]
mod fuzz {
    use proptest::prelude::*;

    use super::*;
    use crate::client::models::ApiToken;

    /// Put in every generated body and header, so any echo shows.
    const MARK: &str = "BODYMARK";

    /// What the client makes of one answer, from status to model.
    fn classify(
        status: u16,
        headers: &HeaderMap,
        body: Vec<u8>,
        on_404: On404<'_>,
    ) -> Result<ApiToken, Error> {
        let operation = Operation::ReadOwnToken;
        let url = Url::parse("https://api.acme.runpanther.net/api-tokens/self").unwrap();
        let status = StatusCode::from_u16(status).unwrap();
        if let Some(error) = status_error(operation, &url, status, on_404) {
            return Err(error);
        }
        let answer = judge(operation, &url, status, headers, body, on_404)?;
        read_json(operation, &url, &answer, "id")
    }

    /// The kind of an outcome, for comparing.
    fn kind(outcome: &Result<ApiToken, Error>) -> &'static str {
        match outcome {
            Ok(_) => "ok",
            Err(Error::Unauthorized { .. }) => "unauthorized",
            Err(Error::Forbidden { .. }) => "forbidden",
            Err(Error::WrongAddress { .. }) => "wrong address",
            Err(Error::Server { .. }) => "server",
            Err(Error::NotFound { .. }) => "not found",
            Err(_) => "other",
        }
    }

    fn content_type() -> impl Strategy<Value = Option<String>> {
        prop_oneof![
            Just(None),
            prop::sample::select(vec![
                "application/json",
                "application/json; charset=utf-8",
                "APPLICATION/JSON",
                "application/problem+json",
                "text/html",
                "text/plain",
                "",
                ";",
            ])
            .prop_map(|t| Some(t.to_owned())),
            "[ -~]{0,20}".prop_map(|t| Some(format!("{t}{MARK}"))),
        ]
    }

    fn body() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            Just(format!(r#"{{"id":"t","name":"{MARK}","permissions":[]}}"#).into_bytes()),
            Just(format!(r#"{{"message":"{MARK}"}}"#).into_bytes()),
            Just(format!("<html><title>{MARK}</title></html>").into_bytes()),
            prop::collection::vec(any::<u8>(), 0..48).prop_map(|mut b| {
                b.extend_from_slice(MARK.as_bytes());
                b
            }),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 2000,
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn any_answer_is_classified_without_panic_or_echo(
            status in 100u16..=999,
            media in content_type(),
            retry_after in "[ -~]{0,30}",
            body in body(),
            lookup in any::<bool>(),
        ) {
            let mut headers = HeaderMap::new();
            if let Some(value) = media.and_then(|m| HeaderValue::from_str(&m).ok()) {
                headers.insert(CONTENT_TYPE, value);
            }
            if let Ok(value) = HeaderValue::from_str(&retry_after) {
                // Any text at all is read as a wait or ignored.
                let _ = parse_retry_after(&value, SystemTime::now());
            }
            let on_404 = if lookup { On404::Lookup("token") } else { On404::WrongAddress };

            let outcome = classify(status, &headers, body, on_404);

            if let Err(err) = &outcome {
                let text = format!("{err:#} {err:?}");
                prop_assert!(!text.contains(MARK), "echoed: {text}");
            }
            // The status decides before anything in the body is read, but
            // for a lookup's 400, which is "not found" or a failure.
            if status == 400 && lookup {
                let found = kind(&outcome);
                prop_assert!(["not found", "server"].contains(&found), "{}", found);
            }
            let expected = match status {
                200..=299 | 404 => None,
                400 if lookup => None,
                401 => Some("unauthorized"),
                403 => Some("forbidden"),
                300..=399 => Some("wrong address"),
                _ => Some("server"),
            };
            if let Some(expected) = expected {
                prop_assert_eq!(kind(&outcome), expected, "HTTP {}", status);
            }
        }
    }
}
