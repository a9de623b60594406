//! Panther's users and roles, read at most once per provider process.
//!
//! Terraform reads data sources in parallel, and a plan with twenty
//! filtered `panther_users` would otherwise list every user twenty times.
//! The catalog fetches each collection once: the first reader starts the
//! request, concurrent readers wait for the same answer, later readers get
//! it from memory. A provider process lives for one Terraform operation, so
//! the copy is never older than the command that reads it.
//!
//! NOTE: a failed fetch is remembered too. Every reader in the operation
//! then reports the same error instead of retrying the same broken call.

use std::sync::Arc;

use tokio::sync::OnceCell;
use tracing::debug;

use crate::client::{Error, PantherClient, Role, User};

/// The outcome of one fetch, shared by every reader.
pub type Shared<T> = Result<Arc<Vec<T>>, Arc<Error>>;

/// A Panther client with a single-flight cache of its collections.
#[derive(Debug)]
pub struct Catalog {
    client: PantherClient,
    users: OnceCell<Shared<User>>,
    roles: OnceCell<Shared<Role>>,
}

impl Catalog {
    /// Wraps a client; nothing is fetched until asked for.
    pub fn new(client: PantherClient) -> Self {
        Catalog {
            client,
            users: OnceCell::new(),
            roles: OnceCell::new(),
        }
    }

    /// The client, for lookups the catalog does not cache.
    pub fn client(&self) -> &PantherClient {
        &self.client
    }

    /// Every Panther user, deactivated ones included.
    pub async fn users(&self) -> Shared<User> {
        let mut fetched = false;
        let users = self
            .users
            .get_or_init(|| async {
                fetched = true;
                self.client
                    .users_rest()
                    .await
                    .map(Arc::new)
                    .map_err(Arc::new)
            })
            .await;
        if !fetched {
            debug!("users served from the catalog without a request");
        }
        users.clone()
    }

    /// Every Panther role.
    pub async fn roles(&self) -> Shared<Role> {
        let mut fetched = false;
        let roles = self
            .roles
            .get_or_init(|| async {
                fetched = true;
                self.client.roles().await.map(Arc::new).map_err(Arc::new)
            })
            .await;
        if !fetched {
            debug!("roles served from the catalog without a request");
        }
        roles.clone()
    }
}

/// The role a user holds.
///
/// Users created through SAML can carry a role id such as
/// `"Analyst (SAML Default)"` that is no role's id; Panther means the role
/// of that name, so the name is the fallback.
pub fn role_of<'r>(user: &User, roles: &'r [Role]) -> Option<&'r Role> {
    roles
        .iter()
        .find(|role| role.id == user.role.id)
        .or_else(|| roles.iter().find(|role| role.name == user.role.name))
}
