//! `panther_integration`: an identity-governance integration's Panther URL,
//! dedicated token and owners, checked against Panther.
//!
//! The lifecycle in one place:
//!
//! - plan (create and update) runs every check when the values are known,
//!   so a pull request's plan fails before anything is applied; an update
//!   keeps the token facts the refresh read, so they are not "known after
//!   apply" on every change;
//! - apply runs the checks again with the final values and fills in the
//!   facts a create left unknown;
//! - refresh re-reads the token facts and warns about drift; the plan that
//!   follows re-runs the checks with the configured key, so drift fails it
//!   with an explanation, while a rotated key in the configuration is
//!   checked instead of the dead one;
//! - destroy forgets the integration and leaves the token in Panther;
//! - import takes the token id; the first plan checks that the configured
//!   key belongs to that token.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tf_provider::schema::Schema;
use tf_provider::value::{Value, ValueEmpty, ValueSet, ValueString};
use tf_provider::{AttributePath, Diagnostics, Resource};
use tracing::debug;

use super::config::{schema, validate_config};
use super::inspection::{Inspection, Inspections, Outcome, DEFAULT_PERMISSIONS};
use crate::client::{ApiKey, Endpoint, Error};
use crate::messages;
use crate::provider::{new_client, Shared};

/// Where the integration's key comes from, as messages name it.
const KEY_ORIGIN: &str = "the integration's `api_key`";

/// The integration as Terraform stores it.
///
/// NOTE: no `Debug`: `api_key` is in here, and `Value`'s `Debug` would
/// print it.
#[derive(Clone, Default, Serialize, Deserialize)]
pub struct IntegrationState<'a> {
    pub id: ValueString<'a>,
    pub api_url: ValueString<'a>,
    pub api_key: ValueString<'a>,
    pub owners: ValueSet<ValueString<'a>>,
    pub required_permissions: ValueSet<ValueString<'a>>,
    pub token_name: ValueString<'a>,
    pub token_permissions: ValueSet<ValueString<'a>>,
    pub token_expires_at: ValueString<'a>,
    pub panther_version: ValueString<'a>,
}

/// What a plan starts from.
enum Prior {
    /// No prior state: a create.
    Absent,
    /// An import of this token id, not yet applied: no key in state.
    Imported(String),
    /// An integration applied before.
    Managed,
}

/// The inputs of the checks, once Terraform knows them all.
struct Inputs {
    endpoint: Endpoint,
    key: ApiKey,
    owners: BTreeSet<String>,
    required: BTreeSet<String>,
}

/// The `panther_integration` resource.
pub struct IntegrationResource {
    shared: Arc<Shared>,
    inspections: Inspections,
}

impl IntegrationResource {
    /// A resource that takes its HTTP settings from the provider.
    pub fn new(shared: Arc<Shared>) -> Self {
        IntegrationResource {
            shared,
            inspections: Inspections::default(),
        }
    }

    /// Inspects with the integration's own token, once per set of inputs
    /// in this process; `None` (with an error) when no client can be made.
    async fn inspection(&self, diags: &mut Diagnostics, inputs: Inputs) -> Option<Outcome> {
        let options = self.shared.client_options();
        let key = inputs.key.clone();
        let client = match new_client(inputs.endpoint, key, &options, &KEY_ORIGIN) {
            Ok(client) => client,
            Err(error) => {
                diags.add_error(error);
                return None;
            }
        };
        let outcome = self
            .inspections
            .get(&client, &inputs.key, &inputs.required, &inputs.owners)
            .await;
        Some(outcome)
    }

    /// Runs the checks, reporting every failure; `None` when any failed.
    async fn check(&self, diags: &mut Diagnostics, inputs: Inputs) -> Option<Inspection> {
        let inspection = match self.inspection(diags, inputs).await? {
            Ok(inspection) => inspection,
            Err(err) => {
                diags.add_error(token_error(&err));
                return None;
            }
        };
        debug!(
            token_id = %inspection.token.id,
            passed = inspection.passed(),
            "integration inspected"
        );

        if !inspection.missing_permissions.is_empty() {
            diags.add_error(messages::missing_permissions(
                &inspection.token.name,
                &inspection.token.id,
                &inspection.missing_permissions,
            ));
        }
        if !inspection.owner_problems.is_empty() {
            diags.add_error(messages::owner_problems(&owner_lines(&inspection)));
        }
        inspection.passed().then_some(inspection)
    }

