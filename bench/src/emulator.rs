//! The Panther emulator the benchmark measures against, on a runtime of
//! its own so that it keeps answering while the benchmark blocks on
//! Terraform.
//!
//! The benchmark talks to it only through HTTP, as the provider does: the
//! API for data and the `/__emulator` control API for counters and
//! latency.

use std::collections::BTreeMap;

use anyhow::{bail, Context};
use panther_emulator::{Fixture, Options, RunningEmulator};
use serde::Deserialize;
use tokio::runtime::Runtime;

/// The fixture token holding exactly the integration's read permissions.
const TOKEN_ID: &str = "integration";

/// An emulator serving a given number of users.
pub struct Emulator {
    runtime: Runtime,
    running: Option<RunningEmulator>,
    url: String,
    tokens: BTreeMap<String, String>,
    users: usize,
    emails: Vec<String>,
    http: reqwest::Client,
}

/// What `GET /__emulator/counters` answers.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Counters {
    pub total: u64,
    pub routes: BTreeMap<String, u64>,
}

impl Emulator {
    /// Starts an emulator with `users` users in all (the fixture's own
    /// users first, generated ones after) and `latency_ms` added to every
    /// API request.
    pub fn start(users: usize, latency_ms: u64) -> anyhow::Result<Emulator> {
        let fixture = Fixture::default_fixture();
        let tokens: BTreeMap<String, String> = fixture
            .tokens
            .iter()
            .map(|token| (token.id.clone(), token.value.clone()))
            .collect();
        if !tokens.contains_key(TOKEN_ID) {
            bail!("the default fixture has no {TOKEN_ID} token");
        }
        let emails: Vec<String> = fixture.users.iter().map(|u| u.email.clone()).collect();
        let own = emails.len();
        let options = Options {
            extra_users: users.saturating_sub(own),
            latency_ms,
            fixture,
            ..Options::default()
        };

        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("emulator")
            .enable_all()
            .build()
            .context("starting the emulator's runtime")?;
        let running = runtime.block_on(panther_emulator::spawn(options))?;
        Ok(Emulator {
            url: running.base_url(),
            running: Some(running),
            runtime,
            tokens,
            users: users.max(own),
            emails,
            http: reqwest::Client::new(),
        })
    }

    /// `http://127.0.0.1:PORT`, the REST base.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The API key of the token holding exactly the integration's read
    /// permissions, which is all the data sources need.
    pub fn key(&self) -> &str {
        self.token(TOKEN_ID)
    }

    /// The API key of a fixture token, by token id; empty when there is
    /// no such token, which Panther then rejects.
    pub fn token(&self, id: &str) -> &str {
        self.tokens.get(id).map_or("", String::as_str)
    }

    /// How many users the emulator serves.
    pub fn users(&self) -> usize {
        self.users
    }

    /// The emails of the fixture's own users, which always exist.
    pub fn emails(&self) -> &[String] {
        &self.emails
    }

    /// Changes the latency added to every API request.
    pub fn set_latency(&self, ms: u64) -> anyhow::Result<()> {
        let body = serde_json::json!({ "ms": ms });
        self.control(reqwest::Method::PUT, "/latency", Some(body))?;
        Ok(())
    }

    /// Zeroes the request counters.
    pub fn reset_counters(&self) -> anyhow::Result<()> {
        self.control(reqwest::Method::DELETE, "/counters", None)?;
        Ok(())
    }

    /// The requests counted since the last reset.
    pub fn counters(&self) -> anyhow::Result<Counters> {
        let text = self.control(reqwest::Method::GET, "/counters", None)?;
        serde_json::from_str(&text).context("reading the emulator's counters")
    }

    /// Calls the control API and returns the body of a successful answer.
    fn control(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> anyhow::Result<String> {
        let url = format!("{}/__emulator{path}", self.url);
        let mut request = self.http.request(method, &url);
        if let Some(body) = body {
            request = request.json(&body);
        }
        self.runtime.block_on(async {
            let response = request
                .send()
                .await
                .with_context(|| format!("calling {url}"))?;
            let status = response.status();
            let text = response.text().await.unwrap_or_default();
            if !status.is_success() {
                bail!("{url} answered {status}: {text}");
            }
            Ok(text)
        })
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(running) = self.running.take() {
            self.runtime.block_on(running.shutdown());
        }
    }
}
