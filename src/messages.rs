//! Every text a Terraform user reads, in one place.
//!
//! Summaries are short and in Title Case; details are whole sentences that
//! say what happened, the likely cause and what to do, with the underlying
//! error last. Keeping them together keeps their tone consistent, and the
//! tests at the bottom pin the wording of the important ones.

use tf_provider::{AttributePath, Diagnostic};

use crate::client::error::is_retryable_status;
use crate::client::{permissions, EndpointError, Error, Operation};
use crate::credentials::{Source, ENV_API_KEY, ENV_API_TOKEN, ENV_API_URL};

/// Where a user finds a Panther API URL and creates tokens.
const CONSOLE_HINT: &str = "Panther shows its API URLs and tokens under \
     Settings (the gear icon) > API Tokens.";

/// Builds an error diagnostic pointing at `path` (the root when empty).
fn error(summary: &str, detail: String, path: AttributePath) -> Diagnostic {
    Diagnostic::new(summary.to_owned(), detail, path)
}

/// A permission id with its console label, as "Read User Info (UserRead)".
pub fn permission_name(id: &str) -> String {
    match permissions::label(id) {
        Some(label) => format!("{label} ({id})"),
        None => id.to_owned(),
    }
}

/// Neither the configuration nor the environment supplies a setting that a
/// data source needs.
pub fn missing_credentials(url: bool, key: bool) -> Diagnostic {
    let missing = match (url, key) {
        (true, true) => "an API URL and an API key",
        (true, false) => "an API URL",
        _ => "an API key",
    };
    error(
        "Panther Credentials Missing",
        format!(
            "The panther provider needs {missing} to read from Panther, and \
             found none. Set `api_url` and `api_key` in the provider block, \
             or the environment variables {ENV_API_URL} and {ENV_API_KEY} \
             ({ENV_API_TOKEN} is read when {ENV_API_KEY} is not set). \
             {CONSOLE_HINT}"
        ),
        AttributePath::root(),
    )
}

/// The provider's configuration is not known before apply, so a data
/// source cannot be read during plan.
pub fn credentials_unknown() -> Diagnostic {
    error(
        "Panther Credentials Not Known Yet",
        "The provider's `api_url` or `api_key` depends on a value that \
         Terraform only knows after apply, so Panther cannot be read now. \
         Give the provider values known at plan time, or apply the \
         resources they depend on first (terraform apply -target=...)."
            .to_owned(),
        AttributePath::root(),
    )
}

/// An API URL that cannot be used, from the configuration or environment.
pub fn invalid_url(err: &EndpointError, source: Source) -> Diagnostic {
    let path = match source {
        Source::Attribute(name) => AttributePath::new(name),
        Source::Environment(_) => AttributePath::root(),
    };
    invalid_url_at(err, &source.to_string(), path)
}

/// An API URL that cannot be used, found at a resource's attribute.
pub fn invalid_url_at(err: &EndpointError, origin: &str, path: AttributePath) -> Diagnostic {
    error(
        "Invalid Panther API URL",
        format!(
            "The Panther API URL in {origin} cannot be used: {err}. Paste \
             either URL the Panther console shows, for example \
             https://api.<tenant>.runpanther.net/public/graphql or \
             https://api.<tenant>.runpanther.net. {CONSOLE_HINT}"
        ),
        path,
    )
}

/// An API key that is empty or only white space. Only the provider's key
/// may be left out for the environment to supply; the integration's may
/// not.
pub fn blank_key(path: AttributePath, environment_fallback: bool) -> Diagnostic {
    let alternative = if environment_fallback {
        format!(
            ", or leave it out of the provider block to use the \
             {ENV_API_KEY} or {ENV_API_TOKEN} environment variable"
        )
    } else {
        String::new()
    };
    error(
        "Empty Panther API Key",
        format!(
            "The API key is empty. Set it to the value of a Panther API \
             token{alternative}. {CONSOLE_HINT}"
        ),
        path,
    )
}

