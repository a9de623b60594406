//! The records the emulator serves, kept consistent with each other.
//!
//! Users are held in the order every list is served in (creation time,
//! then id), so a page is a range scan from the cursor. Roles and tokens are
//! few and keyed by id. Every change goes through a method here, which
//! keeps the cross-record rules: ids, emails, role names and token values
//! are unique, and every user's role can be found.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::ops::Bound;

use crate::fixture::{Fixture, Role, RoleRef, Token, User};
use crate::generate;
use crate::timefmt;

/// Where a user sits in list order: creation time (sortable), then id.
pub type UserKey = (String, String);

/// Why a change to the store was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// No record has that id.
    NotFound(String),
    /// The change would break uniqueness or leave a user without a role.
    Conflict(String),
    /// The record itself is malformed.
    Invalid(String),
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::NotFound(text) => write!(f, "{text}"),
            StoreError::Conflict(text) => write!(f, "{text}"),
            StoreError::Invalid(text) => write!(f, "{text}"),
        }
    }
}

impl std::error::Error for StoreError {}

/// Users, roles and tokens, plus the general settings.
#[derive(Debug, Default)]
pub struct Store {
    pub panther_version: Option<String>,
    roles: BTreeMap<String, Role>,
    users: BTreeMap<UserKey, User>,
    user_keys: HashMap<String, UserKey>,
    /// Lower-cased email to user id; emails are unique ignoring case.
    user_emails: HashMap<String, String>,
    tokens: BTreeMap<String, Token>,
    /// How many users were generated so far, so that the next batch
    /// continues the numbering instead of repeating it.
    generated: usize,
}

impl Store {
    /// Builds a store from a fixture plus `extra_users` generated users.
    pub fn load(fixture: &Fixture, extra_users: usize) -> anyhow::Result<Store> {
        fixture.check()?;
        let mut store = Store {
            panther_version: fixture.panther_version.clone(),
            ..Store::default()
        };
        for role in &fixture.roles {
            store.insert_role(role.clone())?;
        }
        for user in &fixture.users {
            store.insert_user(user.clone())?;
        }
        for token in &fixture.tokens {
            store.insert_token(token.clone())?;
        }
        store.generate_users(extra_users)?;
        Ok(store)
    }

    /// Every role, by id.
    pub fn roles(&self) -> impl Iterator<Item = &Role> {
        self.roles.values()
    }

    /// The role with this id.
    pub fn role(&self, id: &str) -> Option<&Role> {
        self.roles.get(id)
    }

    /// Finds a role by name, ignoring case as GraphQL `roleByName` does.
    pub fn role_by_name(&self, name: &str) -> Option<&Role> {
        self.roles
            .values()
            .find(|role| role.name.eq_ignore_ascii_case(name))
    }

    /// The role a user's reference points at: by id, else by name (SAML
    /// users carry ids that are not role ids).
    pub fn role_for(&self, reference: &RoleRef) -> Option<&Role> {
        self.roles
            .get(&reference.id)
            .or_else(|| self.role_by_name(&reference.name))
    }

    /// Adds a role whose id and name are both new.
    pub fn insert_role(&mut self, role: Role) -> Result<(), StoreError> {
        role.check().map_err(invalid)?;
        if self.roles.contains_key(&role.id) {
            return Err(conflict(format!("a role with id {:?} exists", role.id)));
        }
        self.check_role_name_free(&role.name, &role.id)?;
        self.roles.insert(role.id.clone(), role);
        Ok(())
    }

    /// Replaces a role; a new name follows into the users who hold it.
    pub fn replace_role(&mut self, role: Role) -> Result<(), StoreError> {
        role.check().map_err(invalid)?;
        let Some(old) = self.roles.get(&role.id).cloned() else {
            return Err(not_found("role", &role.id));
        };
        self.check_role_name_free(&role.name, &role.id)?;
        if old.name != role.name {
            self.rename_role_in_users(&old, &role.name);
        }
        self.roles.insert(role.id.clone(), role);
        Ok(())
    }

