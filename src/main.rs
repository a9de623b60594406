//! The `terraform-provider-panther` plugin binary.
//!
//! Terraform starts it and reads the handshake from stdout. Run by hand
//! with `--debug`, it prints the `TF_REATTACH_PROVIDERS` value that attaches
//! a Terraform in another shell to it, for stepping through with a
//! debugger or reading its logs directly.

use anyhow::Context;
use terraform_provider_panther::provider::PantherProvider;
use terraform_provider_panther::{logging, transport};

/// The address under which Terraform knows this provider.
const PROVIDER_ADDRESS: &str = "registry.terraform.io/panther-governance/panther";

fn main() -> anyhow::Result<()> {
    let debug = std::env::args().skip(1).any(|arg| arg == "--debug");

    // Both steps touch process-wide state (the environment, fd 1), so they
    // run before the runtime starts any thread.
    logging::init();
    let mode = if debug {
        transport::Mode::Debug {
            provider_address: PROVIDER_ADDRESS.to_owned(),
        }
    } else {
        transport::Mode::Plugin
    };
    transport::intercept_stdout(mode).context("routing stdout through the handshake relay")?;

    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime
        .block_on(tf_provider::serve("panther", PantherProvider::default()))
        .context("serving the provider")
}
