//! End to end: the four data sources through the real `terraform` CLI
//! against the emulator, compared attribute by attribute with the fixture.

mod support;

use serde_json::{json, Value};
use support::{provider_block, Emulator, Workspace};

/// A fixture user as `panther_users` should show it.
fn expected_user(user: &Value) -> Value {
    let name = |field: &str| match user[field].as_str() {
        Some("") | None => Value::Null,
        Some(text) => json!(text),
    };
    json!({
        "id": user["id"],
        "email": user["email"],
        "given_name": name("givenName"),
        "family_name": name("familyName"),
        "enabled": user["enabled"],
        "status": user["status"],
        "role_id": user["role"]["id"],
        "role_name": user["role"]["name"],
        "created_at": user["createdAt"],
        "last_logged_in_at": user["lastLoggedInAt"],
    })
}

/// The fixture's users that pass `keep`, ordered as the provider orders.
fn expected_users(fixture: &Value, keep: impl Fn(&Value) -> bool) -> Value {
    let mut users: Vec<&Value> = fixture["users"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| keep(u))
        .collect();
    users.sort_by_key(|u| {
        (
            u["email"].as_str().unwrap().to_lowercase(),
            u["id"].as_str().unwrap().to_owned(),
        )
    });
    Value::Array(users.into_iter().map(expected_user).collect())
}

/// A fixture role as `panther_roles` should show it.
fn expected_role(role: &Value) -> Value {
    let mut permissions: Vec<&str> = role["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    permissions.sort();
    let access = match role["logTypeAccessKind"].as_str().unwrap() {
        "ALLOW_ALL" | "DENY_ALL" => Value::Null,
        _ => role["logTypeAccess"].clone(),
    };
    json!({
        "id": role["id"],
        "name": role["name"],
        "permissions": permissions,
        "log_type_access_kind": role["logTypeAccessKind"],
        "log_type_access": access,
        "created_at": role["createdAt"],
        "updated_at": role["updatedAt"],
    })
}

/// The fixture user with this email.
fn fixture_user<'f>(fixture: &'f Value, email: &str) -> &'f Value {
    fixture["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == email)
        .unwrap()
}

/// The fixture role with this name.
fn fixture_role<'f>(fixture: &'f Value, name: &str) -> &'f Value {
    fixture["roles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap()
}

#[test]
fn every_user_is_listed_exactly_as_the_fixture_has_it() {
    let emulator = Emulator::start();
    let workspace = Workspace::new(&format!(
        "{}\ndata \"panther_users\" \"all\" {{}}\n\
         output \"users\" {{ value = data.panther_users.all.users }}",
        provider_block(&emulator, "integration")
    ));

    workspace.apply();

    let expected = expected_users(emulator.fixture(), |_| true);
    assert_eq!(workspace.outputs()["users"], expected);
    workspace.assert_no_changes();
}

