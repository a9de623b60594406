//! Secret hygiene: the end-to-end scenarios run with every log turned up
//! (`TF_LOG=trace`, `PLUGIN_LOG_FILE`), and no API key may appear anywhere
//! but where Terraform keeps secrets by design.
//!
//! The keys are every token value of the emulator's fixture, the values
//! the emulator makes up when a token is rotated, and keys this test
//! invents. They reach Terraform the way a careful user passes them:
//! sensitive variables (`TF_VAR_...`) and the provider's environment
//! variables, never literals in the configuration, which Terraform quotes
//! in its diagnostics.
//!
//! Searched: the stdout and stderr of every command (plans, applies,
//! failures, diagnostics in text and JSON), the provider's log file, and
//! every file the commands leave in the working directory.
//!
//! Exempt, because Terraform stores secrets there on purpose: the state
//! (`terraform.tfstate`, its backup, and `terraform show -json` of it) and
//! saved plans with their JSON. A saved plan holds the state and the
//! variables; `terraform show -json PLAN` prints sensitive values in
//! clear, marked by `after_sensitive`, `sensitive_values` and the
//! variable's declaration. The test checks that keys appear in the JSON of
//! plans and of the state at those marked places and nowhere else.

mod support;

use std::fs;

use serde_json::{json, Value};
use support::{Emulator, Run, Workspace};

/// A key the test makes up; Panther (the emulator) rejects it.
const INVENTED_KEY: &str = "pk-invented-9c41e07d2b5f8a36";

/// An owner who qualifies (Admin).
const ALICE: &str = "alice.nakamura@example.com";

/// The configuration: keys come from sensitive variables and from the
/// environment (the `env` provider alias has no `api_key`).
fn configuration(url: &str, integration: &str) -> String {
    format!(
        r#"variable "provider_key" {{
  type      = string
  sensitive = true
}}
variable "integration_key" {{
  type      = string
  sensitive = true
}}
provider "panther" {{
  api_url                 = "{url}/public/graphql"
  api_key                 = var.provider_key
  request_timeout_seconds = 1
  max_retries             = 1
}}
provider "panther" {{
  alias   = "env"
  api_url = "{url}"
}}
data "panther_users" "admins" {{ role_name = "Admin" }}
data "panther_user" "alice" {{ email = "{ALICE}" }}
data "panther_roles" "all" {{}}
data "panther_role" "admin" {{
  provider = panther.env
  name     = "Admin"
}}
output "admins" {{ value = data.panther_users.admins.users[*].email }}
{integration}
"#
    )
}

/// The integration, keyed through its sensitive variable.
fn integration(url: &str) -> String {
    format!(
        r#"resource "panther_integration" "this" {{
  api_url = "{url}"
  api_key = var.integration_key
  owners  = ["{ALICE}"]
}}
output "token_name" {{ value = panther_integration.this.token_name }}"#
    )
}

/// Tells Terraform to forget the integration without destroying it.
const FORGET: &str =
    "removed {\n  from = panther_integration.this\n  lifecycle {\n    destroy = false\n  }\n}";

/// Everything the scenarios produced, by where it came from.
#[derive(Default)]
struct Evidence {
    /// Texts that must hold no key: (origin, text).
    searched: Vec<(String, String)>,
    /// JSON of saved plans and of the state, which may hold keys at
    /// places Terraform marks sensitive, and only there.
    marked: Vec<(String, Value)>,
}

impl Evidence {
    fn add_run(&mut self, what: &str, run: &Run) {
        self.searched
            .push((format!("{what}: stdout"), run.stdout.clone()));
        self.searched
            .push((format!("{what}: stderr"), run.stderr.clone()));
    }
}

/// The scenarios, with the workspace and emulator they run in.
struct Scenario {
    emulator: Emulator,
    workspace: Workspace,
    evidence: Evidence,
    keys: Vec<String>,
}

impl Scenario {
    /// Runs a command that must end with `code`, keeping its output.
    fn run(&mut self, args: &[&str], code: i32) -> Run {
        let run = self.workspace.run(args);
        let what = args.join(" ");
        assert_eq!(run.code, code, "{what}:\n{}", tail(&run));
        self.evidence.add_run(&what, &run);
        run
    }

