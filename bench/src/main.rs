//! `panther-bench`: measures the Panther provider against the emulator and
//! writes a markdown report.
//!
//! A map of the crate, in the order the figures are taken:
//!
//! - [`artifacts`]: builds the provider, its `keep-nagle` variant and the
//!   floor provider.
//! - [`overhead`]: figure 1, plan time per data source, with and without
//!   Nagle's algorithm.
//! - [`calls`]: figure 2, requests to Panther per plan.
//! - [`fetch`]: figure 3, reading every user by GraphQL and by REST paging.
//! - [`footprint`]: figure 4, peak memory, binary size, time to handshake.
//! - [`emulator`], [`terraform`], [`machine`], [`stats`], [`report`]: the
//!   emulator under load, Terraform working directories, what the figures
//!   were measured on, medians, and the markdown.
//!
//! NOTE: no figure is checked against a threshold. The smoke mode that CI
//! runs only proves that every measurement still works.

mod artifacts;
mod calls;
mod emulator;
mod fetch;
mod footprint;
mod machine;
mod overhead;
mod report;
mod stats;
mod terraform;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{ensure, Context};
use clap::Parser;

use crate::artifacts::{Binaries, BuildPlan};
use crate::emulator::Emulator;
use crate::overhead::Build;
use crate::report::Report;
use crate::stats::Sample;
use crate::terraform::{provider_block, Workspace};

/// Sizes above this many users get `--large-runs` runs.
const LARGE: usize = 10_000;

/// Measure the Panther provider and write a markdown report.
#[derive(Parser, Debug)]
#[command(name = "panther-bench")]
struct Cli {
    /// Where to write the report; stdout when not given.
    #[arg(long, value_name = "PATH")]
    out: Option<PathBuf>,

    /// Runs per figure; each figure is their median.
    #[arg(long, default_value_t = 5)]
    runs: usize,

    /// Runs per figure above 10,000 users, where one REST listing with
    /// 20 ms per request takes about 17 s at 50,000 users.
    #[arg(long, default_value_t = 3)]
    large_runs: usize,

    /// Numbers of users to read, comma-separated.
    #[arg(long, value_delimiter = ',', default_values_t = [1_000, 10_000, 50_000])]
    users: Vec<usize>,

    /// Numbers of data sources per plan in figure 1; 0, the floor, is
    /// always measured.
    #[arg(long, value_delimiter = ',', default_values_t = [0, 20, 100])]
    data_sources: Vec<usize>,

    /// Latency the emulator adds to each request in figure 3.
    #[arg(long, value_name = "MS", default_value_t = 20)]
    latency_ms: u64,

    /// A quick run for CI: one run, 0 and 3 data sources, 1,000 users, no
    /// `keep-nagle` build. Its figures mean nothing.
    #[arg(long)]
    smoke: bool,

    /// Leave out the `keep-nagle` build and its figures.
    #[arg(long)]
    skip_nagle: bool,

    /// Cargo profile of the binaries under test.
    #[arg(long, default_value = "release")]
    profile: String,

    /// Measure this provider binary instead of building one.
    #[arg(long, value_name = "PATH")]
    provider: Option<PathBuf>,

    /// Use this floor provider binary instead of building one.
    #[arg(long, value_name = "PATH")]
    floor_provider: Option<PathBuf>,
}

impl Cli {
    /// Applies `--smoke` and checks the numbers.
    fn settle(mut self) -> anyhow::Result<Cli> {
        if self.smoke {
            self.runs = 1;
            self.large_runs = 1;
            self.users = vec![1_000];
            self.data_sources = vec![0, 3];
            self.skip_nagle = true;
        }
        self.data_sources.push(0);
        self.data_sources.sort_unstable();
        self.data_sources.dedup();
        ensure!(
            self.runs > 0 && self.large_runs > 0,
            "runs must be at least 1"
        );
        ensure!(!self.users.is_empty(), "give at least one number of users");
        Ok(self)
    }

    fn mode(&self) -> String {
        if self.smoke {
            "smoke run: one run per figure, so the figures are not meaningful".to_owned()
        } else {
            format!(
                "{} runs per figure, {} above {} users",
                self.runs,
                self.large_runs,
                stats::count(LARGE as u64)
            )
        }
    }

    fn runs_for(&self, users: usize) -> usize {
        if users > LARGE {
            self.large_runs
        } else {
            self.runs
        }
    }
}

