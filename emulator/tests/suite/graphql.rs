//! GraphQL: the emulator's schema is a subset of Panther's `schema.graphql`,
//! and queries behave as a real GraphQL server's would.

use std::collections::BTreeMap;

use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};
use panther_emulator::Options;
use serde_json::{json, Value};

use crate::common::{key, role_id, start_with, user_id};
use crate::openapi::api_dir;

/// A type reduced to what the comparison needs: its kind, and for each
/// field (or enum value) its type with arguments, as text.
#[derive(Debug, PartialEq)]
struct Shape {
    kind: &'static str,
    members: BTreeMap<String, String>,
}

fn shapes(sdl: &str) -> BTreeMap<String, Shape> {
    let document = async_graphql::parser::parse_schema(sdl).expect("the SDL parses");
    let mut shapes = BTreeMap::new();
    for definition in document.definitions {
        let TypeSystemDefinition::Type(definition) = definition else {
            continue;
        };
        let definition = definition.node;
        let (kind, members) = match definition.kind {
            TypeKind::Scalar => ("scalar", BTreeMap::new()),
            TypeKind::Object(object) => ("type", fields(object.fields)),
            TypeKind::InputObject(input) => ("input", inputs(input.fields)),
            TypeKind::Enum(values) => {
                let names = values.values.into_iter();
                let members = names.map(|v| (v.node.value.node.to_string(), String::new()));
                ("enum", members.collect())
            }
            TypeKind::Interface(_) => ("interface", BTreeMap::new()),
            TypeKind::Union(_) => ("union", BTreeMap::new()),
        };
        shapes.insert(definition.name.node.to_string(), Shape { kind, members });
    }
    shapes
}

type Fields = Vec<async_graphql::Positioned<async_graphql::parser::types::FieldDefinition>>;
type Inputs = Vec<async_graphql::Positioned<async_graphql::parser::types::InputValueDefinition>>;

/// `name` -> `(arg: Type, ...): Type`, arguments in declared order.
fn fields(fields: Fields) -> BTreeMap<String, String> {
    let mut members = BTreeMap::new();
    for field in fields {
        let field = field.node;
        let arguments: Vec<String> = field
            .arguments
            .iter()
            .map(|arg| format!("{}: {}", arg.node.name.node, arg.node.ty.node))
            .collect();
        let text = format!("({}): {}", arguments.join(", "), field.ty.node);
        members.insert(field.name.node.to_string(), text);
    }
    members
}

fn inputs(fields: Inputs) -> BTreeMap<String, String> {
    let pairs = fields.into_iter().map(|field| {
        (
            field.node.name.node.to_string(),
            field.node.ty.node.to_string(),
        )
    });
    pairs.collect()
}

#[test]
fn the_emulator_schema_is_a_subset_of_panthers() {
    let path = api_dir().join("schema.graphql");
    let panther = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("reading {}: {error}", path.display()));
    let panther = shapes(&panther);
    let ours = shapes(&panther_emulator::graphql_sdl());
    let builtin = ["String", "Boolean", "ID", "Int", "Float"];

    for (name, shape) in ours
        .iter()
        .filter(|(name, _)| !builtin.contains(&name.as_str()))
    {
        let theirs = panther
            .get(name)
            .unwrap_or_else(|| panic!("Panther's schema has no type {name}"));
        assert_eq!(shape.kind, theirs.kind, "kind of {name}");
        for (member, signature) in &shape.members {
            let their_signature = theirs
                .members
                .get(member)
                .unwrap_or_else(|| panic!("Panther's {name} has no member {member}"));
            assert_eq!(signature, their_signature, "{name}.{member}");
        }
    }
    // The query fields the provider reads must all be served.
    let query = &ours["Query"].members;
    for field in [
        "users",
        "userById",
        "userByEmail",
        "roles",
        "roleById",
        "roleByName",
        "generalSettings",
    ] {
        assert!(query.contains_key(field), "Query.{field} is missing");
    }
}

#[test]
fn the_permission_enum_lists_every_value_panther_has() {
    let path = api_dir().join("schema.graphql");
    let panther = shapes(&std::fs::read_to_string(path).unwrap());
    let ours = shapes(&panther_emulator::graphql_sdl());
    for name in ["Permission", "LogTypeAccessKind", "SortDirEnum"] {
        assert_eq!(ours[name], panther[name], "{name}");
    }
}

#[tokio::test]
async fn aliases_fragments_and_variables_work() {
    let harness = start_with(Options::default()).await;
    let query = r#"
        query Lookup($email: String!, $id: ID!) {
          who: userByEmail(email: $email) { ...Person }
          again: userById(id: $id) { id }
          settings: generalSettings { pantherVersion }
        }
        fragment Person on User { id givenName role { name } }
    "#;
    let alice = user_id("alice.nakamura@example.com");
    let variables = json!({ "email": "ALICE.NAKAMURA@example.com", "id": alice });
    let reply = harness.graphql(&key("integration"), query, variables).await;
    assert_eq!(reply.status, 200);
    assert!(reply.body.get("errors").is_none(), "{}", reply.body);
    let data = &reply.body["data"];
    assert_eq!(data["who"]["id"], alice);
    assert_eq!(data["who"]["role"]["name"], "Admin");
    assert_eq!(data["again"]["id"], alice);
    assert_eq!(data["settings"]["pantherVersion"], "1.114.2");
}

