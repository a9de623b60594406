//! End to end: `panther_integration` through the real `terraform` CLI
//! against the emulator: create, plan-time checks, rotation, drift,
//! import, replacement and destroy.

mod support;

use serde_json::{json, Value};
use support::{Emulator, Workspace};

const ALICE: &str = "alice.nakamura@example.com"; // Admin
const ESRA: &str = "esra.yilmaz@example.com"; // Token Managers
const KAI: &str = "kai.osei@example.com"; // Token Managers
const CHEN: &str = "chen.wei@example.com"; // Analyst
const FELIX: &str = "felix.brandt@example.com"; // deactivated

/// An integration block with the given URL, key and owners.
fn integration(url: &str, key: &str, owners: &[&str], extra: &str) -> String {
    let owners: Vec<String> = owners.iter().map(|o| format!("\"{o}\"")).collect();
    format!(
        r#"resource "panther_integration" "this" {{
  api_url = "{url}"
  api_key = "{key}"
  owners  = [{owners}]
  {extra}
}}
output "id" {{ value = panther_integration.this.id }}
"#,
        owners = owners.join(", ")
    )
}

/// The emulator's GraphQL URL, as users paste it.
fn graphql_url(emulator: &Emulator) -> String {
    format!("{}/public/graphql", emulator.url())
}

/// The integration's attributes in the state.
fn state_of(workspace: &Workspace) -> Value {
    let show = workspace.show();
    show["values"]["root_module"]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["address"] == "panther_integration.this")
        .expect("integration in state")["values"]
        .clone()
}

#[test]
fn create_checks_the_token_and_fills_its_facts_then_plans_nothing() {
    let emulator = Emulator::start();
    let key = emulator.token("integration");
    // Owners match whatever their letter case.
    let workspace = Workspace::new(&integration(
        &graphql_url(&emulator),
        &key,
        &[ALICE, "Esra.Yilmaz@Example.com"],
        "",
    ));

    workspace.apply();

    let state = state_of(&workspace);
    assert_eq!(state["id"], "integration");
    assert_eq!(state["token_name"], "Identity governance integration");
    assert_eq!(
        state["token_permissions"],
        json!([
            "GeneralSettingsRead",
            "OrganizationAPITokenRead",
            "UserRead"
        ])
    );
    assert_eq!(state["required_permissions"], state["token_permissions"]);
    assert_eq!(state["token_expires_at"], Value::Null);
    assert_eq!(
        state["panther_version"],
        emulator.fixture()["pantherVersion"]
    );
    workspace.assert_no_changes();
}

#[test]
fn plan_names_every_failing_owner_with_its_reason() {
    let emulator = Emulator::start();
    let key = emulator.token("integration");
    let owners = [ALICE, CHEN, FELIX, "nobody@example.com"];
    let workspace = Workspace::new(&integration(emulator.url(), &key, &owners, ""));

    let run = workspace.plan().failed();

    let text = run.text();
    assert!(
        text.contains("Integration Owners Cannot Manage the Token"),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "{CHEN}: the user's role \"Analyst\" lacks \
             Manage API Tokens (OrganizationAPITokenModify)"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!("{FELIX}: the Panther user is deactivated")),
        "{text}"
    );
    assert!(
        text.contains("nobody@example.com: no Panther user has this email"),
        "{text}"
    );
    assert!(!text.contains(&format!("{ALICE}:")), "{text}");
}

#[test]
fn plan_names_each_missing_permission_by_label_and_id() {
    let emulator = Emulator::start();
    let key = emulator.token("integration");
    let extra = "required_permissions = [\"UserRead\", \"UserModify\", \"AlertRead\"]";
    let workspace = Workspace::new(&integration(emulator.url(), &key, &[ALICE], extra));

    let run = workspace.plan().failed();

    let text = run.text();
    assert!(
        text.contains("Panther API Token Lacks Required Permissions"),
        "{text}"
    );
    assert!(text.contains("- Manage Users (UserModify)"), "{text}");
    assert!(text.contains("(AlertRead)"), "{text}");
    assert!(!text.contains("(UserRead)"), "{text}");
}

