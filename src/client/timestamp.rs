//! Timestamps as Panther writes them.
//!
//! Panther answers with ISO 8601 times in UTC, with any number of fractional
//! digits (`2024-11-14T17:09:49.841715953Z` occurs). [`Timestamp`] keeps the
//! text exactly as received, so the provider can show what Panther said, and
//! the parsed instant, so values can be compared and sorted.

use std::cmp::Ordering;
use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use time::format_description::well_known::{Iso8601, Rfc3339};
use time::{OffsetDateTime, PrimitiveDateTime};

/// A point in time with the text it was read from.
///
/// Equality and ordering look at the instant only, so `...:00Z` and
/// `...:00.000Z` are equal: the two agree with each other, as `Ord`
/// requires.
#[derive(Clone, Debug)]
pub struct Timestamp {
    text: String,
    instant: OffsetDateTime,
}

/// Why a text is not a timestamp. It names no value, since error messages
/// built from it must not echo response bodies.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not an ISO 8601 timestamp")]
pub struct TimestampError;

impl Timestamp {
    /// Parses an ISO 8601 / RFC 3339 time. A time without an offset is
    /// taken as UTC, which is what Panther means by it.
    pub fn parse(text: &str) -> Result<Timestamp, TimestampError> {
        let instant = parse_instant(text).ok_or(TimestampError)?;
        Ok(Timestamp {
            text: text.to_owned(),
            instant,
        })
    }

    /// The text exactly as Panther sent it.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The instant, in the offset Panther gave (UTC in practice).
    pub fn instant(&self) -> OffsetDateTime {
        self.instant
    }
}

fn parse_instant(text: &str) -> Option<OffsetDateTime> {
    // RFC 3339 is the common case and the strictest; the ISO 8601 parsers
    // pick up the rarer forms, such as a missing offset.
    OffsetDateTime::parse(text, &Rfc3339)
        .or_else(|_| OffsetDateTime::parse(text, &Iso8601::DEFAULT))
        .or_else(|_| {
            PrimitiveDateTime::parse(text, &Iso8601::DEFAULT).map(PrimitiveDateTime::assume_utc)
        })
        .ok()
}

impl PartialEq for Timestamp {
    fn eq(&self, other: &Self) -> bool {
        self.instant == other.instant
    }
}

impl Eq for Timestamp {}

impl PartialOrd for Timestamp {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Timestamp {
    fn cmp(&self, other: &Self) -> Ordering {
        self.instant.cmp(&other.instant)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(TimestampVisitor)
    }
}

struct TimestampVisitor;

impl Visitor<'_> for TimestampVisitor {
    type Value = Timestamp;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an ISO 8601 timestamp")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Timestamp, E> {
        Timestamp::parse(text).map_err(E::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nine_fractional_digits_keep_their_nanoseconds() {
        let ts = Timestamp::parse("2024-11-14T17:09:49.841715953Z").unwrap();

        assert_eq!(ts.as_str(), "2024-11-14T17:09:49.841715953Z");
        assert_eq!(ts.instant().nanosecond(), 841_715_953);
        assert_eq!(ts.instant().unix_timestamp(), 1_731_604_189);
    }

    #[test]
    fn any_number_of_fractional_digits_is_accepted() {
        for text in [
            "2024-11-14T17:09:49Z",
            "2024-11-14T17:09:49.8Z",
            "2024-11-14T17:09:49.841Z",
            "2024-11-14T17:09:49.841715Z",
            "2024-11-14T17:09:49.841715953Z",
            "2024-11-14T17:09:49.8417159531Z",
        ] {
            assert!(Timestamp::parse(text).is_ok(), "{text}");
        }
    }

    #[test]
    fn offsets_and_missing_offsets_are_read_as_instants() {
        let zulu = Timestamp::parse("2024-11-14T17:09:49Z").unwrap();
        let plus = Timestamp::parse("2024-11-14T18:09:49+01:00").unwrap();
        let bare = Timestamp::parse("2024-11-14T17:09:49").unwrap();

        assert_eq!(zulu, plus);
        assert_eq!(zulu, bare);
        assert_eq!(bare.as_str(), "2024-11-14T17:09:49");
    }

    #[test]
    fn ordering_follows_the_instant_not_the_text() {
        let early = Timestamp::parse("2024-11-14T17:09:49.9Z").unwrap();
        let late = Timestamp::parse("2024-11-14T17:09:50Z").unwrap();

        assert!(early < late);
    }

    #[test]
    fn garbage_is_rejected_without_echoing_it() {
        let err = Timestamp::parse("next tuesday").unwrap_err();

        assert_eq!(err.to_string(), "not an ISO 8601 timestamp");
    }
}
