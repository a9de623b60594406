//! Where the provider's Panther address and key come from.
//!
//! A value in the configuration beats the environment. The key falls back
//! to `PANTHER_API_KEY`, then to `PANTHER_API_TOKEN` (the name Panther's own
//! provider reads). Each resolved value remembers its source, so that a
//! rejected key can be traced to the place that supplied it without ever
//! showing the key itself.

use std::fmt;

use crate::client::ApiKey;

/// Environment variable holding the Panther API URL.
pub const ENV_API_URL: &str = "PANTHER_API_URL";
/// First environment variable consulted for the API key.
pub const ENV_API_KEY: &str = "PANTHER_API_KEY";
/// Second environment variable consulted for the API key.
pub const ENV_API_TOKEN: &str = "PANTHER_API_TOKEN";

/// The place a setting was read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// The attribute of that name in the `provider "panther"` block.
    Attribute(&'static str),
    /// The environment variable of that name.
    Environment(&'static str),
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Attribute(name) => {
                write!(f, "the provider's `{name}` attribute")
            }
            Source::Environment(name) => {
                write!(f, "the {name} environment variable")
            }
        }
    }
}

/// A setting as the configuration states it.
///
/// Terraform may not know a provider argument until apply, when it comes
/// from another resource; that is not the same as the argument being unset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Configured<T> {
    /// Set in the configuration to a known value.
    Known(T),
    /// Set in the configuration, but known only at apply time.
    Unknown,
    /// Not set in the configuration.
    Unset,
}

/// The provider's address and key after applying the precedence rules.
#[derive(Clone, Debug)]
pub struct Credentials {
    /// The API URL as the user gave it, and where it came from.
    pub url: Option<(String, Source)>,
    /// The API key, and where it came from.
    pub key: Option<(ApiKey, Source)>,
}

/// A view of the process environment, so tests can supply their own.
pub trait Environment {
    /// The value of a variable, if it is set and not blank.
    fn var(&self, name: &str) -> Option<String>;
}

/// The real process environment.
pub struct ProcessEnvironment;

impl Environment for ProcessEnvironment {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.trim().is_empty())
    }
}

/// Resolves the provider's credentials, or `None` when a configured value
/// is not known yet (the caller then waits for apply).
pub fn resolve(
    url: Configured<String>,
    key: Configured<String>,
    env: &dyn Environment,
) -> Option<Credentials> {
    let url = match url {
        Configured::Known(url) => Some((url, Source::Attribute("api_url"))),
        Configured::Unknown => return None,
        Configured::Unset => env
            .var(ENV_API_URL)
            .map(|url| (url, Source::Environment(ENV_API_URL))),
    };

    let key = match key {
        Configured::Known(key) => Some((ApiKey::new(key), Source::Attribute("api_key"))),
        Configured::Unknown => return None,
        Configured::Unset => [ENV_API_KEY, ENV_API_TOKEN].iter().find_map(|name| {
            env.var(name)
                .map(|key| (ApiKey::new(key), Source::Environment(name)))
        }),
    };

    Some(Credentials { url, key })
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    struct FakeEnvironment(HashMap<&'static str, &'static str>);

    impl Environment for FakeEnvironment {
        fn var(&self, name: &str) -> Option<String> {
            self.0.get(name).map(|v| v.to_string())
        }
    }

    fn env(pairs: &[(&'static str, &'static str)]) -> FakeEnvironment {
        FakeEnvironment(pairs.iter().copied().collect())
    }

    #[test]
    fn attribute_beats_every_environment_variable() {
        let env = env(&[
            (ENV_API_URL, "https://env.example"),
            (ENV_API_KEY, "env-key"),
            (ENV_API_TOKEN, "env-token"),
        ]);
        let creds = resolve(
            Configured::Known("https://attr.example".into()),
            Configured::Known("attr-key".into()),
            &env,
        )
        .unwrap();

        let (url, url_source) = creds.url.unwrap();
        let (key, key_source) = creds.key.unwrap();
        assert_eq!(url, "https://attr.example");
        assert_eq!(url_source, Source::Attribute("api_url"));
        assert_eq!(key.expose_secret(), "attr-key");
        assert_eq!(key_source, Source::Attribute("api_key"));
    }

    #[test]
    fn api_key_variable_beats_api_token_variable() {
        let env = env(&[(ENV_API_KEY, "from-key"), (ENV_API_TOKEN, "from-token")]);
        let creds = resolve(Configured::Unset, Configured::Unset, &env).unwrap();

        let (key, source) = creds.key.unwrap();
        assert_eq!(key.expose_secret(), "from-key");
        assert_eq!(source, Source::Environment(ENV_API_KEY));
    }

    #[test]
    fn api_token_variable_is_the_last_fallback() {
        let env = env(&[(ENV_API_TOKEN, "from-token")]);
        let creds = resolve(Configured::Unset, Configured::Unset, &env).unwrap();

        let (_, source) = creds.key.unwrap();
        assert_eq!(source, Source::Environment(ENV_API_TOKEN));
        assert!(creds.url.is_none());
    }

    #[test]
    fn unknown_attribute_defers_resolution() {
        let env = env(&[(ENV_API_KEY, "from-key")]);
        assert!(resolve(Configured::Unknown, Configured::Unset, &env).is_none());
        assert!(resolve(Configured::Unset, Configured::Unknown, &env).is_none());
    }

    #[test]
    fn source_names_the_attribute_or_variable() {
        assert_eq!(
            Source::Environment(ENV_API_TOKEN).to_string(),
            "the PANTHER_API_TOKEN environment variable"
        );
        assert_eq!(
            Source::Attribute("api_key").to_string(),
            "the provider's `api_key` attribute"
        );
    }
}
