//! TLS for the HTTP clients built here. With the `rustls-ring` feature alone: rustls with the
//! ring provider and the platform's certificate verifier, offering HTTP/2 and HTTP/1.1 by ALPN,
//! configured here (reqwest has no default provider then). Otherwise reqwest's own backend
//! (`rustls` with aws-lc-rs, or `native-tls`) as it comes.

use crate::error::build::BuildError;

/// `builder` with this crate's TLS set up.
#[cfg(all(feature = "rustls-ring", not(feature = "rustls")))]
pub(super) fn configure(
    builder: reqwest::ClientBuilder,
) -> Result<reqwest::ClientBuilder, BuildError> {
    use rustls_platform_verifier::BuilderVerifierExt;

    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| BuildError::Tls(e.to_string()))?
        .with_platform_verifier()
        .map_err(|e| BuildError::Tls(e.to_string()))?
        .with_no_client_auth();
    // reqwest sets ALPN only on a configuration it builds itself.
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(builder.tls_backend_preconfigured(config))
}

/// `builder` as it is: reqwest's own TLS backend.
#[cfg(not(all(feature = "rustls-ring", not(feature = "rustls"))))]
pub(super) fn configure(
    builder: reqwest::ClientBuilder,
) -> Result<reqwest::ClientBuilder, BuildError> {
    Ok(builder)
}
