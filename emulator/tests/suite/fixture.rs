//! The default fixture covers the cases the provider must handle, and bad
//! fixtures are refused with a useful error.

use std::collections::HashSet;

use panther_emulator::{Fixture, Options};

#[test]
fn the_default_fixture_exercises_the_real_cases() {
    let fixture = Fixture::default_fixture();
    assert!(fixture.users.len() >= 10);
    let names: HashSet<&str> = fixture.roles.iter().map(|r| r.name.as_str()).collect();
    for name in ["Admin", "Analyst", "AnalystReadOnly", "Token Managers"] {
        assert!(names.contains(name), "role {name}");
    }
    let managers = fixture
        .roles
        .iter()
        .find(|r| r.name == "Token Managers")
        .unwrap();
    assert!(managers.grants("OrganizationAPITokenModify"));
    assert!(!managers.grants("UserModify"));

    let users = &fixture.users;
    assert!(users.iter().any(|u| !u.enabled), "a deactivated user");
    assert!(
        users.iter().any(|u| u.last_logged_in_at.is_none()),
        "never logged in"
    );
    assert!(users
        .iter()
        .any(|u| u.given_name.is_none() && u.family_name.is_none()));
    assert!(users.iter().any(|u| u.role.id == "Analyst (SAML Default)"));
    let enabled_admins = users
        .iter()
        .filter(|u| u.enabled && u.role.name == "Admin")
        .count();
    assert!(enabled_admins >= 2);

    let text = include_str!("../../fixtures/default.json");
    let nine_digits = text.split('"').any(|part| {
        part.ends_with('Z') && part.split_once('.').is_some_and(|(_, f)| f.len() == 10)
    });
    assert!(nine_digits, "some timestamp has nine fractional digits");
}

#[test]
fn the_default_tokens_have_the_documented_permissions() {
    let fixture = Fixture::default_fixture();
    let token = |id: &str| fixture.tokens.iter().find(|t| t.id == id).unwrap().clone();

    let integration: HashSet<String> = token("integration").permissions.into_iter().collect();
    let expected = [
        "UserRead",
        "GeneralSettingsRead",
        "OrganizationAPITokenRead",
    ];
    assert_eq!(
        integration,
        expected.iter().map(|p| p.to_string()).collect()
    );
    assert_eq!(token("admin").permissions.len(), 29);
    assert!(!token("no-token-read").grants("OrganizationAPITokenRead"));
    assert!(token("expiring").expires_at.unwrap().starts_with("2099"));
}

#[test]
fn token_values_are_long_unique_and_not_inside_each_other() {
    let fixture = Fixture::default_fixture();
    let values: Vec<&str> = fixture.tokens.iter().map(|t| t.value.as_str()).collect();
    let text = include_str!("../../fixtures/default.json");
    for value in &values {
        assert!(value.len() >= 32);
        assert_eq!(text.matches(value).count(), 1, "{value} occurs once");
        let others = values.iter().filter(|other| other.contains(value)).count();
        assert_eq!(others, 1);
    }
}

#[tokio::test]
async fn a_user_whose_role_matches_nothing_is_refused_at_start() {
    let mut fixture = Fixture::default_fixture();
    fixture.users[0].role.id = "Ghost (SAML Default)".into();
    fixture.users[0].role.name = "Ghost".into();
    let options = Options {
        fixture,
        ..Options::default()
    };
    let error = panther_emulator::spawn(options).await.unwrap_err();
    assert!(format!("{error:#}").contains("Ghost"), "{error:#}");
}

#[test]
fn a_fixture_with_an_unknown_permission_is_refused() {
    let text =
        include_str!("../../fixtures/default.json").replace("\"BulkUpload\"", "\"Everything\"");
    let error = Fixture::from_json(&text).unwrap_err();
    assert!(format!("{error:#}").contains("Everything"), "{error:#}");
}

#[test]
fn a_missing_fixture_file_names_the_path() {
    let error = Fixture::from_path("/no/such/fixture.json").unwrap_err();
    assert!(format!("{error:#}").contains("/no/such/fixture.json"));
}
