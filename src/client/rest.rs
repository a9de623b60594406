//! The REST calls: the calling token, users and roles.
//!
//! Lists answer `{"results": [...], "next": ...}`. Users come in pages of
//! at most 60, followed by cursor until `next` is absent, null or empty;
//! roles come in one answer. Lookups by email or name narrow the list
//! route with a filter and then check the match themselves, so a server
//! that ignored the filter cannot hand back the wrong user.

use std::collections::HashSet;

use serde::de::DeserializeOwned;
use serde::Deserialize;
use url::Url;

use super::error::{Error, Operation};
use super::models::{null_as_default, ApiToken, Role, User};
use super::transport::{read_json, On404};
use super::PantherClient;

/// The largest page `GET /users` serves.
const USERS_PAGE_LIMIT: &str = "60";

/// One page of a REST list.
#[derive(Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
struct Page<T> {
    #[serde(default = "Vec::new", deserialize_with = "null_as_default")]
    results: Vec<T>,
    #[serde(default)]
    next: Option<String>,
}

impl PantherClient {
    /// The token the client authenticates with (`GET /api-tokens/self`).
    pub async fn own_token(&self) -> Result<ApiToken, Error> {
        let url = self.endpoint().rest_url(&["api-tokens", "self"]);
        self.get_object(Operation::ReadOwnToken, url, On404::WrongAddress)
            .await
    }

    /// Every user, deactivated ones included, page by page.
    pub async fn users_rest(&self) -> Result<Vec<User>, Error> {
        self.user_pages(Operation::ListUsers, None).await
    }

    /// Users, deactivated ones included, whose name or email contains
    /// `search` (letter case ignored), or every user; page by page.
    async fn user_pages(&self, op: Operation, search: Option<&str>) -> Result<Vec<User>, Error> {
        let mut users = Vec::new();
        let mut seen = HashSet::new();
        let mut cursor: Option<String> = None;
        let mut pages = 0;
        loop {
            let url = users_page_url(self, search, cursor.as_deref());
            let page: Page<User> = self.get_list(op, &url).await?;
            pages += 1;
            users.extend(page.results);

            // NOTE: the cursor set makes any cycle of cursors, however
            // long, end in an error instead of an endless loop.
            match page.next.filter(|next| !next.is_empty()) {
                None => break,
                Some(next) if !seen.insert(next.clone()) => {
                    return Err(Error::RepeatedCursor { operation: op });
                }
                Some(next) => cursor = Some(next),
            }
        }
        tracing::debug!(pages, users = users.len(), "listed Panther users");
        Ok(users)
    }

    /// Every role, in one request (`GET /roles` has no paging).
    pub async fn roles(&self) -> Result<Vec<Role>, Error> {
        let url = self.endpoint().rest_url(&["roles"]);
        let page: Page<Role> = self.get_list(Operation::ListRoles, &url).await?;
        if page.next.is_some_and(|next| !next.is_empty()) {
            tracing::debug!("ignoring a `next` cursor on GET /roles");
        }
        Ok(page.results)
    }

    /// The user with this id (`GET /users/{id}`).
    pub async fn user_by_id(&self, id: &str) -> Result<User, Error> {
        let op = Operation::GetUser;
        let what = format!("user with id {id}");
        let url = self.lookup_url(op, "users", id, &what)?;
        self.get_object(op, url, On404::Lookup(&what)).await
    }

    /// The user with this email, deactivated or not, letter case ignored.
    ///
    /// `GET /users?email=` is documented as an exact match that ignores
    /// every other parameter, `include-deactivated` among them, and does
    /// not say whether letter case counts. The `contains` search is
    /// documented to ignore case and leaves `include-deactivated` in force,
    /// so the lookup searches for the address and picks the user whose
    /// email it is: one request, unless many users share that text.
    pub async fn user_by_email(&self, email: &str) -> Result<User, Error> {
        let op = Operation::GetUser;
        let candidates = self.user_pages(op, Some(email)).await?;

        let found = pick(candidates, |user| &user.email, email);
        found.ok_or_else(|| Error::NotFound {
            operation: op,
            what: format!("user with email {email}"),
        })
    }