/// An API key holding a line break or another control character, which no
/// HTTP header can carry.
pub fn key_control_characters(path: AttributePath) -> Diagnostic {
    error(
        "Invalid Characters in Panther API Key",
        "The API key holds a line break or another control character, so \
         it cannot be sent to Panther. Panther tokens are one line of \
         letters and digits. A key read with file() keeps the file's last \
         line break: wrap it in trimspace()."
            .to_owned(),
        path,
    )
}

/// A number setting that is not whole or outside the range the provider
/// accepts.
pub fn out_of_range(name: &str, low: i64, high: i64) -> Diagnostic {
    error(
        "Setting Out of Range",
        format!(
            "`{name}` must be a whole number from {low} to {high}. Set it \
             within that range, or leave it out to use the default."
        ),
        AttributePath::new(name.to_owned()),
    )
}

/// A custom certificate authority that does not parse as PEM.
pub fn invalid_ca(reason: &str) -> Diagnostic {
    error(
        "Invalid Certificate Authority",
        format!(
            "`ca_certificate_pem` must hold one or more PEM certificates \
             (-----BEGIN CERTIFICATE-----). The value given cannot be \
             used: {reason}. Give the PEM text of the certificate authority \
             that signed your Panther's certificate, BEGIN and END lines \
             included, for example with file(\"ca.pem\")."
        ),
        AttributePath::new("ca_certificate_pem"),
    )
}

/// A failed call to Panther, as the user should read it.
///
/// `key_source` says where the key came from, so a rejected key can be
/// traced without showing it; `path` points at the attribute holding the
/// key or URL when a resource made the call.
pub fn client_error(err: &Error, key_source: &str, path: AttributePath) -> Diagnostic {
    let (summary, advice) = match err {
        Error::Unauthorized { .. } => (
            "Panther API Key Rejected",
            format!(
                "Panther did not accept the API key from {key_source}: it \
                 may be revoked, expired or mistyped, and a token created \
                 in the last minute may not work yet. Check the token or \
                 rotate it, then update {key_source}. {CONSOLE_HINT}"
            ),
        ),
        Error::Forbidden { operation } => (
            "Panther API Token Lacks a Permission",
            forbidden_advice(*operation, key_source),
        ),
        Error::NotFound { .. } => (
            "Not Found in Panther",
            "Panther has nothing that matches.".to_owned(),
        ),
        Error::WrongAddress { .. } => (
            "Not a Panther API Address",
            format!(
                "The address does not answer like the Panther API. Use the \
                 API URL the Panther console shows. {CONSOLE_HINT}"
            ),
        ),
        Error::Server { status, .. } => server_failure(*status),
        Error::Timeout { .. } => (
            "Panther API Timed Out",
            "Panther did not answer in time. Try again later, or raise \
             `request_timeout_seconds` in the provider block."
                .to_owned(),
        ),
        Error::Connection { .. } => (
            "Cannot Reach the Panther API",
            "The provider could not connect to Panther. Check the API URL, \
             the network path to it and, for a self-hosted Panther with a \
             private certificate authority, `ca_certificate_pem`."
                .to_owned(),
        ),
        Error::Decode { .. } | Error::RepeatedCursor { .. } => (
            "Unexpected Panther API Response",
            "Panther's answer could not be understood. If it persists, \
             report it with the provider's debug log (TF_LOG=debug)."
                .to_owned(),
        ),
        Error::Setup { .. } => (
            "Panther Client Setup Failed",
            "The provider could not prepare its HTTPS client.".to_owned(),
        ),
    };
    error(
        summary,
        format!("{advice}\n\nUnderlying error: {err:#}."),
        path,
    )
}

