//! The `panther` provider block: its schema, validation and configuration.
//!
//! Configuration resolves the address and key (attribute, then environment)
//! once per process and leaves a [`Session`] that data sources share. A
//! missing credential is not an error here: a configuration that only uses
//! `panther_integration` needs none, so the data sources report it when
//! they are read.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tf_provider::schema::{Block, Description, Schema};
use tf_provider::value::{Value, ValueEmpty, ValueString};
use tf_provider::{
    map, AttributePath, Diagnostic, Diagnostics, DynamicDataSource, DynamicResource, Provider,
};
use tracing::debug;

use crate::catalog::Catalog;
use crate::client::{self, ApiKey, ClientOptions, Endpoint, PantherClient};
use crate::credentials::{self, Configured, Credentials, ProcessEnvironment, Source};
use crate::data_sources::{RoleDataSource, RolesDataSource, UserDataSource, UsersDataSource};
use crate::messages;
use crate::resources::IntegrationResource;
use crate::schema::{optional, optional_sensitive};

/// Bounds of `request_timeout_seconds`.
const TIMEOUT_RANGE: (i64, i64) = (1, 600);
/// Bounds of `max_retries`.
const RETRIES_RANGE: (i64, i64) = (0, 10);

/// The provider block as Terraform sends it.
///
/// NOTE: no `Debug`: `api_key` is in here, and `Value`'s `Debug` would
/// print it.
///
/// NOTE: the numbers are read as `f64` although only whole ones are valid:
/// Terraform sends `1.5` as a float, which an integer field would refuse
/// with a bare serde message and no attribute path. `validate` reports it
/// at the attribute instead.
#[derive(Serialize, Deserialize)]
pub struct ProviderConfig<'a> {
    pub api_url: ValueString<'a>,
    pub api_key: ValueString<'a>,
    pub request_timeout_seconds: Value<f64>,
    pub max_retries: Value<f64>,
    pub ca_certificate_pem: ValueString<'a>,
}

/// What data sources need to read Panther.
#[derive(Debug)]
pub struct Session {
    /// The client with its cache of users and roles.
    pub catalog: Catalog,
    /// Where the key came from, for messages about it.
    pub key_source: Source,
}

/// The provider's state after `configure`.
#[derive(Debug, Default)]
enum Configuration {
    /// `configure` has not run.
    #[default]
    Pending,
    /// A provider argument is known only at apply time.
    Deferred,
    /// No address or no key anywhere.
    Missing { url: bool, key: bool },
    /// A value from the environment cannot be used; the error, for the
    /// data sources to report.
    Unusable(Diagnostic),
    /// Ready to read.
    Ready(Arc<Session>),
}

/// State shared by the provider, its data sources and its resource.
#[derive(Debug, Default)]
pub struct Shared {
    configuration: RwLock<Configuration>,
    options: RwLock<ClientOptions>,
}

impl Shared {
    /// The session for a data source, or a diagnostic saying why there is
    /// none.
    pub fn session(&self, diags: &mut Diagnostics) -> Option<Arc<Session>> {
        // NOTE: the lock is only poisoned if a writer panicked, which
        // `configure` cannot do while holding it.
        let configuration = self.configuration.read().expect("lock");
        match &*configuration {
            Configuration::Ready(session) => Some(session.clone()),
            Configuration::Missing { url, key } => {
                diags.add_error(messages::missing_credentials(*url, *key));
                None
            }
            Configuration::Unusable(error) => {
                diags.add_error(error.clone());
                None
            }
            Configuration::Deferred | Configuration::Pending => {
                diags.add_error(messages::credentials_unknown());
                None
            }
        }
    }

    /// The HTTP settings every client of this provider uses.
    pub fn client_options(&self) -> ClientOptions {
        self.options.read().expect("lock").clone()
    }
}

/// The `panther` provider.
#[derive(Debug, Default, Clone)]
pub struct PantherProvider {
    shared: Arc<Shared>,
}

