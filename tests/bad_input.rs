//! Bad input, typed on purpose: every argument of the provider, the
//! resource and the data sources, with the invalid values a user can type.
//!
//! Each value must be caught by `terraform validate` (or by plan, when it
//! only becomes known then), pointing at the attribute that holds it, with
//! a summary naming the problem and a detail that says what to do. The
//! cases share a few Terraform runs: one configuration holds every block,
//! and each case is found among the diagnostics of the run by the source
//! line Terraform quotes for it.

mod support;

use support::{Diagnostic, Emulator, Workspace};

/// One invalid value and what Terraform must say about it.
struct Case {
    /// The block holding the value, in HCL; each case has its own.
    block: String,
    /// The source line the diagnostic must quote: the attribute's line, or
    /// the block's first line when no single attribute is to blame.
    quoted: String,
    /// The diagnostic's summary.
    summary: &'static str,
    /// Words of the detail that tell the user what to do.
    advice: &'static str,
}

/// A resource that is valid but for `line`, named after the case.
fn integration(name: &str, line: &str) -> (String, String) {
    let mut lines = vec![
        "api_url = \"https://api.acme.runpanther.net\"".to_owned(),
        "api_key = \"valid-looking-key\"".to_owned(),
        "owners  = [\"ada@acme.example\"]".to_owned(),
    ];
    let attribute = line.split('=').next().unwrap().trim();
    lines.retain(|l| !l.starts_with(attribute));
    lines.push(line.to_owned());
    let body: Vec<String> = lines.iter().map(|l| format!("  {l}")).collect();
    let block = format!(
        "resource \"panther_integration\" \"{name}\" {{\n{}\n}}",
        body.join("\n")
    );
    (block, format!("  {line}"))
}

/// A provider configuration under its own alias, valid but for `line`,
/// and a data source that uses it: Terraform only validates a provider
/// configuration that something uses.
fn provider(alias: &str, line: &str) -> (String, String) {
    let block = format!(
        "provider \"panther\" {{\n  alias = \"{alias}\"\n  {line}\n}}\n\
         data \"panther_roles\" \"{alias}\" {{\n  provider = panther.{alias}\n}}"
    );
    (block, format!("  {line}"))
}

/// A data source whose body is `body`; the quoted line is `quoted`, or the
/// block's first line when `quoted` is empty.
fn data(kind: &str, name: &str, body: &[&str], quoted: &str) -> (String, String) {
    let head = format!("data \"{kind}\" \"{name}\" {{");
    let lines: Vec<String> = body.iter().map(|l| format!("  {l}")).collect();
    let block = format!("{head}\n{}\n}}", lines.join("\n"));
    let quoted = if quoted.is_empty() {
        head
    } else {
        format!("  {quoted}")
    };
    (block, quoted)
}

fn case((block, quoted): (String, String), summary: &'static str, advice: &'static str) -> Case {
    Case {
        block,
        quoted,
        summary,
        advice,
    }
}

/// What an unusable URL must say, wherever it is typed.
const URL: (&str, &str) = (
    "Invalid Panther API URL",
    "Paste either URL the Panther console shows",
);
const BLANK_KEY: (&str, &str) = (
    "Empty Panther API Key",
    "Set it to the value of a Panther API token",
);
const KEY_CONTROL: (&str, &str) = (
    "Invalid Characters in Panther API Key",
    "wrap it in trimspace()",
);
const RANGE: (&str, &str) = ("Setting Out of Range", "Set it within that range");
const CA: (&str, &str) = (
    "Invalid Certificate Authority",
    "Give the PEM text of the certificate authority",
);
const EMPTY: (&str, &str) = ("Empty Argument", "Give it a value, or leave it out");

/// The invalid URLs a user can paste, each with a distinct spelling.
fn bad_urls(tag: &str) -> Vec<String> {
    vec![
        format!("not a url {tag}"),
        format!("http://panther-{tag}.example.com"),
        format!("ftp://panther-{tag}.example.com"),
        format!("https://user:secret@panther-{tag}.example.com"),
        format!("https://panther-{tag}.example.com/public/graphql?tenant=1"),
        format!("https://panther-{tag}.example.com/#settings"),
        String::new(),
    ]
}

/// A PEM block whose content is not a certificate.
const DAMAGED_PEM: &str = concat!(
    "ca_certificate_pem = \"-----BEGIN CERTIFICATE-----\\n",
    "Z2FyYmFnZQ==\\n-----END CERTIFICATE-----\\n\""
);