#[test]
fn owners_a_token_cannot_read_fail_even_when_user_read_is_not_required() {
    let emulator = Emulator::start();
    let key = emulator.token("integration");
    emulator.control(
        "PATCH",
        "/tokens/integration",
        json!({ "permissions": ["OrganizationAPITokenRead"] }),
    );
    let extra = "required_permissions = [\"OrganizationAPITokenRead\"]";
    let workspace = Workspace::new(&integration(emulator.url(), &key, &[ALICE], extra));

    let text = workspace.plan().failed().text();
    assert!(
        text.contains("Integration Owners Cannot Manage the Token"),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "{ALICE}: cannot be checked, since the token lacks Read User \
             Info (UserRead)"
        )),
        "{text}"
    );
}

#[test]
fn plan_rejects_a_token_that_cannot_read_itself_or_is_unknown() {
    let emulator = Emulator::start();
    let no_read = emulator.token("no-token-read");
    let workspace = Workspace::new(&integration(emulator.url(), &no_read, &[ALICE], ""));

    let text = workspace.plan().failed().text();
    assert!(
        text.contains("Panther API Token Lacks a Permission"),
        "{text}"
    );
    assert!(
        text.contains("Read API Token Info (OrganizationAPITokenRead)"),
        "{text}"
    );

    // The key comes from a sensitive variable, as it would in real use, so
    // Terraform's own quote of the configuration cannot show it.
    let bogus = "pat-bogus-5d2e8c1a9f";
    let config = format!(
        "variable \"api_key\" {{\n  type      = string\n  sensitive = true\n}}\n{}",
        integration(emulator.url(), "${var.api_key}", &[ALICE], "")
    );
    workspace.write(&config);
    std::fs::write(
        workspace.path().join("terraform.tfvars"),
        format!("api_key = \"{bogus}\"\n"),
    )
    .unwrap();
    let run = workspace.plan().failed();
    assert!(
        run.text().contains("Panther API Key Rejected"),
        "{}",
        run.text()
    );
    assert!(!run.all().contains(bogus), "key leaked:\n{}", run.all());
    assert!(!run.all().contains(&no_read), "key leaked:\n{}", run.all());
}

#[test]
fn rotating_the_key_updates_in_place_even_after_the_old_key_died() {
    let emulator = Emulator::start();
    let old_key = emulator.token("integration");
    let workspace = Workspace::new(&integration(emulator.url(), &old_key, &[ALICE], ""));
    workspace.apply();

    let rotated = emulator.control("POST", "/tokens/integration/rotate", Value::Null);
    let new_key = rotated["value"].as_str().unwrap();

    // The old key is dead: the next plan says so.
    let run = workspace.plan().failed();
    let text = run.text();
    assert!(text.contains("Integration Token No Longer Works"), "{text}");
    assert!(text.contains("Panther API Key Rejected"), "{text}");

    // Rotating the configuration to the new key recovers, in place.
    workspace.write(&integration(emulator.url(), new_key, &[ALICE], ""));
    let run = workspace.plan();
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(
        run.text().contains("1 to change, 0 to destroy"),
        "{}",
        run.text()
    );
    assert!(!run.text().contains("known after apply"), "{}", run.text());
    workspace.apply();
    workspace.assert_no_changes();
}

