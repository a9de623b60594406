//! The Panther API key, held in a type that never prints itself.
//!
//! Keys travel through configuration structs, logs and error chains. Keeping
//! the value inside [`ApiKey`], whose `Debug` and `Display` both print a
//! placeholder and which has no `Serialize`, means a derived `Debug` on any
//! struct that holds a key cannot leak it. The only way to the value is the
//! explicitly named [`ApiKey::expose_secret`].

use std::fmt;

/// What `Debug` and `Display` print in place of the key.
const REDACTED: &str = "[redacted]";

/// A Panther API key (the value of the `X-API-Key` header).
#[derive(Clone)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wraps a key value as given; no trimming, so what the user typed is
    /// exactly what Panther sees.
    pub fn new(value: impl Into<String>) -> Self {
        ApiKey(value.into())
    }

    /// The key itself. Call this only where the value must leave the
    /// process, that is, when building the request header.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }

    /// Whether the key is empty or only whitespace, which Panther would
    /// reject with a 401 that says less than a local check can.
    pub fn is_blank(&self) -> bool {
        self.0.trim().is_empty()
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_hide_the_value() {
        let key = ApiKey::new("pk-very-secret");

        assert_eq!(format!("{key:?}"), "[redacted]");
        assert_eq!(format!("{key}"), "[redacted]");
        assert_eq!(format!("{:?}", Some(key.clone())), "Some([redacted])");
        assert_eq!(key.expose_secret(), "pk-very-secret");
    }

    #[test]
    fn whitespace_only_keys_are_blank() {
        assert!(ApiKey::new("").is_blank());
        assert!(ApiKey::new(" \t\n").is_blank());
        assert!(!ApiKey::new("k").is_blank());
    }
}
