//! Faults, caused on purpose: the emulator answers 429 and 5xx (with and
//! without `Retry-After`, with HTML pages), answers late, cuts its answer
//! short, mislabels it or drops the connection; a closed port refuses; a
//! TLS server shows a certificate nobody trusts.
//!
//! Each fault is met through `terraform`: a data source read, and the
//! integration's create and update where a fault can strike between plan
//! and apply. Each gives its own clear diagnostic, or succeeds after a
//! bounded number of retries that the emulator's counters prove. Nothing
//! panics, and a failed apply leaves the state as it was.

mod support;

use std::net::{SocketAddr, TcpListener};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use rcgen::{CertificateParams, KeyPair};
use serde_json::{json, Value};
use support::{Emulator, Run, Workspace};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_rustls::rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::TlsAcceptor;

/// Retries the provider block allows in these tests, so that a persistent
/// retryable fault costs `MAX_RETRIES + 1` requests.
const MAX_RETRIES: u64 = 2;

/// An owner who qualifies (Admin).
const ALICE: &str = "alice.nakamura@example.com";
/// Another owner who qualifies (Token Managers).
const ESRA: &str = "esra.yilmaz@example.com";

/// Texts that would mean the provider crashed or leaked what it was sent.
const NEVER_SHOWN: [&str; 7] = [
    "panic",
    "Internal error",
    "The plugin encountered an error",
    "plugin crashed",
    "<html",
    "fault injected by the emulator",
    "Bad Gateway</title>",
];

/// Asserts that a run shows none of [`NEVER_SHOWN`].
fn assert_no_crash(run: &Run, case: &str) {
    let all = run.all();
    for text in NEVER_SHOWN {
        assert!(!all.contains(text), "{case}: output shows {text:?}:\n{all}");
    }
}

/// A provider block with short timeouts and few retries, and one
/// `panther_roles` data source.
fn roles_config(url: &str, extra: &str) -> String {
    format!(
        r#"provider "panther" {{
  api_url                 = "{url}"
  request_timeout_seconds = 1
  max_retries             = {MAX_RETRIES}
  {extra}
}}
data "panther_roles" "all" {{}}
output "roles" {{ value = data.panther_roles.all.roles[*].name }}
"#
    )
}

/// A fault the emulator applies to `GET /roles`.
fn on_roles(spec: Value) -> Value {
    let mut spec = spec;
    spec["route"] = json!("/roles");
    spec
}

/// One fault on the data source path and what the user must see.
struct ReadCase {
    name: &'static str,
    fault: Value,
    /// The summary of the error, or `None` when the read must succeed.
    summary: Option<&'static str>,
    /// Words of the detail.
    says: &'static str,
    /// How many times `GET /roles` must have been asked.
    requests: u64,
}

