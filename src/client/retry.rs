//! When to try a failed call again, and how long to wait first.
//!
//! The loop itself lives in the transport; this module only decides. It is
//! hand-written rather than taken from a retry crate because the decision
//! needs three inputs such crates handle awkwardly together: the server's
//! `Retry-After`, a cap on attempts, and a cap on the total time spent
//! waiting, where a `Retry-After` longer than the time left ends retrying
//! at once instead of being shortened.

use std::time::{Duration, SystemTime};

use rand::Rng;
use reqwest::header::HeaderValue;

/// The first wait when the server gives no `Retry-After`.
const DEFAULT_INITIAL_BACKOFF: Duration = Duration::from_millis(500);

/// The longest wait backoff grows to.
const DEFAULT_MAX_BACKOFF: Duration = Duration::from_secs(8);

/// Limits on retrying one call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct RetryPolicy {
    /// Attempts in all, the first included; at least 1.
    pub max_attempts: u32,
    /// The most time from the first attempt's start to the last one's.
    pub max_retry_time: Duration,
    /// The wait before the second attempt, doubled for each one after.
    pub initial_backoff: Duration,
    /// The cap on the doubled wait.
    pub max_backoff: Duration,
}

/// Why the loop stops retrying, for the debug log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum GiveUp {
    /// The attempt limit is reached.
    Attempts,
    /// Waiting would run past the time budget.
    Budget,
}

impl RetryPolicy {
    /// A policy with the default backoff.
    pub fn new(max_attempts: u32, max_retry_time: Duration) -> Self {
        RetryPolicy {
            max_attempts: max_attempts.max(1),
            max_retry_time,
            initial_backoff: DEFAULT_INITIAL_BACKOFF,
            max_backoff: DEFAULT_MAX_BACKOFF,
        }
    }

    /// How long to wait before the next attempt, or why not to make one.
    ///
    /// `attempts_made` counts the attempts so far; `elapsed` is the time
    /// since the first one started.
    pub fn next_delay(
        &self,
        attempts_made: u32,
        elapsed: Duration,
        retry_after: Option<Duration>,
    ) -> Result<Duration, GiveUp> {
        if attempts_made >= self.max_attempts {
            return Err(GiveUp::Attempts);
        }
        let delay = retry_after.unwrap_or_else(|| self.backoff(attempts_made));
        let remaining = self.max_retry_time.saturating_sub(elapsed);
        if delay > remaining {
            return Err(GiveUp::Budget);
        }
        Ok(delay)
    }

    /// Capped exponential backoff with jitter: a random wait between half
    /// and all of the capped doubling, so clients that failed together do
    /// not all come back at the same moment.
    fn backoff(&self, attempts_made: u32) -> Duration {
        let doublings = attempts_made.saturating_sub(1).min(16);
        let ceiling = self
            .initial_backoff
            .saturating_mul(1 << doublings)
            .min(self.max_backoff);
        rand::thread_rng().gen_range(ceiling / 2..=ceiling)
    }
}

/// Reads a `Retry-After` value: whole seconds, or an HTTP date, which
/// counts from `now`. A date in the past means "now". Anything else is
/// ignored, and ordinary backoff applies.
pub(crate) fn parse_retry_after(value: &HeaderValue, now: SystemTime) -> Option<Duration> {
    let text = value.to_str().ok()?.trim();
    if let Ok(seconds) = text.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(text).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy::new(4, Duration::from_secs(60))
    }

    #[test]
    fn backoff_doubles_up_to_the_cap_within_jitter() {
        let p = policy();
        for (made, low, high) in [(1, 250, 500), (2, 500, 1000), (6, 4000, 8000)] {
            let d = p.backoff(made);
            let (low, high) = (Duration::from_millis(low), Duration::from_millis(high));
            assert!(low <= d && d <= high, "{made}: {d:?}");
        }
    }

    #[test]
    fn attempts_run_out_at_the_limit() {
        let p = policy();

        assert!(p.next_delay(3, Duration::ZERO, None).is_ok());
        assert_eq!(p.next_delay(4, Duration::ZERO, None), Err(GiveUp::Attempts));
    }

    #[test]
    fn retry_after_is_used_as_given_unless_it_overruns_the_budget() {
        let p = policy();
        let soon = Some(Duration::from_secs(2));
        let late = Some(Duration::from_secs(61));

        assert_eq!(
            p.next_delay(1, Duration::ZERO, soon),
            Ok(Duration::from_secs(2))
        );
        assert_eq!(p.next_delay(1, Duration::ZERO, late), Err(GiveUp::Budget));
        assert_eq!(
            p.next_delay(1, Duration::from_secs(59), soon),
            Err(GiveUp::Budget)
        );
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = httpdate::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        let read = |text: &'static str| parse_retry_after(&HeaderValue::from_static(text), now);

        assert_eq!(read("0"), Some(Duration::ZERO));
        assert_eq!(read(" 7 "), Some(Duration::from_secs(7)));
        assert_eq!(
            read("Sun, 06 Nov 1994 08:49:47 GMT"),
            Some(Duration::from_secs(10))
        );
        assert_eq!(read("Sun, 06 Nov 1994 08:00:00 GMT"), Some(Duration::ZERO));
        assert_eq!(read("soon"), None);
        assert_eq!(read("-1"), None);
    }
}
