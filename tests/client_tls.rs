//! TLS against a local HTTPS server with a certificate made for the test:
//! an untrusted certificate is named as such and not retried, a custom CA
//! makes it trusted, and a CA that is not PEM fails at setup.

mod client_support;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use client_support::*;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
use serde_json::json;
use terraform_provider_panther::client::{ApiKey, ClientOptions, Endpoint, Error, PantherClient};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::TlsAcceptor;

/// A private CA and a server configuration whose certificate it signed.
struct Pki {
    ca_pem: String,
    server: Arc<ServerConfig>,
}

fn pki(server_names: &[&str]) -> Pki {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "Client Test CA");
    let ca = ca_params.self_signed(&ca_key).unwrap();

    let names: Vec<String> = server_names.iter().map(|n| n.to_string()).collect();
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(names)
        .unwrap()
        .signed_by(&leaf_key, &ca, &ca_key)
        .unwrap();

    let key = PrivatePkcs8KeyDer::from(leaf_key.serialize_der());
    let server = ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(vec![leaf.der().clone()], PrivateKeyDer::Pkcs8(key))
        .unwrap();
    Pki {
        ca_pem: ca.pem(),
        server: Arc::new(server),
    }
}

/// Starts an HTTPS server on 127.0.0.1 that answers every request with
/// one API token, and counts the connections it accepts.
async fn https_server(config: Arc<ServerConfig>) -> (SocketAddr, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = accepted.clone();
    let acceptor = TlsAcceptor::from(config);
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(answer_one(acceptor.clone(), tcp));
        }
    });
    (address, accepted)
}

async fn answer_one(acceptor: TlsAcceptor, tcp: tokio::net::TcpStream) {
    let Ok(mut tls) = acceptor.accept(tcp).await else {
        return; // the client refused the certificate
    };
    let mut request = vec![0; 8192];
    let _ = tls.read(&mut request).await;
    let body = json!({"id": "tok-1", "name": "tls", "permissions": []});
    let body = body.to_string();
    let answer = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
         content-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = tls.write_all(answer.as_bytes()).await;
    let _ = tls.shutdown().await;
}

fn tls_client(address: SocketAddr, ca_pem: Option<String>) -> PantherClient {
    let options = ClientOptions {
        ca_certificate_pem: ca_pem,
        ..fast_options()
    };
    client_with(&format!("https://{address}"), &options)
}

fn connection_reason(err: &Error) -> &str {
    match err {
        Error::Connection { reason, .. } => reason,
        other => panic!("expected a connection error, got {other:?}"),
    }
}

#[tokio::test]
async fn an_untrusted_certificate_is_named_and_not_retried() {
    let pki = pki(&["127.0.0.1"]);
    let (address, accepted) = https_server(pki.server).await;

    let err = tls_client(address, None).own_token().await.unwrap_err();

    assert_eq!(
        connection_reason(&err),
        "the server's certificate is not trusted"
    );
    assert!(!err.is_retryable());
    assert_eq!(accepted.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_custom_ca_makes_the_server_trusted() {
    let pki = pki(&["127.0.0.1"]);
    let (address, _) = https_server(pki.server).await;

    let token = tls_client(address, Some(pki.ca_pem))
        .own_token()
        .await
        .unwrap();

    assert_eq!(token.id, "tok-1");
}

#[tokio::test]
async fn a_certificate_for_another_host_name_is_named() {
    let pki = pki(&["panther.internal.example"]);
    let (address, _) = https_server(pki.server).await;

    let err = tls_client(address, Some(pki.ca_pem))
        .own_token()
        .await
        .unwrap_err();

    assert_eq!(
        connection_reason(&err),
        "the server's certificate is not valid for its host name"
    );
}

#[test]
fn a_ca_that_is_not_pem_fails_at_setup_without_echoing_it() {
    let endpoint = Endpoint::parse("https://api.acme.runpanther.net").unwrap();
    for pem in [
        "not a certificate at all",
        "-----BEGIN CERTIFICATE-----\n%%%%\n-----END CERTIFICATE-----\n",
    ] {
        let options = ClientOptions {
            ca_certificate_pem: Some(pem.to_owned()),
            ..ClientOptions::default()
        };

        let err = PantherClient::new(endpoint.clone(), ApiKey::new(KEY), &options).unwrap_err();

        assert!(matches!(err, Error::Setup { .. }), "{err:?}");
        assert!(err
            .to_string()
            .starts_with("setting up the Panther API client: "));
        assert!(!err.to_string().contains("%%%%"), "{err}");
    }
}
