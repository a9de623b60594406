//! What the figures were measured on: the machine and the versions of
//! everything involved.
//!
//! A figure without its machine cannot be compared with anything, so the
//! report opens with these. Anything that cannot be read is reported as
//! "unknown" rather than failing the benchmark.

use std::fs;
use std::path::Path;
use std::process::Command;

/// The hardware the benchmark ran on.
#[derive(Clone, Debug)]
pub struct Machine {
    pub cpu: String,
    pub cores: usize,
    pub memory_bytes: u64,
}

/// The versions of the tools and of the provider under test.
#[derive(Clone, Debug)]
pub struct Versions {
    pub rustc: String,
    pub terraform: String,
    pub provider: String,
    pub commit: String,
}

/// Reads the CPU model, the usable cores and the installed memory.
pub fn machine() -> Machine {
    let cpuinfo = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find_map(|line| line.strip_prefix("model name"))
        .and_then(|rest| rest.split_once(':'))
        .map(|(_, model)| model.trim().to_owned())
        .unwrap_or_else(|| "unknown".to_owned());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let meminfo = fs::read_to_string("/proc/meminfo").unwrap_or_default();
    Machine {
        cpu,
        cores,
        memory_bytes: kib_field(&meminfo, "MemTotal:").unwrap_or(0) * 1024,
    }
}

/// A `Name:   1234 kB` field of a /proc file, in KiB.
pub fn kib_field(text: &str, name: &str) -> Option<u64> {
    let line = text.lines().find(|line| line.starts_with(name))?;
    line[name.len()..].split_whitespace().next()?.parse().ok()
}

/// Asks each tool for its version; `root` is the workspace.
pub fn versions(root: &Path) -> Versions {
    let terraform = output_of("terraform", &["version", "-json"], root)
        .and_then(|json| {
            let value: serde_json::Value = serde_json::from_str(&json).ok()?;
            value["terraform_version"].as_str().map(str::to_owned)
        })
        .unwrap_or_else(|| "unknown".to_owned());
    Versions {
        rustc: output_of("rustc", &["-V"], root).unwrap_or_else(|| "unknown".to_owned()),
        terraform,
        provider: package_version(&root.join("Cargo.toml")),
        commit: commit(root),
    }
}

/// The `version` of the `[package]` in a manifest.
fn package_version(manifest: &Path) -> String {
    let text = fs::read_to_string(manifest).unwrap_or_default();
    let mut in_package = false;
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            in_package = line == "[package]";
        } else if let (true, Some(value)) = (in_package, line.strip_prefix("version")) {
            let value = value.trim_start().trim_start_matches('=').trim();
            return value.trim_matches('"').to_owned();
        }
    }
    "unknown".to_owned()
}

/// The checked-out commit, marked when the tree has other changes: the
/// figures then describe the working tree, not the commit alone.
fn commit(root: &Path) -> String {
    let Some(head) = output_of("git", &["rev-parse", "--short=12", "HEAD"], root) else {
        return "unknown".to_owned();
    };
    let dirty = output_of(
        "git",
        &["status", "--porcelain", "--untracked-files=no"],
        root,
    )
    .is_some_and(|status| !status.is_empty());
    if dirty {
        format!("{head} (with uncommitted changes)")
    } else {
        head
    }
}

/// A command's trimmed stdout, or `None` when it cannot run or fails.
fn output_of(program: &str, args: &[&str], dir: &Path) -> Option<String> {
    let output = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proc_fields_are_read_in_kib() {
        let text = "MemTotal:       24568124 kB\nVmHWM:\t   10240 kB\n";
        assert_eq!(kib_field(text, "MemTotal:"), Some(24_568_124));
        assert_eq!(kib_field(text, "VmHWM:"), Some(10_240));
        assert_eq!(kib_field(text, "VmRSS:"), None);
    }

    #[test]
    fn the_provider_version_comes_from_the_package_section() {
        let dir = tempfile::tempdir().unwrap();
        let manifest = dir.path().join("Cargo.toml");
        let text = "[workspace]\nversion = \"9\"\n[package]\nname = \"x\"\n\
                    version = \"0.3.1\"\n[dependencies]\nversion = \"1\"\n";
        fs::write(&manifest, text).unwrap();
        assert_eq!(package_version(&manifest), "0.3.1");
    }
}
