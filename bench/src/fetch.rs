//! Figure 3: reading every user, by GraphQL's single request and by REST
//! paging, at several sizes with latency on every request.
//!
//! Three layers are timed: a `terraform plan` through the provider (which
//! pages through REST), the provider's client library called directly,
//! and the floor: the same requests sent by a bare HTTP client that only
//! counts the users and follows the cursor.

use std::path::Path;
use std::time::Instant;

use anyhow::ensure;
use serde::de::IgnoredAny;
use serde::Deserialize;
use terraform_provider_panther::client::{ApiKey, ClientOptions, Endpoint, PantherClient};
use tokio::runtime::Runtime;

use crate::emulator::Emulator;
use crate::stats::Sample;
use crate::terraform::{provider_block, Workspace};

/// Users per page: Panther's maximum, which the provider asks for.
pub const PAGE: usize = 60;

/// The most pages the bare client follows, far above 50,000 users.
const MAX_PAGES: usize = 100_000;

/// The fields the provider's client asks GraphQL for.
const USERS_QUERY: &str = "query BenchUsers { users { id email givenName \
    familyName enabled status createdAt lastLoggedInAt \
    role { id name permissions } } }";

/// The timings at one number of users.
#[derive(Debug, Default)]
pub struct SizeFigures {
    pub users: usize,
    pub pages: usize,
    pub plan: Sample,
    pub client_rest: Sample,
    pub client_graphql: Sample,
    pub bare_rest: Sample,
    pub bare_graphql: Sample,
}

/// The configuration of the plan: one `panther_users` matching one user,
/// so the provider lists every user while the plan itself stays small.
pub fn plan_config(emulator: &Emulator) -> String {
    let email = emulator.emails().first().cloned().unwrap_or_default();
    format!(
        "{}\ndata \"panther_users\" \"all\" {{\n  email = \"{email}\"\n}}\n",
        provider_block(emulator)
    )
}

/// Times every way of reading all users `runs` times, interleaved.
pub fn measure(
    emulator: &Emulator,
    provider_dir: &Path,
    runs: usize,
    runtime: &Runtime,
) -> anyhow::Result<SizeFigures> {
    let workspace = Workspace::new(provider_dir, &plan_config(emulator))?;
    let users = emulator.users();
    let mut figures = SizeFigures {
        users,
        pages: users.div_ceil(PAGE),
        ..SizeFigures::default()
    };
    for run in 1..=runs {
        eprintln!("panther-bench: {users} users, run {run} of {runs}");
        figures.plan.push_duration(workspace.plan(&[], &[])?);

        let client = client(emulator)?;
        let (n, elapsed) = timed(runtime, client.users_rest())?;
        check(n.len(), users, "the client's REST paging")?;
        figures.client_rest.push(elapsed);

        let client = self::client(emulator)?;
        let (n, elapsed) = timed(runtime, client.users_graphql())?;
        check(n.len(), users, "the client's GraphQL request")?;
        figures.client_graphql.push(elapsed);

        let (n, elapsed) = timed(runtime, bare_rest(emulator.url(), emulator.key()))?;
        check(n, users, "bare REST paging")?;
        figures.bare_rest.push(elapsed);

        let (n, elapsed) = timed(runtime, bare_graphql(emulator.url(), emulator.key()))?;
        check(n, users, "the bare GraphQL request")?;
        figures.bare_graphql.push(elapsed);
    }
    Ok(figures)
}

/// A fresh client, as a provider process starts with: no open
/// connection, nothing cached.
fn client(emulator: &Emulator) -> anyhow::Result<PantherClient> {
    let endpoint = Endpoint::parse(&format!("{}/public/graphql", emulator.url()))?;
    let key = ApiKey::new(emulator.key());
    Ok(PantherClient::new(
        endpoint,
        key,
        &ClientOptions::default(),
    )?)
}

/// Runs a future to completion and returns its output with the seconds
/// it took.
fn timed<T, E>(
    runtime: &Runtime,
    future: impl std::future::Future<Output = Result<T, E>>,
) -> anyhow::Result<(T, f64)>
where
    E: std::error::Error + Send + Sync + 'static,
{
    let started = Instant::now();
    let output = runtime.block_on(future)?;
    Ok((output, started.elapsed().as_secs_f64()))
}

/// Fails when a way of reading returned the wrong number of users: its
/// time would not be comparable with the others.
fn check(got: usize, expected: usize, what: &str) -> anyhow::Result<()> {
    ensure!(
        got == expected,
        "{what} returned {got} users, expected {expected}"
    );
    Ok(())
}

/// One page of `GET /users`, with the users left unparsed.
#[derive(Deserialize)]
struct Page {
    results: Vec<IgnoredAny>,
    #[serde(default)]
    next: Option<String>,
}

/// Follows `GET /users` pages as the client does and counts the users.
async fn bare_rest(base: &str, key: &str) -> Result<usize, BareError> {
    let http = reqwest::Client::new();
    let url = format!("{base}/users");
    let mut cursor: Option<String> = None;
    let mut users = 0;
    for _ in 0..MAX_PAGES {
        let mut query = vec![("include-deactivated", "true"), ("limit", "60")];
        if let Some(cursor) = &cursor {
            query.push(("cursor", cursor));
        }
        let response = http
            .get(&url)
            .header("X-API-Key", key)
            .query(&query)
            .send()
            .await?;
        let page: Page = response.error_for_status()?.json().await?;
        users += page.results.len();
        match page.next.filter(|next| !next.is_empty()) {
            Some(next) => cursor = Some(next),
            None => return Ok(users),
        }
    }
    Err(BareError::TooManyPages)
}

#[derive(Deserialize)]
struct GraphQlAnswer {
    data: UsersData,
}

#[derive(Deserialize)]
struct UsersData {
    users: Vec<IgnoredAny>,
}

/// Sends the client's users query once and counts the users.
async fn bare_graphql(base: &str, key: &str) -> Result<usize, BareError> {
    let http = reqwest::Client::new();
    let body = serde_json::json!({ "query": USERS_QUERY, "variables": {} });
    let response = http
        .post(format!("{base}/public/graphql"))
        .header("X-API-Key", key)
        .json(&body)
        .send()
        .await?;
    let answer: GraphQlAnswer = response.error_for_status()?.json().await?;
    Ok(answer.data.users.len())
}

/// Why the bare client failed.
#[derive(Debug)]
enum BareError {
    Http(reqwest::Error),
    TooManyPages,
}

impl From<reqwest::Error> for BareError {
    fn from(error: reqwest::Error) -> Self {
        BareError::Http(error)
    }
}

impl std::fmt::Display for BareError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BareError::Http(error) => write!(f, "bare HTTP request: {error}"),
            BareError::TooManyPages => write!(f, "more than {MAX_PAGES} pages of users"),
        }
    }
}

impl std::error::Error for BareError {}
