//! The provider's managed resources.
//!
//! There is one: [`IntegrationResource`], split into what its block may
//! say ([`config`]), the Terraform lifecycle ([`integration`]) and the
//! checks it runs against Panther ([`inspection`]).

pub mod config;
pub mod inspection;
pub mod integration;

pub use integration::IntegrationResource;
