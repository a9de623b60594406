//! The Panther Terraform provider.
//!
//! A map of the crate, from the wire up:
//!
//! - [`client`]: a Panther API client that knows nothing of Terraform. It
//!   turns the URL a user pastes into REST and GraphQL addresses, holds the
//!   API key in a redacting type, retries what is worth retrying and maps
//!   every failure to a typed error.
//! - [`catalog`]: users and roles fetched at most once per provider
//!   process, however many data sources read them; [`memo`] is the
//!   single-flight map behind its lookups.
//! - [`credentials`]: the precedence of configuration over environment, and
//!   where each value came from.
//! - [`provider`]: the `panther` provider block.
//! - [`data_sources`]: `panther_users`, `panther_user`, `panther_roles` and
//!   `panther_role`.
//! - [`resources`]: `panther_integration` and the checks it runs.
//! - [`schema`]: attribute builders and the descriptions the docs use.
//! - [`messages`]: every text a Terraform user reads.
//! - [`logging`] and [`transport`]: the plugin process's plumbing: logs in
//!   the format Terraform reads, and the handshake on stdout.

pub mod catalog;
pub mod client;
pub mod credentials;
pub mod data_sources;
pub mod logging;
pub mod memo;
pub mod messages;
pub mod provider;
pub mod resources;
pub mod schema;
pub mod transport;
