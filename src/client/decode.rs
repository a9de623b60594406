//! Reading JSON answers into models, with errors that point at the problem
//! without repeating the answer.
//!
//! Decoding happens in two steps. The bytes are first parsed as JSON, so a
//! cut-off or garbled answer is reported by line and column. The parsed
//! value is then checked for Panther's envelope (`results`, `id`, `data`),
//! since valid JSON of another shape means the address points somewhere
//! else. Only then is it read into a model, and a bad field is reported by
//! its path, such as `results[3].createdAt`.

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::error::{Error, Operation};
use super::models::TimestampError;

/// A decode error that knows the path of the field it failed at.
type PathError = serde_path_to_error::Error<serde_json::Error>;

/// Parses an answer as JSON.
pub(crate) fn parse_json(operation: Operation, bytes: &[u8]) -> Result<Value, Error> {
    serde_json::from_slice(bytes).map_err(|err| Error::Decode {
        operation,
        reason: describe_syntax_error(&err),
    })
}

/// Checks that a JSON answer is an object holding `key`, the field every
/// Panther answer of this kind carries.
pub(crate) fn expect_field(
    operation: Operation,
    url: &str,
    value: &Value,
    key: &str,
) -> Result<(), Error> {
    if value.get(key).is_some() {
        return Ok(());
    }
    Err(Error::WrongAddress {
        operation,
        url: url.to_owned(),
        reason: format!("its JSON answer has no `{key}` field"),
    })
}

/// Reads a parsed answer into a model.
pub(crate) fn from_value<T: DeserializeOwned>(
    operation: Operation,
    value: Value,
) -> Result<T, Error> {
    serde_path_to_error::deserialize(value).map_err(|err| Error::Decode {
        operation,
        reason: describe_data_error(&err),
    })
}

fn describe_syntax_error(err: &serde_json::Error) -> String {
    let (line, column) = (err.line(), err.column());
    if err.is_eof() {
        format!(
            "the answer ends early, at line {line} column {column}; it may \
             have been cut off"
        )
    } else {
        format!("the answer is not valid JSON (line {line}, column {column})")
    }
}