    /// Plans into `file`, keeps the plan's JSON, then applies it.
    fn plan_and_apply(&mut self, file: &str) {
        self.run(&["plan", "-input=false", &format!("-out={file}")], 0);
        let show = self.workspace.run(&["show", "-json", file]).ok();
        self.evidence
            .marked
            .push((file.to_owned(), serde_json::from_str(&show.stdout).unwrap()));
        self.run(&["apply", "-input=false", file], 0);
    }

    /// Sets an environment variable for every later command.
    fn set_env(&mut self, name: &str, value: &str) {
        self.workspace.set_env(name, value);
    }

    /// Rotates the integration's token in Panther; the new value is a key
    /// too.
    fn rotate(&mut self) -> String {
        let answer = self
            .emulator
            .control("POST", "/tokens/integration/rotate", Value::Null);
        let value = answer["value"].as_str().unwrap().to_owned();
        self.keys.push(value.clone());
        value
    }

    fn control(&self, method: &str, path: &str, body: Value) {
        self.emulator.control(method, path, body);
    }
}

/// A run's output without the trace log, to see why it failed.
fn tail(run: &Run) -> String {
    let all = run.all();
    let messages: Vec<&str> = all
        .lines()
        .filter(|line| !line.starts_with("20") && !line.starts_with("{\"@level\""))
        .collect();
    messages[messages.len().saturating_sub(60)..].join("\n")
}

/// The forms a key could take in a log: as itself, or as the bytes a
/// `Debug` of a byte buffer prints.
fn forms(key: &str) -> Vec<String> {
    let bytes: Vec<String> = key.bytes().map(|b| b.to_string()).collect();
    vec![key.to_owned(), bytes.join(", ")]
}

/// Every place in `value` whose string holds `needle`, as paths.
fn paths_holding(
    value: &Value,
    needle: &str,
    path: &mut Vec<String>,
    found: &mut Vec<Vec<String>>,
) {
    match value {
        Value::String(text) if text.contains(needle) => found.push(path.clone()),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(i.to_string());
                paths_holding(item, needle, path, found);
                path.pop();
            }
        }
        Value::Object(fields) => {
            for (name, item) in fields {
                path.push(name.clone());
                paths_holding(item, needle, path, found);
                path.pop();
            }
        }
        _ => {}
    }
}

/// The value at `path` below `root`.
fn at<'v>(root: &'v Value, path: &[&str]) -> &'v Value {
    path.iter()
        .fold(root, |value, step| match step.parse::<usize>() {
            Ok(i) if value.is_array() => &value[i],
            _ => &value[*step],
        })
}

/// Whether Terraform marks the place `path` of a plan's or the state's
/// JSON sensitive, the only way a key may appear there.
fn marked_sensitive(plan: &Value, path: &[String]) -> bool {
    let p: Vec<&str> = path.iter().map(String::as_str).collect();
    match p.as_slice() {
        // Variables are printed in clear; their declaration says sensitive.
        ["variables", name, "value"] => {
            at(
                plan,
                &[
                    "configuration",
                    "root_module",
                    "variables",
                    name,
                    "sensitive",
                ],
            ) == true
        }
        ["resource_changes", i, "change", side @ ("before" | "after"), attribute] => {
            let marker = format!("{side}_sensitive");
            at(plan, &["resource_changes", i, "change", &marker, attribute]) == true
        }
        [prefix @ .., "resources", i, "values", attribute] => {
            let mut marker: Vec<&str> = prefix.to_vec();
            marker.extend(["resources", i, "sensitive_values", attribute]);
            at(plan, &marker) == true
        }
        _ => false,
    }
}

