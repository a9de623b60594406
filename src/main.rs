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

/// tf-provider appends a captured backtrace to every diagnostic when
/// `RUST_BACKTRACE` or `RUST_LIB_BACKTRACE` is set, as it often is on a Rust
/// developer's machine or in CI, burying the message a user needs under a
/// hundred lines of frames. `RUST_LIB_BACKTRACE=0` stops those captures;
/// a panic still prints its backtrace as `RUST_BACKTRACE` asks.
fn keep_backtraces_out_of_diagnostics() {
    std::env::set_var("RUST_LIB_BACKTRACE", "0");
}

fn main() -> anyhow::Result<()> {
    let debug = std::env::args().skip(1).any(|arg| arg == "--debug");

    // These steps touch process-wide state (the environment, fd 1), so they
    // run before the runtime starts any thread.
    keep_backtraces_out_of_diagnostics();
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
