//! The binaries the benchmark runs: the provider as shipped, the provider
//! built with `keep-nagle`, and the floor provider.
//!
//! They are built with cargo, which is a no-op when they are fresh. The
//! `keep-nagle` build goes to its own target directory so that it never
//! replaces the shipped binary in the shared `target/`.

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{bail, Context};

/// Paths to the binaries under test.
#[derive(Clone, Debug)]
pub struct Binaries {
    /// The provider as users get it.
    pub provider: PathBuf,
    /// The same provider with Nagle's algorithm left on, when measured.
    pub nagle_provider: Option<PathBuf>,
    /// A tf-provider plugin that serves nothing.
    pub floor_provider: PathBuf,
}

/// How to obtain the binaries.
#[derive(Clone, Debug)]
pub struct BuildPlan {
    /// The cargo profile: `release` for figures, `dev` for the smoke run.
    pub profile: String,
    /// Whether to build the `keep-nagle` variant.
    pub nagle: bool,
    /// A provider binary to use instead of building one.
    pub provider: Option<PathBuf>,
    /// A floor provider binary to use instead of building one.
    pub floor_provider: Option<PathBuf>,
}

/// The workspace holding the provider, the emulator and this crate.
pub fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    // NOTE: this crate is always the `bench/` member of the workspace.
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

/// Builds what the plan asks for and returns where each binary is.
pub fn build(plan: &BuildPlan) -> anyhow::Result<Binaries> {
    let provider = match &plan.provider {
        Some(path) => existing(path)?,
        None => cargo_build(plan, "terraform-provider-panther", &[], None)?,
    };
    let floor_provider = match &plan.floor_provider {
        Some(path) => existing(path)?,
        None => cargo_build(plan, "floor-provider", &["-p", "panther-bench"], None)?,
    };
    let nagle_provider = if plan.nagle {
        let target = target_dir().join("bench-nagle");
        let args = ["--features", "keep-nagle"];
        Some(cargo_build(
            plan,
            "terraform-provider-panther",
            &args,
            Some(&target),
        )?)
    } else {
        None
    };
    Ok(Binaries {
        provider,
        nagle_provider,
        floor_provider,
    })
}

/// A binary given on the command line, as an absolute path: Terraform
/// runs the provider from a temporary directory.
fn existing(path: &Path) -> anyhow::Result<PathBuf> {
    path.canonicalize()
        .with_context(|| format!("no binary at {}", path.display()))
}

/// The shared target directory.
fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => workspace_root().join("target"),
    }
}

/// Runs `cargo build` for one binary and returns the executable cargo
/// reports, so that no assumption about the target layout is needed.
fn cargo_build(
    plan: &BuildPlan,
    bin: &str,
    extra: &[&str],
    target: Option<&Path>,
) -> anyhow::Result<PathBuf> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut command = Command::new(cargo);
    command
        .current_dir(workspace_root())
        .args(["build", "--message-format=json-render-diagnostics"])
        .args(["--profile", &plan.profile, "--bin", bin])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    if let Some(target) = target {
        command.env("CARGO_TARGET_DIR", target);
    }
    eprintln!("panther-bench: building {bin} ({} profile)", plan.profile);

    let mut child = command.spawn().context("running cargo build")?;
    let stdout = child.stdout.take().context("reading cargo's output")?;
    let mut executable = None;
    for line in std::io::BufReader::new(stdout).lines() {
        let line = line.context("reading cargo's output")?;
        if let Some(path) = artifact_executable(&line, bin) {
            executable = Some(path);
        }
    }
    let status = child.wait().context("waiting for cargo build")?;
    if !status.success() {
        bail!("cargo build of {bin} failed ({status})");
    }
    executable.with_context(|| format!("cargo built no executable named {bin}"))
}

/// The executable named in one of cargo's JSON messages, if it is `bin`.
fn artifact_executable(line: &str, bin: &str) -> Option<PathBuf> {
    let message: serde_json::Value = serde_json::from_str(line).ok()?;
    let is_bin = message["reason"] == "compiler-artifact" && message["target"]["name"] == bin;
    let path = message["executable"].as_str().filter(|_| is_bin)?;
    Some(PathBuf::from(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_named_binary_is_taken_from_cargo_messages() {
        let line = r#"{"reason":"compiler-artifact","target":{"name":"x"},
            "executable":"/t/release/x"}"#
            .replace('\n', "");
        assert_eq!(
            artifact_executable(&line, "x"),
            Some(PathBuf::from("/t/release/x"))
        );
        assert_eq!(artifact_executable(&line, "y"), None);
        assert_eq!(artifact_executable("Compiling x", "x"), None);
    }
}
