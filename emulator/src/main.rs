//! The `panther-emulator` binary: starts the emulator and prints its base
//! URL as the first line on stdout, so scripts and tests can find it.

use std::io::Write as _;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::Parser;
use panther_emulator::{Fixture, ForbiddenStyle, Options};

/// Serve a local emulation of the Panther API.
#[derive(Parser, Debug)]
#[command(name = "panther-emulator", version)]
struct Cli {
    /// Port on 127.0.0.1; 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    port: u16,

    /// Seed data in Panther's JSON wire format; the built-in fixture when
    /// not given.
    #[arg(long, value_name = "PATH")]
    fixture: Option<PathBuf>,

    /// Deterministically generated users to add to the fixture's.
    #[arg(long, value_name = "N", default_value_t = 0)]
    extra_users: usize,

    /// Latency added to every API request, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    latency_ms: u64,

    /// Body of a REST 403: {"message": ...} or {"error": "forbidden"}.
    #[arg(long, value_name = "STYLE", default_value_t = ForbiddenStyle::Message)]
    forbidden_style: ForbiddenStyle,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let fixture = match &cli.fixture {
        Some(path) => Fixture::from_path(path)?,
        None => Fixture::default_fixture(),
    };
    let options = Options {
        port: cli.port,
        fixture,
        extra_users: cli.extra_users,
        latency_ms: cli.latency_ms,
        forbidden_style: cli.forbidden_style,
    };
    let emulator = panther_emulator::spawn(options).await?;

    // The URL must be the first line on stdout; flush so a reader sees it
    // even though stdout is a pipe and block-buffered.
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{}", emulator.base_url()).context("writing the base URL")?;
    stdout.flush().context("flushing stdout")?;
    drop(stdout);

    eprintln!("panther-emulator: serving; stop with Ctrl-C");
    tokio::signal::ctrl_c()
        .await
        .context("waiting for Ctrl-C")?;
    emulator.shutdown().await;
    Ok(())
}
