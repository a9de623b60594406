//! A Panther API emulator for the provider's tests, demo and benchmarks.
//!
//! It answers the REST and GraphQL calls the provider makes, as
//! `shared/panther-api/` describes them, from seeded users, roles and
//! tokens; it enforces each token's permissions, counts requests, and lets
//! a test change data or inject faults through a control API.
//!
//! Map of the modules:
//! - [`options`]: start-up settings, shared by the CLI and [`spawn`].
//! - [`fixture`]: the seed data in Panther's wire format.
//! - `store`: the records and the rules that keep them consistent;
//!   `generate` makes large numbers of users.
//! - `state`: store, faults, counters and latency behind one handle.
//! - `auth`: the `X-API-Key` check and permission checks.
//! - `rest`, `graphql`: the two APIs a client sees.
//! - `control`: the `/__emulator` API for tests.
//! - `middleware`, `faults`, `counters`: what wraps every API request.
//! - `server`: routes, the accept loop and [`RunningEmulator`].

mod auth;
mod control;
pub mod counters;
mod error;
pub mod faults;
pub mod fixture;
mod generate;
mod graphql;
mod middleware;
pub mod options;
mod permissions;
mod random;
mod rest;
mod server;
pub mod state;
pub mod store;
mod timefmt;

pub use counters::Counters;
pub use fixture::Fixture;
pub use graphql::sdl as graphql_sdl;
pub use options::{ForbiddenStyle, Options};
pub use server::{spawn, RunningEmulator};
pub use state::EmulatorState;
