//! Generated users for large lists (`--extra-users`, the control API).
//!
//! The same number always yields the same user, so a benchmark or a test
//! that asks for 10,000 users sees the same 10,000 users every run, and
//! several batches continue one numbering rather than colliding.

use std::time::{Duration, SystemTime};

use crate::fixture::{Role, RoleRef, User};

const GIVEN_NAMES: [&str; 12] = [
    "Ada", "Bola", "Chidi", "Dmitri", "Elif", "Farah", "Goran", "Hana", "Ivo", "Jae", "Kirra",
    "Luis",
];

const FAMILY_NAMES: [&str; 10] = [
    "Abara", "Bjork", "Castillo", "Dube", "Eriksen", "Fujita", "Gallo", "Haddad", "Ivanova",
    "Jansen",
];

/// Seconds since the epoch of 2025-06-01T00:00:00Z, after every user in
/// the default fixture, so generated users list after the hand-made ones.
const FIRST_CREATED: u64 = 1_748_736_000;

/// The generated user with this number.
///
/// Generated users prefer roles that cannot manage users, as most people
/// in a real organisation do; only when every role can, any role is used.
pub fn user(number: usize, roles: &[&Role]) -> User {
    let given = GIVEN_NAMES[number % GIVEN_NAMES.len()];
    let family = FAMILY_NAMES[(number / GIVEN_NAMES.len()) % FAMILY_NAMES.len()];
    let role = pick_role(number, roles);
    let never_logged_in = number % 11 == 3;
    User {
        id: uuid_like(number as u64),
        email: format!(
            "{}.{}.{number:05}@generated.example.com",
            given.to_lowercase(),
            family.to_lowercase()
        ),
        given_name: Some(given.to_string()),
        family_name: Some(family.to_string()),
        enabled: number % 17 != 5,
        status: if never_logged_in {
            "FORCE_CHANGE_PASSWORD"
        } else {
            "CONFIRMED"
        }
        .into(),
        created_at: created_at(number),
        last_logged_in_at: (!never_logged_in).then(|| last_login(number)),
        role: RoleRef {
            id: role.id.clone(),
            name: role.name.clone(),
        },
    }
}

fn pick_role<'a>(number: usize, roles: &[&'a Role]) -> &'a Role {
    let ordinary: Vec<&Role> = roles
        .iter()
        .copied()
        .filter(|role| !role.grants("UserModify"))
        .collect();
    let pool = if ordinary.is_empty() {
        roles
    } else {
        &ordinary
    };
    pool[number % pool.len()]
}

/// A stable id shaped like a random UUID, from a 64-bit mix of the number.
fn uuid_like(number: u64) -> String {
    let high = mix(number);
    let low = mix(number ^ 0x9e37_79b9_7f4a_7c15);
    format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        high >> 32,
        (high >> 16) & 0xffff,
        high & 0xfff,
        (low >> 48) & 0xfff,
        low & 0xffff_ffff_ffff
    )
}

/// SplitMix64's finaliser: cheap, and spreads consecutive numbers apart.
fn mix(mut value: u64) -> u64 {
    value = value.wrapping_add(0x9e37_79b9_7f4a_7c15);
    value = (value ^ (value >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    value = (value ^ (value >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    value ^ (value >> 31)
}

/// One user every 37 seconds, with sub-second digits that vary.
fn created_at(number: usize) -> String {
    let seconds = FIRST_CREATED + number as u64 * 37;
    let nanos = (mix(number as u64) % 1_000_000_000) as u32;
    format_time(seconds, nanos)
}

fn last_login(number: usize) -> String {
    let seconds = FIRST_CREATED + 40_000_000 + number as u64 * 13;
    format_time(seconds, 0)
}

fn format_time(seconds: u64, nanos: u32) -> String {
    let moment = SystemTime::UNIX_EPOCH + Duration::new(seconds, nanos);
    humantime::format_rfc3339_nanos(moment).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_do_not_collide_across_fifty_thousand_users() {
        let ids: std::collections::HashSet<String> = (0..50_000u64).map(uuid_like).collect();
        assert_eq!(ids.len(), 50_000);
    }
}