fn read_cases() -> Vec<ReadCase> {
    let attempts = MAX_RETRIES + 1;
    let html = |status: u16| json!({"kind": "html", "status": status});
    let unavailable = Some("Panther API Unavailable");
    vec![
        ReadCase {
            name: "503 twice, then an answer",
            fault: json!({"kind": "status", "status": 503, "count": 2}),
            summary: None,
            says: "",
            requests: 3,
        },
        ReadCase {
            name: "503 for good",
            fault: json!({"kind": "status", "status": 503}),
            summary: unavailable,
            says: "kept answering HTTP 503",
            requests: attempts,
        },
        ReadCase {
            name: "429 without Retry-After",
            fault: json!({"kind": "status", "status": 429}),
            summary: Some("Panther API Rate Limit Reached"),
            says: "Wait a few minutes and try again",
            requests: attempts,
        },
        ReadCase {
            name: "429 once, with Retry-After: 1",
            fault: json!({"kind": "status", "status": 429, "retryAfter": 1, "count": 1}),
            summary: None,
            says: "",
            requests: 2,
        },
        ReadCase {
            name: "429 with a Retry-After past the retry budget",
            fault: json!({"kind": "status", "status": 429, "retryAfter": 3600}),
            summary: Some("Panther API Rate Limit Reached"),
            says: "HTTP 429",
            requests: 1,
        },
        ReadCase {
            name: "500 HTML page",
            fault: html(500),
            summary: Some("Panther API Failed"),
            says: "failed with HTTP 500 (server error)",
            requests: 1,
        },
        ReadCase {
            name: "502 HTML page",
            fault: html(502),
            summary: unavailable,
            says: "kept answering HTTP 502",
            requests: attempts,
        },
        ReadCase {
            name: "503 HTML page",
            fault: html(503),
            summary: unavailable,
            says: "kept answering HTTP 503",
            requests: attempts,
        },
        ReadCase {
            name: "504 HTML page",
            fault: html(504),
            summary: unavailable,
            says: "kept answering HTTP 504",
            requests: attempts,
        },
        ReadCase {
            name: "an answer slower than the timeout",
            fault: json!({"kind": "delay", "delayMs": 2500}),
            summary: Some("Panther API Timed Out"),
            says: "raise `request_timeout_seconds`",
            requests: 1,
        },
        ReadCase {
            name: "a JSON body cut in half",
            fault: json!({"kind": "truncate"}),
            summary: Some("Unexpected Panther API Response"),
            says: "it may have been cut off",
            requests: 1,
        },
        ReadCase {
            name: "JSON labelled as HTML",
            fault: json!({"kind": "content-type", "contentType": "text/html"}),
            summary: Some("Not a Panther API Address"),
            says: "it answered with an HTML page",
            requests: 1,
        },
        ReadCase {
            name: "JSON labelled as plain text",
            fault: json!({"kind": "content-type", "contentType": "text/plain"}),
            summary: Some("Not a Panther API Address"),
            says: "something other than JSON",
            requests: 1,
        },
        ReadCase {
            name: "a dropped connection",
            fault: json!({"kind": "drop"}),
            summary: Some("Cannot Reach the Panther API"),
            says: "the server closed the connection without answering",
            requests: attempts,
        },
    ]
}

