//! Figure 4: the provider process's peak memory, the binary's size and
//! the time from exec to the handshake line.
//!
//! Peak memory is read from the provider itself: it is started by hand in
//! `--debug` mode, Terraform attaches to it through the
//! `TF_REATTACH_PROVIDERS` value it prints, and `VmHWM` (the high-water
//! mark of its resident set) is read before it is stopped.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};

use crate::machine::kib_field;
use crate::terraform::Workspace;

/// How long a provider may take to print its first line.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// The most lines read while looking for the reattach value.
const MAX_START_LINES: usize = 50;

/// The cookie Terraform's plugin client sets; go-plugin servers check it.
const MAGIC_COOKIE: (&str, &str) = (
    "TF_PLUGIN_MAGIC_COOKIE",
    "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2",
);

/// A child process that is killed when dropped, so that no error path
/// leaves a provider running.
struct Started {
    child: Child,
    lines: mpsc::Receiver<(String, Instant)>,
}

impl Started {
    fn spawn(mut command: Command) -> anyhow::Result<Started> {
        command.stdout(Stdio::piped()).stderr(Stdio::null());
        let mut child = command.spawn().context("starting the provider")?;
        let stdout = child.stdout.take().context("the provider's stdout")?;
        let (sender, lines) = mpsc::channel();
        thread::spawn(move || forward_lines(stdout, sender));
        Ok(Started { child, lines })
    }

    /// The next line the process prints, with when it was read.
    fn next_line(&self) -> anyhow::Result<(String, Instant)> {
        self.lines
            .recv_timeout(START_TIMEOUT)
            .context("the provider printed nothing in time")
    }
}

impl Drop for Started {
    fn drop(&mut self) {
        // NOTE: only this process, which the benchmark started, is killed.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn forward_lines(stdout: ChildStdout, sender: mpsc::Sender<(String, Instant)>) {
    for line in BufReader::new(stdout).lines() {
        let Ok(line) = line else { return };
        if sender.send((line, Instant::now())).is_err() {
            return;
        }
    }
}

/// The peak resident memory, in bytes, of a provider process serving one
/// `terraform plan` in `workspace`.
pub fn peak_rss(binary: &Path, workspace: &Workspace) -> anyhow::Result<u64> {
    let mut command = Command::new(binary);
    command.arg("--debug").env_remove("PLUGIN_LOG_FILE");
    let provider = Started::spawn(command)?;

    let mut reattach = None;
    for _ in 0..MAX_START_LINES {
        let (line, _) = provider.next_line()?;
        if let Some(value) = reattach_value(&line) {
            reattach = Some(value.to_owned());
            break;
        }
    }
    let reattach = reattach.context("the provider printed no TF_REATTACH_PROVIDERS value")?;

    workspace.plan(&[], &[("TF_REATTACH_PROVIDERS", &reattach)])?;
    let status_path = format!("/proc/{}/status", provider.child.id());
    let status =
        std::fs::read_to_string(&status_path).with_context(|| format!("reading {status_path}"))?;
    let kib = kib_field(&status, "VmHWM:").context("no VmHWM in the provider's status")?;
    Ok(kib * 1024)
}

/// The value in `export TF_REATTACH_PROVIDERS='...'`.
fn reattach_value(line: &str) -> Option<&str> {
    let (_, rest) = line.split_once("TF_REATTACH_PROVIDERS='")?;
    let end = rest.rfind('\'')?;
    Some(&rest[..end])
}

/// The time from spawning `binary` to reading its first stdout line, with
/// the environment Terraform's plugin client gives a provider: the magic
/// cookie, the protocol versions, the port range and a client
/// certificate, which makes the plugin generate its own for mutual TLS.
pub fn handshake_time(binary: &Path, client_cert_pem: &str) -> anyhow::Result<Duration> {
    let mut command = Command::new(binary);
    command
        .env(MAGIC_COOKIE.0, MAGIC_COOKIE.1)
        .env("PLUGIN_PROTOCOL_VERSIONS", "5,6")
        .env("PLUGIN_MIN_PORT", "10000")
        .env("PLUGIN_MAX_PORT", "25000")
        .env("PLUGIN_CLIENT_CERT", client_cert_pem)
        .env_remove("PLUGIN_LOG_FILE")
        .env_remove("TF_LOG");
    let started = Instant::now();
    let provider = Started::spawn(command)?;
    let (line, read_at) = provider.next_line()?;
    if !line.starts_with("1|") {
        bail!("the first line is not a go-plugin handshake: {line:?}");
    }
    Ok(read_at.duration_since(started))
}

/// A self-signed certificate standing in for the one Terraform sends.
pub fn client_certificate() -> anyhow::Result<String> {
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()])
        .context("generating a client certificate")?;
    Ok(certified.cert.pem())
}

/// The size of a file in bytes.
pub fn file_size(path: &Path) -> anyhow::Result<u64> {
    Ok(std::fs::metadata(path)
        .with_context(|| format!("reading {path:?}"))?
        .len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reattach_value_is_taken_from_the_export_line() {
        let line = r#"    export TF_REATTACH_PROVIDERS='{"a":{"Pid":1}}'"#;
        assert_eq!(reattach_value(line), Some(r#"{"a":{"Pid":1}}"#));
        assert_eq!(reattach_value("Provider started."), None);
    }
}
