//! Who can call the provider's own gRPC endpoint.
//!
//! Terraform starts the provider with `PLUGIN_CLIENT_CERT` set to the
//! certificate it will present, and the provider answers on a loopback
//! port over TLS. tf-provider 0.2.2 asks for that certificate but does not
//! require it (`client_auth_optional(true)`), so the TLS layer keeps out
//! only clients that present a *wrong* certificate.
//!
//! These tests pin what that means, for DESIGN.md:
//!
//! - any local process that connects without a certificate can call the
//!   provider (here `GetProviderSchema`);
//! - a certificate is checked when one is presented: a stranger's is
//!   refused, the expected one accepted, but only if it is not marked as a
//!   CA, which go-plugin's certificates are;
//! - Terraform itself presents no certificate: its key is on the P-521
//!   curve, which the provider's TLS stack (rustls with ring) cannot
//!   verify, so Go's TLS client sends none. Optional client auth is what
//!   lets Terraform in at all: mutual TLS is never in effect;
//! - such a caller can configure the provider with an address of its own
//!   and have it send the key from `PANTHER_API_KEY` there.

mod support;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use bytes::Bytes;
use rcgen::{BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::rustls::client::danger::{
    HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier,
};
use tokio_rustls::rustls::crypto::CryptoProvider;
use tokio_rustls::rustls::crypto::{ring, verify_tls12_signature, verify_tls13_signature};
use tokio_rustls::rustls::pki_types::{
    CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime,
};
use tokio_rustls::rustls::{ClientConfig, DigitallySignedStruct, SignatureScheme};
use tokio_rustls::TlsConnector;

/// A key the provider reads from its environment, as Terraform users set it.
const ENV_KEY: &str = "pk-env-key-a81f3c5e9d27";

/// How long the provider may take to print its handshake.
const STARTUP: Duration = Duration::from_secs(30);

/// A client certificate and its key, self-signed, for client and server
/// auth, on P-256, which the provider can verify.
struct ClientIdentity {
    pem: String,
    der: CertificateDer<'static>,
    key: PrivatePkcs8KeyDer<'static>,
}

/// `ca` marks it a CA, as go-plugin marks Terraform's.
fn client_identity_shaped(ca: bool) -> ClientIdentity {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
    params
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    if ca {
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    }
    params.extended_key_usages = vec![
        ExtendedKeyUsagePurpose::ClientAuth,
        ExtendedKeyUsagePurpose::ServerAuth,
    ];
    let certificate = params.self_signed(&key).unwrap();
    ClientIdentity {
        pem: certificate.pem(),
        der: certificate.der().clone(),
        key: PrivatePkcs8KeyDer::from(key.serialize_der()),
    }
}

/// A certificate shaped like Terraform's, but for the curve.
fn client_identity() -> ClientIdentity {
    client_identity_shaped(true)
}

/// The provider binary, started as Terraform starts it; killed on drop.
struct Plugin {
    child: Child,
    address: SocketAddr,
    certificate: Vec<u8>,
}

impl Plugin {
    fn start(client_certificate_pem: &str) -> Plugin {
        let mut child = Command::new(env!("CARGO_BIN_EXE_terraform-provider-panther"))
            .env("PLUGIN_CLIENT_CERT", client_certificate_pem)
            .env("PANTHER_API_KEY", ENV_KEY)
            .env_remove("PANTHER_API_URL")
            .env_remove("TF_LOG")
            .env_remove("TF_LOG_PROVIDER")
            .env_remove("PLUGIN_LOG_FILE")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the provider starts");

        // Read the handshake on a thread, so a silent provider fails the
        // test after STARTUP instead of hanging it.
        let stdout = child.stdout.take().unwrap();
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = sender.send(line);
        });
        let line = receiver.recv_timeout(STARTUP).expect("a handshake line");

        // 1|6|tcp|127.0.0.1:PORT|grpc|CERT (base64 DER, no padding)
        let fields: Vec<&str> = line.trim().split('|').collect();
        assert_eq!(fields.len(), 6, "handshake: {line}");
        let certificate = base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(fields[5])
            .expect("the handshake carries the server certificate");
        Plugin {
            child,
            address: fields[3].parse().unwrap(),
            certificate,
        }
    }
}

