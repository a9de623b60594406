//! Fresh ids and token secrets for tokens created or rotated at run time.

use rand::distributions::Alphanumeric;
use rand::Rng;

/// Length of a token secret: long enough that no other text contains it
/// by chance, which log-scanning tests rely on.
const TOKEN_VALUE_LENGTH: usize = 40;

/// A new opaque token secret.
pub fn token_value() -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(TOKEN_VALUE_LENGTH)
        .map(char::from)
        .collect()
}

/// A new random (version 4) UUID in its usual text form.
pub fn uuid() -> String {
    let bits: u128 = rand::thread_rng().gen();
    // Set the version (4) and variant (10xx) bits as RFC 9562 asks.
    let bits = (bits & !(0xf << 76) & !(0x3 << 62)) | (0x4 << 76) | (0x2 << 62);
    let hex = format!("{bits:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_uuid_carries_version_four_and_the_standard_variant() {
        let id = uuid();
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
        assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"));
    }

    #[test]
    fn token_values_are_long_and_alphanumeric() {
        let value = token_value();
        assert_eq!(value.len(), TOKEN_VALUE_LENGTH);
        assert!(value.chars().all(|c| c.is_ascii_alphanumeric()));
    }
}