#[async_trait]
impl Provider for PantherProvider {
    type Config<'a> = ProviderConfig<'a>;
    type MetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(Schema {
            version: 1,
            block: Block {
                description: Description::markdown(
                    "Reads Panther's users and roles and validates the \
                     dedicated API token of an identity-governance \
                     integration.",
                ),
                attributes: map! {
                    "api_url" => optional(
                        "Panther API URL: either the GraphQL URL the console \
                         shows (`.../public/graphql`) or the REST base. Falls \
                         back to `PANTHER_API_URL`.",
                    ),
                    "api_key" => optional_sensitive(
                        "Panther API token used by the data sources. Falls \
                         back to `PANTHER_API_KEY`, then `PANTHER_API_TOKEN`.",
                    ),
                    "request_timeout_seconds" => crate::schema::optional_number(
                        "Seconds to wait for one Panther API response, 1 to \
                         600. Defaults to 30.",
                    ),
                    "max_retries" => crate::schema::optional_number(
                        "Retries of a request that failed with 429, 502, 503, \
                         504 or a connection error, 0 to 10. Defaults to 3.",
                    ),
                    "ca_certificate_pem" => optional(
                        "PEM text of a certificate authority to trust in \
                         addition to the public ones, for a self-hosted \
                         Panther behind a private CA. Read a file with \
                         `file(\"ca.pem\")`.",
                    ),
                },
                ..Default::default()
            },
        })
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: Self::Config<'a>) -> Option<()> {
        if let Some(url) = config.api_url.as_ref_option() {
            if let Err(err) = Endpoint::parse(url) {
                let source = Source::Attribute("api_url");
                diags.add_error(messages::invalid_url(&err, source));
            }
        }
        if let Some(key) = config.api_key.as_ref_option() {
            check_key(diags, key, true);
        }
        if let Some(pem) = config.ca_certificate_pem.as_ref_option() {
            if let Err(reason) = client::check_ca_certificate(pem) {
                diags.add_error(messages::invalid_ca(&reason));
            }
        }
        check_range(
            diags,
            "request_timeout_seconds",
            &config.request_timeout_seconds,
            TIMEOUT_RANGE,
        );
        check_range(diags, "max_retries", &config.max_retries, RETRIES_RANGE);
        Some(())
    }

    async fn configure<'a>(
        &self,
        diags: &mut Diagnostics,
        terraform_version: String,
        config: Self::Config<'a>,
    ) -> Option<()> {
        debug!(%terraform_version, "configuring the panther provider");

        let options = client_options(&config);
        *self.shared.options.write().expect("lock") = options.clone();

        let url = configured(&config.api_url);
        let key = configured(&config.api_key);
        let configuration = match credentials::resolve(url, key, &ProcessEnvironment) {
            None => {
                debug!("provider credentials are unknown until apply");
                Configuration::Deferred
            }
            Some(creds) => ready(diags, creds, &options)?,
        };
        *self.shared.configuration.write().expect("lock") = configuration;
        Some(())
    }

    fn get_resources(
        &self,
        _diags: &mut Diagnostics,
    ) -> Option<HashMap<String, Box<dyn DynamicResource>>> {
        Some(map! {
            "integration" => IntegrationResource::new(self.shared.clone()),
        })
    }

    fn get_data_sources(
        &self,
        _diags: &mut Diagnostics,
    ) -> Option<HashMap<String, Box<dyn DynamicDataSource>>> {
        let shared = &self.shared;
        Some(map! {
            "users" => UsersDataSource::new(shared.clone()),
            "user" => UserDataSource::new(shared.clone()),
            "roles" => RolesDataSource::new(shared.clone()),
            "role" => RoleDataSource::new(shared.clone()),
        })
    }
}

/// A configuration value as [`credentials::resolve`] expects it.
fn configured(value: &ValueString<'_>) -> Configured<String> {
    match value {
        ValueString::Value(v) => Configured::Known(v.to_string()),
        ValueString::Unknown => Configured::Unknown,
        ValueString::Null => Configured::Unset,
    }
}

/// Reports a key that is blank or that cannot be sent in a header, at the
/// `api_key` attribute of the provider or the resource; only the provider's
/// may fall back to the environment.
pub fn check_key(diags: &mut Diagnostics, key: &str, environment_fallback: bool) {
    let path = AttributePath::new("api_key");
    if key.trim().is_empty() {
        diags.add_error(messages::blank_key(path, environment_fallback));
    } else if key.chars().any(char::is_control) {
        diags.add_error(messages::key_control_characters(path));
    }
}