    /// The role with this id (`GET /roles/{id}`).
    pub async fn role_by_id(&self, id: &str) -> Result<Role, Error> {
        let op = Operation::GetRole;
        let what = format!("role with id {id}");
        let url = self.lookup_url(op, "roles", id, &what)?;
        self.get_object(op, url, On404::Lookup(&what)).await
    }

    /// The address of one object of `collection`, or `NotFound` for an id
    /// no URL can carry: URLs resolve `.` and `..` away, so such a lookup
    /// would reach the collection itself or its parent, and no Panther
    /// object has such an id.
    fn lookup_url(
        &self,
        operation: Operation,
        collection: &str,
        id: &str,
        what: &str,
    ) -> Result<Url, Error> {
        if matches!(id, "." | "..") {
            return Err(Error::NotFound {
                operation,
                what: what.to_owned(),
            });
        }
        Ok(self.endpoint().rest_url(&[collection, id]))
    }

    /// The role with this name.
    pub async fn role_by_name(&self, name: &str) -> Result<Role, Error> {
        let op = Operation::GetRole;
        let mut url = self.endpoint().rest_url(&["roles"]);
        url.query_pairs_mut().append_pair("name", name);
        let page: Page<Role> = self.get_list(op, &url).await?;

        let found = pick(page.results, |role| &role.name, name);
        found.ok_or_else(|| Error::NotFound {
            operation: op,
            what: format!("role named {name}"),
        })
    }

    /// GETs a list route; Panther never answers 404 on one.
    async fn get_list<T: DeserializeOwned>(
        &self,
        operation: Operation,
        url: &Url,
    ) -> Result<Page<T>, Error> {
        let answer = self
            .transport
            .send(operation, url, On404::WrongAddress, |http| {
                http.get(url.clone())
            })
            .await?;
        read_json(operation, url, &answer, "results")
    }

    /// GETs one object, which always carries an `id`.
    async fn get_object<T: DeserializeOwned>(
        &self,
        operation: Operation,
        url: Url,
        on_404: On404<'_>,
    ) -> Result<T, Error> {
        let answer = self
            .transport
            .send(operation, &url, on_404, |http| http.get(url.clone()))
            .await?;
        read_json(operation, &url, &answer, "id")
    }
}

/// The address of one page of users; `limit` is Panther's maximum, so a
/// thousand users take 17 requests, not 100.
fn users_page_url(client: &PantherClient, search: Option<&str>, cursor: Option<&str>) -> Url {
    let mut url = client.endpoint().rest_url(&["users"]);
    {
        let mut query = url.query_pairs_mut();
        query
            .append_pair("include-deactivated", "true")
            .append_pair("limit", USERS_PAGE_LIMIT);
        if let Some(search) = search {
            query.append_pair("contains", search);
        }
        if let Some(cursor) = cursor {
            query.append_pair("cursor", cursor);
        }
    }
    url
}

/// The result whose key equals `wanted`: exactly if one does, otherwise
/// ignoring ASCII case, as Panther compares emails and role names.
fn pick<T>(results: Vec<T>, key: impl Fn(&T) -> &String, wanted: &str) -> Option<T> {
    let exact = results.iter().position(|item| key(item) == wanted);
    let index = exact.or_else(|| {
        results
            .iter()
            .position(|item| key(item).eq_ignore_ascii_case(wanted))
    })?;
    results.into_iter().nth(index)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::{ApiKey, ClientOptions, Endpoint};

    #[tokio::test]
    async fn dot_ids_are_not_found_without_a_request() {
        // Nothing listens on port 9 of this machine; a request would fail
        // with a connection error, not "not found".
        let endpoint = Endpoint::parse("http://127.0.0.1:9").unwrap();
        let client =
            PantherClient::new(endpoint, ApiKey::new("k"), &ClientOptions::default()).unwrap();

        for id in [".", ".."] {
            let user = client.user_by_id(id).await.unwrap_err();
            let role = client.role_by_id(id).await.unwrap_err();
            assert!(matches!(user, Error::NotFound { .. }), "{user:?}");
            assert!(matches!(role, Error::NotFound { .. }), "{role:?}");
        }
    }
}
