//! The `terraform-provider-panther` binary (being written).
fn main() {}