    /// Removes a role no user holds.
    pub fn remove_role(&mut self, id: &str) -> Result<Role, StoreError> {
        let Some(role) = self.roles.get(id) else {
            return Err(not_found("role", id));
        };
        let holders = self.holders_of(role);
        if holders > 0 {
            return Err(conflict(format!(
                "role {id:?} is held by {holders} user(s); move them first"
            )));
        }
        Ok(self.roles.remove(id).expect("the role was just found"))
    }

    fn check_role_name_free(&self, name: &str, own_id: &str) -> Result<(), StoreError> {
        match self.role_by_name(name) {
            Some(other) if other.id != own_id => Err(conflict(format!(
                "role {:?} already has the name {name:?}",
                other.id
            ))),
            _ => Ok(()),
        }
    }

    fn holders_of(&self, role: &Role) -> usize {
        self.users
            .values()
            .filter(|user| self.role_for(&user.role).map(|r| &r.id) == Some(&role.id))
            .count()
    }

    fn rename_role_in_users(&mut self, old: &Role, new_name: &str) {
        let keys: Vec<UserKey> = self
            .users
            .iter()
            .filter(|(_, user)| self.role_for(&user.role).map(|r| &r.id) == Some(&old.id))
            .map(|(key, _)| key.clone())
            .collect();
        for key in keys {
            if let Some(user) = self.users.get_mut(&key) {
                user.role.name = new_name.to_string();
            }
        }
    }

    /// Every user, in list order.
    pub fn users(&self) -> impl Iterator<Item = &User> {
        self.users.values()
    }

    /// How many users there are, enabled or not.
    pub fn user_count(&self) -> usize {
        self.users.len()
    }

    /// Users after `cursor` in list order, or from the start.
    pub fn users_after(&self, cursor: Option<&UserKey>) -> impl Iterator<Item = (&UserKey, &User)> {
        let start = match cursor {
            Some(key) => Bound::Excluded(key.clone()),
            None => Bound::Unbounded,
        };
        self.users.range((start, Bound::Unbounded))
    }

    /// The user with this id.
    pub fn user(&self, id: &str) -> Option<&User> {
        self.user_keys.get(id).and_then(|key| self.users.get(key))
    }

    /// Finds a user by email, ignoring case as mail systems do.
    pub fn user_by_email(&self, email: &str) -> Option<&User> {
        let id = self.user_emails.get(&email.to_lowercase())?;
        self.user(id)
    }

    /// Adds a user with a new id and email and a role that exists.
    pub fn insert_user(&mut self, mut user: User) -> Result<(), StoreError> {
        user.check().map_err(invalid)?;
        if self.user_keys.contains_key(&user.id) {
            return Err(conflict(format!("a user with id {:?} exists", user.id)));
        }
        self.check_email_free(&user.email, &user.id)?;
        self.complete_role_ref(&mut user.role)?;
        let key = user_key(&user);
        self.user_keys.insert(user.id.clone(), key.clone());
        self.user_emails
            .insert(user.email.to_lowercase(), user.id.clone());
        self.users.insert(key, user);
        Ok(())
    }

    /// Replaces a user with the same id.
    pub fn replace_user(&mut self, user: User) -> Result<(), StoreError> {
        let Some(old) = self.user(&user.id).cloned() else {
            return Err(not_found("user", &user.id));
        };
        self.remove_user(&old.id);
        if let Err(error) = self.insert_user(user) {
            // NOTE: the old record was valid a moment ago, so putting it
            // back cannot fail; the store is left as it was.
            let _ = self.insert_user(old);
            return Err(error);
        }
        Ok(())
    }

    /// Removes a user; `None` when no user has the id.
    pub fn remove_user(&mut self, id: &str) -> Option<User> {
        let key = self.user_keys.remove(id)?;
        let user = self.users.remove(&key)?;
        self.user_emails.remove(&user.email.to_lowercase());
        Some(user)
    }

