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