#[tokio::test]
async fn invalid_queries_are_rejected_without_data() {
    let harness = start_with(Options::default()).await;
    let integration = key("integration");
    for query in [
        "{ users { id password } }",
        "{ users { id ",
        "{ userById { id } }",
        "{ mutationOnly }",
    ] {
        let reply = harness.graphql(&integration, query, json!({})).await;
        let errors = reply.body["errors"].as_array();
        assert!(
            errors.is_some_and(|e| !e.is_empty()),
            "{query}: {}",
            reply.body
        );
        assert!(reply.body["data"].is_null(), "{query}");
    }
}

#[tokio::test]
async fn users_includes_deactivated_users_and_resolves_saml_roles_by_name() {
    let harness = start_with(Options::default()).await;
    let query = "{ users { email enabled givenName familyName lastLoggedInAt role { id name } } }";
    let reply = harness.graphql(&key("integration"), query, json!({})).await;
    let users = reply.body["data"]["users"].as_array().unwrap().clone();
    assert_eq!(users.len(), 12);
    assert!(users.iter().any(|user| user["enabled"] == false));

    let by_email = |email: &str| -> Value {
        let found = users.iter().find(|user| user["email"] == email);
        found.unwrap().clone()
    };
    let saml = by_email("hugo.lefebvre@example.com");
    assert_eq!(saml["role"]["id"], role_id("Analyst"));
    assert_eq!(saml["role"]["name"], "Analyst");
    let nameless = by_email("scim-sync@example.com");
    assert!(nameless["givenName"].is_null() && nameless["familyName"].is_null());
    assert!(by_email("gita.raman@example.com")["lastLoggedInAt"].is_null());
}

#[tokio::test]
async fn roles_filter_sort_and_null_the_list_for_all_kinds() {
    let harness = start_with(Options::default()).await;
    let query = r#"{ roles(input: { nameContains: "analyst", sortDir: descending }) {
        name logTypeAccessKind logTypeAccess permissions } }"#;
    let reply = harness.graphql(&key("integration"), query, json!({})).await;
    let roles = reply.body["data"]["roles"].as_array().unwrap();
    let names: Vec<&str> = roles.iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["AnalystReadOnly", "Analyst"]);
    assert_eq!(
        roles[0]["logTypeAccess"],
        json!(["Okta.SystemLog", "GSuite.Reports"])
    );
    assert!(roles[1]["logTypeAccess"].is_null());
}

#[tokio::test]
async fn lookups_that_find_nothing_are_errors() {
    let harness = start_with(Options::default()).await;
    let integration = key("integration");
    for query in [
        r#"{ userById(id: "nobody") { id } }"#,
        r#"{ userByEmail(email: "nobody@example.com") { id } }"#,
        r#"{ roleById(id: "nothing") { id } }"#,
        r#"{ roleByName(name: "Nothing") { id } }"#,
    ] {
        let reply = harness.graphql(&integration, query, json!({})).await;
        let message = reply.body["errors"][0]["message"]
            .as_str()
            .unwrap_or_default();
        assert!(message.contains("not found"), "{query}: {}", reply.body);
        assert!(reply.body["data"].is_null());
    }
}

#[tokio::test]
async fn role_by_name_ignores_case() {
    let harness = start_with(Options::default()).await;
    let query = r#"{ roleByName(name: "token managers") { id } }"#;
    let reply = harness.graphql(&key("integration"), query, json!({})).await;
    assert_eq!(
        reply.body["data"]["roleByName"]["id"],
        role_id("Token Managers")
    );
}

#[tokio::test]
async fn the_v1_form_serves_graphql_too() {
    let harness = start_with(Options::default()).await;
    let body = json!({ "query": "{ generalSettings { pantherVersion } }" });
    let reply = harness
        .post(&key("integration"), "/v1/public/graphql", body)
        .await;
    assert_eq!(
        reply.body["data"]["generalSettings"]["pantherVersion"],
        "1.114.2"
    );
}

#[tokio::test]
async fn a_body_that_is_not_json_is_a_400_and_a_missing_query_an_error() {
    let harness = start_with(Options::default()).await;
    let response = harness
        .http
        .post(harness.url("/public/graphql"))
        .header("X-API-Key", key("integration"))
        .body("query { users { id } }")
        .send()
        .await
        .unwrap();
    let reply = crate::common::read(response).await;
    assert_eq!(reply.status, 400);
    assert!(reply.body["message"].is_string());

    let reply = harness
        .post(
            &key("integration"),
            "/public/graphql",
            json!({ "nothing": 1 }),
        )
        .await;
    assert!(
        reply.body["errors"][0]["message"].is_string(),
        "{}",
        reply.body
    );
}
