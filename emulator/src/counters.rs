//! Request counters, so tests and benchmarks can see how many calls a
//! client made and to which routes.
//!
//! A REST route counts under its method and path template with any `/v1`
//! prefix removed (`GET /api-tokens/{id}`), so both URL forms add up to one
//! number. GraphQL also counts each root field as `graphql <field>`.

use std::collections::BTreeMap;

use serde::Serialize;

/// Counts since start-up or the last reset.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counters {
    /// API requests that reached a known route (control calls excluded).
    pub total: u64,
    /// Per route key, and per GraphQL root field.
    pub routes: BTreeMap<String, u64>,
}

impl Counters {
    /// Counts one API request to a route.
    pub fn record_request(&mut self, method: &str, template: &str) {
        self.total += 1;
        self.bump(format!("{method} {}", strip_v1(template)));
    }

    /// Counts one GraphQL root field; `total` already has the request.
    pub fn record_graphql_field(&mut self, field: &str) {
        self.bump(format!("graphql {field}"));
    }

    /// The count under a key, zero when never seen.
    pub fn get(&self, key: &str) -> u64 {
        self.routes.get(key).copied().unwrap_or(0)
    }

    fn bump(&mut self, key: String) {
        *self.routes.entry(key).or_insert(0) += 1;
    }
}

/// The path without the self-hosted `/v1` prefix.
pub fn strip_v1(path: &str) -> &str {
    match path.strip_prefix("/v1") {
        Some(rest) if rest.starts_with('/') => rest,
        _ => path,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_v1_form_counts_under_the_same_key() {
        let mut counters = Counters::default();
        counters.record_request("GET", "/users");
        counters.record_request("GET", "/v1/users");
        assert_eq!(counters.get("GET /users"), 2);
        assert_eq!(counters.total, 2);
    }

    #[test]
    fn a_path_that_merely_starts_with_v1_is_kept() {
        assert_eq!(strip_v1("/v1x/users"), "/v1x/users");
        assert_eq!(strip_v1("/v1/public/graphql"), "/public/graphql");
    }
}