    /// Plans a create or an update: defaults, then the checks when every
    /// input is known, else computed values left unknown.
    ///
    /// NOTE: Terraform plans once more at apply and rejects any known value
    /// that differs from the first plan, so what a plan shows depends on
    /// the configuration and the prior state only, never on Panther's
    /// answers, which may change in between (a Panther upgrade under a
    /// saved plan). The token id is safe, since a key belongs to one token
    /// for life. An update keeps the prior facts, which the refresh before
    /// it has just read; a create or an import's first apply learns them
    /// at apply.
    async fn plan(
        &self,
        diags: &mut Diagnostics,
        proposed: IntegrationState<'static>,
        prior: Prior,
    ) -> Option<IntegrationState<'static>> {
        let state = with_default_permissions(proposed);
        let Some(inputs) = inputs(diags, &state) else {
            debug!("integration inputs unknown at plan; checks run at apply");
            return Some(unknown_facts(state));
        };

        let inspection = self.check(diags, inputs).await?;
        let token_id = inspection.token.id;
        let mut state = match prior {
            Prior::Managed => state,
            Prior::Imported(id) if id != token_id => {
                diags.add_error(messages::imported_token_mismatch(&id, &token_id));
                return None;
            }
            Prior::Imported(_) | Prior::Absent => unknown_facts(state),
        };
        state.id = Value::Value(Cow::Owned(token_id));
        Some(state)
    }

    /// Applies a create or an update: the checks with the final values.
    ///
    /// Terraform holds an apply to every value its plan showed, so facts
    /// the plan knew are kept even if Panther has moved on since (a Panther
    /// upgrade, a permission added to the token between a saved plan and
    /// its apply); the next refresh records the change. Only facts the plan
    /// left unknown are filled in.
    async fn apply(
        &self,
        diags: &mut Diagnostics,
        planned: IntegrationState<'static>,
    ) -> Option<IntegrationState<'static>> {
        let state = with_default_permissions(planned);
        let Some(inputs) = inputs(diags, &state) else {
            diags.add_error(messages::unknown_at_apply());
            return None;
        };
        let inspection = self.check(diags, inputs).await?;
        Some(with_unknown_facts_filled(state, &inspection))
    }
}

#[async_trait]
impl Resource for IntegrationResource {
    type State<'a> = IntegrationState<'a>;
    type PrivateState<'a> = ValueEmpty;
    type ProviderMetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(schema())
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: Self::State<'a>) -> Option<()> {
        validate_config(diags, &config);
        Some(())
    }

    async fn read<'a>(
        &self,
        diags: &mut Diagnostics,
        state: Self::State<'a>,
        private_state: Self::PrivateState<'a>,
        _provider_meta_state: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        let state = owned(state);
        let refreshed = self.refresh(diags, state).await;
        Some((refreshed, private_state))
    }

    async fn plan_create<'a>(
        &self,
        diags: &mut Diagnostics,
        proposed_state: Self::State<'a>,
        _config_state: Self::State<'a>,
        _provider_meta_state: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        let state = self
            .plan(diags, owned(proposed_state), Prior::Absent)
            .await?;
        Some((state, ValueEmpty::default()))
    }

    async fn plan_update<'a>(
        &self,
        diags: &mut Diagnostics,
        prior_state: Self::State<'a>,
        proposed_state: Self::State<'a>,
        _config_state: Self::State<'a>,
        prior_private_state: Self::PrivateState<'a>,
        _provider_meta_state: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>, Vec<AttributePath>)> {
        let prior = owned(prior_state);
        let proposed = owned(proposed_state);
        let mut replace = Vec::new();
        if endpoint_changed(&prior.api_url, &proposed.api_url) {
            replace.push(AttributePath::new("api_url"));
        }

        // A prior state without a key was just imported: the configured key
        // must belong to the imported token.
        let from = match (&prior.api_key, &prior.id) {
            (Value::Null, Value::Value(id)) => Prior::Imported(id.to_string()),
            _ => Prior::Managed,
        };
        let Some(planned) = self.plan(diags, proposed, from).await else {
            // `terraform destroy` plans the configuration once before it
            // destroys, so these errors would stop it too.
            diags.add_warning(messages::destroy_despite_failed_checks());
            return None;
        };
        if planned.id.is_value() && prior.id.is_value() && planned.id != prior.id {
            // Another token altogether is another integration.
            replace.push(AttributePath::new("api_key"));
        }
        Some((planned, prior_private_state, replace))
    }

    async fn plan_destroy<'a>(
        &self,
        _diags: &mut Diagnostics,
        _prior_state: Self::State<'a>,
        prior_private_state: Self::PrivateState<'a>,
        _provider_meta_state: Self::ProviderMetaState<'a>,
    ) -> Option<Self::PrivateState<'a>> {
        Some(prior_private_state)
    }

    async fn create<'a>(
        &self,
        diags: &mut Diagnostics,
        planned_state: Self::State<'a>,
        _config_state: Self::State<'a>,
        planned_private_state: Self::PrivateState<'a>,
        _provider_meta_state: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        let state = self.apply(diags, owned(planned_state)).await?;
        Some((state, planned_private_state))
    }

    async fn update<'a>(
        &self,
        diags: &mut Diagnostics,
        _prior_state: Self::State<'a>,
        planned_state: Self::State<'a>,
        _config_state: Self::State<'a>,
        planned_private_state: Self::PrivateState<'a>,
        _provider_meta_state: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        let state = self.apply(diags, owned(planned_state)).await?;
        Some((state, planned_private_state))
    }

    async fn destroy<'a>(
        &self,
        _diags: &mut Diagnostics,
        prior_state: Self::State<'a>,
        _planned_private_state: Self::PrivateState<'a>,
        _provider_meta_state: Self::ProviderMetaState<'a>,
    ) -> Option<()> {
        debug!(
            token_id = %prior_state.id.as_ref_option().map_or("", |id| id),
            "forgetting the integration; the Panther token is left as it is"
        );
        Some(())
    }

    async fn import<'a>(
        &self,
        diags: &mut Diagnostics,
        id: String,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        if id.trim().is_empty() {
            diags.add_error(messages::import_id_empty());
            return None;
        }
        let state = IntegrationState {
            id: Value::Value(Cow::Owned(id)),
            ..Default::default()
        };
        Some((state, ValueEmpty::default()))
    }
}