/// The summary and advice for an error status, by what it says of the
/// server: overloaded (retried until the budget ran out), failing (a 500
/// is not retried), or answering in a way the provider does not expect.
fn server_failure(status: u16) -> (&'static str, String) {
    match status {
        429 => (
            "Panther API Rate Limit Reached",
            "Panther kept answering that too many requests were made, \
             after the provider waited and retried. Wait a few minutes and \
             try again; `max_retries` in the provider block allows more \
             retries."
                .to_owned(),
        ),
        s if is_retryable_status(s) => (
            "Panther API Unavailable",
            "Panther kept answering with an error after the provider \
             retried. It is probably a passing outage: try again later."
                .to_owned(),
        ),
        500..=599 => (
            "Panther API Failed",
            "Panther answered with a server error. Try again later; if it \
             persists, check Panther's status or contact Panther support."
                .to_owned(),
        ),
        _ => (
            "Unexpected Panther API Response",
            "Panther answered with a status the provider does not expect. \
             If it persists, report it with the provider's debug log \
             (TF_LOG=debug)."
                .to_owned(),
        ),
    }
}

/// What to tell a user whose token is refused an operation.
fn forbidden_advice(operation: Operation, key_source: &str) -> String {
    format!(
        "Panther refused {} to the token from {key_source}: it needs the \
         permission {}. Add it to the token (or use a token that holds \
         it). {CONSOLE_HINT}",
        operation.describe(),
        permission_name(operation.permission()),
    )
}

/// A single-object lookup found nothing.
pub fn not_found(what: &str, path: AttributePath) -> Diagnostic {
    error(
        "Not Found in Panther",
        format!(
            "Panther has no {what}. Check the value, and that the token's \
             Panther instance is the one you mean."
        ),
        path,
    )
}

/// Two lookup arguments given where exactly one is allowed.
pub fn exactly_one_of(first: &str, second: &str) -> Diagnostic {
    error(
        "Conflicting Lookup Arguments",
        format!(
            "Set exactly one of `{first}` and `{second}`: they select the \
             same object in two ways."
        ),
        AttributePath::new(second.to_owned()),
    )
}

/// Neither of two lookup arguments given.
pub fn one_of_required(first: &str, second: &str) -> Diagnostic {
    error(
        "Missing Lookup Argument",
        format!("Set `{first}` or `{second}` to say what to look up."),
        AttributePath::root(),
    )
}

/// An argument that is set but empty.
pub fn empty_argument(name: &str) -> Diagnostic {
    error(
        "Empty Argument",
        format!(
            "`{name}` is empty. Give it a value, or leave it out to match \
             everything."
        ),
        AttributePath::new(name.to_owned()),
    )
}

