//! A Panther API client that knows nothing of Terraform.
//!
//! The pieces, from the outside in:
//!
//! - [`endpoint`]: the URL a user pastes, normalised to a REST base and a
//!   GraphQL address.
//! - [`secret`]: the API key, in a type that redacts itself.
//! - [`models`]: users, roles and tokens, read permissively.
//! - [`error`]: every failure as a typed error with lowercase context.
//! - [`permissions`]: permission ids and their console labels.
//! - `rest` and `graphql`: the calls themselves, as methods of
//!   [`PantherClient`].
//! - `transport`, `retry`, `network` and `decode`: sending one request,
//!   retrying it, naming connection failures and reading JSON safely.

pub mod endpoint;
pub mod error;
pub mod models;
pub mod permissions;
pub mod secret;

mod decode;
mod graphql;
mod network;
mod rest;
mod retry;
mod timestamp;
mod transport;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;

pub use endpoint::{Endpoint, EndpointError, UrlForm};
pub use error::{Error, Operation};
pub use models::{Actor, ApiToken, Role, Timestamp, User, UserRole};
pub use secret::ApiKey;

use retry::RetryPolicy;
use transport::Transport;

/// The `User-Agent` every request carries.
const USER_AGENT: &str = concat!("terraform-provider-panther/", env!("CARGO_PKG_VERSION"));

/// The longest a connection attempt may take, whatever the request timeout.
const MAX_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// How the client sends requests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientOptions {
    /// The most one request may take, from sending to the last body byte.
    pub request_timeout: Duration,
    /// Attempts per call in all, the first included.
    pub max_attempts: u32,
    /// The most time one call may spend between its first and last
    /// attempt.
    pub max_retry_time: Duration,
    /// An extra trusted root for self-hosted Panther behind a private CA,
    /// in PEM.
    pub ca_certificate_pem: Option<String>,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            request_timeout: Duration::from_secs(30),
            max_attempts: 4,
            max_retry_time: Duration::from_secs(60),
            ca_certificate_pem: None,
        }
    }
}

/// A client for one Panther API address and key.
///
/// Cloning is cheap: clones share the connection pool.
#[derive(Clone)]
pub struct PantherClient {
    endpoint: Arc<Endpoint>,
    transport: Transport,
}

impl PantherClient {
    /// Builds a client. Nothing is sent until the first call.
    pub fn new(
        endpoint: Endpoint,
        key: ApiKey,
        options: &ClientOptions,
    ) -> Result<PantherClient, Error> {
        let http = build_http_client(options)?;
        let transport = Transport {
            http,
            key: key_header(&key)?,
            retry: RetryPolicy::new(options.max_attempts, options.max_retry_time),
        };
        tracing::debug!(
            rest_base = %endpoint.rest_base(),
            form = ?endpoint.form(),
            key_set = !key.is_blank(),
            "Panther API client ready"
        );
        Ok(PantherClient {
            endpoint: Arc::new(endpoint),
            transport,
        })
    }

    /// Changes the backoff used when the server gives no `Retry-After`:
    /// the first wait and the cap it doubles up to. Tests use this to keep
    /// retries fast; the defaults suit real use.
    pub fn with_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.transport.retry.initial_backoff = initial;
        self.transport.retry.max_backoff = max;
        self
    }

    /// The address this client calls.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }
}

impl fmt::Debug for PantherClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PantherClient")
            .field("rest_base", &self.endpoint.rest_base().as_str())
            .field("key", &"[redacted]")
            .field("retry", &self.transport.retry)
            .finish()
    }
}

/// Checks a custom certificate authority as [`PantherClient::new`] will
/// use it, so that `terraform validate` can report a bad one; the error is
/// the reason it cannot be used.
pub fn check_ca_certificate(pem: &str) -> Result<(), String> {
    let options = ClientOptions {
        ca_certificate_pem: Some(pem.to_owned()),
        ..ClientOptions::default()
    };
    match build_http_client(&options) {
        Ok(_) => Ok(()),
        Err(Error::Setup { reason }) => Err(reason),
        Err(other) => Err(other.to_string()),
    }
}

fn build_http_client(options: &ClientOptions) -> Result<reqwest::Client, Error> {
    // NOTE: redirects are refused, not followed: reqwest would carry the
    // X-API-Key header to wherever a redirect points, and Panther's API
    // never redirects.
    let mut builder = reqwest::Client::builder()
        .user_agent(USER_AGENT)
        .timeout(options.request_timeout)
        .connect_timeout(options.request_timeout.min(MAX_CONNECT_TIMEOUT))
        .redirect(reqwest::redirect::Policy::none());

    if let Some(pem) = &options.ca_certificate_pem {
        for certificate in parse_ca_certificates(pem)? {
            builder = builder.add_root_certificate(certificate);
        }
    }
    builder.build().map_err(|_| Error::Setup {
        reason: "the HTTP client could not be built; a block of the CA \
                 certificate may be damaged or not be a certificate"
            .to_owned(),
    })
}

/// Reads every certificate in a PEM text. A text with none is an error,
/// since reqwest would otherwise accept it and silently trust nothing new.
fn parse_ca_certificates(pem: &str) -> Result<Vec<reqwest::Certificate>, Error> {
    let certificates =
        reqwest::Certificate::from_pem_bundle(pem.as_bytes()).map_err(|_| Error::Setup {
            reason: "the CA certificate is not valid PEM".to_owned(),
        })?;
    if certificates.is_empty() {
        return Err(Error::Setup {
            reason: "the CA certificate holds no PEM certificate block \
                     (-----BEGIN CERTIFICATE-----)"
                .to_owned(),
        });
    }
    Ok(certificates)
}

/// The key as a header value, marked sensitive so that HTTP-level logging
/// and `Debug` show it as such instead of printing it.
fn key_header(key: &ApiKey) -> Result<HeaderValue, Error> {
    let mut value = HeaderValue::from_str(key.expose_secret()).map_err(|_| Error::Setup {
        reason: "the API key holds characters that cannot be sent in an \
                     HTTP header, such as a line break"
            .to_owned(),
    })?;
    value.set_sensitive(true);
    Ok(value)
}
