//! The release files that `scripts/release` writes, installed the way a
//! user installs a provider: a real `terraform init` from a
//! `filesystem_mirror`, with no `dev_overrides`, then the quickstart
//! applied against the emulator.
//!
//! The script packages the debug binary Cargo built for these tests: a
//! release build would cost CI minutes and test nothing more about the
//! packaging.

mod support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use support::{repo_root, Emulator, Workspace, SOURCE};

/// The provider's name, as its files are named.
const NAME: &str = "terraform-provider-panther";
/// The version the script reads from Cargo.toml.
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The provider binary built for this test run.
fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_terraform-provider-panther"))
}

/// Runs `scripts/release --binary <test build> --out <dir>`.
fn release_into(out: &Path) {
    let output = Command::new("bash")
        .arg(repo_root().join("scripts/release"))
        .arg("--binary")
        .arg(binary())
        .arg("--out")
        .arg(out)
        .output()
        .expect("bash runs");
    assert!(
        output.status.success(),
        "scripts/release failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The platform Terraform installs for, such as `linux_amd64`.
fn terraform_platform() -> String {
    let output = Command::new("terraform")
        .args(["version", "-json"])
        .env("TF_CLI_CONFIG_FILE", "/dev/null")
        .output()
        .expect("terraform runs");
    let version: Value = serde_json::from_slice(&output.stdout).expect("version JSON");
    version["platform"].as_str().unwrap().to_owned()
}

/// What python3 finds in the release files: the SHA-256 of each file,
/// Terraform's `h1:` hash of the zip and its entries' names, modes and
/// SHA-256 digests.
///
/// NOTE: `h1:` is Terraform's hash of a package's contents: the SHA-256
/// of the sorted lines "<sha256 of file>  <file name>\n", in base64. A
/// `zh:` hash is the SHA-256 of the zip itself, which Terraform records
/// only from a registry's signed checksums.
fn inspect(dist: &Path, zip_name: &str) -> Value {
    let script = r#"
import base64, hashlib, json, os, sys, zipfile
dist, zip_name, binary = sys.argv[1:]
sha = lambda data: hashlib.sha256(data).hexdigest()
files = {n: sha(open(os.path.join(dist, n), "rb").read()) for n in os.listdir(dist)}
with zipfile.ZipFile(os.path.join(dist, zip_name)) as z:
    entries = [{"name": i.filename, "mode": i.external_attr >> 16,
                "sha256": sha(z.read(i))} for i in z.infolist()]
summary = "".join(f"{e['sha256']}  {e['name']}\n"
                  for e in sorted(entries, key=lambda e: e["name"]))
h1 = "h1:" + base64.b64encode(hashlib.sha256(summary.encode()).digest()).decode()
print(json.dumps({"files": files, "entries": entries, "h1": h1,
                  "binary": sha(open(binary, "rb").read())}))
"#;
    let output = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(dist)
        .arg(zip_name)
        .arg(binary())
        .output()
        .expect("python3 runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// The hashes `.terraform.lock.hcl` records for the provider.
fn locked_hashes(lock_file: &str) -> Vec<String> {
    let start = lock_file
        .find(&format!("provider \"registry.terraform.io/{SOURCE}\""))
        .expect("the provider in the lock file");
    let block = &lock_file[start..];
    let hashes = &block[block.find("hashes = [").expect("hashes")..];
    let hashes = &hashes[..hashes.find(']').unwrap()];
    hashes
        .split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_release_zip_installs_from_a_filesystem_mirror_and_runs_the_quickstart() {
    let platform = terraform_platform();
    let zip_name = format!("{NAME}_{VERSION}_{platform}.zip");
    let manifest_name = format!("{NAME}_{VERSION}_manifest.json");
    let sums_name = format!("{NAME}_{VERSION}_SHA256SUMS");
    let mirror = tempfile::tempdir().unwrap();
    let dist = mirror.path().join("registry.terraform.io").join(SOURCE);

    // The packed mirror layout is the registry's file names in a
    // hostname/namespace/type directory, so the script writes there.
    release_into(&dist);

    // The files, the manifest and the checksums.
    let found = inspect(&dist, &zip_name);
    let mut names: Vec<&String> = found["files"].as_object().unwrap().keys().collect();
    let mut expected_names = vec![&manifest_name, &sums_name, &zip_name];
    names.sort();
    expected_names.sort();
    assert_eq!(names, expected_names);
    let manifest = fs::read_to_string(dist.join(&manifest_name)).unwrap();
    let root_manifest =
        fs::read_to_string(repo_root().join("terraform-registry-manifest.json")).unwrap();
    assert_eq!(manifest, root_manifest);
    let manifest: Value = serde_json::from_str(&manifest).unwrap();
    assert_eq!(
        manifest["metadata"]["protocol_versions"],
        serde_json::json!(["6.0"])
    );
    let sums = fs::read_to_string(dist.join(&sums_name)).unwrap();
    let expected_sums = format!(
        "{}  {zip_name}\n{}  {manifest_name}\n",
        found["files"][&zip_name].as_str().unwrap(),
        found["files"][&manifest_name].as_str().unwrap(),
    );
    assert_eq!(sums, expected_sums);

    // One executable entry: the binary itself.
    let entries = found["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0]["name"], format!("{NAME}_v{VERSION}"));
    assert_eq!(entries[0]["mode"], 0o100755);
    assert_eq!(entries[0]["sha256"], found["binary"]);

    // A real install from the mirror: no dev_overrides, no network.
    let cli_config = format!(
        "provider_installation {{\n  filesystem_mirror {{\n    path    = \"{}\"\n    \
         include = [\"registry.terraform.io/{SOURCE}\"]\n  }}\n}}\n",
        mirror.path().display()
    );
    let emulator = Emulator::start();
    let workspace =
        Workspace::from_example_with(&repo_root().join("examples/quickstart"), &cli_config)
            .env("PANTHER_API_URL", emulator.url())
            .env("PANTHER_API_KEY", &emulator.token("admin"))
            .env("TF_VAR_integration_api_key", &emulator.token("integration"))
            .env(
                "TF_VAR_api_url",
                &format!("{}/public/graphql", emulator.url()),
            )
            .env("TF_VAR_owners", r#"["alice.nakamura@example.com"]"#);

    let init = workspace
        .run_exact(&["init", "-no-color", "-input=false"])
        .ok();

    assert!(
        init.text()
            .contains(&format!("Installed {SOURCE} v{VERSION}")),
        "{}",
        init.text()
    );
    let installed = workspace
        .path()
        .join(".terraform/providers/registry.terraform.io")
        .join(SOURCE)
        .join(VERSION)
        .join(&platform)
        .join(format!("{NAME}_v{VERSION}"));
    assert!(installed.is_file(), "{} not installed", installed.display());

    // The lock file vouches for exactly this zip's contents.
    let lock_file = fs::read_to_string(workspace.path().join(".terraform.lock.hcl")).unwrap();
    let hashes = locked_hashes(&lock_file);
    let zip_hash = format!("zh:{}", found["files"][&zip_name].as_str().unwrap());
    assert!(
        hashes.contains(&found["h1"].as_str().unwrap().to_owned()),
        "{lock_file}"
    );
    for hash in &hashes {
        assert!(
            *hash == found["h1"] || *hash == zip_hash,
            "the lock file records {hash}, which is not this zip's:\n{lock_file}"
        );
    }

    let apply = workspace.apply();
    assert!(
        !apply.text().contains("development overrides"),
        "{}",
        apply.text()
    );
    assert_eq!(
        workspace.outputs()["integration_token"]["id"],
        "integration"
    );
    workspace.assert_no_changes();
}

#[test]
fn packaging_the_same_binary_twice_gives_the_same_checksums() {
    let first = tempfile::tempdir().unwrap();
    let second = tempfile::tempdir().unwrap();

    release_into(first.path());
    release_into(second.path());

    let sums = |dir: &Path| {
        let name = format!("{NAME}_{VERSION}_SHA256SUMS");
        fs::read_to_string(dir.join(name)).unwrap()
    };
    assert_eq!(sums(first.path()), sums(second.path()));
}

#[test]
fn the_release_script_refuses_an_unknown_argument_with_its_usage() {
    let output = Command::new("bash")
        .arg(repo_root().join("scripts/release"))
        .arg("--platform")
        .output()
        .expect("bash runs");

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("unknown argument --platform"), "{stderr}");
    assert!(stderr.contains("Usage: bash scripts/release"), "{stderr}");
}