fn main() -> ExitCode {
    match Cli::parse().settle().and_then(|cli| run(&cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("panther-bench: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: &Cli) -> anyhow::Result<()> {
    let root = artifacts::workspace_root();
    let binaries = artifacts::build(&BuildPlan {
        profile: cli.profile.clone(),
        nagle: !cli.skip_nagle,
        provider: cli.provider.clone(),
        floor_provider: cli.floor_provider.clone(),
    })?;
    let provider_dir = binaries
        .provider
        .parent()
        .context("the provider's directory")?;

    let overhead = overhead::measure(&builds(&binaries), &cli.data_sources, cli.runs)?;

    let emulator = Emulator::start(0, 0)?;
    let scenarios = vec![
        calls::quickstart(&root, provider_dir, &emulator)?,
        calls::filtered_users(provider_dir, &emulator)?,
        calls::users_by_email(provider_dir, &emulator)?,
    ];
    let calls = calls::measure(&emulator, scenarios, cli.runs)?;
    let idle = Workspace::new(provider_dir, &provider_block(&emulator))?;
    eprintln!("panther-bench: peak memory of a plan with no data source");
    let idle_rss = repeat(cli.runs, || footprint::peak_rss(&binaries.provider, &idle))?;
    drop(emulator);

    let mut fetch = Vec::new();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the client's runtime")?;
    for &users in &cli.users {
        fetch.push(fetch_and_memory(cli, &binaries.provider, users, &runtime)?);
    }

    eprintln!("panther-bench: binary size and time to handshake");
    let report = Report {
        command: command_line(),
        mode: cli.mode(),
        profile: cli.profile.clone(),
        machine: machine::machine(),
        versions: machine::versions(&root),
        latency_ms: cli.latency_ms,
        overhead,
        nagle_skipped: binaries.nagle_provider.is_none(),
        calls,
        fetch,
        idle_rss,
        binary_size: (
            footprint::file_size(&binaries.provider)?,
            footprint::file_size(&binaries.floor_provider)?,
        ),
        handshake: handshakes(&binaries, cli.runs)?,
    };
    write_report(cli.out.as_deref(), &report.render())
}

/// The builds figure 1 compares.
fn builds(binaries: &Binaries) -> Vec<Build<'_>> {
    let mut builds = vec![Build {
        label: "shipped (`TCP_NODELAY` set)",
        binary: &binaries.provider,
    }];
    if let Some(nagle) = &binaries.nagle_provider {
        builds.push(Build {
            label: "`keep-nagle` (Nagle left on)",
            binary: nagle,
        });
    }
    builds
}

/// Figure 3 at one size, then the provider's peak memory at that size.
fn fetch_and_memory(
    cli: &Cli,
    provider: &Path,
    users: usize,
    runtime: &tokio::runtime::Runtime,
) -> anyhow::Result<(fetch::SizeFigures, Sample)> {
    let runs = cli.runs_for(users);
    let dir = provider.parent().context("the provider's directory")?;
    let emulator = Emulator::start(users, cli.latency_ms)?;
    let figures = fetch::measure(&emulator, dir, runs, runtime)?;

    // Latency changes how long the provider waits, not what it holds.
    emulator.set_latency(0)?;
    let workspace = Workspace::new(dir, &fetch::plan_config(&emulator))?;
    eprintln!("panther-bench: peak memory at {users} users");
    let rss = repeat(runs, || footprint::peak_rss(provider, &workspace))?;
    Ok((figures, rss))
}

/// Exec-to-handshake times of the provider and of the floor provider,
/// interleaved.
fn handshakes(binaries: &Binaries, runs: usize) -> anyhow::Result<(Sample, Sample)> {
    let certificate = footprint::client_certificate()?;
    let (mut provider, mut floor) = (Sample::default(), Sample::default());
    for _ in 0..runs {
        provider.push_duration(footprint::handshake_time(&binaries.provider, &certificate)?);
        floor.push_duration(footprint::handshake_time(
            &binaries.floor_provider,
            &certificate,
        )?);
    }
    Ok((provider, floor))
}

/// Takes `runs` measurements in a base unit that fits in `f64`.
fn repeat(runs: usize, mut measure: impl FnMut() -> anyhow::Result<u64>) -> anyhow::Result<Sample> {
    let mut sample = Sample::default();
    for _ in 0..runs {
        sample.push(measure()? as f64);
    }
    Ok(sample)
}

/// How this run was invoked, for the report.
fn command_line() -> String {
    let args: Vec<String> = std::env::args().skip(1).collect();
    format!("panther-bench {}", args.join(" "))
        .trim_end()
        .to_owned()
}

fn write_report(out: Option<&Path>, text: &str) -> anyhow::Result<()> {
    match out {
        Some(path) => {
            std::fs::write(path, text).with_context(|| format!("writing {path:?}"))?;
            eprintln!("panther-bench: report written to {}", path.display());
        }
        None => print!("{text}"),
    }
    Ok(())
}