impl IntegrationResource {
    /// Re-reads the token facts for a refresh.
    ///
    /// Every failure is a warning here and not an error: an error would
    /// stop the plan before a rotated key or a new `api_url` in the
    /// configuration could be checked. The plan that follows runs the
    /// checks with the configured values and fails with the explanation if
    /// the problem is still there; with the same values, it reuses this
    /// inspection's outcome rather than asking Panther again.
    async fn refresh(
        &self,
        diags: &mut Diagnostics,
        state: IntegrationState<'static>,
    ) -> IntegrationState<'static> {
        let Some(inputs) = inputs(&mut Diagnostics::default(), &state) else {
            debug!("integration has no key in state yet (imported); not refreshed");
            return state;
        };
        let Some(outcome) = self.inspection(diags, inputs).await else {
            return state;
        };

        match outcome {
            Ok(inspection) => {
                for warning in drift_warnings(&inspection) {
                    diags.add_warning(warning);
                }
                with_facts(state, &inspection)
            }
            Err(err) if matches!(*err, Error::Unauthorized { .. } | Error::Forbidden { .. }) => {
                diags.add_warning(messages::token_drifted(&err));
                state
            }
            Err(err) => {
                diags.add_warning(messages::refresh_failed(&err));
                state
            }
        }
    }
}

/// The checks' inputs, or `None` while any is unknown.
///
/// Values that are known but unusable were reported by `validate`; they
/// are reported again here (into `diags`) because `validate` cannot see
/// values that only become known later.
fn inputs(diags: &mut Diagnostics, state: &IntegrationState<'_>) -> Option<Inputs> {
    let url = state.api_url.as_ref_option()?;
    let key = state.api_key.as_ref_option()?;
    let owners = known_strings(&state.owners)?;
    let required = known_strings(&state.required_permissions)?;

    let endpoint = match Endpoint::parse(url) {
        Ok(endpoint) => endpoint,
        Err(err) => {
            let path = AttributePath::new("api_url");
            diags.add_error(messages::invalid_url_at(&err, "`api_url`", path));
            return None;
        }
    };
    Some(Inputs {
        endpoint,
        key: ApiKey::new(key.to_string()),
        owners,
        required,
    })
}

/// The strings of a set, or `None` if the set or any member is unknown.
fn known_strings(set: &ValueSet<ValueString<'_>>) -> Option<BTreeSet<String>> {
    match set {
        Value::Value(members) => members
            .iter()
            .map(|m| m.as_ref_option().map(|s| s.to_string()))
            .collect(),
        Value::Null => Some(BTreeSet::new()),
        Value::Unknown => None,
    }
}

/// A set of known strings.
fn string_values(values: impl IntoIterator<Item = String>) -> ValueSet<ValueString<'static>> {
    Value::Value(
        values
            .into_iter()
            .map(|v| Value::Value(Cow::Owned(v)))
            .collect(),
    )
}

