//! The HTTPS server configuration from `[server.tls]`: the certificate chain and key (PEM),
//! rustls with the ring provider (TLS 1.2 and 1.3), ALPN offering HTTP/2 then HTTP/1.1.

use std::path::Path;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use crate::Error;
use crate::config::Tls;

fn certificates(path: &Path) -> Result<Vec<CertificateDer<'static>>, Error> {
    let key = "server.tls.certificate";
    let certs = CertificateDer::pem_file_iter(path)
        .map_err(|e| Error::config(key, format!("{}: {e}", path.display())))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Error::config(key, format!("{}: {e}", path.display())))?;
    if certs.is_empty() {
        return Err(Error::config(
            key,
            format!("{}: no CERTIFICATE block in it", path.display()),
        ));
    }
    Ok(certs)
}

/// Reads and checks the files; an error names the setting (a missing file, no certificate, a
/// key that is not the certificate's).
pub fn server_config(settings: &Tls) -> Result<Arc<rustls::ServerConfig>, Error> {
    let certs = certificates(&settings.certificate)?;
    let key = PrivateKeyDer::from_pem_file(&settings.key)
        .map_err(|e| Error::config("server.tls.key", format!("{}: {e}", settings.key.display())))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::internal("TLS configuration", e))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| {
            Error::config(
                "server.tls",
                format!("the key does not go with the certificate: {e}"),
            )
        })?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}
