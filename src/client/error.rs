//! What can go wrong when talking to Panther, as typed errors.
//!
//! Every error names the [`Operation`] it happened in, so a message reads
//! as lowercase context followed by the cause ("listing Panther users: ...")
//! and the provider can turn it into a diagnostic once, at its boundary.
//!
//! NOTE: no message here may carry a response body, a header or the API key.
//! Reasons are short sentences built by this module from what was observed
//! (a status, a content type, a field path), never copied from the wire.

use super::permissions;

/// The call the client was making when something went wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Operation {
    /// `GET /api-tokens/self`.
    ReadOwnToken,
    /// `GET /users` or GraphQL `users`.
    ListUsers,
    /// `GET /users/{id}` or `GET /users?email=`.
    GetUser,
    /// `GET /roles`.
    ListRoles,
    /// `GET /roles/{id}` or `GET /roles?name=`.
    GetRole,
    /// GraphQL `generalSettings { pantherVersion }`.
    ReadPantherVersion,
}

impl Operation {
    /// Lowercase context for messages, such as "listing Panther users".
    pub fn describe(&self) -> &'static str {
        match self {
            Operation::ReadOwnToken => "reading the API token's own details",
            Operation::ListUsers => "listing Panther users",
            Operation::GetUser => "looking up a Panther user",
            Operation::ListRoles => "listing Panther roles",
            Operation::GetRole => "looking up a Panther role",
            Operation::ReadPantherVersion => "reading the Panther version",
        }
    }

    /// The permission id Panther requires for this call.
    pub fn permission(&self) -> &'static str {
        match self {
            Operation::ReadOwnToken => "OrganizationAPITokenRead",
            Operation::ListUsers
            | Operation::GetUser
            | Operation::ListRoles
            | Operation::GetRole => "UserRead",
            Operation::ReadPantherVersion => "GeneralSettingsRead",
        }
    }

    /// The console label of [`Operation::permission`].
    pub fn permission_label(&self) -> &'static str {
        // NOTE: every id returned by `permission` is in the label table,
        // which a test pins; the fallback only keeps this total.
        permissions::label(self.permission()).unwrap_or("unknown")
    }
}

/// Reasons for `Connection` errors that retrying cannot cure.
pub(crate) mod tls_reasons {
    pub const UNTRUSTED: &str = "the server's certificate is not trusted";
    pub const WRONG_NAME: &str = "the server's certificate is not valid for its host name";
    pub const EXPIRED: &str = "the server's certificate has expired or is not yet valid";
    pub const HANDSHAKE: &str = "the TLS handshake with the server failed";

    pub fn contains(reason: &str) -> bool {
        [UNTRUSTED, WRONG_NAME, EXPIRED, HANDSHAKE].contains(&reason)
    }
}

/// A failed call to the Panther API.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// HTTP 401: the key is revoked, expired or mistyped.
    #[error(
        "{}: Panther rejected the API key (HTTP 401); it may be revoked, \
         expired or mistyped",
        operation.describe()
    )]
    Unauthorized { operation: Operation },

    /// HTTP 403, or GraphQL "access denied": the key lacks a permission.
    #[error(
        "{}: access denied; the API key needs the {} permission ({})",
        operation.describe(),
        operation.permission(),
        operation.permission_label()
    )]
    Forbidden { operation: Operation },

    /// A single lookup found nothing.
    #[error("{}: no {what} exists in Panther", operation.describe())]
    NotFound { operation: Operation, what: String },

    /// Something answered, but not the Panther API.
    #[error(
        "{}: {url} does not look like the Panther API ({reason}); check the \
         API URL",
        operation.describe()
    )]
    WrongAddress {
        operation: Operation,
        url: String,
        reason: String,
    },

    /// An error status: 5xx or 429 after retrying, or any status the
    /// client has no better name for.
    #[error("{}: {}", operation.describe(), describe_status(*status))]
    Server { operation: Operation, status: u16 },

    /// No answer within the request timeout.
    #[error(
        "{}: the Panther API did not answer within the request timeout",
        operation.describe()
    )]
    Timeout { operation: Operation },

    /// No connection could be made (refused, DNS, TLS).
    #[error(
        "{}: could not connect to the Panther API: {reason}",
        operation.describe()
    )]
    Connection {
        operation: Operation,
        reason: String,
    },

    /// The answer is not the JSON it should be.
    #[error(
        "{}: could not read the Panther API's answer: {reason}",
        operation.describe()
    )]
    Decode {
        operation: Operation,
        reason: String,
    },

    /// Paging came back to a cursor it had already followed.
    #[error(
        "{}: the Panther API returned a page cursor it had already \
         returned, so paging stopped rather than loop forever",
        operation.describe()
    )]
    RepeatedCursor { operation: Operation },

    /// The HTTP client could not be built.
    #[error("setting up the Panther API client: {reason}")]
    Setup { reason: String },
}

