//! The GraphQL calls: every user with role permissions, and the version.
//!
//! GraphQL answers HTTP 200 even when a query fails, with an `errors`
//! array instead of (or beside) `data`. Panther says "access denied" there
//! when the key lacks a permission, so errors are examined before data:
//! partial data next to an error would otherwise pass for a full answer.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::decode;
use super::error::{Error, Operation};
use super::models::{null_as_default, User};
use super::transport::On404;
use super::PantherClient;

/// Every user in one request: GraphQL `users` takes no arguments and does
/// not page. Unlike REST, it can also return each role's permissions.
const USERS_QUERY: &str = "query ProviderUsers { users { id email \
    givenName familyName enabled status createdAt lastLoggedInAt \
    role { id name permissions } } }";

const VERSION_QUERY: &str = "query ProviderPantherVersion { \
    generalSettings { pantherVersion } }";

/// The message Panther puts in `errors` for a missing permission.
const ACCESS_DENIED: &str = "access denied";

#[derive(Serialize)]
struct Request<'a> {
    query: &'a str,
    variables: serde_json::Value,
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
struct Envelope<T> {
    #[serde(default)]
    data: Option<T>,
    #[serde(default, deserialize_with = "null_as_default")]
    errors: Vec<GraphQlError>,
}

#[derive(Deserialize)]
struct GraphQlError {
    #[serde(default, deserialize_with = "null_as_default")]
    message: String,
}

#[derive(Deserialize)]
struct UsersData {
    users: Vec<User>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SettingsData {
    general_settings: GeneralSettings,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GeneralSettings {
    #[serde(default)]
    panther_version: Option<String>,
}

impl PantherClient {
    /// Every user, each with its role's permissions, in one request.
    pub async fn users_graphql(&self) -> Result<Vec<User>, Error> {
        let data: UsersData = self.query(Operation::ListUsers, USERS_QUERY, None).await?;
        tracing::debug!(users = data.users.len(), "listed users via GraphQL");
        Ok(data.users)
    }

    /// The deployed Panther version, or `None` when Panther does not say.
    pub async fn panther_version(&self) -> Result<Option<String>, Error> {
        let op = Operation::ReadPantherVersion;
        let data: SettingsData = self.query(op, VERSION_QUERY, None).await?;
        let version = data.general_settings.panther_version;
        Ok(version.filter(|v| !v.trim().is_empty()))
    }

    /// Runs a query. `lookup` names what a single-object query looks for,
    /// so that a "not found" error can say so.
    async fn query<T: DeserializeOwned>(
        &self,
        operation: Operation,
        query: &str,
        lookup: Option<&str>,
    ) -> Result<T, Error> {
        let url = self.endpoint().graphql_url();
        let body = Request {
            query,
            variables: serde_json::json!({}),
        };
        let answer = self
            .transport
            .send(operation, url, On404::WrongAddress, |http| {
                http.post(url.clone()).json(&body)
            })
            .await?;

        let value = decode::parse_json(operation, &answer.body)?;
        if value.get("errors").is_none() {
            decode::expect_field(operation, url.as_str(), &value, "data")?;
        }
        let envelope: Envelope<T> = decode::from_value(operation, value)?;
        if !envelope.errors.is_empty() {
            return Err(query_error(operation, &envelope.errors, lookup));
        }
        envelope.data.ok_or_else(|| Error::Decode {
            operation,
            reason: "the GraphQL answer holds neither data nor errors".to_owned(),
        })
    }
}

/// Maps GraphQL `errors` to the client's error. Their messages are logged
/// at debug level but kept out of the error, which must not carry text
/// from the answer.
fn query_error(operation: Operation, errors: &[GraphQlError], lookup: Option<&str>) -> Error {
    for error in errors {
        tracing::debug!(
            operation = operation.describe(),
            message = %error.message.chars().take(200).collect::<String>(),
            "GraphQL answered with an error"
        );
    }
    let says = |needle: &str| {
        errors
            .iter()
            .any(|e| e.message.to_ascii_lowercase().contains(needle))
    };

    if errors
        .iter()
        .any(|e| e.message.trim().eq_ignore_ascii_case(ACCESS_DENIED))
    {
        return Error::Forbidden { operation };
    }
    if let (Some(what), true) = (lookup, says("not found")) {
        return Error::NotFound {
            operation,
            what: what.to_owned(),
        };
    }
    Error::Decode {
        operation,
        reason: format!(
            "the GraphQL answer reports {} error(s) and no usable data",
            errors.len()
        ),
    }
}
