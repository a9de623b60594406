//! `openapi.yaml`, loaded at test time, as a validator of response bodies.
//!
//! The file is found through `PANTHER_API_DIR`, or else at
//! `<crate>/../../shared/panther-api/`, where both a developer's tree and
//! CI's clone keep it. Schemas are made strict before use: an object may
//! carry only the properties the file declares, so an extra field in a
//! body (a leaked internal flag, say) fails as surely as a missing one.

use std::path::PathBuf;

use serde_json::{json, Map, Value};

/// The parsed REST description.
pub struct OpenApi {
    document: Value,
    strict_components: Value,
}

/// Where `openapi.yaml` and `schema.graphql` live.
pub fn api_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("PANTHER_API_DIR") {
        return PathBuf::from(dir);
    }
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.join("../../shared/panther-api")
}

impl OpenApi {
    pub fn load() -> OpenApi {
        let path = api_dir().join("openapi.yaml");
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|error| panic!("reading {}: {error}", path.display()));
        let document: Value = serde_norway::from_str(&text).expect("openapi.yaml parses");
        let mut strict_components = document["components"].clone();
        forbid_undeclared_properties(&mut strict_components);
        OpenApi {
            document,
            strict_components,
        }
    }

    /// The schema the file declares for an operation's answer, if any.
    pub fn declared(&self, path: &str, method: &str, status: u16) -> Option<Value> {
        let operation = &self.document["paths"][path][method];
        assert!(operation.is_object(), "openapi.yaml has no {method} {path}");
        let answer = &operation["responses"][status.to_string()];
        let schema = &answer["content"]["application/json"]["schema"];
        schema.is_object().then(|| schema.clone())
    }

    /// Whether the operation declares this status at all.
    pub fn declares_status(&self, path: &str, method: &str, status: u16) -> bool {
        self.document["paths"][path][method]["responses"][status.to_string()].is_object()
    }

    /// A reference to a component schema, such as `UserAPI.NotFoundError`.
    pub fn component(&self, name: &str) -> Value {
        assert!(
            self.strict_components["schemas"][name].is_object(),
            "openapi.yaml has no component {name}"
        );
        json!({ "$ref": format!("#/components/schemas/{name}") })
    }

    /// Fails the test with every violation when `body` breaks `schema`.
    pub fn assert_valid(&self, schema: &Value, body: &Value, what: &str) {
        // OpenAPI 3.0 schemas are a dialect of draft 4; `$ref` siblings are
        // ignored there, hence the `allOf` wrapper around the reference.
        let root = json!({
            "components": self.strict_components,
            "allOf": [schema],
        });
        let validator = jsonschema::draft4::new(&root).expect("the schema compiles");
        let errors: Vec<String> = validator
            .iter_errors(body)
            .map(|error| format!("{} at {}", error, error.instance_path))
            .collect();
        assert!(
            errors.is_empty(),
            "{what}: body breaks openapi.yaml:\n  {}\nbody: {body:#}",
            errors.join("\n  ")
        );
    }
}

/// Adds `additionalProperties: false` to every object schema that lists
/// its properties.
fn forbid_undeclared_properties(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.contains_key("properties") && !map.contains_key("additionalProperties") {
                map.insert("additionalProperties".into(), Value::Bool(false));
            }
            map.values_mut().for_each(forbid_undeclared_properties);
        }
        Value::Array(items) => items.iter_mut().for_each(forbid_undeclared_properties),
        _ => {}
    }
}

/// The component an undeclared error status falls back to: the error
/// type the same API declares elsewhere for that status.
pub fn fallback_component(path: &str, status: u16) -> String {
    let api = if path.starts_with("/users") {
        "UserAPI"
    } else if path.starts_with("/roles") {
        "RoleAPI"
    } else {
        "APITokenAPI"
    };
    let error = match status {
        400 => "BadRequestError",
        403 => return "APITokenAPI.ForbiddenErr".into(),
        404 => "NotFoundError",
        other => panic!("no fallback schema for status {other}"),
    };
    format!("{api}.{error}")
}

/// A schema for bodies the file never declares (401 from the gateway):
/// `{"message": "..."}` and nothing else.
pub fn message_only() -> Value {
    let mut properties = Map::new();
    properties.insert("message".into(), json!({ "type": "string" }));
    json!({
        "type": "object",
        "properties": properties,
        "required": ["message"],
        "additionalProperties": false,
    })
}
