//! Fifty data sources read at once: Terraform at `-parallelism=50` asks
//! the provider for all of them together, and every one must get the
//! right answer while users and roles are each fetched only once.

mod support;

use serde_json::{json, Value};
use support::{provider_block, Emulator, Workspace};

/// One data source, its output expression, and the value it must have.
struct Read {
    block: String,
    output: String,
    expected: Value,
}

fn text(value: &Value) -> String {
    value.as_str().unwrap().to_owned()
}

/// Fixture users that pass `keep`, as ids ordered like the provider
/// orders them (email, letter case ignored, then id).
fn user_ids(fixture: &Value, keep: impl Fn(&Value) -> bool) -> Value {
    let mut users: Vec<&Value> = fixture["users"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| keep(u))
        .collect();
    users.sort_by_key(|u| (text(&u["email"]).to_lowercase(), text(&u["id"])));
    users.iter().map(|u| u["id"].clone()).collect()
}

/// Fixture roles that pass `keep`, as ids ordered by name.
fn role_ids(fixture: &Value, keep: impl Fn(&Value) -> bool) -> Value {
    let mut roles: Vec<&Value> = fixture["roles"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| keep(r))
        .collect();
    roles.sort_by_key(|r| (text(&r["name"]).to_lowercase(), text(&r["id"])));
    roles.iter().map(|r| r["id"].clone()).collect()
}

/// Whether a fixture user's names or email contain `needle` (lowercase).
fn mentions(user: &Value, needle: &str) -> bool {
    let name = |field: &str| user[field].as_str().unwrap_or_default().to_owned();
    let full_name = format!("{} {}", name("givenName"), name("familyName"));
    [full_name, name("email")]
        .iter()
        .any(|field| field.to_lowercase().contains(needle))
}

/// A `panther_users` read whose output is the matching ids.
fn users_read(name: &str, argument: &str, expected: Value) -> Read {
    Read {
        block: format!("data \"panther_users\" \"{name}\" {{ {argument} }}"),
        output: format!("data.panther_users.{name}.users[*].id"),
        expected,
    }
}

/// Fifty reads over the fixture, of every data source but `panther_user`
/// (which asks Panther for one user and is not served from the catalog).
fn fifty_reads(fixture: &Value) -> Vec<Read> {
    let mut reads = Vec::new();
    let users = fixture["users"].as_array().unwrap();
    let roles = fixture["roles"].as_array().unwrap();

    for (i, user) in users.iter().enumerate() {
        let email = text(&user["email"]);
        reads.push(users_read(
            &format!("by_email_{i}"),
            &format!("email = \"{email}\""),
            user_ids(fixture, |u| u["email"] == email.as_str()),
        ));
    }
    for letter in "abcdefghijklmnop".chars() {
        let needle = letter.to_string();
        reads.push(users_read(
            &format!("contains_{letter}"),
            &format!("contains = \"{}\"", needle.to_uppercase()),
            user_ids(fixture, |u| mentions(u, &needle)),
        ));
    }
    for enabled in [true, false] {
        reads.push(users_read(
            &format!("enabled_{enabled}"),
            &format!("enabled = {enabled}"),
            user_ids(fixture, |u| u["enabled"] == enabled),
        ));
    }
    for (i, role) in roles.iter().enumerate() {
        let name = text(&role["name"]);
        let id = role["id"].clone();
        reads.push(users_read(
            &format!("role_{i}"),
            &format!("role_name = \"{}\"", name.to_lowercase()),
            user_ids(fixture, |u| u["role"]["name"] == name.as_str()),
        ));
        reads.push(Read {
            block: format!("data \"panther_roles\" \"named_{i}\" {{ name = \"{name}\" }}"),
            output: format!("data.panther_roles.named_{i}.roles[*].id"),
            expected: json!([id]),
        });
        reads.push(Read {
            block: format!("data \"panther_role\" \"by_id_{i}\" {{ id = {id} }}"),
            output: format!("data.panther_role.by_id_{i}.name"),
            expected: json!(name),
        });
        reads.push(Read {
            block: format!("data \"panther_role\" \"by_name_{i}\" {{ name = \"{name}\" }}"),
            output: format!("data.panther_role.by_name_{i}.id"),
            expected: id.clone(),
        });
    }
    for permission in [
        "UserRead",
        "UserModify",
        "OrganizationAPITokenModify",
        "AlertRead",
    ] {
        reads.push(Read {
            block: format!(
                "data \"panther_roles\" \"holding_{permission}\" {{\n  \
                 permission = \"{permission}\"\n}}"
            ),
            output: format!("data.panther_roles.holding_{permission}.roles[*].id"),
            expected: role_ids(fixture, |r| {
                r["permissions"]
                    .as_array()
                    .unwrap()
                    .contains(&json!(permission))
            }),
        });
    }
    reads
}

#[test]
fn fifty_data_sources_in_parallel_are_right_and_fetch_each_collection_once() {
    let emulator = Emulator::start();
    let reads = fifty_reads(emulator.fixture());
    assert_eq!(reads.len(), 50);
    let empty = reads.iter().filter(|r| r.expected == json!([])).count();
    assert!(
        empty < 5,
        "{empty} reads expect nothing; the test would prove little"
    );
    let mut config = provider_block(&emulator, "integration");
    for (i, read) in reads.iter().enumerate() {
        config.push_str(&format!(
            "{}\noutput \"r{i}\" {{ value = {} }}\n",
            read.block, read.output
        ));
    }
    let workspace = Workspace::new(&config);
    emulator.reset_counters();

    workspace
        .run(&["apply", "-auto-approve", "-input=false", "-parallelism=50"])
        .ok();

    let counters = emulator.counters();
    assert_eq!(emulator.count("GET /users"), 1, "{counters}");
    assert_eq!(emulator.count("GET /roles"), 1, "{counters}");
    let outputs = workspace.outputs();
    let wrong: Vec<String> = reads
        .iter()
        .enumerate()
        .filter(|(i, read)| outputs[format!("r{i}")] != read.expected)
        .map(|(i, read)| {
            format!(
                "{}: got {}, wanted {}",
                read.block,
                outputs[format!("r{i}")],
                read.expected
            )
        })
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
