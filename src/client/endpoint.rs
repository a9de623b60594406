//! Turning the API URL a user pastes into the addresses the client calls.
//!
//! Panther's console shows two URLs for one API: the GraphQL address, which
//! ends in `/public/graphql`, and the REST base, which is the same address
//! without that suffix (`https://api.<tenant>.runpanther.net`, or
//! `https://<domain>/v1` when self-hosted). Users paste either, often with a
//! trailing slash. [`Endpoint::parse`] accepts both, normalises them to one
//! REST base and derives the GraphQL address from it, so the rest of the
//! client never has to care which form it was given.

use std::net::IpAddr;

use url::{Host, Url};

/// The path Panther's GraphQL API lives at, below the REST base.
const GRAPHQL_SUFFIX: &str = "/public/graphql";

/// Which of the two console URLs the user gave, kept for debug logs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UrlForm {
    /// The address ended in `/public/graphql`.
    GraphQl,
    /// Anything else: the REST base, with or without a path prefix.
    RestBase,
}

/// Why a pasted address cannot be used as a Panther API URL.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EndpointError {
    /// Nothing but whitespace was given.
    #[error(
        "the address is empty; give the API URL shown in Panther's console, \
         such as https://api.<tenant>.runpanther.net/public/graphql"
    )]
    Empty,

    /// The text does not parse as an absolute URL.
    #[error(
        "the address is not a URL; give the full API URL shown in Panther's \
         console, starting with https://"
    )]
    NotAUrl,

    /// The URL parses but names no host.
    #[error(
        "the address has no host name; give the full API URL shown in \
         Panther's console, starting with https://"
    )]
    NoHost,

    /// A scheme other than https or http.
    #[error(
        "the address must start with https:// (the scheme {scheme}:// is \
         not supported)"
    )]
    UnsupportedScheme {
        /// The scheme that was given, lowercased.
        scheme: String,
    },

    /// Plain http to a host that is not this machine.
    #[error(
        "the address must use https (plain http is only accepted for \
         loopback addresses such as 127.0.0.1)"
    )]
    InsecureRemote,

    /// A `?query` or `#fragment` is present.
    #[error(
        "the address must not contain a query (?...) or a fragment (#...); \
         give only the API URL"
    )]
    QueryOrFragment,

    /// The GraphQL path twice, as a doubled paste leaves it. The REST base
    /// would itself end in `/public/graphql`, which reads as the GraphQL
    /// form: the address could not be given back as it was understood.
    #[error(
        "the address ends in /public/graphql twice; give the API URL shown \
         in Panther's console, such as \
         https://api.<tenant>.runpanther.net/public/graphql"
    )]
    RepeatedGraphQlPath,

    /// A `user:password@` part is present.
    #[error(
        "the address must not contain a user name or password; the API key \
         is configured separately"
    )]
    Credentials,
}

/// A validated Panther API address.
#[derive(Clone, Debug, PartialEq)]
pub struct Endpoint {
    rest_base: Url,
    graphql_url: Url,
    form: UrlForm,
}

impl Endpoint {
    /// Parses either console URL into an endpoint.
    ///
    /// Only https is accepted, except for loopback hosts, which the test
    /// emulator and local proxies use. Any path prefix is allowed, since a
    /// self-hosted deployment may sit below one.
    pub fn parse(input: &str) -> Result<Endpoint, EndpointError> {
        let text = input.trim();
        if text.is_empty() {
            return Err(EndpointError::Empty);
        }
        let url = Url::parse(text).map_err(|_| EndpointError::NotAUrl)?;

        check_scheme_and_host(&url)?;
        check_no_extras(&url)?;

        let (base_path, form) = split_graphql_suffix(url.path());
        if base_path.ends_with(GRAPHQL_SUFFIX) {
            return Err(EndpointError::RepeatedGraphQlPath);
        }
        let mut rest_base = url.clone();
        rest_base.set_path(&base_path);
        let mut graphql_url = url;
        graphql_url.set_path(&format!("{base_path}{GRAPHQL_SUFFIX}"));

        Ok(Endpoint {
            rest_base,
            graphql_url,
            form,
        })
    }

