//! The permission table against the published REST spec: every id the
//! spec lists is known and labelled, and the table invents none.

use std::collections::BTreeSet;

use terraform_provider_panther::client::permissions;

/// Where the spec sits when the repository is checked out beside the
/// shared folder, as on the team's machines and in CI.
const SPEC: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/panther-api/openapi.yaml"
);

/// The ids of the first permission enum in the spec: the list that starts
/// at `- AlertModify` and runs while lines keep the same indentation.
fn spec_permission_ids(spec: &str) -> BTreeSet<String> {
    let mut lines = spec.lines().skip_while(|l| l.trim() != "- AlertModify");
    let first = lines.next().expect("the spec lists AlertModify");
    let indent = first.len() - first.trim_start().len();
    std::iter::once(first)
        .chain(
            lines.take_while(|l| {
                l.len() - l.trim_start().len() == indent && l.trim().starts_with("- ")
            }),
        )
        .map(|l| l.trim().trim_start_matches("- ").to_owned())
        .collect()
}

#[test]
fn the_table_matches_the_published_spec() {
    // The README asks for shared/ beside the checkout, and CI has it: a
    // missing file is a broken setup, not a reason to pass.
    let spec = std::fs::read_to_string(SPEC).unwrap_or_else(|err| panic!("reading {SPEC}: {err}"));
    let in_spec = spec_permission_ids(&spec);
    let in_table: BTreeSet<String> = permissions::ALL.iter().map(|id| id.to_string()).collect();

    assert_eq!(in_spec, in_table);
    for id in &in_spec {
        assert!(permissions::label(id).is_some(), "{id} has no label");
    }
}
