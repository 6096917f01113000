//! The relay's HTTP client for what it calls out to (an outside TSA, the SMS gateway): HTTP/1.1
//! over `http://` or `https://` (rustls with the ring provider and the system's trust anchors),
//! no redirects, no proxy, a connect timeout. Callers bound the whole exchange themselves.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use http_body_util::Full;
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

use crate::Error;

pub type HttpClient = Client<HttpsConnector<HttpConnector>, Full<Bytes>>;

/// A client for one destination; `https` decides whether trust anchors are needed (an
/// `https://` destination needs the system's store, e.g. Debian's ca-certificates or
/// SSL_CERT_FILE). `what` names the setting in an error.
pub fn client(https: bool, connect_timeout: Duration, what: &str) -> Result<HttpClient, Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = if https {
        HttpsConnectorBuilder::new()
            .with_provider_and_native_roots(provider)
            .map_err(|e| Error::InvalidConfig(format!("{what}: no trust anchors for https: {e}")))?
    } else {
        // Plain HTTP: TLS is never used, so no trust anchors are needed.
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| Error::internal("TLS configuration", e))?
            .with_root_certificates(rustls::RootCertStore::empty())
            .with_no_client_auth();
        HttpsConnectorBuilder::new().with_tls_config(tls)
    };
    let mut http = HttpConnector::new();
    http.enforce_http(false);
    http.set_connect_timeout(Some(connect_timeout));
    let connector = builder.https_or_http().enable_http1().wrap_connector(http);
    Ok(Client::builder(TokioExecutor::new()).build(connector))
}

/// An error and its sources, one line (hyper's own Display names only the kind).
pub fn chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(e) = source {
        text.push_str(": ");
        text.push_str(&e.to_string());
        source = e.source();
    }
    text
}