/// Fills `required_permissions` with the documented three when unset.
fn with_default_permissions(mut state: IntegrationState<'static>) -> IntegrationState<'static> {
    if state.required_permissions.is_null() {
        state.required_permissions =
            string_values(DEFAULT_PERMISSIONS.iter().map(|p| p.to_string()));
    }
    state
}

/// Marks every computed fact unknown, for a plan that cannot check yet.
fn unknown_facts(mut state: IntegrationState<'static>) -> IntegrationState<'static> {
    state.id = Value::Unknown;
    state.token_name = Value::Unknown;
    state.token_permissions = Value::Unknown;
    state.token_expires_at = Value::Unknown;
    state.panther_version = Value::Unknown;
    if state.required_permissions.is_null() {
        state.required_permissions = Value::Unknown;
    }
    state
}

/// Stores what Panther said about the token.
fn with_facts(
    mut state: IntegrationState<'static>,
    inspection: &Inspection,
) -> IntegrationState<'static> {
    let token = &inspection.token;
    let text = |v: &str| Value::Value(Cow::Owned(v.to_owned()));
    state.id = text(&token.id);
    state.token_name = text(&token.name);
    state.token_permissions = string_values(token.permissions.iter().cloned());
    state.token_expires_at = token.expires_at.as_deref().map(text).unwrap_or(Value::Null);
    state.panther_version = token
        .panther_version
        .as_deref()
        .map(text)
        .unwrap_or(Value::Null);
    state
}

/// Fills the facts a plan left unknown, keeping those it showed.
fn with_unknown_facts_filled(
    planned: IntegrationState<'static>,
    inspection: &Inspection,
) -> IntegrationState<'static> {
    let fresh = with_facts(planned.clone(), inspection);
    IntegrationState {
        id: known_or(planned.id, fresh.id),
        token_name: known_or(planned.token_name, fresh.token_name),
        token_permissions: known_or(planned.token_permissions, fresh.token_permissions),
        token_expires_at: known_or(planned.token_expires_at, fresh.token_expires_at),
        panther_version: known_or(planned.panther_version, fresh.panther_version),
        ..planned
    }
}

/// The planned value unless the plan left it unknown.
fn known_or<T>(planned: Value<T>, fresh: Value<T>) -> Value<T> {
    match planned {
        Value::Unknown => fresh,
        known => known,
    }
}

/// Whether a planned URL points at another Panther than the prior one.
///
/// Two spellings of the same Panther (the GraphQL URL and the REST base,
/// a trailing slash) normalise to the same address and update in place.
fn endpoint_changed(prior: &ValueString<'_>, proposed: &ValueString<'_>) -> bool {
    let (Some(prior), Some(proposed)) = (prior.as_ref_option(), proposed.as_ref_option()) else {
        return false;
    };
    match (Endpoint::parse(prior), Endpoint::parse(proposed)) {
        (Ok(a), Ok(b)) => a.rest_base() != b.rest_base(),
        _ => prior != proposed,
    }
}

/// A failed call made with the integration's token, pointed at the key
/// or the URL, whichever is the likely cause.
fn token_error(err: &Error) -> tf_provider::Diagnostic {
    let path = match err {
        Error::WrongAddress { .. } | Error::Connection { .. } => "api_url",
        _ => "api_key",
    };
    messages::client_error(err, KEY_ORIGIN, AttributePath::new(path))
}

/// Each failing owner as "email: reason".
fn owner_lines(inspection: &Inspection) -> Vec<String> {
    inspection
        .owner_problems
        .iter()
        .map(|(email, problem)| format!("{email}: {}", problem.describe()))
        .collect()
}

/// Warnings for a refresh that found the integration broken.
fn drift_warnings(inspection: &Inspection) -> Vec<tf_provider::Diagnostic> {
    let mut warnings = Vec::new();
    if !inspection.missing_permissions.is_empty() {
        warnings.push(messages::permissions_drifted(
            &inspection.missing_permissions,
        ));
    }
    if !inspection.owner_problems.is_empty() {
        warnings.push(messages::owners_drifted(&owner_lines(inspection)));
    }
    warnings
}

/// Detaches a state from the request buffer it was read from.
fn owned(state: IntegrationState<'_>) -> IntegrationState<'static> {
    let text = |v: ValueString<'_>| v.map(|s| Cow::Owned(s.into_owned()));
    let set =
        |v: ValueSet<ValueString<'_>>| v.map(|members| members.into_iter().map(text).collect());
    IntegrationState {
        id: text(state.id),
        api_url: text(state.api_url),
        api_key: text(state.api_key),
        owners: set(state.owners),
        required_permissions: set(state.required_permissions),
        token_name: text(state.token_name),
        token_permissions: set(state.token_permissions),
        token_expires_at: text(state.token_expires_at),
        panther_version: text(state.panther_version),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn another_spelling_of_the_same_panther_is_not_a_change() {
        let graphql = Value::Value(Cow::Borrowed(
            "https://api.acme.runpanther.net/public/graphql",
        ));
        let rest = Value::Value(Cow::Borrowed("https://api.acme.runpanther.net/"));
        let other = Value::Value(Cow::Borrowed("https://api.other.runpanther.net"));

        assert!(!endpoint_changed(&graphql, &rest));
        assert!(endpoint_changed(&rest, &other));
        assert!(!endpoint_changed(&Value::Null, &other));
    }
}