fn describe_data_error(err: &PathError) -> String {
    let path = err.path().to_string();
    let place = if path == "." {
        "the answer".to_owned()
    } else {
        format!("the field `{path}`")
    };

    // NOTE: serde's own messages for wrong types quote the offending value,
    // which would echo part of the body; only messages that name nothing
    // from the answer are passed on.
    let detail = err.inner().to_string();
    if detail.starts_with("missing field") {
        format!("{place} lacks a required value ({detail})")
    } else if detail == TimestampError.to_string() {
        format!("{place} is {detail}")
    } else {
        format!("{place} has a value of an unexpected type")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::models::User;
    use serde_json::json;

    const OP: Operation = Operation::ListUsers;

    fn decode_reason(err: Error) -> String {
        match err {
            Error::Decode { reason, .. } => reason,
            other => panic!("expected a decode error, got {other:?}"),
        }
    }

    #[test]
    fn cut_off_json_is_reported_by_position() {
        let err = parse_json(OP, br#"{"results": [{"id": "u1", "em"#).unwrap_err();

        assert_eq!(
            decode_reason(err),
            "the answer ends early, at line 1 column 29; it may have been \
             cut off"
        );
    }

    #[test]
    fn wrong_types_name_the_field_but_not_the_value() {
        let value = json!({
            "id": "u1", "email": "a@example.com", "enabled": "secret-ish",
            "role": {"id": "r", "name": "n"}
        });
        let err = from_value::<User>(OP, value).unwrap_err();
        let reason = decode_reason(err);

        assert_eq!(
            reason,
            "the field `enabled` has a value of an unexpected type"
        );
        assert!(!reason.contains("secret-ish"));
    }

    #[test]
    fn missing_and_malformed_fields_are_named() {
        let missing = json!({"id": "u1", "enabled": true, "role": {}});
        let bad_time = json!({
            "id": "u1", "email": "e", "enabled": true, "role": {},
            "createdAt": "yesterday"
        });

        assert_eq!(
            decode_reason(from_value::<User>(OP, missing).unwrap_err()),
            "the answer lacks a required value (missing field `email`)"
        );
        assert_eq!(
            decode_reason(from_value::<User>(OP, bad_time).unwrap_err()),
            "the field `createdAt` is not an ISO 8601 timestamp"
        );
    }

    #[test]
    fn json_of_another_shape_is_a_wrong_address() {
        let err = expect_field(OP, "https://x", &json!({"a": 1}), "results").unwrap_err();

        assert!(matches!(err, Error::WrongAddress { .. }));
    }
}

/// Properties of the decoders over arbitrary bytes and arbitrary JSON, in
/// a bounded run: they never panic, and no error repeats the answer.
#[cfg(test)]
mod fuzz {
    use proptest::prelude::*;
    use serde_json::{json, Map, Value};

    use super::*;
    use crate::client::models::{ApiToken, Role, User};

    /// Put in every generated string, so any echo of the answer shows.
    const MARK: &str = "BODYMARK";

    /// Field names the models read, so generated objects get deep into
    /// them, and some they ignore.
    const FIELDS: [&str; 16] = [
        "id",
        "email",
        "givenName",
        "familyName",
        "enabled",
        "status",
        "role",
        "name",
        "permissions",
        "createdAt",
        "lastLoggedInAt",
        "logTypeAccess",
        "expiresAt",
        "createdBy",
        "results",
        "other",
    ];

    /// A JSON leaf; strings carry the mark.
    fn leaf() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            any::<f64>().prop_map(|n| json!(n)),
            ".{0,8}".prop_map(|s| json!(format!("{s}{MARK}"))),
            Just(json!("2024-01-01T00:00:00Z")),
        ]
    }

    /// Arbitrary JSON shaped like Panther's answers.
    fn answer() -> impl Strategy<Value = Value> {
        leaf().prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::vec((prop::sample::select(FIELDS.to_vec()), inner), 0..8)
                    .prop_map(|fields| {
                        let map: Map<String, Value> =
                            fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
                        Value::Object(map)
                    }),
            ]
        })
    }

    /// Asserts that an error names neither the mark nor raw serde text.
    fn clean(result: Result<impl Sized, Error>) -> Result<(), TestCaseError> {
        if let Err(err) = result {
            let text = format!("{err:#} {err:?}");
            prop_assert!(!text.contains(MARK), "the answer leaked: {text}");
            prop_assert!(!text.contains("invalid type"), "raw serde text: {text}");
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 1000,
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn any_bytes_parse_or_fail_without_echo(
            head in prop::collection::vec(any::<u8>(), 0..64),
            tail in prop::collection::vec(any::<u8>(), 0..64),
        ) {
            let mut bytes = head;
            bytes.extend_from_slice(format!("\"{MARK}").as_bytes());
            bytes.extend(tail);
            clean(parse_json(Operation::ListUsers, &bytes))?;
        }

        #[test]
        fn any_json_reads_into_models_or_fails_without_echo(value in answer()) {
            let op = Operation::ListUsers;
            clean(from_value::<User>(op, value.clone()))?;
            clean(from_value::<Role>(op, value.clone()))?;
            clean(from_value::<ApiToken>(op, value.clone()))?;
            clean(from_value::<Vec<User>>(op, value.clone()))?;
            clean(expect_field(op, "https://x", &value, "results"))?;
        }

        #[test]
        fn a_cut_off_answer_is_reported_by_position_only(
            users in prop::collection::vec(answer(), 1..4),
            cut in any::<prop::sample::Index>(),
        ) {
            let text = json!({ "results": users }).to_string();
            let bytes = &text.as_bytes()[..cut.index(text.len())];
            clean(parse_json(Operation::ListUsers, bytes))?;
        }
    }
}
