//! Terraform working directories wired to a provider binary, and timed
//! plans in them.
//!
//! A directory gets its own CLI configuration whose `dev_overrides` point
//! at the binary under test, so no `terraform init` and no registry are
//! involved: a plan starts the binary it is told to, as a user's would.

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use tempfile::TempDir;

use crate::emulator::Emulator;

/// The provider's source address.
pub const SOURCE: &str = "panther-governance/panther";

/// Environment variables that would change what Terraform or the
/// provider does, removed from every run.
const CLEARED: [&str; 8] = [
    "TF_LOG",
    "TF_LOG_PROVIDER",
    "TF_LOG_PATH",
    "TF_REATTACH_PROVIDERS",
    "PLUGIN_LOG_FILE",
    "PANTHER_API_URL",
    "PANTHER_API_KEY",
    "PANTHER_API_TOKEN",
];

/// A Terraform working directory.
pub struct Workspace {
    dir: TempDir,
    env: Vec<(String, String)>,
}

impl Workspace {
    /// A directory whose `main.tf` holds the provider requirement followed
    /// by `config`, using the provider binary in `provider_dir`.
    pub fn new(provider_dir: &Path, config: &str) -> anyhow::Result<Workspace> {
        let workspace = Workspace::empty(provider_dir)?;
        let text = format!(
            "terraform {{\n  required_providers {{\n    \
             panther = {{ source = \"{SOURCE}\" }}\n  }}\n}}\n\n{config}\n"
        );
        fs::write(workspace.dir.path().join("main.tf"), text).context("writing main.tf")?;
        Ok(workspace)
    }

    /// A directory holding a copy of the `.tf` files of `source`.
    pub fn copy_of(provider_dir: &Path, source: &Path) -> anyhow::Result<Workspace> {
        let workspace = Workspace::empty(provider_dir)?;
        let entries = fs::read_dir(source).with_context(|| format!("reading {source:?}"))?;
        for entry in entries {
            let path = entry?.path();
            if path.extension().is_some_and(|ext| ext == "tf") {
                let name = path.file_name().context("a file name")?;
                fs::copy(&path, workspace.dir.path().join(name))
                    .with_context(|| format!("copying {path:?}"))?;
            }
        }
        Ok(workspace)
    }

    fn empty(provider_dir: &Path) -> anyhow::Result<Workspace> {
        let dir = tempfile::tempdir().context("creating a working directory")?;
        let cli_config = format!(
            "provider_installation {{\n  dev_overrides {{\n    \
             \"{SOURCE}\" = \"{}\"\n  }}\n  direct {{}}\n}}\n",
            provider_dir.display()
        );
        fs::write(dir.path().join("terraformrc"), cli_config)
            .context("writing the CLI configuration")?;
        Ok(Workspace {
            dir,
            env: Vec::new(),
        })
    }

    /// Sets an environment variable for every later command.
    pub fn with_env(mut self, name: &str, value: &str) -> Workspace {
        self.env.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Runs `terraform plan` with extra arguments and environment, and
    /// returns how long it took. A failed plan is an error: a figure from
    /// a plan that did not do its work would mean nothing.
    pub fn plan(&self, args: &[&str], env: &[(&str, &str)]) -> anyhow::Result<Duration> {
        let mut command = Command::new("terraform");
        command
            .args(["plan", "-input=false", "-no-color", "-lock=false"])
            .args(args)
            .current_dir(self.dir.path())
            .env("TF_CLI_CONFIG_FILE", self.dir.path().join("terraformrc"))
            .env("TF_IN_AUTOMATION", "1")
            .env("CHECKPOINT_DISABLE", "1");
        for name in CLEARED {
            command.env_remove(name);
        }
        for (name, value) in &self.env {
            command.env(name, value);
        }
        for (name, value) in env {
            command.env(name, value);
        }

        let started = Instant::now();
        let output = command.output().context("running terraform plan")?;
        let elapsed = started.elapsed();
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let stdout = String::from_utf8_lossy(&output.stdout);
            bail!(
                "terraform plan failed ({}):\n{stdout}\n{stderr}",
                output.status
            );
        }
        Ok(elapsed)
    }
}

/// A provider block pointed at the emulator.
pub fn provider_block(emulator: &Emulator) -> String {
    format!(
        "provider \"panther\" {{\n  api_url = \"{}/public/graphql\"\n  \
         api_key = \"{}\"\n}}\n",
        emulator.url(),
        emulator.key()
    )
}