fn provider_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for (i, url) in bad_urls("p").iter().enumerate() {
        let line = format!("api_url = \"{url}\"");
        cases.push(case(provider(&format!("url{i}"), &line), URL.0, URL.1));
    }
    for (alias, line, (summary, advice)) in [
        ("key_empty", "api_key = \"\"", BLANK_KEY),
        ("key_blank", "api_key = \"   \"", BLANK_KEY),
        (
            "key_newline",
            "api_key = \"pk-from-a-file\\n\"",
            KEY_CONTROL,
        ),
        ("timeout_zero", "request_timeout_seconds = 0", RANGE),
        ("timeout_high", "request_timeout_seconds = 601", RANGE),
        ("timeout_negative", "request_timeout_seconds = -5", RANGE),
        ("timeout_fraction", "request_timeout_seconds = 1.5", RANGE),
        ("retries_negative", "max_retries = -1", RANGE),
        ("retries_high", "max_retries = 11", RANGE),
        ("retries_fraction", "max_retries = 2.5", RANGE),
        ("ca_text", "ca_certificate_pem = \"not a certificate\"", CA),
        ("ca_empty", "ca_certificate_pem = \"\"", CA),
        ("ca_damaged", DAMAGED_PEM, CA),
    ] {
        cases.push(case(provider(alias, line), summary, advice));
    }
    cases
}

fn integration_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for (i, url) in bad_urls("r").iter().enumerate() {
        let line = format!("api_url = \"{url}\"");
        cases.push(case(integration(&format!("url{i}"), &line), URL.0, URL.1));
    }
    let owners = (
        "Invalid Owner Email",
        "Name owners by the email address of their Panther user",
    );
    for (name, line, (summary, advice)) in [
        ("key_empty", "api_key = \"\"", BLANK_KEY),
        ("key_blank", "api_key = \" \\t \"", BLANK_KEY),
        ("key_newline", "api_key = \"pk-line\\r\\n\"", KEY_CONTROL),
        (
            "owners_empty",
            "owners = []",
            (
                "No Integration Owners",
                "must name at least one Panther user",
            ),
        ),
        ("owner_name", "owners = [\"Ada Lovelace\"]", owners),
        ("owner_no_domain", "owners = [\"ada@acme\"]", owners),
        ("owner_two_ats", "owners = [\"ada@x@acme.example\"]", owners),
        ("owner_blank", "owners = [\"\"]", owners),
        (
            "owner_twice",
            "owners = [\"ada@acme.example\", \"Ada@Acme.example\"]",
            ("Duplicate Owner", "List each owner once"),
        ),
        (
            "permission_typo",
            "required_permissions = [\"UserReed\"]",
            ("Unknown Panther Permission", "Use ids such as `UserRead`"),
        ),
    ] {
        cases.push(case(integration(name, line), summary, advice));
    }
    cases
}

fn data_source_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for attribute in ["email", "contains", "role_id", "role_name", "status"] {
        let line = format!("{attribute} = \"\"");
        let name = format!("users_{attribute}");
        cases.push(case(
            data("panther_users", &name, &[&line], &line),
            EMPTY.0,
            EMPTY.1,
        ));
    }
    for attribute in ["name", "name_contains", "permission"] {
        let line = format!("{attribute} = \"  \"");
        let name = format!("roles_{attribute}");
        cases.push(case(
            data("panther_roles", &name, &[&line], &line),
            EMPTY.0,
            EMPTY.1,
        ));
    }
    let conflict = ("Conflicting Lookup Arguments", "Set exactly one of");
    let missing = ("Missing Lookup Argument", "to say what to look up");
    for (kind, first, second) in [
        ("panther_user", "id", "email"),
        ("panther_role", "id", "name"),
    ] {
        let one = format!("{first} = \"x1\"");
        let other = format!("{second} = \"x2\"");
        cases.push(case(
            data(kind, &format!("{kind}_both"), &[&one, &other], &other),
            conflict.0,
            conflict.1,
        ));
        cases.push(case(
            data(kind, &format!("{kind}_neither"), &[], ""),
            missing.0,
            missing.1,
        ));
        for attribute in [first, second] {
            let line = format!("{attribute} = \"\"");
            let name = format!("{kind}_{attribute}_empty");
            cases.push(case(data(kind, &name, &[&line], &line), EMPTY.0, EMPTY.1));
        }
    }
    // Terraform's own type check, which must still point at the attribute.
    cases.push(case(
        data(
            "panther_users",
            "enabled_word",
            &["enabled = \"maybe\""],
            "enabled = \"maybe\"",
        ),
        "Incorrect attribute value type",
        "a bool is required",
    ));
    cases
}