    /// The REST base, to which paths such as `/users` are appended.
    ///
    /// NOTE: for an address with no path prefix, `url::Url` always shows a
    /// single `/` after the host; with a prefix (`/v1`) there is no trailing
    /// slash. Use [`Endpoint::rest_url`] to build request addresses.
    pub fn rest_base(&self) -> &Url {
        &self.rest_base
    }

    /// The GraphQL address: the REST base plus `/public/graphql`.
    pub fn graphql_url(&self) -> &Url {
        &self.graphql_url
    }

    /// Which form the user gave.
    pub fn form(&self) -> UrlForm {
        self.form
    }

    /// Whether the host is this machine (`localhost`, `127.0.0.0/8`, `::1`).
    pub fn is_loopback(&self) -> bool {
        is_loopback_host(&self.rest_base)
    }

    /// The address of a REST resource below the base. Each segment is
    /// percent-encoded on its own, so an id such as
    /// `Analyst (SAML Default)` or one holding a `/` stays one segment.
    ///
    /// NOTE: `.` and `..` are the exception: URLs resolve them away and
    /// `url` drops them, so lookups refuse such ids before calling this.
    pub fn rest_url(&self, segments: &[&str]) -> Url {
        let mut url = self.rest_base.clone();

        // NOTE: a base always has a path (at least "/"), so it can be a
        // base for segments; `path_segments_mut` only fails for URLs such
        // as `mailto:`, which `parse` never accepts.
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        url
    }
}

/// Splits a path into the REST base path (no trailing slash) and the form
/// it was given in.
fn split_graphql_suffix(path: &str) -> (String, UrlForm) {
    let path = path.trim_end_matches('/');
    match path.strip_suffix(GRAPHQL_SUFFIX) {
        Some(base) => (base.trim_end_matches('/').to_owned(), UrlForm::GraphQl),
        None => (path.to_owned(), UrlForm::RestBase),
    }
}

/// Accepts https anywhere and http only on loopback hosts.
fn check_scheme_and_host(url: &Url) -> Result<(), EndpointError> {
    if !matches!(url.scheme(), "https" | "http") {
        return Err(EndpointError::UnsupportedScheme {
            scheme: url.scheme().to_owned(),
        });
    }
    match url.host() {
        None => return Err(EndpointError::NoHost),
        Some(Host::Domain("")) => return Err(EndpointError::NoHost),
        Some(_) => {}
    }
    if url.scheme() == "http" && !is_loopback_host(url) {
        return Err(EndpointError::InsecureRemote);
    }
    Ok(())
}

/// Rejects the parts of a URL that have no place in an API address.
fn check_no_extras(url: &Url) -> Result<(), EndpointError> {
    if !url.username().is_empty() || url.password().is_some() {
        return Err(EndpointError::Credentials);
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(EndpointError::QueryOrFragment);
    }
    Ok(())
}

