//! Panther API client (being written).