/// Reports a number that is not whole or lies outside `(low, high)`.
fn check_range(diags: &mut Diagnostics, name: &str, value: &Value<f64>, (low, high): (i64, i64)) {
    if let Some(&n) = value.as_ref_option() {
        if n.fract() != 0.0 || n < low as f64 || n > high as f64 {
            diags.add_error(messages::out_of_range(name, low, high));
        }
    }
}

/// A number setting as a whole number within `(low, high)`.
///
/// `validate` has refused anything else; the clamp only keeps a value that
/// reached here some other way from wrapping around.
fn whole(value: f64, (low, high): (i64, i64)) -> u64 {
    value.clamp(low as f64, high as f64) as u64
}

/// The HTTP settings from the provider block, defaults where unset.
fn client_options(config: &ProviderConfig<'_>) -> ClientOptions {
    let mut options = ClientOptions::default();
    if let Some(&seconds) = config.request_timeout_seconds.as_ref_option() {
        options.request_timeout = Duration::from_secs(whole(seconds, TIMEOUT_RANGE));
    }
    if let Some(&retries) = config.max_retries.as_ref_option() {
        options.max_attempts = whole(retries, RETRIES_RANGE) as u32 + 1;
    }
    options.ca_certificate_pem = config
        .ca_certificate_pem
        .as_ref_option()
        .map(|pem| pem.to_string());
    options
}

/// Builds the session from resolved credentials.
///
/// Returns `None` (with an error) only for values of the provider block
/// that are present but unusable. Absent values, and unusable ones from
/// the environment, are reported later by the data sources: a
/// configuration that only manages `panther_integration` never uses the
/// provider's credentials, and a stray variable in a runner's environment
/// must not fail it.
fn ready(
    diags: &mut Diagnostics,
    creds: Credentials,
    options: &ClientOptions,
) -> Option<Configuration> {
    let (Some((url, url_source)), Some((key, key_source))) =
        (creds.url.as_ref(), creds.key.as_ref())
    else {
        debug!(
            url_found = creds.url.is_some(),
            key_found = creds.key.is_some(),
            "provider credentials are incomplete; data sources will report it"
        );
        return Some(Configuration::Missing {
            url: creds.url.is_none(),
            key: creds.key.is_none(),
        });
    };
    debug!(url_source = %url_source, key_source = %key_source, "credentials resolved");

    let endpoint = match Endpoint::parse(url) {
        Ok(endpoint) => endpoint,
        Err(err) => return unusable(diags, messages::invalid_url(&err, *url_source), *url_source),
    };
    debug!(form = ?endpoint.form(), rest_base = %endpoint.rest_base(), "API URL normalised");

    let client = match new_client(endpoint, key.clone(), options, key_source) {
        Ok(client) => client,
        Err(error) => return unusable(diags, error, *key_source),
    };
    Some(Configuration::Ready(Arc::new(Session {
        catalog: Catalog::new(client),
        key_source: *key_source,
    })))
}

/// Reports a value that cannot be used: now if the provider block holds
/// it, else when a data source needs it.
fn unusable(diags: &mut Diagnostics, error: Diagnostic, source: Source) -> Option<Configuration> {
    match source {
        Source::Attribute(_) => {
            diags.add_error(error);
            None
        }
        Source::Environment(variable) => {
            debug!(
                variable,
                "unusable value in the environment; data sources will report it"
            );
            Some(Configuration::Unusable(error))
        }
    }
}

/// Builds a client, or the diagnostic that says why it cannot be built.
pub fn new_client(
    endpoint: Endpoint,
    key: ApiKey,
    options: &ClientOptions,
    key_source: &dyn std::fmt::Display,
) -> Result<PantherClient, Diagnostic> {
    PantherClient::new(endpoint, key, options).map_err(|err| {
        let origin = key_source.to_string();
        messages::client_error(&err, &origin, AttributePath::root())
    })
}
