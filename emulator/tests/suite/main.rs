//! The emulator's integration tests, in one binary so that the suite links
//! once: conformance with Panther's published descriptions, permissions,
//! paging, faults, the control API and the command line.

mod cli;
mod common;
mod conformance;
mod control;
mod faults;
mod fixture;
mod graphql;
mod openapi;
mod paging;
mod permissions;
