//! Shared harness for the end-to-end tests: an in-process Panther emulator
//! and a Terraform working directory wired to the freshly built provider
//! through `dev_overrides`.
//!
//! Every test starts its own emulator on 127.0.0.1:0 and its own working
//! directory, so tests run in parallel without seeing each other.

#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use tempfile::TempDir;

/// The provider's source address in test configurations.
pub const SOURCE: &str = "panther-governance/panther";

/// The terraform binary; `TERRAFORM` overrides the default.
fn terraform_binary() -> String {
    std::env::var("TERRAFORM").unwrap_or_else(|_| "terraform".to_owned())
}

/// A Panther emulator running on its own runtime for one test.
pub struct Emulator {
    runtime: tokio::runtime::Runtime,
    running: Option<panther_emulator::RunningEmulator>,
    url: String,
    http: reqwest::Client,
    fixture: Value,
}

impl Emulator {
    /// An emulator seeded with the default fixture.
    pub fn start() -> Emulator {
        Emulator::start_with(panther_emulator::Options::default())
    }

    /// An emulator with the given options.
    pub fn start_with(options: panther_emulator::Options) -> Emulator {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let running = runtime
            .block_on(panther_emulator::spawn(options))
            .expect("emulator starts");
        let url = running.base_url();
        Emulator {
            runtime,
            running: Some(running),
            url,
            http: reqwest::Client::new(),
            fixture: fixture(),
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The default fixture, as JSON.
    pub fn fixture(&self) -> &Value {
        &self.fixture
    }

    /// The secret value of a fixture token, by token id.
    pub fn token(&self, id: &str) -> String {
        self.fixture["tokens"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["id"] == id)
            .unwrap_or_else(|| panic!("no token {id} in the fixture"))["value"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Calls the control API and returns its JSON answer.
    pub fn control(&self, method: &str, path: &str, body: Value) -> Value {
        let url = format!("{}/__emulator{}", self.url, path);
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        self.runtime.block_on(async {
            let response = self
                .http
                .request(method, &url)
                .json(&body)
                .send()
                .await
                .expect("control call");
            let status = response.status();
            let text = response.text().await.unwrap_or_default();
            assert!(status.is_success(), "{url}: {status} {text}");
            serde_json::from_str(&text).unwrap_or(Value::Null)
        })
    }

    /// How many requests the emulator counted under `key` ("GET /users").
    pub fn count(&self, key: &str) -> u64 {
        let counters = self.control("GET", "/counters", Value::Null);
        counters["routes"][key].as_u64().unwrap_or(0)
    }

    /// Every counter, for messages.
    pub fn counters(&self) -> Value {
        self.control("GET", "/counters", Value::Null)
    }

    /// Zeroes the counters.
    pub fn reset_counters(&self) {
        self.control("DELETE", "/counters", Value::Null);
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(running) = self.running.take() {
            self.runtime.block_on(running.shutdown());
        }
    }
}

/// The default fixture file, as JSON.
pub fn fixture() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("emulator/fixtures/default.json");
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

/// What one Terraform command did.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// stdout and stderr together, for assertions on messages.
    pub fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }

    /// Panics with the output unless the command succeeded.
    pub fn ok(self) -> Run {
        assert_eq!(self.code, 0, "terraform failed:\n{}", self.all());
        self
    }

    /// Panics with the output unless the command failed.
    pub fn failed(self) -> Run {
        assert_ne!(
            self.code,
            0,
            "terraform succeeded unexpectedly:\n{}",
            self.all()
        );
        self
    }

    /// The text with Terraform's box drawing and line wrapping undone, so a
    /// sentence can be searched for whatever the terminal width.
    pub fn text(&self) -> String {
        self.all()
            .lines()
            .map(|line| line.trim_start_matches(['│', '╷', '╵', ' ']).trim_end())
            .collect::<Vec<_>>()
            .join(" ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// A Terraform working directory using the provider under test.
pub struct Workspace {
    dir: TempDir,
    env: Vec<(String, String)>,
}

impl Workspace {
    /// A directory holding `main.tf` with `config` after the provider
    /// requirement.
    pub fn new(config: &str) -> Workspace {
        let dir = tempfile::tempdir().expect("temp dir");
        fs::write(dir.path().join("terraformrc"), dev_overrides_config()).unwrap();
        let workspace = Workspace {
            dir,
            env: Vec::new(),
        };
        workspace.write(config);
        workspace
    }

    /// Replaces the configuration.
    pub fn write(&self, config: &str) {
        let text = format!(
            "terraform {{\n\
             \x20 required_providers {{\n\
             \x20   panther = {{ source = \"{SOURCE}\" }}\n\
             \x20 }}\n\
             }}\n\n{config}\n"
        );
        fs::write(self.dir.path().join("main.tf"), text).unwrap();
    }

    /// The directory, for extra files.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Sets an environment variable for every later command.
    pub fn env(mut self, name: &str, value: &str) -> Workspace {
        self.env.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Runs `terraform ARGS` in the directory.
    pub fn run(&self, args: &[&str]) -> Run {
        let mut command = Command::new(terraform_binary());
        // Colour codes would get in the way of matching messages.
        let (subcommand, rest) = args.split_first().expect("a subcommand");
        command
            .arg(subcommand)
            .arg("-no-color")
            .args(rest)
            .current_dir(self.dir.path())
            .env("TF_CLI_CONFIG_FILE", self.dir.path().join("terraformrc"))
            .env("TF_IN_AUTOMATION", "1")
            .env("CHECKPOINT_DISABLE", "1")
            .env("NO_COLOR", "1");
        for name in [
            "TF_LOG",
            "TF_LOG_PROVIDER",
            "TF_LOG_PATH",
            "PLUGIN_LOG_FILE",
            "PANTHER_API_URL",
            "PANTHER_API_KEY",
            "PANTHER_API_TOKEN",
        ] {
            command.env_remove(name);
        }
        for (name, value) in &self.env {
            command.env(name, value);
        }
        let output = command.output().expect("terraform runs");
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// `terraform apply -auto-approve`, which must succeed.
    pub fn apply(&self) -> Run {
        self.run(&["apply", "-auto-approve", "-input=false"]).ok()
    }

    /// `terraform plan -detailed-exitcode`: 0 no changes, 2 changes, 1 error.
    pub fn plan(&self) -> Run {
        self.run(&["plan", "-detailed-exitcode", "-input=false"])
    }

    /// Asserts that a plan succeeds with no changes.
    pub fn assert_no_changes(&self) {
        let run = self.plan();
        assert_eq!(run.code, 0, "expected an empty plan:\n{}", run.all());
    }

    /// Every output after an apply, as JSON values.
    pub fn outputs(&self) -> Value {
        let run = self.run(&["output", "-json"]).ok();
        let outputs: Value = serde_json::from_str(&run.stdout).unwrap();
        let mut values = serde_json::Map::new();
        for (name, output) in outputs.as_object().unwrap() {
            values.insert(name.clone(), output["value"].clone());
        }
        Value::Object(values)
    }

    /// The state as `terraform show -json` gives it.
    pub fn show(&self) -> Value {
        let run = self.run(&["show", "-json"]).ok();
        serde_json::from_str(&run.stdout).unwrap()
    }
}

/// The directory holding the provider binary built for this test run.
pub fn provider_dir() -> PathBuf {
    let binary = PathBuf::from(env!("CARGO_BIN_EXE_terraform-provider-panther"));
    binary.parent().unwrap().to_path_buf()
}

/// A provider block pointed at an emulator with one of its tokens.
pub fn provider_block(emulator: &Emulator, token: &str) -> String {
    format!(
        "provider \"panther\" {{\n  api_url = \"{}/public/graphql\"\n  api_key = \"{}\"\n}}\n",
        emulator.url(),
        emulator.token(token)
    )
}

/// One diagnostic from `terraform validate -json` or `terraform plan -json`.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub severity: String,
    pub summary: String,
    pub detail: String,
    /// The source lines Terraform quotes, when it points at the source.
    pub code: Option<String>,
}

impl Diagnostic {
    pub fn is_error(&self) -> bool {
        self.severity == "error"
    }

    /// Whether Terraform quotes `line` as the place of the problem.
    pub fn quotes(&self, line: &str) -> bool {
        self.code
            .as_deref()
            .is_some_and(|code| code.lines().any(|l| l == line))
    }

    fn from_json(value: &Value) -> Diagnostic {
        let text = |field: &str| value[field].as_str().unwrap_or_default().to_owned();
        Diagnostic {
            severity: text("severity"),
            summary: text("summary"),
            detail: text("detail"),
            code: value["snippet"]["code"].as_str().map(str::to_owned),
        }
    }
}

/// The diagnostics in the stdout of a `-json` command: one document with a
/// `diagnostics` array (validate), or one JSON message a line (plan, apply).
pub fn diagnostics(stdout: &str) -> Vec<Diagnostic> {
    if let Ok(document) = serde_json::from_str::<Value>(stdout) {
        if let Some(list) = document["diagnostics"].as_array() {
            return list.iter().map(Diagnostic::from_json).collect();
        }
    }
    stdout
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|message| message["type"] == "diagnostic")
        .map(|message| Diagnostic::from_json(&message["diagnostic"]))
        .collect()
}

/// Variables that would steer a Terraform command away from the test's
/// own setup if the developer's shell happened to set them.
const FOREIGN_ENV: [&str; 8] = [
    "TF_LOG",
    "TF_LOG_PROVIDER",
    "TF_LOG_PATH",
    "TF_PLUGIN_CACHE_DIR",
    "PLUGIN_LOG_FILE",
    "PANTHER_API_URL",
    "PANTHER_API_KEY",
    "PANTHER_API_TOKEN",
];

/// A `provider_installation` block that runs the provider under test from
/// its build directory.
pub fn dev_overrides_config() -> String {
    format!(
        "provider_installation {{\n\
         \x20 dev_overrides {{\n\
         \x20   \"{SOURCE}\" = \"{}\"\n\
         \x20 }}\n\
         \x20 direct {{}}\n\
         }}\n",
        provider_dir().display()
    )
}

impl Workspace {
    /// An empty directory with the given CLI configuration.
    pub fn with_cli_config(cli_config: &str) -> Workspace {
        let dir = tempfile::tempdir().expect("temp dir");
        fs::write(dir.path().join("terraformrc"), cli_config).unwrap();
        Workspace {
            dir,
            env: Vec::new(),
        }
    }

    /// A copy of the files of `example` (not its subdirectories), using
    /// the provider under test through `dev_overrides`.
    pub fn from_example(example: &Path) -> Workspace {
        Workspace::from_example_with(example, &dev_overrides_config())
    }

    /// A copy of the files of `example`, with the given CLI configuration.
    pub fn from_example_with(example: &Path, cli_config: &str) -> Workspace {
        let workspace = Workspace::with_cli_config(cli_config);
        for entry in fs::read_dir(example).expect("example directory") {
            let path = entry.unwrap().path();
            if path.is_file() {
                fs::copy(&path, workspace.path().join(path.file_name().unwrap())).unwrap();
            }
        }
        workspace
    }

    /// Runs `terraform ARGS` exactly as given: unlike [`Workspace::run`],
    /// it inserts no `-no-color`, which would split a two-word command
    /// such as `providers schema` (`NO_COLOR` is set all the same).
    pub fn run_exact(&self, args: &[&str]) -> Run {
        let mut command = Command::new(terraform_binary());
        command
            .args(args)
            .current_dir(self.dir.path())
            .env("TF_CLI_CONFIG_FILE", self.dir.path().join("terraformrc"))
            .env("TF_IN_AUTOMATION", "1")
            .env("CHECKPOINT_DISABLE", "1")
            .env("NO_COLOR", "1");
        for name in FOREIGN_ENV {
            command.env_remove(name);
        }
        for (name, value) in &self.env {
            command.env(name, value);
        }
        let output = command.output().expect("terraform runs");
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

/// The repository's root directory.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

impl Workspace {
    /// Sets an environment variable for every later command, replacing an
    /// earlier value.
    pub fn set_env(&mut self, name: &str, value: &str) {
        self.env.retain(|(existing, _)| existing != name);
        self.env.push((name.to_owned(), value.to_owned()));
    }
}