impl Drop for Plugin {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Trusts exactly the certificate the handshake announced, as Terraform
/// does; webpki would refuse it as a CA certificate used by a server.
#[derive(Debug)]
struct Pinned {
    certificate: Vec<u8>,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for Pinned {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, tokio_rustls::rustls::Error> {
        if end_entity.as_ref() == self.certificate.as_slice() {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(tokio_rustls::rustls::Error::General(
                "not the certificate of the handshake".into(),
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, tokio_rustls::rustls::Error> {
        let algorithms = &self.provider.signature_verification_algorithms;
        verify_tls12_signature(message, cert, dss, algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, tokio_rustls::rustls::Error> {
        let algorithms = &self.provider.signature_verification_algorithms;
        verify_tls13_signature(message, cert, dss, algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// A gRPC client of the plugin over TLS and HTTP/2.
struct GrpcClient {
    sender: h2::client::SendRequest<Bytes>,
}

impl GrpcClient {
    /// Connects, presenting `identity` or no certificate at all.
    async fn connect(
        plugin: &Plugin,
        identity: Option<&ClientIdentity>,
    ) -> Result<GrpcClient, String> {
        let provider = Arc::new(ring::default_provider());
        let builder = ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .unwrap()
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(Pinned {
                certificate: plugin.certificate.clone(),
                provider,
            }));
        let mut config = match identity {
            None => builder.with_no_client_auth(),
            Some(id) => builder
                .with_client_auth_cert(
                    vec![id.der.clone()],
                    PrivateKeyDer::Pkcs8(id.key.clone_key()),
                )
                .unwrap(),
        };
        config.alpn_protocols = vec![b"h2".to_vec()];

        let tcp = TcpStream::connect(plugin.address)
            .await
            .map_err(|e| e.to_string())?;
        let name = ServerName::try_from("localhost").unwrap();
        let tls = TlsConnector::from(Arc::new(config))
            .connect(name, tcp)
            .await
            .map_err(|e| format!("TLS: {e}"))?;
        let (sender, connection) = h2::client::handshake(tls)
            .await
            .map_err(|e| format!("HTTP/2: {e}"))?;
        tokio::spawn(connection);
        Ok(GrpcClient { sender })
    }

    /// Calls `method` of the tfplugin6 Provider service with an encoded
    /// request; the answer's message, or why there is none.
    async fn call(&mut self, method: &str, message: &[u8]) -> Result<Vec<u8>, String> {
        let request = http::Request::builder()
            .method("POST")
            .uri(format!("https://localhost/tfplugin6.Provider/{method}"))
            .header("content-type", "application/grpc")
            .header("te", "trailers")
            .body(())
            .unwrap();
        let mut frame = vec![0];
        frame.extend((message.len() as u32).to_be_bytes());
        frame.extend_from_slice(message);

        let (answer, mut body) = self
            .sender
            .send_request(request, false)
            .map_err(|e| e.to_string())?;
        body.send_data(Bytes::from(frame), true)
            .map_err(|e| e.to_string())?;
        let (head, mut body) = answer.await.map_err(|e| e.to_string())?.into_parts();
        let mut data = Vec::new();
        while let Some(chunk) = body.data().await {
            let chunk = chunk.map_err(|e| e.to_string())?;
            let _ = body.flow_control().release_capacity(chunk.len());
            data.extend_from_slice(&chunk);
        }
        let trailers = body.trailers().await.map_err(|e| e.to_string())?;
        let status = trailers
            .as_ref()
            .and_then(|t| t.get("grpc-status"))
            .or_else(|| head.headers.get("grpc-status"))
            .and_then(|v| v.to_str().ok())
            .unwrap_or("none")
            .to_owned();
        if status != "0" || data.len() < 5 {
            return Err(format!("HTTP {} grpc-status {status}", head.status));
        }
        Ok(data[5..].to_vec())
    }
}

/// A protobuf length-delimited field.
fn field(number: u8, bytes: &[u8]) -> Vec<u8> {
    let mut out = vec![(number << 3) | 2];
    let mut length = bytes.len();
    while length >= 0x80 {
        out.push((length as u8 & 0x7f) | 0x80);
        length >>= 7;
    }
    out.push(length as u8);
    out.extend_from_slice(bytes);
    out
}

/// A `DynamicValue` holding JSON, which tf-provider reads as well as
/// MessagePack.
fn json_value(json: &str) -> Vec<u8> {
    field(2, json.as_bytes())
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn a_client_without_a_certificate_can_call_the_provider() {
    let identity = client_identity();
    let plugin = Plugin::start(&identity.pem);

    runtime().block_on(async {
        let mut client = GrpcClient::connect(&plugin, None)
            .await
            .expect("connects without a certificate");
        let schema = client
            .call("GetProviderSchema", &[])
            .await
            .expect("GetProviderSchema answers");

        let text = String::from_utf8_lossy(&schema);
        assert!(text.contains("panther_integration"), "{text}");
    });
}

/// Whether a client presenting `identity` gets an answer.
async fn answered(plugin: &Plugin, identity: &ClientIdentity) -> bool {
    // With TLS 1.3 a refusal can arrive after the client thinks the
    // handshake is done, so it may only show at the first call.
    match GrpcClient::connect(plugin, Some(identity)).await {
        Ok(mut client) => client.call("GetProviderSchema", &[]).await.is_ok(),
        Err(_) => false,
    }
}

#[test]
fn only_the_expected_leaf_certificate_is_accepted() {
    let expected = client_identity_shaped(false);
    let stranger = client_identity_shaped(false);
    let plugin = Plugin::start(&expected.pem);

    runtime().block_on(async {
        assert!(answered(&plugin, &expected).await);
        assert!(!answered(&plugin, &stranger).await);
    });
}

#[test]
fn a_certificate_shaped_like_terraforms_is_refused_even_when_expected() {
    // go-plugin marks its certificate as a CA, and webpki will not accept
    // a CA certificate as a client's own.
    let expected = client_identity();
    let plugin = Plugin::start(&expected.pem);

    runtime().block_on(async {
        assert!(!answered(&plugin, &expected).await);
    });
}

#[test]
fn terraform_itself_presents_no_client_certificate() {
    // rustls says so in its own log, which the provider passes on at trace.
    let workspace =
        support::Workspace::new("provider \"panther\" {}\n").env("TF_LOG_PROVIDER", "trace");

    let run = workspace.run(&["validate"]).ok();

    assert!(
        run.stderr
            .contains("client auth requested but no certificate supplied"),
        "rustls no longer logs this, or Terraform now presents a certificate"
    );
}

/// A server that takes the API key of the first request it gets, and
/// answers with an empty list.
async fn key_catcher() -> (SocketAddr, tokio::sync::oneshot::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (sender, receiver) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        let Ok((mut tcp, _)) = listener.accept().await else {
            return;
        };
        let mut request = vec![0; 16 * 1024];
        let read = tcp.read(&mut request).await.unwrap_or(0);
        let head = String::from_utf8_lossy(&request[..read]).to_string();
        let key = head
            .lines()
            .find_map(|line| {
                let (name, value) = line.split_once(':')?;
                name.eq_ignore_ascii_case("x-api-key")
                    .then(|| value.trim().to_owned())
            })
            .unwrap_or_default();
        let _ = sender.send(key);
        let body = r#"{"results": []}"#;
        let answer = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
             content-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        let _ = tcp.write_all(answer.as_bytes()).await;
    });
    (address, receiver)
}

#[test]
fn a_client_without_a_certificate_can_send_the_environment_key_anywhere() {
    let identity = client_identity();
    let plugin = Plugin::start(&identity.pem);

    runtime().block_on(async {
        let (catcher, caught) = key_catcher().await;
        let mut client = GrpcClient::connect(&plugin, None).await.unwrap();

        // Configure the provider with an address of the caller's choosing
        // and no key: the provider falls back to PANTHER_API_KEY.
        let config = format!(
            r#"{{"api_url": "http://{catcher}", "api_key": null,
                "request_timeout_seconds": null, "max_retries": null,
                "ca_certificate_pem": null}}"#
        );
        let configure = [field(1, b"1.11.0"), field(2, &json_value(&config))].concat();
        client
            .call("ConfigureProvider", &configure)
            .await
            .expect("ConfigureProvider answers");

        // Reading a data source then calls that address with the key.
        let read = [
            field(1, b"panther_roles"),
            field(
                2,
                &json_value(
                    r#"{"name": null, "name_contains": null, "permission": null, "roles": null}"#,
                ),
            ),
            field(3, &json_value("null")),
        ]
        .concat();
        client
            .call("ReadDataSource", &read)
            .await
            .expect("ReadDataSource answers");

        let key = tokio::time::timeout(STARTUP, caught)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(key, ENV_KEY);
    });
}
