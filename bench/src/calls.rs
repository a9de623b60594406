//! Figure 2: how many requests one `terraform plan` sends to Panther,
//! read from the emulator's counters.
//!
//! The floor of a configuration is the number of distinct reads its plan
//! cannot do without, written out by hand for each scenario below, so the
//! report can say what each one is.

use std::path::Path;

use crate::emulator::{Counters, Emulator};
use crate::stats::Sample;
use crate::terraform::{provider_block, Workspace};

/// How many data sources the lookup scenarios hold.
const LOOKUPS: usize = 20;

/// Users per page of `GET /users`.
const PAGE: usize = 60;

/// The owners the quickstart names, as the demo does.
const OWNERS: [&str; 2] = ["alice.nakamura@example.com", "kai.osei@example.com"];

/// One configuration and what its plan needs at least.
pub struct Scenario {
    pub name: String,
    /// The reads the plan cannot avoid, with how many requests each takes.
    pub floor: Vec<(String, u64)>,
    workspace: Workspace,
}

/// What the plans of one scenario sent.
#[derive(Debug)]
pub struct CallCount {
    pub name: String,
    pub floor: Vec<(String, u64)>,
    pub total: Sample,
    /// The counters of the last plan, by route.
    pub routes: Counters,
}

impl CallCount {
    /// The sum of the floor's reads.
    pub fn floor_total(&self) -> u64 {
        self.floor.iter().map(|(_, n)| n).sum()
    }
}

/// The requests one listing of every user takes.
fn listing_pages(emulator: &Emulator) -> u64 {
    emulator.users().div_ceil(PAGE) as u64
}

/// `examples/quickstart`, planned for the first time: an integration to
/// create, with its owners, and the data sources that read users and roles.
pub fn quickstart(
    root: &Path,
    provider_dir: &Path,
    emulator: &Emulator,
) -> anyhow::Result<Scenario> {
    let owners = serde_json::to_string(&OWNERS)?;
    let url = format!("{}/public/graphql", emulator.url());
    let workspace = Workspace::copy_of(provider_dir, &root.join("examples/quickstart"))?
        .with_env("PANTHER_API_URL", emulator.url())
        .with_env("PANTHER_API_KEY", emulator.token("admin"))
        .with_env("TF_VAR_integration_api_key", emulator.key())
        .with_env("TF_VAR_api_url", &url)
        .with_env("TF_VAR_owners", &owners);
    let pages = listing_pages(emulator);
    let floor = vec![
        (
            "every user, with the reader's key: one listing serves \
             `panther_users` and both `panther_user`"
                .to_owned(),
            pages,
        ),
        ("every role, with the reader's key".to_owned(), 1),
        (
            "the integration's token (`GET /api-tokens/self`)".to_owned(),
            1,
        ),
        (
            "the owners, with the integration's key: one listing or one \
             lookup per owner, whichever is fewer"
                .to_owned(),
            pages.min(OWNERS.len() as u64),
        ),
        ("every role, with the integration's key".to_owned(), 1),
        ("the Panther version the plan shows".to_owned(), 1),
    ];
    Ok(Scenario {
        name: "`examples/quickstart` (integration to create)".to_owned(),
        floor,
        workspace,
    })
}

/// Twenty `panther_users` with different filters.
pub fn filtered_users(provider_dir: &Path, emulator: &Emulator) -> anyhow::Result<Scenario> {
    let filters = [
        "role_name = \"Admin\"",
        "enabled = false",
        "contains = \"example.com\"",
        "status = \"CONFIRMED\"",
    ];
    let mut config = provider_block(emulator);
    for i in 0..LOOKUPS {
        let filter = filters[i % filters.len()];
        config.push_str(&format!(
            "\ndata \"panther_users\" \"u{i}\" {{\n  {filter}\n}}\n"
        ));
    }
    Ok(Scenario {
        name: format!("{LOOKUPS} filtered `panther_users`"),
        floor: vec![("every user, once".to_owned(), listing_pages(emulator))],
        workspace: Workspace::new(provider_dir, &config)?,
    })
}

/// Twenty `panther_user` lookups by email.
pub fn users_by_email(provider_dir: &Path, emulator: &Emulator) -> anyhow::Result<Scenario> {
    let mut config = provider_block(emulator);
    for (i, email) in emulator.emails().iter().cycle().take(LOOKUPS).enumerate() {
        config.push_str(&format!(
            "\ndata \"panther_user\" \"u{i}\" {{\n  email = \"{email}\"\n}}\n"
        ));
    }
    let distinct = emulator.emails().len().min(LOOKUPS) as u64;
    let floor = vec![
        (
            "every user once, or one lookup per distinct email, whichever \
             is fewer"
                .to_owned(),
            listing_pages(emulator).min(distinct),
        ),
        ("every role, for `role_permissions`".to_owned(), 1),
    ];
    Ok(Scenario {
        name: format!("{LOOKUPS} `panther_user` by email ({distinct} distinct)"),
        floor,
        workspace: Workspace::new(provider_dir, &config)?,
    })
}

/// Plans each scenario `runs` times, counting the requests of each plan.
pub fn measure(
    emulator: &Emulator,
    scenarios: Vec<Scenario>,
    runs: usize,
) -> anyhow::Result<Vec<CallCount>> {
    let mut results = Vec::new();
    for scenario in scenarios {
        eprintln!("panther-bench: calls per plan, {}", scenario.name);
        let mut total = Sample::default();
        let mut routes = Counters::default();
        for _ in 0..runs {
            emulator.reset_counters()?;
            scenario.workspace.plan(&[], &[])?;
            routes = emulator.counters()?;
            total.push(routes.total as f64);
        }
        results.push(CallCount {
            name: scenario.name,
            floor: scenario.floor,
            total,
            routes,
        });
    }
    Ok(results)
}