#[test]
fn each_user_filter_narrows_the_list() {
    let emulator = Emulator::start();
    let admin_role = fixture_role(emulator.fixture(), "Admin")["id"].clone();
    let workspace = Workspace::new(&format!(
        r#"{provider}
data "panther_users" "by_email" {{ email = "jonas.berg@example.com" }}
data "panther_users" "by_contains" {{ contains = "BERG" }}
data "panther_users" "by_role_id" {{ role_id = {admin_role} }}
data "panther_users" "by_role_name" {{ role_name = "analyst" }}
data "panther_users" "deactivated" {{ enabled = false }}
data "panther_users" "by_status" {{ status = "FORCE_CHANGE_PASSWORD" }}
data "panther_users" "nobody" {{ contains = "no such person" }}
output "by_email" {{ value = data.panther_users.by_email.users }}
output "by_contains" {{ value = data.panther_users.by_contains.users }}
output "by_role_id" {{ value = data.panther_users.by_role_id.users }}
output "by_role_name" {{ value = data.panther_users.by_role_name.users }}
output "deactivated" {{ value = data.panther_users.deactivated.users }}
output "by_status" {{ value = data.panther_users.by_status.users }}
output "nobody" {{ value = data.panther_users.nobody.users }}
"#,
        provider = provider_block(&emulator, "integration"),
    ));

    workspace.apply();

    let fixture = emulator.fixture();
    let outputs = workspace.outputs();
    let contains = |u: &Value, text: &str| {
        let haystack = format!(
            "{} {} {}",
            u["givenName"].as_str().unwrap_or(""),
            u["familyName"].as_str().unwrap_or(""),
            u["email"].as_str().unwrap()
        );
        haystack.to_lowercase().contains(text)
    };
    let cases = [
        (
            "by_email",
            expected_users(fixture, |u| u["email"] == "Jonas.Berg@Example.com"),
        ),
        (
            "by_contains",
            expected_users(fixture, |u| contains(u, "berg")),
        ),
        (
            "by_role_id",
            expected_users(fixture, |u| u["role"]["id"] == admin_role),
        ),
        (
            "by_role_name",
            expected_users(fixture, |u| u["role"]["name"] == "Analyst"),
        ),
        (
            "deactivated",
            expected_users(fixture, |u| u["enabled"] == false),
        ),
        (
            "by_status",
            expected_users(fixture, |u| u["status"] == "FORCE_CHANGE_PASSWORD"),
        ),
        ("nobody", json!([])),
    ];
    for (name, expected) in cases {
        assert_eq!(outputs[name], expected, "output {name}");
    }
    for name in [
        "by_email",
        "by_contains",
        "by_role_id",
        "by_role_name",
        "deactivated",
    ] {
        assert_ne!(outputs[name], json!([]), "{name} should match someone");
    }
}