/// A bulleted list, one item a line.
fn bullets(items: &[String]) -> String {
    items
        .iter()
        .map(|item| format!("  - {item}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The integration's token lacks required permissions.
pub fn missing_permissions(token_name: &str, token_id: &str, missing: &[String]) -> Diagnostic {
    let names: Vec<String> = missing.iter().map(|p| permission_name(p)).collect();
    error(
        "Panther API Token Lacks Required Permissions",
        format!(
            "The token \"{token_name}\" (id {token_id}) does not hold every \
             permission in `required_permissions`. Missing:\n{}\n\nAdd them \
             to the token in the Panther console, or rotate to a token that \
             holds them. {CONSOLE_HINT}",
            bullets(&names)
        ),
        AttributePath::new("api_key"),
    )
}

/// Owners that cannot own the integration, each with its reason.
pub fn owner_problems(lines: &[String]) -> Diagnostic {
    error(
        "Integration Owners Cannot Manage the Token",
        format!(
            "Every owner must be an enabled Panther user whose role holds \
             {}, so that they can create and rotate the token. These owners \
             fail:\n{}\n\nFix their accounts or roles in Panther, or name \
             other owners.",
            permission_name("OrganizationAPITokenModify"),
            bullets(lines)
        ),
        AttributePath::new("owners"),
    )
}

/// A refresh found the token refused or unable to read itself.
pub fn token_drifted(err: &Error) -> Diagnostic {
    error(
        "Integration Token No Longer Works",
        format!(
            "Since the last apply, Panther stopped accepting the integration's \
             token, or stopped letting it read itself: it may have been \
             revoked, expired or lost a permission. The next plan checks the \
             configured `api_key` again: rotate the token and put the new key \
             in the configuration to recover.\n\nUnderlying error: {err:#}."
        ),
        AttributePath::new("api_key"),
    )
}

/// A refresh could not read the token for another reason than the token
/// itself: the address, the network or Panther failed.
pub fn refresh_failed(err: &Error) -> Diagnostic {
    error(
        "Integration Not Refreshed",
        format!(
            "The provider could not read the integration's token from the \
             `api_url` in state, so the state keeps what the last apply \
             recorded. The plan checks the configured values next and fails \
             if the problem is still there; if the integration moved to \
             another Panther, that plan replaces it.\n\nUnderlying error: \
             {err:#}."
        ),
        AttributePath::new("api_url"),
    )
}

/// A refresh found the token missing permissions it held at apply.
pub fn permissions_drifted(missing: &[String]) -> Diagnostic {
    let names: Vec<String> = missing.iter().map(|p| permission_name(p)).collect();
    error(
        "Integration Token Lost Permissions",
        format!(
            "Since the last apply, the integration's token lost:\n{}\n\nThe \
             next plan fails until the token holds them again.",
            bullets(&names)
        ),
        AttributePath::new("api_key"),
    )
}

/// A refresh found owners that can no longer own the integration.
pub fn owners_drifted(lines: &[String]) -> Diagnostic {
    error(
        "Integration Owners Changed in Panther",
        format!(
            "Since the last apply, these owners stopped qualifying:\n{}\n\n\
             The next plan fails until they qualify again or `owners` names \
             others.",
            bullets(lines)
        ),
        AttributePath::new("owners"),
    )
}

/// How to destroy an integration whose checks fail, which a plain
/// `terraform destroy` cannot: it plans the configuration first and stops
/// on the same errors.
pub fn destroy_despite_failed_checks() -> Diagnostic {
    error(
        "Destroying the Integration Needs -refresh=false",
        "`terraform destroy` plans the configuration once before it \
         destroys, so the errors of this plan stop a destroy too. To \
         destroy the integration all the same, run terraform destroy \
         -refresh=false: it forgets the integration without checking it and \
         leaves the token in Panther as it is."
            .to_owned(),
        AttributePath::root(),
    )
}

/// An imported id that is not the configured key's token.
pub fn imported_token_mismatch(imported: &str, actual: &str) -> Diagnostic {
    error(
        "Imported Token Does Not Match the Key",
        format!(
            "The integration was imported as token \"{imported}\", but the \
             configured `api_key` belongs to token \"{actual}\". Import the \
             id of the token whose key the configuration holds (Panther shows \
             token ids under Settings > API Tokens)."
        ),
        AttributePath::new("api_key"),
    )
}

/// An import with an empty id.
pub fn import_id_empty() -> Diagnostic {
    error(
        "Missing Token Id",
        "Import a panther_integration by the id of its Panther API token, \
         for example: terraform import panther_integration.this <token-id>."
            .to_owned(),
        AttributePath::root(),
    )
}

/// A value still unknown when apply runs, which Terraform should prevent.
pub fn unknown_at_apply() -> Diagnostic {
    error(
        "Integration Values Unknown at Apply",
        "`api_url`, `api_key`, `owners` or `required_permissions` is still \
         unknown at apply, so the integration cannot be checked. This is \
         unexpected; please report it with the configuration."
            .to_owned(),
        AttributePath::root(),
    )
}

/// A permission id that Panther does not define.
pub fn unknown_permission(id: &str) -> Diagnostic {
    error(
        "Unknown Panther Permission",
        format!(
            "\"{id}\" is not a Panther permission id. Use ids such as \
             `UserRead`, `GeneralSettingsRead` or `OrganizationAPITokenRead` \
             (the provider's documentation lists them all)."
        ),
        AttributePath::new("required_permissions"),
    )
}

/// A `panther_roles` filter on a permission id the provider does not
/// know, which may be a typo or an id newer than the provider.
pub fn unknown_permission_filter(id: &str) -> Diagnostic {
    error(
        "Unknown Panther Permission",
        format!(
            "\"{id}\" is not a Panther permission id this provider knows, so \
             `permission` may match no role. Check its spelling: ids look \
             like `UserRead` or `OrganizationAPITokenModify` (the provider's \
             documentation lists them all). If Panther added it recently, \
             this warning can be ignored."
        ),
        AttributePath::new("permission"),
    )
}

/// An empty owner set.
pub fn no_owners() -> Diagnostic {
    error(
        "No Integration Owners",
        "`owners` must name at least one Panther user by email: someone must \
         be able to rotate the integration's token."
            .to_owned(),
        AttributePath::new("owners"),
    )
}

/// An owner that is not an email address.
pub fn invalid_owner(value: &str) -> Diagnostic {
    error(
        "Invalid Owner Email",
        format!(
            "\"{value}\" in `owners` is not an email address. Name owners by \
             the email address of their Panther user."
        ),
        AttributePath::new("owners"),
    )
}

/// The same owner twice, in different letter case.
pub fn duplicate_owner(value: &str) -> Diagnostic {
    error(
        "Duplicate Owner",
        format!(
            "\"{value}\" appears more than once in `owners` (letter case \
             aside). List each owner once."
        ),
        AttributePath::new("owners"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::Operation;

    #[test]
    fn missing_credentials_names_attributes_and_variables() {
        let diag = missing_credentials(true, true);

        assert_eq!(diag.summary, "Panther Credentials Missing");
        for name in [
            "`api_url`",
            "`api_key`",
            "PANTHER_API_URL",
            "PANTHER_API_KEY",
            "PANTHER_API_TOKEN",
        ] {
            assert!(diag.detail.contains(name), "{name} missing");
        }
    }

    #[test]
    fn rejected_key_names_its_source() {
        let err = Error::Unauthorized {
            operation: Operation::ListUsers,
        };
        let source = Source::Environment(ENV_API_TOKEN).to_string();
        let diag = client_error(&err, &source, AttributePath::root());

        assert_eq!(diag.summary, "Panther API Key Rejected");
        assert!(diag.detail.starts_with(
            "Panther did not accept the API key from the \
                          PANTHER_API_TOKEN environment variable"
        ));
    }

    #[test]
    fn forbidden_names_the_permission_by_label_and_id() {
        let err = Error::Forbidden {
            operation: Operation::ListUsers,
        };
        let diag = client_error(&err, "the key", AttributePath::root());

        assert_eq!(diag.summary, "Panther API Token Lacks a Permission");
        assert!(diag.detail.contains("Read User Info (UserRead)"));
    }

    #[test]
    fn server_failures_are_told_apart_by_status() {
        let summary = |status| {
            let err = Error::Server {
                operation: Operation::ListRoles,
                status,
            };
            client_error(&err, "the key", AttributePath::root()).summary
        };

        assert_eq!(summary(429), "Panther API Rate Limit Reached");
        assert_eq!(summary(503), "Panther API Unavailable");
        assert_eq!(summary(500), "Panther API Failed");
        assert_eq!(summary(418), "Unexpected Panther API Response");
    }

    #[test]
    fn permission_name_keeps_unknown_ids() {
        assert_eq!(
            permission_name("OrganizationAPITokenRead"),
            "Read API Token Info (OrganizationAPITokenRead)"
        );
        assert_eq!(permission_name("FutureThing"), "FutureThing");
    }
}
