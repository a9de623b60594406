//! The catalog's request budget with the real client against the emulator:
//! what overlapping reads cost when they arrive in a known order, which a
//! plan through Terraform cannot promise.

mod support;

use futures::{pin_mut, poll};
use serde_json::json;
use support::Emulator;
use terraform_provider_panther::catalog::{Catalog, UserLookup};
use terraform_provider_panther::client::{ApiKey, ClientOptions, Endpoint, PantherClient};

/// A catalog reading the emulator with the integration's token.
fn catalog(emulator: &Emulator) -> Catalog {
    let endpoint = Endpoint::parse(emulator.url()).expect("emulator URL");
    let key = ApiKey::new(emulator.token("integration"));
    let client = PantherClient::new(endpoint, key, &ClientOptions::default()).expect("client");
    Catalog::new(client)
}

#[test]
fn a_lookup_made_while_every_user_is_listed_waits_for_the_listing() {
    let emulator = Emulator::start();
    // The latency keeps the listing in flight while the lookup arrives.
    emulator.control("PUT", "/latency", json!({ "ms": 100 }));
    let catalog = catalog(&emulator);
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    emulator.reset_counters();

    let lookup = UserLookup::Email("chen.wei@example.com".to_owned());
    let (users, user) = runtime.block_on(async {
        let listing = catalog.users();
        pin_mut!(listing);
        assert!(poll!(&mut listing).is_pending(), "the listing is in flight");
        tokio::join!(listing, catalog.user(&lookup))
    });

    assert!(users.is_ok(), "the listing succeeds");
    assert_eq!(user.expect("user found").email, "chen.wei@example.com");
    assert_eq!(
        emulator.count("GET /users"),
        1,
        "one listing page and no lookup: {}",
        emulator.counters()
    );
}

#[test]
fn a_lookup_in_a_listing_that_lacks_the_user_is_not_found_without_asking_again() {
    let emulator = Emulator::start();
    let catalog = catalog(&emulator);
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    emulator.reset_counters();

    let lookup = UserLookup::Email("ghost@example.com".to_owned());
    let user = runtime.block_on(async {
        catalog.users().await.expect("listing");
        catalog.user(&lookup).await
    });

    let err = user.expect_err("nobody has that email");
    assert!(format!("{err:#}").contains("ghost@example.com"), "{err:#}");
    assert_eq!(emulator.count("GET /users"), 1, "{}", emulator.counters());
}
