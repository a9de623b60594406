//! Faults a test can ask for: error statuses, gateway HTML pages, slow or
//! broken answers and dropped connections.
//!
//! This module only decides *whether* a request meets a fault; the
//! `middleware` module carries the fault out.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

use crate::counters::strip_v1;

/// A fault as `POST /__emulator/faults` takes it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FaultSpec {
    pub kind: FaultKind,
    /// Status for `status` (default 503) and `html` (default 502).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Sent as the `Retry-After` header of `status` and `html` answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<RetryAfter>,
    /// Extra wait for `delay` (default 2000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay_ms: Option<u64>,
    /// The content type `content-type` answers with (default text/html).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// Only the next `count` matching requests meet the fault.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    /// Each matching request meets the fault with this probability.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ratio: Option<f64>,
    /// Only paths equal to this one or below it (`/users` also matches
    /// `/users/{id}`); the `/v1` prefix is ignored on both sides.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route: Option<String>,
}

/// What happens to a request that meets a fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FaultKind {
    /// A JSON error answer with the given status (429, 5xx, ...).
    Status,
    /// An HTML error page, as a load balancer sends.
    Html,
    /// The normal answer, late.
    Delay,
    /// The normal answer with its body cut in half.
    Truncate,
    /// The connection closes without any answer.
    Drop,
    /// The normal body under a wrong content type.
    ContentType,
}

/// `Retry-After` as a string or a number of seconds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum RetryAfter {
    Text(String),
    Seconds(u64),
}

impl RetryAfter {
    /// The text of the `Retry-After` header.
    pub fn header_value(&self) -> String {
        match self {
            RetryAfter::Text(text) => text.clone(),
            RetryAfter::Seconds(seconds) => seconds.to_string(),
        }
    }
}

impl FaultSpec {
    /// Rejects specs that could never act as the caller meant.
    pub fn check(&self) -> Result<(), String> {
        if self.count.is_some() && self.ratio.is_some() {
            return Err("give count or ratio, not both".into());
        }
        if let Some(ratio) = self.ratio {
            if !(ratio > 0.0 && ratio <= 1.0) {
                return Err(format!("ratio must be in (0, 1], got {ratio}"));
            }
        }
        if let Some(status) = self.status {
            if !(100..=599).contains(&status) {
                return Err(format!("status must be in 100..=599, got {status}"));
            }
        }
        if self.count == Some(0) {
            return Err("count must be at least 1".into());
        }
        Ok(())
    }

    fn matches(&self, path: &str) -> bool {
        let Some(route) = &self.route else {
            return true;
        };
        let route = strip_v1(route).trim_end_matches('/');
        let path = strip_v1(path);
        match path.strip_prefix(route) {
            Some(rest) => rest.is_empty() || rest.starts_with('/'),
            None => false,
        }
    }
}

/// The faults in force, checked in the order they were added.
#[derive(Debug)]
pub struct Faults {
    active: Vec<FaultSpec>,
    /// Seeded, so a `ratio` test sees the same sequence on every run.
    dice: StdRng,
}

impl Default for Faults {
    fn default() -> Faults {
        Faults {
            active: Vec::new(),
            dice: StdRng::seed_from_u64(0x5eed),
        }
    }
}

impl Faults {
    /// Adds a fault after the ones in force; returns how many there are.
    pub fn add(&mut self, spec: FaultSpec) -> Result<usize, String> {
        spec.check()?;
        self.active.push(spec);
        Ok(self.active.len())
    }

    /// Removes every fault and restarts the dice.
    pub fn clear(&mut self) {
        *self = Faults::default();
    }

    /// The fault this request meets, if any, using up one of its `count`.
    ///
    /// A fault whose `ratio` dice miss lets the next matching one try.
    pub fn take(&mut self, path: &str) -> Option<FaultSpec> {
        for index in 0..self.active.len() {
            let spec = &self.active[index];
            if !spec.matches(path) {
                continue;
            }
            if let Some(ratio) = spec.ratio {
                if !self.dice.gen_bool(ratio) {
                    continue;
                }
            }
            return Some(self.fire(index));
        }
        None
    }

    /// Returns the fault at `index`, dropping it once its count runs out.
    fn fire(&mut self, index: usize) -> FaultSpec {
        let spec = &mut self.active[index];
        let fired = spec.clone();
        if let Some(count) = spec.count.as_mut() {
            *count -= 1;
            if *count == 0 {
                self.active.remove(index);
            }
        }
        fired
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(route: Option<&str>, count: Option<u64>) -> FaultSpec {
        FaultSpec {
            kind: FaultKind::Status,
            status: None,
            retry_after: None,
            delay_ms: None,
            content_type: None,
            count,
            ratio: None,
            route: route.map(String::from),
        }
    }

    #[test]
    fn a_route_filter_matches_the_path_and_below_but_not_neighbours() {
        let fault = spec(Some("/users"), None);
        assert!(fault.matches("/users"));
        assert!(fault.matches("/v1/users/abc"));
        assert!(!fault.matches("/users-extra"));
        assert!(!fault.matches("/roles"));
    }

    #[test]
    fn a_counted_fault_expires_after_its_count() {
        let mut faults = Faults::default();
        faults.add(spec(None, Some(2))).unwrap();
        assert!(faults.take("/users").is_some());
        assert!(faults.take("/users").is_some());
        assert!(faults.take("/users").is_none());
    }
}
