//! What the integration resource checks in Panther, with the token it is
//! given: that Panther accepts the token, that the token holds every
//! required permission, and that every owner is an enabled user whose role
//! can manage API tokens.
//!
//! The checks know nothing of Terraform's lifecycle; they return an
//! [`Inspection`] of what Panther says, with the missing permissions and
//! each [`OwnerProblem`], and the resource decides whether a problem fails
//! the plan or warns.

use std::collections::BTreeSet;
use std::hash::{BuildHasher, RandomState};
use std::sync::Arc;

use futures::future::join_all;
use tracing::debug;

use crate::catalog::role_of;
use crate::client::{ApiKey, ApiToken, Error, PantherClient, Role};
use crate::memo::Memo;
use crate::messages::permission_name;

/// The permission an owner's role needs: Manage API Tokens.
pub const OWNER_PERMISSION: &str = "OrganizationAPITokenModify";

/// The permission the owner check needs: Read User Info.
const USER_READ: &str = "UserRead";

/// The permissions an identity-governance token is documented to need.
pub const DEFAULT_PERMISSIONS: [&str; 3] = [
    "UserRead",
    "GeneralSettingsRead",
    "OrganizationAPITokenRead",
];

/// What Panther says about the integration's token.
#[derive(Clone, Debug, PartialEq)]
pub struct TokenFacts {
    pub id: String,
    pub name: String,
    pub permissions: BTreeSet<String>,
    pub expires_at: Option<String>,
    pub panther_version: Option<String>,
}

/// Why an owner cannot own the integration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OwnerProblem {
    /// No Panther user has this email.
    Unknown,
    /// The user exists but is deactivated.
    Deactivated,
    /// The user's role lacks Manage API Tokens.
    RoleLacksPermission { role: String },
    /// The user's role could not be found among Panther's roles.
    RoleNotFound { role: String },
    /// The token may not read users, so the owner cannot be checked.
    Unverifiable,
}

impl OwnerProblem {
    /// The reason, as a clause that follows the owner's email.
    pub fn describe(&self) -> String {
        let needed = permission_name(OWNER_PERMISSION);
        match self {
            OwnerProblem::Unknown => "no Panther user has this email".into(),
            OwnerProblem::Deactivated => "the Panther user is deactivated".into(),
            OwnerProblem::RoleLacksPermission { role } => {
                format!("the user's role \"{role}\" lacks {needed}")
            }
            OwnerProblem::RoleNotFound { role } => format!(
                "the user's role \"{role}\" is not among Panther's roles, \
                 so it cannot be shown to hold {needed}"
            ),
            OwnerProblem::Unverifiable => format!(
                "cannot be checked, since the token lacks {} and so may \
                 not read Panther's users; add it to the token",
                permission_name(USER_READ)
            ),
        }
    }
}

/// Everything the checks found.
#[derive(Clone, Debug, PartialEq)]
pub struct Inspection {
    pub token: TokenFacts,
    /// Required permissions the token lacks, sorted.
    pub missing_permissions: Vec<String>,
    /// Owners that fail, with the reason, sorted by email.
    pub owner_problems: Vec<(String, OwnerProblem)>,
}

impl Inspection {
    /// Whether every check passed.
    pub fn passed(&self) -> bool {
        self.missing_permissions.is_empty() && self.owner_problems.is_empty()
    }
}

/// The outcome of one inspection, shared by every caller that asks for it.
pub type Outcome = Result<Inspection, Arc<Error>>;

/// Inspections this provider process has made, by their inputs.
///
/// A `terraform plan` refreshes the integration and then plans it in the
/// same process, with the same URL, key, owners and permissions in the
/// usual case; the second inspection would repeat every request of the
/// first a few milliseconds later. Inputs are remembered by a keyed hash,
/// so the memo never holds the key itself.
#[derive(Debug, Default)]
pub struct Inspections {
    hasher: RandomState,
    done: Memo<u64, Outcome>,
}