#[test]
fn a_saved_plan_applies_after_the_token_changed_in_panther() {
    let emulator = Emulator::start();
    let key = emulator.token("integration");
    let workspace = Workspace::new(&integration(emulator.url(), &key, &[ALICE], ""));
    let granted = |extra: &[&str]| {
        let mut permissions = vec![
            "UserRead",
            "GeneralSettingsRead",
            "OrganizationAPITokenRead",
        ];
        permissions.extend_from_slice(extra);
        let body = json!({ "permissions": permissions });
        emulator.control("PATCH", "/tokens/integration", body);
    };
    // A pipeline plans on the pull request and applies after the merge;
    // meanwhile someone changes the token in Panther.
    let plan_then_apply_after = |change: &dyn Fn()| {
        let saved = ["plan", "-input=false", "-out=saved.tfplan"];
        workspace.run(&saved).ok();
        change();
        workspace
            .run(&["apply", "-input=false", "saved.tfplan"])
            .ok();
    };
    let token_permissions = || {
        let state = state_of(&workspace);
        state["token_permissions"].as_array().unwrap().clone()
    };

    // A create learns the token's facts at apply, as they are then.
    plan_then_apply_after(&|| granted(&["AlertRead"]));
    workspace.assert_no_changes();
    assert!(token_permissions().contains(&json!("AlertRead")));

    // An update keeps the facts it planned; the next refresh records what
    // changed, with nothing to apply.
    workspace.write(&integration(emulator.url(), &key, &[ALICE, KAI], ""));
    plan_then_apply_after(&|| granted(&[]));
    workspace.assert_no_changes();
    let refresh = ["apply", "-refresh-only", "-auto-approve", "-input=false"];
    workspace.run(&refresh).ok();
    assert!(!token_permissions().contains(&json!("AlertRead")));
}

#[test]
fn changing_owners_updates_in_place() {
    let emulator = Emulator::start();
    let key = emulator.token("integration");
    let workspace = Workspace::new(&integration(emulator.url(), &key, &[ALICE], ""));
    workspace.apply();

    workspace.write(&integration(emulator.url(), &key, &[ALICE, KAI], ""));
    let run = workspace.plan();

    assert_eq!(run.code, 2, "{}", run.all());
    let text = run.text();
    assert!(text.contains("1 to change, 0 to destroy"), "{text}");
    assert!(!text.contains("known after apply"), "{text}");
    workspace.apply();
    assert_eq!(state_of(&workspace)["owners"], json!([ALICE, KAI]));
    workspace.assert_no_changes();
}

#[test]
fn a_revoked_token_is_reported_by_the_next_plan() {
    let emulator = Emulator::start();
    let key = emulator.token("integration");
    let workspace = Workspace::new(&integration(emulator.url(), &key, &[ALICE], ""));
    workspace.apply();

    emulator.control("POST", "/tokens/integration/revoke", Value::Null);

    let text = workspace.plan().failed().text();
    assert!(text.contains("Integration Token No Longer Works"), "{text}");
    assert!(text.contains("Panther API Key Rejected"), "{text}");
}

#[test]
fn a_removed_permission_is_reported_by_the_next_plan() {
    let emulator = Emulator::start();
    let key = emulator.token("integration");
    let workspace = Workspace::new(&integration(emulator.url(), &key, &[ALICE], ""));
    workspace.apply();

    emulator.control(
        "PATCH",
        "/tokens/integration",
        json!({ "permissions": ["UserRead", "OrganizationAPITokenRead"] }),
    );

    let text = workspace.plan().failed().text();
    assert!(
        text.contains("Integration Token Lost Permissions"),
        "{text}"
    );
    assert!(
        text.contains("Panther API Token Lacks Required Permissions"),
        "{text}"
    );
    assert!(
        text.contains("Read Panther Settings Info (GeneralSettingsRead)"),
        "{text}"
    );
}

