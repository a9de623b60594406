//! The plugin process itself: stdout carries the handshake and nothing
//! else, logs reach Terraform and `PLUGIN_LOG_FILE`, and `--debug` prints a
//! reattach value that a real Terraform can use.

mod support;

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use support::{provider_block, Emulator, Workspace};

/// A generous bound on waiting for the provider's first line, so a broken
/// provider fails the test instead of hanging it. Not a timing assertion.
const PATIENCE: Duration = Duration::from_secs(60);

/// The provider binary under test.
fn provider() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_terraform-provider-panther"));
    command
        .env_remove("PLUGIN_LOG_FILE")
        .env_remove("TF_LOG")
        .env_remove("TF_LOG_PROVIDER")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    command
}

/// Reads stdout lines until `wanted` matches one, returning it.
fn wait_for_line(
    child: &mut Child,
    wanted: fn(&str) -> bool,
) -> (String, BufReader<std::process::ChildStdout>) {
    let stdout = child.stdout.take().expect("piped stdout");
    let (sender, receiver) = mpsc::channel();
    thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        let mut line = String::new();
        loop {
            line.clear();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            if wanted(line.trim_end()) {
                let _ = sender.send((line.trim_end().to_owned(), reader));
                return;
            }
        }
    });
    receiver
        .recv_timeout(PATIENCE)
        .expect("the provider printed the expected line")
}

#[test]
fn stdout_carries_the_handshake_and_nothing_else() {
    let mut child = provider().spawn().expect("provider starts");

    let (line, mut rest) = wait_for_line(&mut child, |_| true);
    child.kill().unwrap();
    child.wait().unwrap();

    let fields: Vec<&str> = line.split('|').collect();
    assert_eq!(&fields[..3], ["1", "6", "tcp"], "{line}");
    assert!(fields[3].starts_with("127.0.0.1:"), "{line}");
    assert_eq!(fields[4], "grpc", "{line}");
    let mut remainder = String::new();
    rest.read_to_string(&mut remainder).unwrap();
    assert_eq!(remainder, "", "more than the handshake on stdout");
}

#[test]
fn debug_mode_prints_a_reattach_value_terraform_can_use() {
    let emulator = Emulator::start();
    let mut child = provider().arg("--debug").spawn().expect("provider starts");
    let (line, _rest) = wait_for_line(&mut child, |l| l.contains("TF_REATTACH_PROVIDERS="));
    let value = line
        .split_once("TF_REATTACH_PROVIDERS='")
        .and_then(|(_, v)| v.strip_suffix('\''))
        .expect("quoted value")
        .to_owned();
    let parsed: serde_json::Value = serde_json::from_str(&value).unwrap();
    let address = "registry.terraform.io/panther-governance/panther";
    assert_eq!(parsed[address]["ProtocolVersion"], 6, "{value}");

    let workspace = Workspace::new(&format!(
        "{}\ndata \"panther_roles\" \"all\" {{}}\n\
         output \"count\" {{ value = length(data.panther_roles.all.roles) }}",
        provider_block(&emulator, "integration")
    ))
    .env("TF_REATTACH_PROVIDERS", &value);
    let run = workspace.apply();
    child.kill().unwrap();
    child.wait().unwrap();

    let roles = emulator.fixture()["roles"].as_array().unwrap().len();
    assert!(
        run.stdout.contains(&format!("count = {roles}")),
        "{}",
        run.all()
    );
}

#[test]
fn logs_state_decisions_for_terraform_and_the_plugin_log_file() {
    let emulator = Emulator::start();
    let log_dir = tempfile::tempdir().unwrap();
    let log_file = log_dir.path().join("provider.log");
    let workspace = Workspace::new(
        "provider \"panther\" {}\n\
         data \"panther_roles\" \"a\" {}\n\
         data \"panther_roles\" \"b\" { name = \"Admin\" }\n",
    )
    .env("PANTHER_API_URL", emulator.url())
    .env("PANTHER_API_KEY", &emulator.token("integration"))
    .env("TF_LOG_PROVIDER", "DEBUG")
    .env("PLUGIN_LOG_FILE", log_file.to_str().unwrap());

    let run = workspace.run(&["plan", "-input=false"]).ok();

    // Terraform relays the provider's JSON lines into its own log on stderr.
    for decision in [
        "credentials resolved",
        "the PANTHER_API_KEY environment variable",
        "API URL normalised",
    ] {
        assert!(
            run.stderr.contains(decision),
            "{decision} not logged:\n{}",
            run.stderr
        );
    }
    let file = std::fs::read_to_string(&log_file).expect("log file written");
    let entries: Vec<serde_json::Value> = file
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON object a line"))
        .collect();
    assert!(entries
        .iter()
        .all(|e| e["@message"].is_string() && e["@level"].is_string()));
    assert!(
        entries
            .iter()
            .any(|e| e["@message"] == "roles served from the catalog without a request"),
        "no cache hit logged:\n{file}"
    );
    assert!(
        !file.contains(&emulator.token("integration")),
        "key in the log file"
    );
    assert!(
        !run.stderr.contains(&emulator.token("integration")),
        "key in the log"
    );
}
