//! Timestamps: Panther writes RFC 3339 in UTC with any number of
//! fractional digits, and the emulator keeps them as the strings it was
//! given so that a fixture's exact spelling reaches the client.

use std::time::SystemTime;

/// Parses `YYYY-MM-DDThh:mm:ss[.f]Z` with up to nine fractional digits.
pub fn parse(text: &str) -> Option<SystemTime> {
    humantime::parse_rfc3339(text).ok()
}

/// The current time, with nine fractional digits as Panther often writes.
pub fn now() -> String {
    humantime::format_rfc3339_nanos(SystemTime::now()).to_string()
}

/// Whether a timestamp lies in the past; unparsable ones count as past so
/// that a broken `expiresAt` fails closed.
pub fn is_past(text: &str) -> bool {
    parse(text).is_none_or(|moment| moment <= SystemTime::now())
}

/// A string that sorts in time order whatever the number of fractional
/// digits, since `...:00Z` and `...:00.5Z` do not compare as text.
pub fn sort_key(text: &str) -> String {
    match parse(text) {
        Some(moment) => humantime::format_rfc3339_nanos(moment).to_string(),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sort_key_orders_by_time_not_by_text() {
        let whole = sort_key("2024-01-01T00:00:00Z");
        let half = sort_key("2024-01-01T00:00:00.5Z");
        assert!(whole < half);
    }

    #[test]
    fn nine_fractional_digits_parse() {
        assert!(parse("2024-11-14T17:09:49.841715953Z").is_some());
    }
}