impl Error {
    /// The call that failed; `None` for a failure to set up the client.
    pub fn operation(&self) -> Option<Operation> {
        match self {
            Error::Unauthorized { operation }
            | Error::Forbidden { operation }
            | Error::NotFound { operation, .. }
            | Error::WrongAddress { operation, .. }
            | Error::Server { operation, .. }
            | Error::Timeout { operation }
            | Error::Connection { operation, .. }
            | Error::Decode { operation, .. }
            | Error::RepeatedCursor { operation } => Some(*operation),
            Error::Setup { .. } => None,
        }
    }

    /// Whether the failure may pass on its own: overload answers (429, 502,
    /// 503, 504) and connections that could not be made, except those a
    /// TLS problem stopped. These are exactly what the client retries.
    ///
    /// Timeouts are not retryable: a call that ran past the timeout is
    /// likely to do so again, and repeating it would multiply the wait.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Server { status, .. } => is_retryable_status(*status),
            Error::Connection { reason, .. } => !tls_reasons::contains(reason),
            _ => false,
        }
    }
}

/// Statuses worth another try: rate limiting and a gateway in trouble.
pub(crate) fn is_retryable_status(status: u16) -> bool {
    matches!(status, 429 | 502 | 503 | 504)
}

fn describe_status(status: u16) -> String {
    match status {
        429 => "the Panther API kept answering HTTP 429 (too many requests) \
                until the retry budget ran out"
            .to_owned(),
        s if is_retryable_status(s) => format!(
            "the Panther API kept answering HTTP {s} (unavailable) until the \
             retry budget ran out"
        ),
        s if s >= 500 => {
            format!("the Panther API failed with HTTP {s} (server error)")
        }
        s => format!("the Panther API answered with unexpected HTTP {s}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL_OPERATIONS: [Operation; 6] = [
        Operation::ReadOwnToken,
        Operation::ListUsers,
        Operation::GetUser,
        Operation::ListRoles,
        Operation::GetRole,
        Operation::ReadPantherVersion,
    ];

    #[test]
    fn every_operation_permission_has_a_console_label() {
        for op in ALL_OPERATIONS {
            assert!(permissions::label(op.permission()).is_some(), "{op:?}");
            let first = op.describe().chars().next();
            assert!(first.is_some_and(char::is_lowercase), "{op:?}");
        }
    }

    #[test]
    fn forbidden_names_the_permission_id_and_label() {
        let err = Error::Forbidden {
            operation: Operation::ReadPantherVersion,
        };

        assert_eq!(
            err.to_string(),
            "reading the Panther version: access denied; the API key needs \
             the GeneralSettingsRead permission (Read Panther Settings Info)"
        );
    }

    #[test]
    fn server_errors_tell_overload_from_other_statuses() {
        let op = Operation::ListUsers;
        let busy = Error::Server {
            operation: op,
            status: 503,
        };
        let broken = Error::Server {
            operation: op,
            status: 500,
        };

        assert!(busy.is_retryable());
        assert!(!broken.is_retryable());
        assert!(busy.to_string().contains("HTTP 503"));
        assert!(broken.to_string().ends_with("HTTP 500 (server error)"));
    }

    #[test]
    fn tls_failures_are_not_retryable_but_refusals_are() {
        let op = Operation::ListRoles;
        let tls = Error::Connection {
            operation: op,
            reason: tls_reasons::UNTRUSTED.to_owned(),
        };
        let refused = Error::Connection {
            operation: op,
            reason: "the connection was refused".to_owned(),
        };

        assert!(!tls.is_retryable());
        assert!(refused.is_retryable());
        assert!(!Error::Timeout { operation: op }.is_retryable());
    }

    #[test]
    fn messages_have_no_final_period() {
        let err = Error::Setup {
            reason: "the CA certificate holds no certificate".to_owned(),
        };

        assert_eq!(err.operation(), None);
        assert!(!err.to_string().ends_with('.'));
    }
}