    /// Adds `count` generated users, continuing the earlier numbering.
    pub fn generate_users(&mut self, count: usize) -> Result<(), StoreError> {
        let roles: Vec<&Role> = self.roles.values().collect();
        if count > 0 && roles.is_empty() {
            return Err(conflict("generated users need at least one role".into()));
        }
        let batch: Vec<User> = (self.generated..self.generated + count)
            .map(|number| generate::user(number, &roles))
            .collect();
        for user in batch {
            self.insert_user(user)?;
        }
        self.generated += count;
        Ok(())
    }

    fn check_email_free(&self, email: &str, own_id: &str) -> Result<(), StoreError> {
        match self.user_by_email(email) {
            Some(other) if other.id != own_id => Err(conflict(format!(
                "user {:?} already has the email {email:?}",
                other.id
            ))),
            _ => Ok(()),
        }
    }

    /// Fills in whichever of id and name the reference leaves empty.
    fn complete_role_ref(&self, reference: &mut RoleRef) -> Result<(), StoreError> {
        let Some(role) = self.role_for(reference) else {
            return Err(conflict(format!(
                "no role has the id {:?} or the name {:?}",
                reference.id, reference.name
            )));
        };
        if reference.id.is_empty() {
            reference.id = role.id.clone();
        }
        if reference.name.is_empty() {
            reference.name = role.name.clone();
        }
        Ok(())
    }

    /// Every token, by id.
    pub fn tokens(&self) -> impl Iterator<Item = &Token> {
        self.tokens.values()
    }

    /// The token with this id.
    pub fn token(&self, id: &str) -> Option<&Token> {
        self.tokens.get(id)
    }

    /// The token with this id, for changes that keep its id and value.
    pub fn token_mut(&mut self, id: &str) -> Option<&mut Token> {
        self.tokens.get_mut(id)
    }

    /// Finds the token whose secret is `value`.
    pub fn token_by_value(&self, value: &str) -> Option<&Token> {
        self.tokens.values().find(|token| token.value == value)
    }

    /// Adds a token whose id and value are both new.
    pub fn insert_token(&mut self, token: Token) -> Result<(), StoreError> {
        token.check().map_err(invalid)?;
        if self.tokens.contains_key(&token.id) {
            return Err(conflict(format!("a token with id {:?} exists", token.id)));
        }
        self.check_value_free(&token.value, &token.id)?;
        self.tokens.insert(token.id.clone(), token);
        Ok(())
    }

    /// Replaces a token with the same id.
    pub fn replace_token(&mut self, token: Token) -> Result<(), StoreError> {
        token.check().map_err(invalid)?;
        if !self.tokens.contains_key(&token.id) {
            return Err(not_found("token", &token.id));
        }
        self.check_value_free(&token.value, &token.id)?;
        self.tokens.insert(token.id.clone(), token);
        Ok(())
    }

    /// Removes a token; `None` when no token has the id.
    pub fn remove_token(&mut self, id: &str) -> Option<Token> {
        self.tokens.remove(id)
    }

    fn check_value_free(&self, value: &str, own_id: &str) -> Result<(), StoreError> {
        match self.token_by_value(value) {
            Some(other) if other.id != own_id => Err(conflict(format!(
                "token {:?} already uses that value",
                other.id
            ))),
            _ => Ok(()),
        }
    }
}

/// The list-order key of a user.
pub fn user_key(user: &User) -> UserKey {
    (timefmt::sort_key(&user.created_at), user.id.clone())
}

fn not_found(kind: &str, id: &str) -> StoreError {
    StoreError::NotFound(format!("no {kind} has the id {id:?}"))
}

fn conflict(text: String) -> StoreError {
    StoreError::Conflict(text)
}

fn invalid(error: anyhow::Error) -> StoreError {
    StoreError::Invalid(format!("{error:#}"))
}