#[test]
fn no_key_appears_outside_state_and_saved_plans_even_at_trace() {
    let emulator = Emulator::start();
    let url = emulator.url().to_owned();
    let fixture_keys: Vec<String> = emulator.fixture()["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["value"].as_str().unwrap().to_owned())
        .collect();
    let workspace = Workspace::new(&configuration(&url, &integration(&url)));
    let log_file = workspace.path().join("provider.log");
    let workspace = workspace
        .env("TF_LOG", "trace")
        .env("PLUGIN_LOG_FILE", log_file.to_str().unwrap())
        .env("PANTHER_API_KEY", &emulator.token("expiring"))
        .env("TF_VAR_provider_key", &emulator.token("admin"))
        .env("TF_VAR_integration_key", &emulator.token("integration"));
    let mut keys = fixture_keys;
    keys.push(INVENTED_KEY.to_owned());
    let mut s = Scenario {
        emulator,
        workspace,
        evidence: Evidence::default(),
        keys,
    };

    // Read the data sources and create the integration; a second plan is
    // empty.
    s.run(&["validate"], 0);
    s.plan_and_apply("create.tfplan");
    s.run(&["plan", "-input=false", "-detailed-exitcode"], 0);
    s.run(&["output", "-json"], 0);
    let state = s.workspace.show();
    s.evidence.marked.push(("state".to_owned(), state));

    // Rotate the key: an in-place update.
    let rotated = s.rotate();
    s.set_env("TF_VAR_integration_key", &rotated);
    s.plan_and_apply("rotate.tfplan");

    // Drift: a permission taken away, then given back.
    s.control(
        "PATCH",
        "/tokens/integration",
        json!({"permissions": ["UserRead", "GeneralSettingsRead"]}),
    );
    s.run(&["plan", "-input=false"], 1);
    s.control(
        "PATCH",
        "/tokens/integration",
        json!({"permissions": ["UserRead", "GeneralSettingsRead", "OrganizationAPITokenRead"]}),
    );

    // Forget the integration, import it by id, and settle.
    let url = s.emulator.url().to_owned();
    s.workspace.write(&configuration(&url, FORGET));
    s.run(&["apply", "-auto-approve", "-input=false"], 0);
    s.workspace.write(&configuration(&url, &integration(&url)));
    s.run(
        &[
            "import",
            "-input=false",
            "panther_integration.this",
            "integration",
        ],
        0,
    );
    s.run(&["apply", "-auto-approve", "-input=false"], 0);
    s.run(&["plan", "-input=false", "-detailed-exitcode"], 0);

    // Failure paths: a rejected key, then error pages and a slow answer
    // with a good key, in text and in JSON.
    s.set_env("TF_VAR_provider_key", INVENTED_KEY);
    s.run(&["plan", "-input=false"], 1);
    s.run(&["plan", "-input=false", "-json"], 1);
    let admin = s.emulator.token("admin");
    s.set_env("TF_VAR_provider_key", &admin);
    for fault in [
        json!({"kind": "html", "status": 502, "route": "/roles"}),
        json!({"kind": "status", "status": 500, "route": "/users"}),
        json!({"kind": "delay", "delayMs": 2500, "route": "/roles"}),
    ] {
        s.control("POST", "/faults", fault);
        s.run(&["plan", "-input=false"], 1);
        s.run(&["plan", "-input=false", "-json"], 1);
        s.control("DELETE", "/faults", Value::Null);
    }

    // The token revoked behind Terraform's back; a plain destroy stops at
    // the failing checks, and the way out it names destroys.
    s.control("POST", "/tokens/integration/revoke", Value::Null);
    s.run(&["plan", "-input=false"], 1);
    s.run(&["destroy", "-auto-approve", "-input=false"], 1);
    s.run(
        &["destroy", "-auto-approve", "-input=false", "-refresh=false"],
        0,
    );

    // Every file left in the working directory but state and saved plans.
    for entry in fs::read_dir(s.workspace.path()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let exempt = name.starts_with("terraform.tfstate") || name.ends_with(".tfplan");
        if path.is_file() && !exempt {
            let text = String::from_utf8_lossy(&fs::read(&path).unwrap()).into_owned();
            s.evidence.searched.push((format!("file {name}"), text));
        }
    }
    let log = fs::read_to_string(&log_file).expect("the provider wrote its log");
    assert!(
        log.lines().count() > 1000,
        "the trace log is too short to prove much"
    );

    let mut leaks = Vec::new();
    for key in &s.keys {
        for form in forms(key) {
            for (origin, text) in &s.evidence.searched {
                if text.contains(&form) {
                    leaks.push(format!("{origin} holds {form:?}"));
                }
            }
        }
        for (origin, json) in &s.evidence.marked {
            let mut found = Vec::new();
            paths_holding(json, key, &mut Vec::new(), &mut found);
            for path in found.iter().filter(|p| !marked_sensitive(json, p)) {
                leaks.push(format!("{origin}: {} holds a key unmarked", path.join(".")));
            }
        }
    }
    assert!(leaks.is_empty(), "{}", leaks.join("\n"));
}