impl Inspections {
    /// The inspection for these inputs, made now or earlier in the process.
    pub async fn get(
        &self,
        client: &PantherClient,
        key: &ApiKey,
        required: &BTreeSet<String>,
        owners: &BTreeSet<String>,
    ) -> Outcome {
        let fingerprint = self.hasher.hash_one((
            client.endpoint().rest_base().as_str(),
            key.expose_secret(),
            required,
            owners,
        ));
        let (outcome, fresh) = self
            .done
            .get_or_compute(fingerprint, || async {
                inspect(client, required, owners).await.map_err(Arc::new)
            })
            .await;
        if !fresh {
            debug!("integration inspection reused from earlier in this operation");
        }
        outcome
    }
}

/// Runs every check with the integration's own client.
///
/// A token Panther refuses ends the inspection with that error, since
/// nothing else can be learned with it.
pub async fn inspect(
    client: &PantherClient,
    required: &BTreeSet<String>,
    owners: &BTreeSet<String>,
) -> Result<Inspection, Error> {
    let token = client.own_token().await?;
    let missing_permissions = missing(required, &token);

    // The owner check reads users and roles, which needs UserRead. When the
    // token lacks it and it is required, the missing permission is the
    // whole story; when it is not required, the owners still fail, since
    // an owner that cannot be checked must not pass silently.
    let owner_problems = if token.permissions.iter().any(|p| p == USER_READ) {
        check_owners(client, owners).await?
    } else if missing_permissions.iter().any(|p| p == USER_READ) {
        debug!("skipping the owner check: the token cannot read users");
        Vec::new()
    } else {
        debug!("owners cannot be checked: the token cannot read users");
        let unverifiable = |email: &String| (email.clone(), OwnerProblem::Unverifiable);
        owners.iter().map(unverifiable).collect()
    };

    let panther_version = version(client).await;
    Ok(Inspection {
        token: facts(token, panther_version),
        missing_permissions,
        owner_problems,
    })
}

/// The required permissions a token lacks, sorted.
fn missing(required: &BTreeSet<String>, token: &ApiToken) -> Vec<String> {
    required
        .iter()
        .filter(|p| !token.permissions.contains(p))
        .cloned()
        .collect()
}

/// The Panther version, or `None` when the token may not read it or the
/// call fails: the version is informative and never fails a plan.
async fn version(client: &PantherClient) -> Option<String> {
    match client.panther_version().await {
        Ok(version) => version,
        Err(err) => {
            debug!(error = %format!("{err:#}"), "Panther version unavailable");
            None
        }
    }
}

/// The token's facts as the resource stores them.
fn facts(token: ApiToken, panther_version: Option<String>) -> TokenFacts {
    TokenFacts {
        id: token.id,
        name: token.name,
        permissions: token.permissions.into_iter().collect(),
        expires_at: token.expires_at.map(|t| t.as_str().to_owned()),
        panther_version,
    }
}

/// Looks every owner up (concurrently) and says which ones fail.
async fn check_owners(
    client: &PantherClient,
    owners: &BTreeSet<String>,
) -> Result<Vec<(String, OwnerProblem)>, Error> {
    let roles = client.roles().await?;
    let lookups = owners.iter().map(|email| client.user_by_email(email));
    let users = join_all(lookups).await;

    let mut problems = Vec::new();
    for (email, found) in owners.iter().zip(users) {
        let problem = match found {
            Ok(user) if !user.enabled => Some(OwnerProblem::Deactivated),
            Ok(user) => role_problem(&user, &roles),
            Err(Error::NotFound { .. }) => Some(OwnerProblem::Unknown),
            Err(err) => return Err(err),
        };
        if let Some(problem) = problem {
            problems.push((email.clone(), problem));
        }
    }
    Ok(problems)
}

/// Whether an enabled user's role can manage API tokens.
fn role_problem(user: &crate::client::User, roles: &[Role]) -> Option<OwnerProblem> {
    let role_name = user.role.name.clone();
    match role_of(user, roles) {
        None => Some(OwnerProblem::RoleNotFound { role: role_name }),
        Some(role) if role.permissions.iter().any(|p| p == OWNER_PERMISSION) => None,
        Some(role) => Some(OwnerProblem::RoleLacksPermission {
            role: role.name.clone(),
        }),
    }
}