#[test]
fn a_deactivated_or_demoted_owner_is_reported_by_the_next_plan() {
    let emulator = Emulator::start();
    let key = emulator.token("integration");
    let workspace = Workspace::new(&integration(emulator.url(), &key, &[ESRA, KAI], ""));
    workspace.apply();

    let fixture = emulator.fixture();
    let user_id = |email: &str| {
        fixture["users"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["email"] == email)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let analyst = fixture["roles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "Analyst")
        .unwrap();
    emulator.control(
        "PATCH",
        &format!("/users/{}", user_id(ESRA)),
        json!({ "enabled": false }),
    );
    emulator.control(
        "PATCH",
        &format!("/users/{}", user_id(KAI)),
        json!({ "role": { "id": analyst["id"], "name": "Analyst" } }),
    );

    let text = workspace.plan().failed().text();
    assert!(
        text.contains("Integration Owners Changed in Panther"),
        "{text}"
    );
    assert!(
        text.contains(&format!("{ESRA}: the Panther user is deactivated")),
        "{text}"
    );
    assert!(
        text.contains(&format!("{KAI}: the user's role \"Analyst\" lacks")),
        "{text}"
    );

    // Naming owners who qualify fixes it.
    workspace.write(&integration(emulator.url(), &key, &[ALICE], ""));
    workspace.apply();
    workspace.assert_no_changes();
}

#[test]
fn import_by_id_then_one_apply_leaves_an_empty_plan() {
    let emulator = Emulator::start();
    let key = emulator.token("integration");
    let workspace = Workspace::new(&integration(emulator.url(), &key, &[ALICE], ""));

    workspace
        .run(&[
            "import",
            "-input=false",
            "panther_integration.this",
            "integration",
        ])
        .ok();
    let run = workspace.plan();
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(
        run.text().contains("0 to add, 1 to change, 0 to destroy"),
        "{}",
        run.text()
    );

    workspace.apply();
    workspace.assert_no_changes();
    assert_eq!(state_of(&workspace)["id"], "integration");
}

#[test]
fn an_import_block_then_one_apply_leaves_an_empty_plan() {
    let emulator = Emulator::start();
    let key = emulator.token("integration");
    let config = format!(
        "import {{\n  to = panther_integration.this\n  id = \"integration\"\n}}\n{}",
        integration(emulator.url(), &key, &[ALICE], "")
    );
    let workspace = Workspace::new(&config);

    let run = workspace.apply();
    assert!(run.text().contains("1 imported"), "{}", run.text());
    workspace.assert_no_changes();
}

#[test]
fn importing_another_tokens_id_is_refused() {
    let emulator = Emulator::start();
    let key = emulator.token("integration");
    let workspace = Workspace::new(&integration(emulator.url(), &key, &[ALICE], ""));

    workspace
        .run(&[
            "import",
            "-input=false",
            "panther_integration.this",
            "admin",
        ])
        .ok();
    let text = workspace.plan().failed().text();

    assert!(
        text.contains("Imported Token Does Not Match the Key"),
        "{text}"
    );
    assert!(text.contains("belongs to token \"integration\""), "{text}");
}

#[test]
fn destroy_forgets_the_integration_and_leaves_the_token_working() {
    let emulator = Emulator::start();
    let key = emulator.token("integration");
    let workspace = Workspace::new(&integration(emulator.url(), &key, &[ALICE], ""));
    workspace.apply();
    emulator.reset_counters();

    workspace
        .run(&["destroy", "-auto-approve", "-input=false"])
        .ok();

    let counters = emulator.counters();
    for (route, _) in counters["routes"].as_object().unwrap() {
        assert!(!route.starts_with("DELETE"), "destroy called {route}");
        assert!(!route.contains("rotate"), "destroy called {route}");
    }
    let token = emulator.control("GET", "/tokens/integration", Value::Null);
    assert_eq!(token["value"], key.as_str());
    assert!(state_of_is_empty(&workspace));
}

/// Whether the state holds no resources.
fn state_of_is_empty(workspace: &Workspace) -> bool {
    let show = workspace.show();
    show["values"].is_null() || show["values"]["root_module"]["resources"].is_null()
}

#[test]
fn another_panther_url_replaces_but_another_spelling_does_not() {
    let emulator = Emulator::start();
    let key = emulator.token("integration");
    let workspace = Workspace::new(&integration(&graphql_url(&emulator), &key, &[ALICE], ""));
    workspace.apply();

    // The REST base of the same Panther: an in-place update.
    let rest = format!("{}/", emulator.url());
    workspace.write(&integration(&rest, &key, &[ALICE], ""));
    let text = workspace.plan().text();
    assert!(
        text.contains("0 to add, 1 to change, 0 to destroy"),
        "{text}"
    );

    // The /v1 base is another address: a replacement.
    let v1 = format!("{}/v1", emulator.url());
    workspace.write(&integration(&v1, &key, &[ALICE], ""));
    let text = workspace.plan().text();
    assert!(text.contains("must be replaced"), "{text}");
    assert!(
        text.contains("1 to add, 0 to change, 1 to destroy"),
        "{text}"
    );
}

#[test]
fn a_panther_gone_for_good_does_not_block_moving_to_another() {
    let old = Emulator::start();
    let key = old.token("integration");
    let workspace = Workspace::new(&integration(old.url(), &key, &[ALICE], ""));
    workspace.apply();

    // The old address now serves something else (a parked domain's page);
    // the configuration moves to a new Panther holding the same token.
    old.control("POST", "/faults", json!({ "kind": "html", "status": 404 }));
    let new = Emulator::start();
    workspace.write(&integration(&graphql_url(&new), &key, &[ALICE], ""));

    let run = workspace.plan();
    assert_eq!(run.code, 2, "{}", run.all());
    let text = run.text();
    assert!(text.contains("Integration Not Refreshed"), "{text}");
    assert!(text.contains("must be replaced"), "{text}");
    workspace.apply();
    workspace.assert_no_changes();
}

#[test]
fn a_key_unknown_at_plan_is_checked_at_apply() {
    let emulator = Emulator::start();
    let key = emulator.token("integration");
    let config = format!(
        "resource \"terraform_data\" \"key\" {{\n  input = \"{key}\"\n}}\n{}",
        integration(emulator.url(), "${terraform_data.key.output}", &[ALICE], "")
    );
    let workspace = Workspace::new(&config);

    let run = workspace.plan();
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(run.text().contains("(known after apply)"), "{}", run.text());

    workspace.apply();
    assert_eq!(state_of(&workspace)["id"], "integration");
    workspace.assert_no_changes();
}

#[test]
fn bad_input_fails_validate_at_the_attribute() {
    let cases = [
        ("owners = []", "No Integration Owners"),
        (
            "owners = [\"not-an-email\"]",
            "\"not-an-email\" in `owners` is not an email address",
        ),
        (
            "owners = [\"a@example.com\", \"A@example.com\"]",
            "Duplicate Owner",
        ),
        (
            "owners = [\"a@example.com\"]\n  required_permissions = [\"UserReed\"]",
            "\"UserReed\" is not a Panther permission id",
        ),
    ];
    for (owners, message) in cases {
        let config = format!(
            "resource \"panther_integration\" \"this\" {{\n\
             \x20 api_url = \"https://api.acme.runpanther.net\"\n\
             \x20 api_key = \"k\"\n\
             \x20 {owners}\n\
             }}\n"
        );
        let workspace = Workspace::new(&config);
        let text = workspace.run(&["validate"]).failed().text();
        assert!(text.contains(message), "{owners}: {text}");
    }

    let config = "resource \"panther_integration\" \"this\" {\n\
                  \x20 api_url = \"http://panther.example.com\"\n\
                  \x20 api_key = \"\"\n\
                  \x20 owners = [\"a@example.com\"]\n\
                  }\n";
    let text = Workspace::new(config).run(&["validate"]).failed().text();
    assert!(text.contains("Invalid Panther API URL"), "{text}");
    assert!(text.contains("Empty Panther API Key"), "{text}");
    // The integration's key has no environment variable to fall back on.
    assert!(!text.contains("PANTHER_API_KEY"), "{text}");
}

#[test]
fn a_plan_refreshes_and_checks_the_integration_with_one_round_of_calls() {
    let emulator = Emulator::start();
    let key = emulator.token("integration");
    let workspace = Workspace::new(&integration(emulator.url(), &key, &[ALICE, KAI], ""));
    workspace.apply();
    emulator.reset_counters();

    workspace.assert_no_changes();

    // Refresh and plan share one inspection: the token, the roles, one
    // lookup per owner and the version, each read once.
    let counters = emulator.counters();
    assert_eq!(emulator.count("GET /api-tokens/{id}"), 1, "{counters}");
    assert_eq!(emulator.count("GET /roles"), 1, "{counters}");
    assert_eq!(emulator.count("GET /users"), 2, "{counters}");
    assert_eq!(emulator.count("graphql generalSettings"), 1, "{counters}");
}
