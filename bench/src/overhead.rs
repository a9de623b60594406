//! Figure 1: what one data source costs in a plan, with the shipped
//! provider and with Nagle's algorithm left on.
//!
//! Each plan reads K `panther_role` lookups with `-parallelism=1`, against
//! an emulator that adds no latency. All K lookups share one roles
//! listing, so what grows with K is the plugin protocol: a validation and
//! a read RPC per data source. The floor is the same plan with K = 0.

use std::path::Path;

use anyhow::Context;

use crate::emulator::Emulator;
use crate::stats::Sample;
use crate::terraform::{provider_block, Workspace};

/// The fixture's roles, looked up in turn.
const ROLE_NAMES: [&str; 4] = ["Admin", "Analyst", "AnalystReadOnly", "Token Managers"];

/// One provider build to measure.
pub struct Build<'a> {
    pub label: &'static str,
    pub binary: &'a Path,
}

/// The plans of one build, by number of data sources.
#[derive(Debug)]
pub struct BuildOverhead {
    pub label: &'static str,
    pub plans: Vec<(usize, Sample)>,
}

impl BuildOverhead {
    /// The plan with no data source, which every other is compared with.
    pub fn floor(&self) -> f64 {
        self.plans
            .iter()
            .find(|(k, _)| *k == 0)
            .map_or(f64::NAN, |(_, sample)| sample.median())
    }

    /// What one more data source adds, from the plan with `k` of them.
    pub fn per_data_source(&self, k: usize, sample: &Sample) -> f64 {
        if k == 0 {
            return f64::NAN;
        }
        (sample.median() - self.floor()) / k as f64
    }
}

/// The configuration with `k` role lookups.
pub fn config(emulator: &Emulator, k: usize) -> String {
    let mut text = provider_block(emulator);
    for i in 0..k {
        let name = ROLE_NAMES[i % ROLE_NAMES.len()];
        text.push_str(&format!(
            "\ndata \"panther_role\" \"r{i}\" {{\n  name = \"{name}\"\n}}\n"
        ));
    }
    text
}

/// Times `runs` plans per build and per K. Runs are interleaved (every
/// build and every K once, then again), so a slow moment of the machine
/// spreads over all figures instead of landing on one.
pub fn measure(
    builds: &[Build<'_>],
    counts: &[usize],
    runs: usize,
) -> anyhow::Result<Vec<BuildOverhead>> {
    let emulator = Emulator::start(0, 0)?;
    let mut workspaces = Vec::new();
    for build in builds {
        let dir = build.binary.parent().context("the provider's directory")?;
        let mut by_k = Vec::new();
        for &k in counts {
            by_k.push(Workspace::new(dir, &config(&emulator, k))?);
        }
        // One untimed plan warms the disk cache for this binary.
        by_k[0].plan(&["-parallelism=1"], &[])?;
        workspaces.push(by_k);
    }

    let mut results: Vec<BuildOverhead> = builds
        .iter()
        .map(|build| BuildOverhead {
            label: build.label,
            plans: counts.iter().map(|&k| (k, Sample::default())).collect(),
        })
        .collect();
    for run in 1..=runs {
        eprintln!("panther-bench: plugin overhead, run {run} of {runs}");
        for (result, by_k) in results.iter_mut().zip(&workspaces) {
            for ((_, sample), workspace) in result.plans.iter_mut().zip(by_k) {
                sample.push_duration(workspace.plan(&["-parallelism=1"], &[])?);
            }
        }
    }
    Ok(results)
}
