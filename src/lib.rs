//! The Panther Terraform provider.
//!
//! A map of the crate, from the wire up:
//!
//! - [`client`]: a Panther API client that knows nothing of Terraform. It
//!   turns the URL a user pastes into REST and GraphQL addresses, holds the
//!   API key in a redacting type, retries what is worth retrying and maps
//!   every failure to a typed error.