fn is_loopback_host(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

/// Properties of [`Endpoint::parse`] over arbitrary text and over text
/// built from the pieces of a URL, in a bounded run.
#[cfg(test)]
mod fuzz {
    use proptest::prelude::*;

    use super::*;

    /// Text shaped like the URLs users paste, with the awkward pieces
    /// (credentials, odd hosts, dot segments, the GraphQL suffix twice)
    /// mixed in.
    fn url_like() -> impl Strategy<Value = String> {
        let scheme = prop::sample::select(vec![
            "https://",
            "http://",
            "HtTpS://",
            "ftp://",
            "file://",
            "",
            "https:",
            "https:///",
        ]);
        let userinfo = prop::sample::select(vec!["", "", "u@", "u:p@", ":@", "@"]);
        let host = prop_oneof![
            prop::sample::select(vec![
                "localhost",
                "LOCALHOST",
                "localhost.",
                "127.0.0.1",
                "127.1",
                "0x7f000001",
                "[::1]",
                "[::ffff:127.0.0.1]",
                "10.0.0.1",
                "api.acme.runpanther.net",
                "localhost.evil.example",
                "",
            ])
            .prop_map(str::to_owned),
            "[a-z0-9.-]{0,12}",
        ];
        let port = prop::sample::select(vec!["", "", ":8443", ":0", ":99999", ":x"]);
        let segment = prop::sample::select(vec![
            "public",
            "graphql",
            "public/graphql",
            "v1",
            "",
            ".",
            "..",
            "%2F",
            "a b",
            "é",
            "%2e%2E",
            "x",
        ]);
        let path = prop::collection::vec(segment, 0..6).prop_map(|s| s.join("/"));
        let tail = prop::sample::select(vec!["", "", "/", "?", "?a=1", "#", "#x", " "]);
        (scheme, userinfo, host, port, path, tail).prop_map(|(s, u, h, p, path, t)| {
            let path = if path.is_empty() {
                path
            } else {
                format!("/{path}")
            };
            format!("{s}{u}{h}{p}{path}{t}")
        })
    }

    /// Whether a URL's host is this machine, by an independent reading.
    fn loopback(url: &Url) -> bool {
        match url.host() {
            Some(Host::Ipv4(ip)) => ip.octets()[0] == 127,
            Some(Host::Ipv6(ip)) => ip == std::net::Ipv6Addr::LOCALHOST,
            Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
            None => false,
        }
    }

    /// What every endpoint that parses must satisfy.
    fn check(endpoint: &Endpoint) -> Result<(), TestCaseError> {
        let base = endpoint.rest_base();
        let graphql = endpoint.graphql_url();
        prop_assert!(
            base.scheme() == "https" || (base.scheme() == "http" && loopback(base)),
            "insecure: {base}"
        );
        prop_assert!(base.username().is_empty() && base.password().is_none());
        prop_assert!(base.query().is_none() && base.fragment().is_none());
        prop_assert!(graphql.path().ends_with("/public/graphql"), "{graphql}");
        let joined = format!("{}/public/graphql", base.as_str().trim_end_matches('/'));
        prop_assert_eq!(graphql.as_str(), joined);

        // Either URL, parsed again, is the same endpoint.
        for again in [base.as_str(), graphql.as_str()] {
            let reparsed = Endpoint::parse(again);
            prop_assert!(reparsed.is_ok(), "{again} no longer parses");
            let reparsed = reparsed.unwrap();
            prop_assert_eq!(reparsed.rest_base(), base, "from {}", again);
            prop_assert_eq!(reparsed.graphql_url(), graphql, "from {}", again);
        }
        Ok(())
    }

    proptest! {
        // A fixed number of cases keeps CI bounded; a failure prints its
        // shrunk input, which belongs in an example test, so nothing is
        // written next to the sources.
        #![proptest_config(ProptestConfig {
            cases: 2000,
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn any_text_parses_or_fails_without_panicking(text in any::<String>()) {
            if let Ok(endpoint) = Endpoint::parse(&text) {
                check(&endpoint)?;
            }
        }

        #[test]
        fn url_like_text_that_parses_is_safe_and_round_trips(text in url_like()) {
            if let Ok(endpoint) = Endpoint::parse(&text) {
                check(&endpoint)?;
            }
        }

        #[test]
        fn each_rest_segment_stays_one_segment(
            text in url_like(),
            id in any::<String>().prop_filter("URLs drop dot segments", |id| {
                !matches!(id.as_str(), "." | "..")
            }),
        ) {
            if let Ok(endpoint) = Endpoint::parse(&text) {
                let url = endpoint.rest_url(&["users", &id]);
                // As `rest_url` extends it: a trailing empty segment goes.
                let mut base: Vec<&str> = endpoint.rest_base().path_segments().unwrap().collect();
                if base.last() == Some(&"") {
                    base.pop();
                }
                let base = base.len();
                let segments: Vec<&str> = url.path_segments().unwrap().collect();
                prop_assert_eq!(segments.len(), base + 2, "{}", url);
                prop_assert_eq!(percent_decode(segments[base + 1]), id.clone(), "{}", url);
            }
        }
    }

    #[test]
    fn a_doubled_graphql_path_is_refused_rather_than_misread() {
        let doubled = "https://api.acme.runpanther.net/public/graphql/public/graphql";

        assert_eq!(
            Endpoint::parse(doubled),
            Err(EndpointError::RepeatedGraphQlPath)
        );
    }

    /// Undoes percent-encoding.
    fn percent_decode(text: &str) -> String {
        let bytes = text.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok());
            match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
                (b'%', Some(byte)) => {
                    out.push(byte);
                    i += 3;
                }
                (byte, _) => {
                    out.push(byte);
                    i += 1;
                }
            }
        }
        String::from_utf8_lossy(&out).into_owned()
    }
}
