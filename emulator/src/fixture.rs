//! The seed data: users, roles and tokens in Panther's own wire format.
//!
//! A fixture is a JSON document with camelCase fields, written the way
//! Panther's REST API spells them, so that a fixture can be read next to
//! `openapi.yaml` without translation. The same types are what the control
//! API accepts when a test adds or patches a record.

use std::path::Path;

use anyhow::{bail, Context as _};
use serde::{Deserialize, Serialize};

use crate::permissions;
use crate::timefmt;

/// The fixture compiled into the binary, used when no `--fixture` is given.
const DEFAULT_FIXTURE: &str = include_str!("../fixtures/default.json");

/// Everything the emulator serves, as loaded from a fixture file.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Fixture {
    /// What GraphQL `generalSettings { pantherVersion }` answers.
    pub panther_version: Option<String>,
    #[serde(default)]
    pub roles: Vec<Role>,
    #[serde(default)]
    pub users: Vec<User>,
    #[serde(default)]
    pub tokens: Vec<Token>,
}

/// A Panther user; names and the last login may be null, as in GraphQL.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct User {
    pub id: String,
    pub email: String,
    #[serde(default)]
    pub given_name: Option<String>,
    #[serde(default)]
    pub family_name: Option<String>,
    pub enabled: bool,
    pub status: String,
    pub created_at: String,
    #[serde(default)]
    pub last_logged_in_at: Option<String>,
    pub role: RoleRef,
}

/// The role a user holds, as the user record names it.
///
/// NOTE: the id need not be a role's id. SAML-provisioned users carry ids
/// such as `"Analyst (SAML Default)"`, and only the name finds the role.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleRef {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub name: String,
}

/// A role and the permissions its holders get.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Role {
    pub id: String,
    pub name: String,
    pub permissions: Vec<String>,
    pub log_type_access_kind: String,
    #[serde(default)]
    pub log_type_access: Option<Vec<String>>,
    pub created_at: String,
    pub updated_at: String,
}

/// An API token, including its secret `value`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Token {
    pub id: String,
    pub name: String,
    pub value: String,
    pub permissions: Vec<String>,
    #[serde(rename = "allowedCIDRBlocks", default)]
    pub allowed_cidr_blocks: Vec<String>,
    pub created_at: String,
    #[serde(default)]
    pub created_by: Option<Actor>,
    #[serde(default)]
    pub updated_at: Option<String>,
    #[serde(default)]
    pub updated_by: Option<Actor>,
    #[serde(default)]
    pub expires_at: Option<String>,
    #[serde(default)]
    pub last_used_at: Option<String>,
    #[serde(default)]
    pub rotated_at: Option<String>,
    /// Emulator-only: a revoked token stays listed but its value is refused.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub revoked: bool,
}

/// Who created or last changed a token.
///
/// NOTE: `openapi.yaml` declares the enum `user | api-token | system` on
/// `id`, not on `type`. To keep bodies valid against the file, fixtures put
/// the kind of actor in `id` and the actor's own id in `type`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Actor {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
}

impl Fixture {
    /// The fixture shipped with the emulator (`fixtures/default.json`).
    pub fn default_fixture() -> Fixture {
        // NOTE: a test parses and checks the embedded file, so this cannot
        // fail in a released build.
        Fixture::from_json(DEFAULT_FIXTURE).expect("the embedded fixture is valid")
    }

    /// Reads and checks a fixture file.
    pub fn from_path(path: impl AsRef<Path>) -> anyhow::Result<Fixture> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading fixture {}", path.display()))?;
        Fixture::from_json(&text).with_context(|| format!("loading fixture {}", path.display()))
    }

    /// Parses and checks a fixture held in memory.
    pub fn from_json(text: &str) -> anyhow::Result<Fixture> {
        let fixture: Fixture = serde_json::from_str(text).context("parsing fixture JSON")?;
        fixture.check()?;
        Ok(fixture)
    }

    /// Checks what serde cannot: formats, known enums and unique ids.
    ///
    /// Cross-record rules (a user's role exists, token values are unique)
    /// are checked when the records are loaded into the store.
    pub fn check(&self) -> anyhow::Result<()> {
        for role in &self.roles {
            role.check()
                .with_context(|| format!("checking role {:?}", role.id))?;
        }
        for user in &self.users {
            user.check()
                .with_context(|| format!("checking user {:?}", user.id))?;
        }
        for token in &self.tokens {
            token
                .check()
                .with_context(|| format!("checking token {:?}", token.id))?;
        }
        Ok(())
    }
}

impl User {
    /// Checks the fields a user record must get right on its own.
    pub fn check(&self) -> anyhow::Result<()> {
        non_empty("id", &self.id)?;
        if !self.email.contains('@') {
            bail!("email {:?} has no @", self.email);
        }
        non_empty("status", &self.status)?;
        timestamp("createdAt", &self.created_at)?;
        optional_timestamp("lastLoggedInAt", &self.last_logged_in_at)?;
        if self.role.id.is_empty() && self.role.name.is_empty() {
            bail!("role needs an id or a name");
        }
        Ok(())
    }

    /// The user's full name, as `contains` searches it.
    pub fn full_name(&self) -> String {
        let given = self.given_name.as_deref().unwrap_or_default();
        let family = self.family_name.as_deref().unwrap_or_default();
        format!("{given} {family}")
    }
}

impl Role {
    /// Checks the fields a role record must get right on its own.
    pub fn check(&self) -> anyhow::Result<()> {
        non_empty("id", &self.id)?;
        non_empty("name", &self.name)?;
        permissions::check_all(&self.permissions)?;
        permissions::check_access_kind(&self.log_type_access_kind)?;
        timestamp("createdAt", &self.created_at)?;
        timestamp("updatedAt", &self.updated_at)?;
        Ok(())
    }

    /// Whether the role grants a permission.
    pub fn grants(&self, permission: &str) -> bool {
        self.permissions.iter().any(|held| held == permission)
    }
}

impl Token {
    /// Checks the fields a token record must get right on its own.
    pub fn check(&self) -> anyhow::Result<()> {
        non_empty("id", &self.id)?;
        non_empty("name", &self.name)?;
        if self.value.len() < 16 {
            // Short values could hide inside other text; tests grep for them.
            bail!("value must be at least 16 characters long");
        }
        permissions::check_all(&self.permissions)?;
        timestamp("createdAt", &self.created_at)?;
        optional_timestamp("updatedAt", &self.updated_at)?;
        optional_timestamp("expiresAt", &self.expires_at)?;
        optional_timestamp("lastUsedAt", &self.last_used_at)?;
        optional_timestamp("rotatedAt", &self.rotated_at)?;
        Ok(())
    }

    /// Whether the token holds a permission.
    pub fn grants(&self, permission: &str) -> bool {
        self.permissions.iter().any(|held| held == permission)
    }
}

fn non_empty(field: &str, value: &str) -> anyhow::Result<()> {
    if value.trim().is_empty() {
        bail!("{field} is empty");
    }
    Ok(())
}

fn timestamp(field: &str, value: &str) -> anyhow::Result<()> {
    if timefmt::parse(value).is_none() {
        bail!("{field} {value:?} is not an RFC 3339 UTC timestamp");
    }
    Ok(())
}

fn optional_timestamp(field: &str, value: &Option<String>) -> anyhow::Result<()> {
    match value {
        Some(value) => timestamp(field, value),
        None => Ok(()),
    }
}