#[test]
fn single_user_lookups_cover_the_awkward_cases() {
    let emulator = Emulator::start();
    let fixture = emulator.fixture();
    let never_logged_in = fixture["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["lastLoggedInAt"].is_null())
        .unwrap();
    let nameless = fixture["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["givenName"].is_null())
        .unwrap();
    let workspace = Workspace::new(&format!(
        r#"{provider}
data "panther_user" "saml" {{ email = "hugo.lefebvre@example.com" }}
data "panther_user" "deactivated" {{ email = "felix.brandt@example.com" }}
data "panther_user" "never" {{ id = "{never}" }}
data "panther_user" "nameless" {{ id = "{nameless}" }}
data "panther_user" "other_case" {{ email = "jonas.berg@example.com" }}
output "saml" {{ value = data.panther_user.saml }}
output "other_case" {{ value = data.panther_user.other_case.email }}
output "deactivated" {{ value = data.panther_user.deactivated }}
output "never" {{ value = data.panther_user.never }}
output "nameless" {{ value = data.panther_user.nameless }}
"#,
        provider = provider_block(&emulator, "integration"),
        never = never_logged_in["id"].as_str().unwrap(),
        nameless = nameless["id"].as_str().unwrap(),
    ));

    workspace.apply();

    let outputs = workspace.outputs();
    let with_permissions = |user: &Value, role: &str| {
        let mut object = expected_user(user);
        object["role_permissions"] =
            expected_role(fixture_role(fixture, role))["permissions"].clone();
        object
    };
    let saml = fixture_user(fixture, "hugo.lefebvre@example.com");
    assert_eq!(saml["role"]["id"], "Analyst (SAML Default)");
    assert_eq!(outputs["saml"], with_permissions(saml, "Analyst"));
    let felix = fixture_user(fixture, "felix.brandt@example.com");
    assert_eq!(
        outputs["deactivated"],
        with_permissions(felix, "Token Managers")
    );
    assert_eq!(outputs["deactivated"]["enabled"], false);
    assert_eq!(outputs["never"]["last_logged_in_at"], Value::Null);
    assert_eq!(outputs["nameless"]["given_name"], Value::Null);
    assert_eq!(outputs["nameless"]["family_name"], Value::Null);
    assert_eq!(outputs["other_case"], "Jonas.Berg@Example.com");
    workspace.assert_no_changes();
}

#[test]
fn roles_are_listed_filtered_and_looked_up() {
    let emulator = Emulator::start();
    let fixture = emulator.fixture();
    let analyst = fixture_role(fixture, "Analyst");
    let workspace = Workspace::new(&format!(
        r#"{provider}
data "panther_roles" "all" {{}}
data "panther_roles" "by_name" {{ name = "admin" }}
data "panther_roles" "by_fragment" {{ name_contains = "ANALYST" }}
data "panther_roles" "token_managers" {{ permission = "OrganizationAPITokenModify" }}
data "panther_role" "by_id" {{ id = "{analyst_id}" }}
data "panther_role" "by_name" {{ name = "token managers" }}
output "all" {{ value = data.panther_roles.all.roles }}
output "by_name" {{ value = data.panther_roles.by_name.roles }}
output "by_fragment" {{ value = data.panther_roles.by_fragment.roles }}
output "token_managers" {{ value = data.panther_roles.token_managers.roles }}
output "role_by_id" {{ value = data.panther_role.by_id }}
output "role_by_name" {{ value = data.panther_role.by_name }}
"#,
        provider = provider_block(&emulator, "integration"),
        analyst_id = analyst["id"].as_str().unwrap(),
    ));

    workspace.apply();

    let outputs = workspace.outputs();
    let roles = |keep: &dyn Fn(&Value) -> bool| {
        let mut roles: Vec<&Value> = fixture["roles"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| keep(r))
            .collect();
        roles.sort_by_key(|r| r["name"].as_str().unwrap().to_lowercase());
        Value::Array(roles.into_iter().map(expected_role).collect())
    };
    let holds = |r: &Value, p: &str| r["permissions"].as_array().unwrap().iter().any(|x| x == p);
    assert_eq!(outputs["all"], roles(&|_| true));
    assert_eq!(outputs["by_name"], roles(&|r| r["name"] == "Admin"));
    assert_eq!(
        outputs["by_fragment"],
        roles(&|r| r["name"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("analyst"))
    );
    assert_eq!(
        outputs["token_managers"],
        roles(&|r| holds(r, "OrganizationAPITokenModify"))
    );
    assert_eq!(outputs["role_by_id"], expected_role(analyst));
    assert_eq!(
        outputs["role_by_name"],
        expected_role(fixture_role(fixture, "Token Managers"))
    );
    workspace.assert_no_changes();
}

#[test]
fn twenty_user_data_sources_cost_one_listing() {
    let emulator = Emulator::start();
    let mut config = provider_block(&emulator, "integration");
    for i in 0..20 {
        config.push_str(&format!(
            "data \"panther_users\" \"u{i}\" {{ contains = \"{}\" }}\n",
            ["a", "e", "i", "o"][i % 4]
        ));
    }
    let workspace = Workspace::new(&config);
    emulator.reset_counters();

    workspace.run(&["plan", "-input=false"]).ok();

    assert_eq!(
        emulator.count("GET /users"),
        1,
        "counters: {}",
        emulator.counters()
    );
}

#[test]
fn lookups_that_find_nothing_say_what_was_looked_for() {
    let emulator = Emulator::start();
    let workspace = Workspace::new(&format!(
        r#"{}
data "panther_user" "ghost" {{ email = "ghost@example.com" }}
data "panther_role" "ghost" {{ name = "Ghosts" }}
"#,
        provider_block(&emulator, "integration")
    ));

    let run = workspace.plan().failed();

    let text = run.text();
    assert!(text.contains("Not Found in Panther"), "{text}");
    assert!(
        text.contains("Panther has no user with email \"ghost@example.com\""),
        "{text}"
    );
    assert!(
        text.contains("Panther has no role named \"Ghosts\""),
        "{text}"
    );
}

#[test]
fn missing_credentials_name_the_attributes_and_variables() {
    let workspace = Workspace::new("provider \"panther\" {}\ndata \"panther_roles\" \"all\" {}\n");

    let run = workspace.plan().failed();

    let text = run.text();
    assert!(text.contains("Panther Credentials Missing"), "{text}");
    for name in [
        "`api_url`",
        "`api_key`",
        "PANTHER_API_URL",
        "PANTHER_API_KEY",
        "PANTHER_API_TOKEN",
    ] {
        assert!(text.contains(name), "{name} not named: {text}");
    }
}

#[test]
fn a_rejected_key_names_the_variable_it_came_from_and_not_its_value() {
    let emulator = Emulator::start();
    let bad_key = "pat-not-a-real-key-4f1c9e2d7b";
    let workspace = Workspace::new("provider \"panther\" {}\ndata \"panther_roles\" \"all\" {}\n")
        .env("PANTHER_API_URL", emulator.url())
        .env("PANTHER_API_TOKEN", bad_key);

    let run = workspace.plan().failed();

    let text = run.text();
    assert!(text.contains("Panther API Key Rejected"), "{text}");
    assert!(
        text.contains("the PANTHER_API_TOKEN environment variable"),
        "{text}"
    );
    assert!(
        !run.all().contains(bad_key),
        "the key leaked:\n{}",
        run.all()
    );
}

#[test]
fn a_token_without_user_read_is_told_which_permission_it_needs() {
    let emulator = Emulator::start();
    emulator.control(
        "PATCH",
        "/tokens/integration",
        json!({ "permissions": ["GeneralSettingsRead"] }),
    );
    let workspace = Workspace::new(&format!(
        "{}\ndata \"panther_users\" \"all\" {{}}\n",
        provider_block(&emulator, "integration")
    ));

    let run = workspace.plan().failed();

    let text = run.text();
    assert!(
        text.contains("Panther API Token Lacks a Permission"),
        "{text}"
    );
    assert!(text.contains("Read User Info (UserRead)"), "{text}");
}

#[test]
fn conflicting_or_missing_lookup_arguments_fail_validate() {
    let workspace = Workspace::new(
        r#"provider "panther" {}
data "panther_user" "both" {
  id    = "x"
  email = "a@example.com"
}
data "panther_role" "neither" {}
data "panther_users" "empty" { contains = "" }
"#,
    );

    let run = workspace.run(&["validate"]).failed();

    let text = run.text();
    assert!(text.contains("Conflicting Lookup Arguments"), "{text}");
    assert!(
        text.contains("Set exactly one of `id` and `email`"),
        "{text}"
    );
    assert!(text.contains("Missing Lookup Argument"), "{text}");
    assert!(text.contains("`contains` is empty"), "{text}");
}

#[test]
fn an_invalid_provider_url_fails_validate_at_the_attribute() {
    let workspace = Workspace::new(
        "provider \"panther\" {\n  api_url = \"http://panther.example.com\"\n}\n\
         data \"panther_roles\" \"all\" {}\n",
    );

    let run = workspace.run(&["validate"]).failed();

    let text = run.text();
    assert!(text.contains("Invalid Panther API URL"), "{text}");
    assert!(text.contains("api_url"), "{text}");
}

#[test]
fn repeated_single_user_lookups_ask_panther_once_each() {
    let emulator = Emulator::start();
    let alice = fixture_user(emulator.fixture(), "alice.nakamura@example.com");
    let mut config = provider_block(&emulator, "integration");
    for i in 0..12 {
        let selector = match i % 3 {
            0 => "email = \"chen.wei@example.com\"".to_owned(),
            1 => "email = \"kai.osei@example.com\"".to_owned(),
            _ => format!("id = \"{}\"", alice["id"].as_str().unwrap()),
        };
        config.push_str(&format!(
            "data \"panther_user\" \"u{i}\" {{ {selector} }}\n"
        ));
    }
    let workspace = Workspace::new(&config);
    emulator.reset_counters();

    workspace.run(&["plan", "-input=false"]).ok();

    let counters = emulator.counters();
    assert_eq!(emulator.count("GET /users"), 2, "{counters}");
    assert_eq!(emulator.count("GET /users/{id}"), 1, "{counters}");
    assert_eq!(emulator.count("GET /roles"), 1, "{counters}");
}
