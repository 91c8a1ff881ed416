//! Connections that fail for a reason, against real servers on loopback: a TLS front (a private
//! CA and certificates made here, rustls) before the test kit's server, and a proxy that refuses
//! `CONNECT`. The library names the cause and does not retry a trust failure; the binary says
//! the cause and the fix, exits 5, and works once `SSL_CERT_FILE` points at the CA.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use mintlify_agent::{ConnectionCause, Error, RetryPolicy, TlsProblem};
use mintlify_agent_testkit::TestServer;
use rcgen::{
    BasicConstraints, Certificate, CertificateParams, DnType, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls;

use crate::harness::{self, run, stderr};

const KEY: &str = "mint_tls_test_SECRET_key";

/// A private CA: its parameters and key sign the servers' certificates.
struct Ca {
    params: CertificateParams,
    key: KeyPair,
    cert: Certificate,
}

impl Ca {
    fn new() -> Self {
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(DnType::CommonName, "mintlify-agent test CA");
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let cert = params.self_signed(&key).unwrap();
        Self { params, key, cert }
    }

    /// A server certificate for `names`, valid over `years` (default: rcgen's, 1975 to 4096).
    fn leaf(&self, names: &[&str], years: Option<(i32, i32)>) -> (Certificate, KeyPair) {
        let key = KeyPair::generate().unwrap();
        let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
        let mut params = CertificateParams::new(names).unwrap();
        if let Some((from, to)) = years {
            params.not_before = rcgen::date_time_ymd(from, 1, 1);
            params.not_after = rcgen::date_time_ymd(to, 1, 1);
        }
        let issuer = Issuer::from_params(&self.params, &self.key);
        (params.signed_by(&key, &issuer).unwrap(), key)
    }

    /// The CA's certificate as a PEM file, for `SSL_CERT_FILE`.
    fn pem_file(&self, dir: &std::path::Path) -> PathBuf {
        let path = dir.join("ca.pem");
        std::fs::write(&path, self.cert.pem()).unwrap();
        path
    }
}

/// A TLS server with `cert` on loopback that forwards each connection to `backend` (the test
/// kit), counting the connections it accepts (one per attempt).
async fn tls_front(
    cert: &Certificate,
    key: &KeyPair,
    backend: SocketAddr,
) -> (String, Arc<AtomicUsize>) {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![cert.der().clone()],
            rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()),
        )
        .unwrap();
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let Ok(mut plain) = TcpStream::connect(backend).await else {
                    return;
                };
                let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
            });
        }
    });
    (format!("https://127.0.0.1:{}", address.port()), accepted)
}

/// A proxy that answers every `CONNECT` with `status_line`, counting them.
async fn refusing_proxy(status_line: &'static str) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let seen = Arc::new(AtomicUsize::new(0));
    let count = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut tcp, _)) = listener.accept().await {
            let count = count.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buffer = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tcp.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buffer[..n]),
                    }
                }
                if head.starts_with(b"CONNECT ") {
                    count.fetch_add(1, Ordering::SeqCst);
                }
                let reply = format!("{status_line}\r\ncontent-length: 0\r\n\r\n");
                let _ = tcp.write_all(reply.as_bytes()).await;
            });
        }
    });
    (format!("http://127.0.0.1:{}", address.port()), seen)
}

async fn kit() -> TestServer {
    TestServer::builder().key(KEY).start().await.unwrap()
}

