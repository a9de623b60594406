//! The examples in `examples/`: each directory validates against the
//! provider under test, is formatted as `terraform fmt` writes it, opens
//! with a comment, and the quickstart applies against the emulator.

mod support;

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use support::{repo_root, Emulator, Workspace, SOURCE};

/// Every directory below `examples/` that holds a `.tf` file.
fn example_dirs() -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![repo_root().join("examples")];
    while let Some(dir) = pending.pop() {
        let mut has_tf = false;
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "tf") {
                has_tf = true;
            }
        }
        if has_tf {
            found.push(dir);
        }
    }
    found.sort();
    found
}

/// The example files Terraform or a reader sees: `.tf` and `.sh`.
fn example_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "tf" || e == "sh"))
        .collect();
    files.sort();
    files
}

/// A copy of an example, given the provider requirement that registry
/// examples leave to the page showing the provider block.
fn workspace_for(dir: &Path) -> Workspace {
    let workspace = Workspace::from_example(dir);
    let declares = example_files(dir).iter().any(|file| {
        fs::read_to_string(file)
            .unwrap()
            .contains("required_providers")
    });
    if !declares {
        let requirement = format!(
            "terraform {{\n  required_providers {{\n    \
             panther = {{ source = \"{SOURCE}\" }}\n  }}\n}}\n"
        );
        fs::write(workspace.path().join("zz_provider.tf"), requirement).unwrap();
    }
    workspace
}

#[test]
fn every_example_directory_validates() {
    let dirs = example_dirs();
    assert!(dirs.len() >= 7, "too few examples found: {dirs:?}");

    let mut failures = Vec::new();
    for dir in &dirs {
        let run = workspace_for(dir).run(&["validate"]);
        if run.code != 0 {
            failures.push(format!("{}:\n{}", dir.display(), run.all()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_example_is_formatted_as_terraform_fmt_writes_it() {
    let examples = repo_root().join("examples");
    let workspace = Workspace::with_cli_config("");

    let run = workspace.run(&[
        "fmt",
        "-check",
        "-recursive",
        "-diff",
        examples.to_str().unwrap(),
    ]);

    assert_eq!(
        run.code,
        0,
        "run `terraform fmt -recursive examples`:\n{}",
        run.all()
    );
}

#[test]
fn every_example_file_opens_with_a_comment_saying_what_it_shows() {
    for dir in example_dirs() {
        for file in example_files(&dir) {
            let text = fs::read_to_string(&file).unwrap();
            assert!(
                text.starts_with("# "),
                "{} does not open with a comment",
                file.display()
            );
        }
    }
}

/// The active users of the fixture, counted by role name.
fn active_users_per_role(fixture: &Value) -> Value {
    let mut counts = serde_json::Map::new();
    for role in fixture["roles"].as_array().unwrap() {
        let name = role["name"].as_str().unwrap();
        let count = fixture["users"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|u| u["enabled"] == true && u["role"]["name"] == name)
            .count();
        counts.insert(name.to_owned(), json!(count));
    }
    Value::Object(counts)
}

#[test]
fn the_quickstart_applies_against_the_emulator_and_flags_an_unexpected_admin() {
    let emulator = Emulator::start();
    let workspace = Workspace::from_example(&repo_root().join("examples/quickstart"))
        .env("PANTHER_API_URL", emulator.url())
        .env("PANTHER_API_KEY", &emulator.token("admin"))
        .env("TF_VAR_integration_api_key", &emulator.token("integration"))
        .env(
            "TF_VAR_api_url",
            &format!("{}/public/graphql", emulator.url()),
        )
        .env("TF_VAR_owners", r#"["alice.nakamura@example.com"]"#)
        .env(
            "TF_VAR_expected_admins",
            r#"["alice.nakamura@example.com", "bruno.okafor@example.com"]"#,
        );

    let run = workspace.apply();

    let text = run.text();
    assert!(text.contains("Check block assertion failed"), "{text}");
    assert!(
        text.contains("esra.yilmaz@example.com (Token Managers)"),
        "{text}"
    );
    assert!(!text.contains("bruno.okafor@example.com (Admin)"), "{text}");
    let outputs = workspace.outputs();
    assert_eq!(outputs["integration_token"]["id"], "integration");
    assert_eq!(
        outputs["users_per_role"],
        active_users_per_role(emulator.fixture())
    );
    assert_eq!(
        outputs["owners"]["alice.nakamura@example.com"]["role"],
        "Admin"
    );
    workspace.assert_no_changes();
}
