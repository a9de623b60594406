//! Naming what went wrong below HTTP: timeouts, refused connections, DNS
//! and TLS.
//!
//! `reqwest` reports these as a chain of wrapped errors whose text varies
//! between versions and platforms. The user needs one short sentence that
//! says what happened, so this module walks the chain for the few causes
//! worth naming (a refusal, an untrusted certificate) and falls back to a
//! plain sentence otherwise. The chain itself is logged at debug level.

use std::error::Error as StdError;
use std::io;

use rustls::CertificateError as Cert;

use super::error::{tls_reasons, Error, Operation};

/// One link of an error chain.
type Cause = dyn StdError + 'static;

/// Turns a transport failure into the client's error.
pub(crate) fn from_reqwest(operation: Operation, err: &reqwest::Error) -> Error {
    tracing::debug!(
        operation = operation.describe(),
        error = %chain_text(err),
        "Panther API call failed below HTTP"
    );

    // NOTE: a connect timeout is a connection failure, worth retrying;
    // only a request that was sent and then ran out of time is a timeout.
    if err.is_connect() {
        return Error::Connection {
            operation,
            reason: connect_reason(err),
        };
    }
    if err.is_timeout() {
        return Error::Timeout { operation };
    }
    let reason = if err.is_body() || err.is_decode() {
        "the connection broke before the whole answer arrived"
    } else if closed_before_answer(err) {
        "the server closed the connection without answering"
    } else {
        "the request could not be completed"
    };
    Error::Connection {
        operation,
        reason: reason.to_owned(),
    }
}

/// A short sentence for a failure to connect.
fn connect_reason(err: &reqwest::Error) -> String {
    for cause in causes(err) {
        if let Some(tls) = cause.downcast_ref::<rustls::Error>() {
            return tls_reason(tls).to_owned();
        }
        if let Some(reason) = cause.downcast_ref::<io::Error>().and_then(io_reason) {
            return reason.to_owned();
        }
        if cause.to_string().starts_with("dns error") {
            return "the host name could not be resolved".to_owned();
        }
    }
    "the connection could not be made".to_owned()
}

/// Whether the server hung up after the request was sent, before any
/// answer: hyper names it only in its message, which has read the same
/// since hyper 0.14.
fn closed_before_answer(err: &reqwest::Error) -> bool {
    causes(err)
        .iter()
        .any(|cause| cause.to_string() == "connection closed before message completed")
}

/// The error and everything it wraps, outermost first. `io::Error` hides
/// its payload from `source()`, so the payload is added by hand.
fn causes(err: &Cause) -> Vec<&Cause> {
    let mut found = Vec::new();
    let mut next = Some(err);
    while let Some(cause) = next {
        found.push(cause);
        let payload = cause
            .downcast_ref::<io::Error>()
            .and_then(|io| io.get_ref())
            .map(|inner| inner as &Cause);
        next = payload.or_else(|| cause.source());
    }
    found
}

fn tls_reason(err: &rustls::Error) -> &'static str {
    let rustls::Error::InvalidCertificate(cert) = err else {
        return tls_reasons::HANDSHAKE;
    };
    match cert {
        Cert::NotValidForName | Cert::NotValidForNameContext { .. } => tls_reasons::WRONG_NAME,
        Cert::Expired
        | Cert::ExpiredContext { .. }
        | Cert::NotValidYet
        | Cert::NotValidYetContext { .. } => tls_reasons::EXPIRED,
        _ => tls_reasons::UNTRUSTED,
    }
}

fn io_reason(err: &io::Error) -> Option<&'static str> {
    let reason = match err.kind() {
        io::ErrorKind::ConnectionRefused => {
            "the connection was refused; check the host and port, and that \
             the server is running"
        }
        io::ErrorKind::TimedOut => "the connection attempt timed out",
        io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionAborted => {
            "the server closed the connection"
        }
        _ => return None,
    };
    Some(reason)
}

/// The whole chain as one line, for the debug log only.
fn chain_text(err: &reqwest::Error) -> String {
    causes(err)
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(": ")
}