/// Asserts that every case has its diagnostic, and that no error is left
/// unexplained: no internal error, no raw decoder message, no backtrace.
fn assert_cases_caught(cases: &[Case], diagnostics: &[Diagnostic]) {
    let errors: Vec<&Diagnostic> = diagnostics.iter().filter(|d| d.is_error()).collect();
    let mut failures = Vec::new();
    for case in cases {
        let found = errors.iter().any(|d| {
            d.summary == case.summary && d.quotes(&case.quoted) && d.detail.contains(case.advice)
        });
        if !found {
            failures.push(format!("{:?}: no \"{}\"", case.quoted, case.summary));
        }
    }
    for error in &errors {
        let expected = cases
            .iter()
            .any(|c| c.summary == error.summary && error.quotes(&c.quoted));
        if !expected {
            failures.push(format!("unexpected error: {error:?}"));
        }
        if error.detail.contains("tf_provider::") || error.detail.contains("untagged enum") {
            failures.push(format!("raw internals shown: {error:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Joins the blocks of every case into one configuration.
fn configuration(cases: &[Case]) -> String {
    let blocks: Vec<&str> = cases.iter().map(|c| c.block.as_str()).collect();
    blocks.join("\n\n")
}

#[test]
fn every_invalid_argument_fails_validate_at_its_attribute() {
    let cases: Vec<Case> = [provider_cases(), integration_cases(), data_source_cases()]
        .into_iter()
        .flatten()
        .collect();
    // A valid default provider for the resource and data sources, and a
    // permission filter with a typo, which only warns: Panther adds ids.
    let typo = "  permission = \"UserModfy\"";
    let config = format!(
        "provider \"panther\" {{}}\n\ndata \"panther_roles\" \"typo\" {{\n{typo}\n}}\n\n{}",
        configuration(&cases)
    );
    // RUST_BACKTRACE is set on many developer machines and CI runners; it
    // must not bury the messages under frames.
    let workspace = Workspace::new(&config).env("RUST_BACKTRACE", "1");

    let run = workspace.run(&["validate", "-json"]);

    assert_eq!(run.code, 1, "{}", run.all());
    let diagnostics = support::diagnostics(&run.stdout);
    assert_cases_caught(&cases, &diagnostics);
    let warned = diagnostics.iter().any(|d| {
        !d.is_error()
            && d.summary == "Unknown Panther Permission"
            && d.quotes(typo)
            && d.detail.contains("Check its spelling")
    });
    assert!(
        warned,
        "no warning for the permission typo: {diagnostics:?}"
    );
}

#[test]
fn values_known_only_at_plan_are_caught_by_plan_at_their_attribute() {
    let emulator = Emulator::start();
    let key = emulator.token("integration");
    // Variables are unknown to `terraform validate`; plan sees their values.
    let config = format!(
        r#"variable "url" {{ type = string }}
variable "key" {{
  type      = string
  sensitive = true
}}
variable "owner" {{ type = string }}
provider "panther" {{
  alias   = "from_variables"
  api_url = var.url
  api_key = var.key
}}
data "panther_roles" "all" {{
  provider = panther.from_variables
}}
resource "panther_integration" "this" {{
  api_url = "{url}"
  api_key = "{key}"
  owners  = [var.owner]
}}
"#,
        url = emulator.url()
    );
    let workspace = Workspace::new(&config)
        .env("TF_VAR_url", "ftp://panther.example.com")
        .env("TF_VAR_key", "pk-read-from-a-file\n")
        .env("TF_VAR_owner", "not-an-email");

    let run = workspace.run(&["plan", "-json", "-input=false"]);

    assert_eq!(run.code, 1, "{}", run.all());
    let cases = [
        Case {
            block: String::new(),
            quoted: "  api_url = var.url".to_owned(),
            summary: URL.0,
            advice: "the scheme ftp:// is not supported",
        },
        Case {
            block: String::new(),
            quoted: "  api_key = var.key".to_owned(),
            summary: KEY_CONTROL.0,
            advice: KEY_CONTROL.1,
        },
        Case {
            block: String::new(),
            quoted: "  owners  = [var.owner]".to_owned(),
            summary: "Invalid Owner Email",
            advice: "Name owners by the email address",
        },
    ];
    assert_cases_caught(&cases, &support::diagnostics(&run.stdout));
}

#[test]
fn an_unusable_environment_variable_is_named_by_plan() {
    let emulator = Emulator::start();
    let workspace = Workspace::new("provider \"panther\" {}\ndata \"panther_roles\" \"all\" {}\n")
        .env("PANTHER_API_URL", "http://panther.example.com")
        .env("PANTHER_API_KEY", &emulator.token("integration"));

    let run = workspace.run(&["plan", "-json", "-input=false"]);

    assert_eq!(run.code, 1, "{}", run.all());
    let diagnostics = support::diagnostics(&run.stdout);
    let errors: Vec<&Diagnostic> = diagnostics.iter().filter(|d| d.is_error()).collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].summary, URL.0);
    assert!(
        errors[0]
            .detail
            .contains("The Panther API URL in the PANTHER_API_URL environment variable"),
        "{:?}",
        errors[0]
    );
    assert!(
        errors[0].detail.contains("must use https"),
        "{:?}",
        errors[0]
    );
}

#[test]
fn an_unusable_environment_variable_leaves_an_integration_only_configuration_alone() {
    // The provider's credentials serve the data sources only; a stray
    // variable in a runner's environment must not fail the integration.
    let emulator = Emulator::start();
    let key = emulator.token("integration");
    let config = format!(
        "resource \"panther_integration\" \"this\" {{\n\
         \x20 api_url = \"{}\"\n\
         \x20 api_key = \"{key}\"\n\
         \x20 owners  = [\"alice.nakamura@example.com\"]\n\
         }}\n",
        emulator.url()
    );
    let workspace = Workspace::new(&config)
        .env("PANTHER_API_URL", "http://panther.example.com")
        .env("PANTHER_API_KEY", "key-from-a-file\n");

    workspace.apply();
    workspace.assert_no_changes();
}