fn cli(base_url: &str, args: &[&str]) -> Command {
    harness::cli(base_url, "acme", KEY, args)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_library_names_each_certificate_problem_and_does_not_retry_it() {
    let server = kit().await;
    let ca = Ca::new();
    let backend = server.address();
    let trusting = || {
        mintlify_agent::http_client_builder()
            .unwrap()
            .no_proxy()
            .tls_certs_merge([
                mintlify_agent::reqwest::Certificate::from_der(ca.cert.der()).unwrap(),
            ])
            .build()
            .unwrap()
    };
    let cases = [
        (
            ca.leaf(&["127.0.0.1"], None),
            false,
            TlsProblem::UntrustedIssuer,
        ),
        (
            ca.leaf(&["elsewhere.test"], None),
            true,
            TlsProblem::NameMismatch,
        ),
        (
            ca.leaf(&["127.0.0.1"], Some((2020, 2021))),
            true,
            TlsProblem::Expired,
        ),
    ];
    for ((cert, key), trust, problem) in cases {
        let (url, accepted) = tls_front(&cert, &key, backend).await;
        let mut builder = mintlify_agent::Client::builder()
            .api_key(KEY)
            .project_id("acme")
            .base_url(&url)
            // Retries on, fast: a transient failure would be tried three times.
            .retry_policy(
                RetryPolicy::default()
                    .delays(
                        std::time::Duration::from_millis(5),
                        std::time::Duration::from_millis(5),
                    )
                    .max_retries(2),
            );
        if trust {
            builder = builder.http_client(trusting());
        }
        let error = builder
            .build()
            .unwrap()
            .v2()
            .get_job("job_1")
            .await
            .unwrap_err();
        assert!(matches!(error, Error::Connection { .. }), "{error}");
        assert_eq!(
            error.connection_cause(),
            Some(ConnectionCause::Tls(problem.clone())),
            "{error}"
        );
        assert!(!error.is_transient(), "{error}");
        assert_eq!(
            accepted.load(Ordering::SeqCst),
            1,
            "{problem:?} was retried"
        );
        assert!(
            error
                .to_string()
                .starts_with(&format!("connection failed: TLS: {problem} (")),
            "{error}"
        );
    }

    // With the CA trusted and the right name, the same server answers.
    let (cert, key) = ca.leaf(&["127.0.0.1"], None);
    let (url, _) = tls_front(&cert, &key, backend).await;
    let client = mintlify_agent::Client::builder()
        .api_key(KEY)
        .project_id("acme")
        .base_url(&url)
        .http_client(trusting())
        .build()
        .unwrap();
    assert!(client.check_access().await.access.is_accepted());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_cli_says_the_cause_and_the_fix_and_ssl_cert_file_fixes_it() {
    let server = kit().await;
    let ca = Ca::new();
    let dir = tempfile::tempdir().unwrap();
    let ca_file = ca.pem_file(dir.path());
    let (cert, key) = ca.leaf(&["127.0.0.1"], None);
    let (url, accepted) = tls_front(&cert, &key, server.address()).await;

    // The system's roots (whatever SSL_CERT_FILE the machine has) do not hold the private CA.
    let output = run(cli(&url, &["job", "get", "job_1"])).await;
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(5), "{text}");
    assert!(text.contains("connection failed: TLS: the server's certificate is issued by a certificate authority this machine does not trust"), "{text}");
    assert!(text.contains("SSL_CERT_FILE=/path/to/ca.pem"), "{text}");
    assert!(text.contains("update-ca-certificates"), "{text}");
    assert!(!text.contains(KEY), "{text}");
    assert_eq!(accepted.load(Ordering::SeqCst), 1, "retried: {text}");

    let mut json = cli(&url, &["--json", "job", "get", "job_1"]);
    json.env("SSL_CERT_FILE", "/dev/null/none");
    let output = run(json).await;
    let error: serde_json::Value = serde_json::from_str(stderr(&output).trim()).unwrap();
    assert_eq!(output.status.code(), Some(5));
    assert_eq!(error["error"]["kind"], "connection");
    assert_eq!(error["error"]["cause"], "tls_untrusted_issuer");
    assert!(
        error["error"]["hint"]
            .as_str()
            .unwrap()
            .contains("SSL_CERT_FILE")
    );

    // The fix the message names works: the platform verifier on Linux reads SSL_CERT_FILE.
    let mut fixed = cli(&url, &["job", "create", "Add a quickstart"]);
    fixed
        .env("SSL_CERT_FILE", &ca_file)
        .env_remove("SSL_CERT_DIR");
    let output = run(fixed).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(String::from_utf8_lossy(&output.stdout).starts_with("job_"));

    // `auth check` says the same: unreachable with the cause, then accepted.
    let output = run(cli(&url, &["auth", "check"])).await;
    assert_eq!(output.status.code(), Some(5), "{}", stderr(&output));
    assert!(
        String::from_utf8_lossy(&output.stdout).contains(&format!("server: cannot reach {url}"))
    );
    let mut fixed = cli(&url, &["auth", "check"]);
    fixed
        .env("SSL_CERT_FILE", &ca_file)
        .env_remove("SSL_CERT_DIR");
    let output = run(fixed).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        String::from_utf8_lossy(&output.stdout)
            .contains(&format!("key accepted for project acme at {url}"))
    );

    // Trusted CA, wrong name; trusted CA, expired.
    for (names, years, says, cause) in [
        (
            &["elsewhere.test"][..],
            None,
            "is not valid for this host name",
            "tls_name_mismatch",
        ),
        (
            &["127.0.0.1"][..],
            Some((2020, 2021)),
            "has expired",
            "tls_expired",
        ),
    ] {
        let (cert, key) = ca.leaf(names, years);
        let (url, accepted) = tls_front(&cert, &key, server.address()).await;
        let mut command = cli(&url, &["job", "get", "job_1"]);
        command
            .env("SSL_CERT_FILE", &ca_file)
            .env_remove("SSL_CERT_DIR");
        let output = run(command).await;
        let text = stderr(&output);
        assert_eq!(output.status.code(), Some(5), "{text}");
        assert!(text.contains(says), "{text}");
        assert_eq!(accepted.load(Ordering::SeqCst), 1, "retried: {text}");
        let mut command = cli(&url, &["--json", "job", "get", "job_1"]);
        command
            .env("SSL_CERT_FILE", &ca_file)
            .env_remove("SSL_CERT_DIR");
        let error: serde_json::Value =
            serde_json::from_str(stderr(&run(command).await).trim()).unwrap();
        assert_eq!(error["error"]["cause"], cause);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_proxy_that_refuses_is_named() {
    let server = kit().await;
    let ca = Ca::new();
    let (cert, key) = ca.leaf(&["127.0.0.1"], None);
    let (url, accepted) = tls_front(&cert, &key, server.address()).await;
    let (proxy, connects) = refusing_proxy("HTTP/1.1 403 Forbidden").await;
    let mut command = cli(&url, &["job", "get", "job_1"]);
    command.env(
        "HTTPS_PROXY",
        proxy.replace("http://", "http://user:proxy_SECRET@"),
    );
    let output = run(command).await;
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(4), "{text}");
    assert!(
        text.contains("the proxy refused to open a tunnel (CONNECT)"),
        "{text}"
    );
    assert!(
        text.contains(&format!("The request went through the proxy {proxy} ")),
        "{text}"
    );
    assert!(!text.contains("proxy_SECRET"), "{text}");
    assert!(connects.load(Ordering::SeqCst) >= 1);
    assert_eq!(accepted.load(Ordering::SeqCst), 0, "went around the proxy");

    // A proxy that wants credentials fails the same way every time: not retried, exit 5.
    let (proxy, connects) = refusing_proxy("HTTP/1.1 407 Proxy Authentication Required").await;
    let mut command = cli(&url, &["--json", "job", "get", "job_1"]);
    command.env("HTTPS_PROXY", &proxy);
    let output = run(command).await;
    assert_eq!(output.status.code(), Some(5), "{}", stderr(&output));
    let error: serde_json::Value = serde_json::from_str(stderr(&output).trim()).unwrap();
    assert_eq!(error["error"]["cause"], "proxy_auth_required", "{error}");
    assert_eq!(connects.load(Ordering::SeqCst), 1, "retried");
}