#[test]
fn each_fault_on_a_data_source_read_is_retried_within_bounds_or_explained() {
    let emulator = Emulator::start();
    let workspace = Workspace::new(&roles_config(emulator.url(), ""))
        .env("PANTHER_API_KEY", &emulator.token("integration"));

    let mut failures = Vec::new();
    for case in read_cases() {
        emulator.control("POST", "/reset", Value::Null);
        emulator.control("POST", "/faults", on_roles(case.fault.clone()));

        let run = workspace.run(&["plan", "-input=false"]);

        assert_no_crash(&run, case.name);
        let text = run.text();
        let requests = emulator.count("GET /roles");
        match case.summary {
            None if run.code != 0 => failures.push(format!("{}: failed: {text}", case.name)),
            Some(summary) if !text.contains(summary) || !text.contains(case.says) => {
                failures.push(format!("{}: wanted {summary:?}: {text}", case.name))
            }
            _ => {}
        }
        if requests != case.requests {
            failures.push(format!(
                "{}: {requests} requests, wanted {}",
                case.name, case.requests
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn a_closed_port_is_named_as_a_refused_connection() {
    // Bind a port, then free it: nothing listens there any more.
    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let workspace = Workspace::new(&roles_config(&format!("http://{closed}"), ""))
        .env("PANTHER_API_KEY", "pk-nobody-listens");

    let run = workspace.run(&["plan", "-input=false"]);

    assert_eq!(run.code, 1, "{}", run.all());
    assert_no_crash(&run, "closed port");
    let text = run.text();
    assert!(text.contains("Cannot Reach the Panther API"), "{text}");
    assert!(text.contains("the connection was refused"), "{text}");
}

/// A TLS server on 127.0.0.1 with a self-signed certificate that answers
/// every request with the fixture's roles, counting its connections.
struct UntrustedServer {
    runtime: tokio::runtime::Runtime,
    address: SocketAddr,
    certificate_pem: String,
    connections: Arc<AtomicUsize>,
}

impl UntrustedServer {
    fn start(roles: Value) -> UntrustedServer {
        let key = KeyPair::generate().unwrap();
        let certificate = CertificateParams::new(vec!["127.0.0.1".to_owned()])
            .unwrap()
            .self_signed(&key)
            .unwrap();
        let private = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
        let config = ServerConfig::builder()
            .with_no_client_auth()
            .with_single_cert(vec![certificate.der().clone()], private)
            .unwrap();

        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let address = listener.local_addr().unwrap();
        let connections = Arc::new(AtomicUsize::new(0));
        let counter = connections.clone();
        let acceptor = TlsAcceptor::from(Arc::new(config));
        let body = json!({ "results": roles }).to_string();
        runtime.spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                counter.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(answer(acceptor.clone(), tcp, body.clone()));
            }
        });
        UntrustedServer {
            runtime,
            address,
            certificate_pem: certificate.pem(),
            connections,
        }
    }

    fn url(&self) -> String {
        format!("https://{}", self.address)
    }

    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

impl Drop for UntrustedServer {
    fn drop(&mut self) {
        // Keep the runtime from blocking on tasks that wait for a client.
        let runtime = std::mem::replace(
            &mut self.runtime,
            tokio::runtime::Builder::new_current_thread()
                .build()
                .unwrap(),
        );
        runtime.shutdown_background();
    }
}

/// Answers one request on a connection, if the client completes the TLS
/// handshake, and closes it.
async fn answer(acceptor: TlsAcceptor, tcp: tokio::net::TcpStream, body: String) {
    let Ok(mut tls) = acceptor.accept(tcp).await else {
        return; // the client refused the certificate
    };
    let mut request = vec![0; 16 * 1024];
    let _ = tls.read(&mut request).await;
    let answer = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
         content-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = tls.write_all(answer.as_bytes()).await;
    let _ = tls.shutdown().await;
}

#[test]
fn an_untrusted_certificate_is_named_and_not_retried_until_its_ca_is_given() {
    let server = UntrustedServer::start(support::fixture()["roles"].clone());
    let workspace =
        Workspace::new(&roles_config(&server.url(), "")).env("PANTHER_API_KEY", "pk-tls-test-key");

    let run = workspace.run(&["plan", "-input=false"]);

    assert_eq!(run.code, 1, "{}", run.all());
    assert_no_crash(&run, "untrusted certificate");
    let text = run.text();
    assert!(text.contains("Cannot Reach the Panther API"), "{text}");
    assert!(text.contains("certificate is not trusted"), "{text}");
    assert!(text.contains("`ca_certificate_pem`"), "{text}");
    assert_eq!(server.connections(), 1, "a TLS failure is not retried");

    // The same server, trusted through the provider's custom CA.
    let pem = server.certificate_pem.replace('\n', "\\n");
    let extra = format!("ca_certificate_pem = \"{pem}\"");
    workspace.write(&roles_config(&server.url(), &extra));
    let run = workspace.run(&["apply", "-auto-approve", "-input=false"]);
    assert_eq!(run.code, 0, "{}", run.all());
    assert_eq!(
        workspace.outputs()["roles"],
        json!(["Admin", "Analyst", "AnalystReadOnly", "Token Managers"])
    );
}

/// An integration owned by `owners`, keyed through a sensitive variable.
fn integration_config(url: &str, owners: &[&str]) -> String {
    let owners: Vec<String> = owners.iter().map(|o| format!("\"{o}\"")).collect();
    format!(
        r#"variable "key" {{
  type      = string
  sensitive = true
}}
provider "panther" {{
  request_timeout_seconds = 1
  max_retries             = {MAX_RETRIES}
}}
resource "panther_integration" "this" {{
  api_url = "{url}"
  api_key = var.key
  owners  = [{owners}]
}}
"#,
        owners = owners.join(", ")
    )
}

/// The addresses of the resources in the state.
fn state_list(workspace: &Workspace) -> Vec<String> {
    let show = workspace.show();
    let resources = show["values"]["root_module"]["resources"].as_array();
    resources
        .into_iter()
        .flatten()
        .map(|r| r["address"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// The owners recorded in the state.
fn owners_in_state(workspace: &Workspace) -> Value {
    let show = workspace.show();
    show["values"]["root_module"]["resources"][0]["values"]["owners"].clone()
}

/// Faults that strike the token check between a good plan and its apply.
fn apply_faults() -> Vec<(&'static str, Value, &'static str)> {
    vec![
        (
            "503 for good",
            json!({"kind": "status", "status": 503}),
            "Panther API Unavailable",
        ),
        (
            "500 HTML page",
            json!({"kind": "html", "status": 500}),
            "Panther API Failed",
        ),
        (
            "a slow answer",
            json!({"kind": "delay", "delayMs": 2500}),
            "Panther API Timed Out",
        ),
        (
            "a cut-off body",
            json!({"kind": "truncate"}),
            "Unexpected Panther API Response",
        ),
        (
            "a dropped connection",
            json!({"kind": "drop"}),
            "Cannot Reach the Panther API",
        ),
    ]
}

#[test]
fn a_create_that_fails_at_apply_leaves_no_state() {
    let emulator = Emulator::start();
    let workspace = Workspace::new(&integration_config(emulator.url(), &[ALICE]))
        .env("TF_VAR_key", &emulator.token("integration"));

    for (name, fault, summary) in apply_faults() {
        emulator.control("POST", "/reset", Value::Null);
        workspace
            .run(&["plan", "-input=false", "-out=create.tfplan"])
            .ok();
        let mut fault = fault;
        fault["route"] = json!("/api-tokens");
        emulator.control("POST", "/faults", fault);

        let run = workspace.run(&["apply", "-input=false", "create.tfplan"]);

        assert_eq!(run.code, 1, "{name}: {}", run.all());
        assert_no_crash(&run, name);
        assert!(run.text().contains(summary), "{name}: {}", run.text());
        assert!(state_list(&workspace).is_empty(), "{name}: partial state");
    }
}

#[test]
fn an_update_that_fails_at_apply_keeps_the_prior_state() {
    let emulator = Emulator::start();
    let workspace = Workspace::new(&integration_config(emulator.url(), &[ALICE]))
        .env("TF_VAR_key", &emulator.token("integration"));
    workspace.apply();
    workspace.write(&integration_config(emulator.url(), &[ALICE, ESRA]));

    for (name, fault, summary) in apply_faults() {
        emulator.control("POST", "/reset", Value::Null);
        workspace
            .run(&["plan", "-input=false", "-out=update.tfplan"])
            .ok();
        // The owners are checked by looking each one up.
        let mut fault = fault;
        fault["route"] = json!("/users");
        emulator.control("POST", "/faults", fault);

        let run = workspace.run(&["apply", "-input=false", "update.tfplan"]);

        assert_eq!(run.code, 1, "{name}: {}", run.all());
        assert_no_crash(&run, name);
        assert!(run.text().contains(summary), "{name}: {}", run.text());
        assert_eq!(owners_in_state(&workspace), json!([ALICE]), "{name}");
    }
}

#[test]
fn a_fault_during_plan_points_at_the_integration_and_creates_nothing() {
    let emulator = Emulator::start();
    let workspace = Workspace::new(&integration_config(emulator.url(), &[ALICE]))
        .env("TF_VAR_key", &emulator.token("integration"));
    emulator.control(
        "POST",
        "/faults",
        json!({"kind": "html", "status": 502, "route": "/api-tokens"}),
    );

    let run = workspace.run(&["apply", "-auto-approve", "-input=false"]);

    assert_eq!(run.code, 1, "{}", run.all());
    assert_no_crash(&run, "fault during plan");
    let text = run.text();
    assert!(text.contains("Panther API Unavailable"), "{text}");
    assert!(text.contains("with panther_integration.this"), "{text}");
    assert_eq!(
        emulator.count("GET /api-tokens/{id}"),
        MAX_RETRIES + 1,
        "{}",
        emulator.counters()
    );
    assert!(state_list(&workspace).is_empty());
}

#[test]
fn a_destroy_stopped_by_a_revoked_token_says_how_to_go_on() {
    let emulator = Emulator::start();
    let workspace = Workspace::new(&integration_config(emulator.url(), &[ALICE]))
        .env("TF_VAR_key", &emulator.token("integration"));
    workspace.apply();
    emulator.control("POST", "/tokens/integration/revoke", Value::Null);

    // `terraform destroy` plans the configuration first, and the checks
    // fail with the revoked key.
    let run = workspace.run(&["destroy", "-auto-approve", "-input=false"]);
    assert_eq!(run.code, 1, "{}", run.all());
    assert_no_crash(&run, "destroy with a revoked token");
    let text = run.text();
    assert!(text.contains("Panther API Key Rejected"), "{text}");
    assert!(
        text.contains("Destroying the Integration Needs -refresh=false"),
        "{text}"
    );
    assert_eq!(state_list(&workspace), ["panther_integration.this"]);

    // The way out the warning gives.
    let run = workspace.run(&["destroy", "-auto-approve", "-input=false", "-refresh=false"]);
    assert_eq!(run.code, 0, "{}", run.all());
    assert!(state_list(&workspace).is_empty());
}
