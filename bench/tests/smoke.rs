//! The benchmark's smoke mode, run by `cargo test --workspace` so that the
//! benchmark cannot rot: every measurement runs once, on debug builds,
//! and the report must hold every section. No figure is checked: timing
//! assertions would fail on a busy machine and prove nothing.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The provider binary of this test build.
///
/// `cargo test --workspace` builds it beside this crate's binaries for the
/// provider's own end-to-end tests. When this crate's tests run alone it
/// may be missing, and is then built here.
fn provider_binary() -> PathBuf {
    let bench = Path::new(env!("CARGO_BIN_EXE_panther-bench"));
    let provider = bench.with_file_name("terraform-provider-panther");
    if !provider.exists() {
        let status = Command::new(env!("CARGO"))
            .args(["build", "--bin", "terraform-provider-panther"])
            .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(".."))
            .status()
            .expect("cargo runs");
        assert!(status.success(), "building the provider failed");
    }
    provider
}

#[test]
fn smoke_run_writes_every_section_of_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("REPORT.md");

    let output = Command::new(env!("CARGO_BIN_EXE_panther-bench"))
        .arg("--smoke")
        .args(["--profile", "dev"])
        .arg("--provider")
        .arg(provider_binary())
        .arg("--floor-provider")
        .arg(env!("CARGO_BIN_EXE_floor-provider"))
        .arg("--out")
        .arg(&out)
        .output()
        .expect("panther-bench runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "panther-bench failed:\n{stderr}");

    let report = std::fs::read_to_string(&out).expect("the report is written");
    for heading in [
        "# Panther provider benchmark",
        "## 1. Plugin overhead per data source",
        "## 2. Calls to Panther per plan",
        "## 3. Reading every user, 20 ms per request",
        "## 4. Memory, size and start-up",
        "| 1,000 | 17 |",
        "`examples/quickstart`",
        "smoke run",
    ] {
        assert!(report.contains(heading), "no {heading:?} in:\n{report}");
    }
    for missing in ["NaN", "n/a"] {
        assert!(!report.contains(missing), "a figure is missing:\n{report}");
    }
}
