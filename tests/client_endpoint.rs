//! How the client reads the API URL a user pastes: both console forms,
//! self-hosted prefixes, trailing slashes, loopback http, and the inputs it
//! must refuse with a sentence that says what is accepted.

use terraform_provider_panther::client::{Endpoint, EndpointError, UrlForm};

/// Input, expected REST base, expected GraphQL URL, expected form.
const ACCEPTED: &[(&str, &str, &str, UrlForm)] = &[
    (
        "https://api.acme.runpanther.net/public/graphql",
        "https://api.acme.runpanther.net/",
        "https://api.acme.runpanther.net/public/graphql",
        UrlForm::GraphQl,
    ),
    (
        "https://api.acme.runpanther.net",
        "https://api.acme.runpanther.net/",
        "https://api.acme.runpanther.net/public/graphql",
        UrlForm::RestBase,
    ),
    (
        "https://api.acme.runpanther.net/public/graphql/",
        "https://api.acme.runpanther.net/",
        "https://api.acme.runpanther.net/public/graphql",
        UrlForm::GraphQl,
    ),
    (
        "  https://api.acme.runpanther.net///  ",
        "https://api.acme.runpanther.net/",
        "https://api.acme.runpanther.net/public/graphql",
        UrlForm::RestBase,
    ),
    (
        "https://panther.example.com/v1/public/graphql",
        "https://panther.example.com/v1",
        "https://panther.example.com/v1/public/graphql",
        UrlForm::GraphQl,
    ),
    (
        "https://panther.example.com/v1/",
        "https://panther.example.com/v1",
        "https://panther.example.com/v1/public/graphql",
        UrlForm::RestBase,
    ),
    (
        "https://gw.example.com:8443/team/panther",
        "https://gw.example.com:8443/team/panther",
        "https://gw.example.com:8443/team/panther/public/graphql",
        UrlForm::RestBase,
    ),
    (
        "HTTPS://API.ACME.RUNPANTHER.NET/public/graphql",
        "https://api.acme.runpanther.net/",
        "https://api.acme.runpanther.net/public/graphql",
        UrlForm::GraphQl,
    ),
    (
        "http://127.0.0.1:8080/v1/public/graphql",
        "http://127.0.0.1:8080/v1",
        "http://127.0.0.1:8080/v1/public/graphql",
        UrlForm::GraphQl,
    ),
    (
        "http://localhost:9000",
        "http://localhost:9000/",
        "http://localhost:9000/public/graphql",
        UrlForm::RestBase,
    ),
    (
        "http://127.10.0.3/",
        "http://127.10.0.3/",
        "http://127.10.0.3/public/graphql",
        UrlForm::RestBase,
    ),
    (
        "http://[::1]:4000",
        "http://[::1]:4000/",
        "http://[::1]:4000/public/graphql",
        UrlForm::RestBase,
    ),
];

#[test]
fn both_console_forms_and_self_hosted_prefixes_are_accepted() {
    for (input, rest, graphql, form) in ACCEPTED {
        let endpoint =
            Endpoint::parse(input).unwrap_or_else(|e| panic!("{input:?} was refused: {e}"));

        assert_eq!(endpoint.rest_base().as_str(), *rest, "{input:?}");
        assert_eq!(endpoint.graphql_url().as_str(), *graphql, "{input:?}");
        assert_eq!(endpoint.form(), *form, "{input:?}");
    }
}

#[test]
fn both_forms_of_one_address_give_equal_endpoints() {
    let from_graphql = Endpoint::parse("https://panther.example.com/v1/public/graphql");
    let from_rest = Endpoint::parse("https://panther.example.com/v1");

    assert_eq!(
        from_graphql.unwrap().rest_base(),
        from_rest.unwrap().rest_base()
    );
}

#[test]
fn loopback_hosts_are_recognised() {
    for (input, loopback) in [
        ("http://localhost:1", true),
        ("http://LOCALHOST:1", true),
        ("http://127.0.0.1", true),
        ("http://127.255.0.9", true),
        ("http://[::1]", true),
        ("https://localhost", true),
        ("https://api.acme.runpanther.net", false),
        ("https://10.0.0.1", false),
        ("https://localhost.example.com", false),
    ] {
        let endpoint = Endpoint::parse(input).unwrap();
        assert_eq!(endpoint.is_loopback(), loopback, "{input}");
    }
}

#[test]
fn request_paths_are_appended_one_encoded_segment_at_a_time() {
    let root = Endpoint::parse("https://api.acme.runpanther.net").unwrap();
    let prefixed = Endpoint::parse("https://h.example.com/v1/").unwrap();

    assert_eq!(
        root.rest_url(&["roles", "Analyst (SAML Default)"]).as_str(),
        "https://api.acme.runpanther.net/roles/Analyst%20(SAML%20Default)"
    );
    assert_eq!(
        prefixed.rest_url(&["users", "a/b?c#d"]).as_str(),
        "https://h.example.com/v1/users/a%2Fb%3Fc%23d"
    );
}

#[test]
fn unusable_addresses_are_refused_with_the_reason() {
    use EndpointError::*;
    let cases: &[(&str, EndpointError)] = &[
        ("", Empty),
        ("   ", Empty),
        ("api.acme.runpanther.net/public/graphql", NotAUrl),
        ("not a url at all", NotAUrl),
        ("https://", NotAUrl),
        ("ftp://api.acme.runpanther.net", unsupported("ftp")),
        ("file:///etc/passwd", unsupported("file")),
        ("mailto:ops@example.com", unsupported("mailto")),
        (
            "http://api.acme.runpanther.net/public/graphql",
            InsecureRemote,
        ),
        ("http://10.1.2.3/v1", InsecureRemote),
        ("https://api.acme.runpanther.net/?tenant=x", QueryOrFragment),
        ("https://api.acme.runpanther.net/#top", QueryOrFragment),
        ("https://user:pw@api.acme.runpanther.net", Credentials),
        ("https://user@api.acme.runpanther.net", Credentials),
    ];
    for (input, expected) in cases {
        assert_eq!(Endpoint::parse(input).as_ref(), Err(expected), "{input:?}");
    }
}

#[test]
fn refusals_read_as_one_lowercase_sentence() {
    use EndpointError::*;
    let insecure = Endpoint::parse("http://api.acme.runpanther.net");
    let credentials = Endpoint::parse("https://me:hunter2@example.com");

    assert_eq!(
        insecure.unwrap_err().to_string(),
        "the address must use https (plain http is only accepted for \
         loopback addresses such as 127.0.0.1)"
    );
    let message = credentials.unwrap_err().to_string();
    assert!(!message.contains("hunter2"));
    for error in [Empty, NotAUrl, NoHost, InsecureRemote, QueryOrFragment] {
        let text = error.to_string();
        assert!(text.starts_with("the address"), "{text}");
        assert!(!text.ends_with('.'), "{text}");
    }
}

fn unsupported(scheme: &str) -> EndpointError {
    EndpointError::UnsupportedScheme {
        scheme: scheme.to_owned(),
    }
}
