//! How an emulator is started: the same settings from the command line or
//! from a Rust test.

use std::fmt;
use std::str::FromStr;

use crate::fixture::Fixture;

/// Settings for one emulator.
#[derive(Clone, Debug)]
pub struct Options {
    /// Port on 127.0.0.1; 0 lets the system pick a free one.
    pub port: u16,
    /// The seed data, restored again by `POST /__emulator/reset`.
    pub fixture: Fixture,
    /// Generated users added after the fixture's own.
    pub extra_users: usize,
    /// Latency added to every API request, in milliseconds.
    pub latency_ms: u64,
    /// The body a REST 403 answer carries.
    pub forbidden_style: ForbiddenStyle,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            port: 0,
            fixture: Fixture::default_fixture(),
            extra_users: 0,
            latency_ms: 0,
            forbidden_style: ForbiddenStyle::Message,
        }
    }
}

/// The two 403 bodies Panther is known to send; a client must read both.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ForbiddenStyle {
    /// `{"message": "..."}`, as `openapi.yaml` declares.
    #[default]
    Message,
    /// `{"error": "forbidden"}`.
    Error,
}

impl FromStr for ForbiddenStyle {
    type Err = String;

    fn from_str(text: &str) -> Result<ForbiddenStyle, String> {
        match text {
            "message" => Ok(ForbiddenStyle::Message),
            "error" => Ok(ForbiddenStyle::Error),
            other => Err(format!("expected message or error, got {other:?}")),
        }
    }
}

impl fmt::Display for ForbiddenStyle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ForbiddenStyle::Message => f.write_str("message"),
            ForbiddenStyle::Error => f.write_str("error"),
        }
    }
}
