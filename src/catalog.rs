//! Panther's users and roles, read at most once per provider process.
//!
//! Terraform reads data sources in parallel, and a plan with twenty
//! filtered `panther_users` would otherwise list every user twenty times.
//! The catalog fetches each collection once: the first reader starts the
//! request, concurrent readers wait for the same answer, later readers get
//! it from memory. A provider process lives for one Terraform operation, so
//! the copy is never older than the command that reads it.
//!
//! Single users (`panther_user`) come from the listing when this process
//! holds it or is fetching it, and otherwise from a lookup made once per id
//! or email.
//!
//! NOTE: a failed fetch is remembered too. Every reader in the operation
//! then reports the same error instead of retrying the same broken call.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use tokio::sync::OnceCell;
use tracing::debug;

use crate::client::{Error, Operation, PantherClient, Role, User};
use crate::memo::Memo;

/// The outcome of one fetch, shared by every reader.
pub type Shared<T> = Result<Arc<Vec<T>>, Arc<Error>>;

/// How a single user is asked for.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum UserLookup {
    /// By the user's id.
    Id(String),
    /// By the user's email address.
    Email(String),
}

impl UserLookup {
    /// Whether `user` is the one asked for. Emails compare without letter
    /// case, as the user lookup of Panther's console does.
    fn matches(&self, user: &User) -> bool {
        match self {
            UserLookup::Id(id) => &user.id == id,
            UserLookup::Email(email) => user.email.eq_ignore_ascii_case(email),
        }
    }

    /// What was looked for, as an error names it.
    pub fn describe(&self) -> String {
        match self {
            UserLookup::Id(id) => format!("user with id \"{id}\""),
            UserLookup::Email(email) => format!("user with email \"{email}\""),
        }
    }
}

/// A Panther client with a single-flight cache of its collections.
#[derive(Debug)]
pub struct Catalog {
    client: PantherClient,
    users: OnceCell<Shared<User>>,
    /// Whether a reader has asked for every user, so the listing is held
    /// or on its way.
    users_requested: AtomicBool,
    roles: OnceCell<Shared<Role>>,
    lookups: Memo<UserLookup, Result<User, Arc<Error>>>,
}

impl Catalog {
    /// Wraps a client; nothing is fetched until asked for.
    pub fn new(client: PantherClient) -> Self {
        Catalog {
            client,
            users: OnceCell::new(),
            users_requested: AtomicBool::new(false),
            roles: OnceCell::new(),
            lookups: Memo::default(),
        }
    }

    /// The client, for lookups the catalog does not cache.
    pub fn client(&self) -> &PantherClient {
        &self.client
    }

    /// Every Panther user, deactivated ones included.
    pub async fn users(&self) -> Shared<User> {
        // NOTE: set before the request starts, so that a single-user lookup
        // made meanwhile waits for this listing instead of asking again.
        self.users_requested.store(true, Ordering::Release);
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

    /// One user, from the listing if this process holds it or is fetching
    /// it, else from a lookup made at most once per id or email.
    pub async fn user(&self, lookup: &UserLookup) -> Result<User, Arc<Error>> {
        if self.users_requested.load(Ordering::Acquire) {
            if let Ok(users) = self.users().await {
                debug!(?lookup, "user looked up in the users listing");
                let found = users.iter().find(|user| lookup.matches(user));
                return found.cloned().ok_or_else(|| {
                    Arc::new(Error::NotFound {
                        operation: Operation::GetUser,
                        what: lookup.describe(),
                    })
                });
            }
            // A listing that failed says nothing of one user: ask for them.
        }

        let (found, fresh) = self
            .lookups
            .get_or_compute(lookup.clone(), || async {
                let found = match lookup {
                    UserLookup::Id(id) => self.client.user_by_id(id).await,
                    UserLookup::Email(email) => self.client.user_by_email(email).await,
                };
                found.map_err(Arc::new)
            })
            .await;
        if !fresh {
            debug!(?lookup, "user lookup answered by an earlier identical one");
        }
        found
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
