//! An outside RFC 3161 time-stamping authority (`serve --tsa-url URL`), asked by CSC
//! `signatures/timestamp` instead of the relay's own TSA. The browser cannot ask a public TSA
//! itself (they send no CORS headers), so the relay asks for it: a `TimeStampReq` over the
//! digest with a nonce and certReq, POSTed as `application/timestamp-query` (RFC 3161 §3.4),
//! and the token is taken only as `tsa::token_for_request` allows. HTTP/1.1 over `http://` or
//! `https://` (rustls with the ring provider, the system's trust anchors); no redirects, no
//! proxy; connecting and the whole exchange within `UPSTREAM_TSA_TIMEOUT_SECONDS`, answers of at
//! most `MAX_UPSTREAM_TSA_RESPONSE_BYTES`.

use std::time::Duration;

use axum::body::Bytes;
use axum::http::{Request, StatusCode, Uri, header};
use http_body_util::{BodyExt, Full, Limited};

use super::tsa;
use crate::Error;
use crate::limits::{MAX_UPSTREAM_TSA_RESPONSE_BYTES, UPSTREAM_TSA_TIMEOUT_SECONDS, human_bytes};
use crate::outbound::{self, HttpClient, chain};

const TIMEOUT: Duration = Duration::from_secs(UPSTREAM_TSA_TIMEOUT_SECONDS);

/// The outside TSA and the HTTP client that reaches it.
pub struct UpstreamTsa {
    url: Uri,
    client: HttpClient,
}

impl std::fmt::Debug for UpstreamTsa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UpstreamTsa")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

fn config(why: impl std::fmt::Display) -> Error {
    Error::InvalidConfig(format!("--tsa-url: {why}"))
}

impl UpstreamTsa {
    /// Checks the URL (absolute `http://` or `https://`, with a host and no user name or
    /// password in it) and builds the client. An `https://` URL needs trust anchors in the
    /// system's store (e.g. Debian's ca-certificates, or SSL_CERT_FILE).
    pub fn new(url: &str) -> Result<Self, Error> {
        let uri: Uri = url
            .trim()
            .parse()
            .map_err(|_| config(format!("{url:?} is not a URL")))?;
        let https = match uri.scheme_str() {
            Some("http") => false,
            Some("https") => true,
            _ => return Err(config("an http:// or https:// URL is needed")),
        };
        let Some(authority) = uri.authority() else {
            return Err(config("the URL has no host"));
        };
        if authority.as_str().contains('@') {
            return Err(config(
                "a user name or password in the URL is not supported",
            ));
        }
        let client = outbound::client(https, TIMEOUT, "--tsa-url")?;
        Ok(Self { url: uri, client })
    }

    /// The URL, for the start-up banner.
    pub fn url(&self) -> String {
        self.url.to_string()
    }

    /// A token over `digest` from the outside TSA, with `nonce` (an INTEGER's content octets)
    /// in the request and, checked, in the token. Any failure is `Error::Upstream` with the
    /// reason, which the relay logs.
    pub async fn timestamp(&self, digest: &[u8; 32], nonce: &[u8]) -> Result<Vec<u8>, Error> {
        let request = tsa::sha256_request(digest, nonce)?;
        let answer = tokio::time::timeout(TIMEOUT, self.exchange(request))
            .await
            .map_err(|_| {
                Error::Upstream(format!(
                    "no complete answer within {UPSTREAM_TSA_TIMEOUT_SECONDS} s"
                ))
            })??;
        tsa::token_for_request(&answer, digest, nonce).map_err(|r| Error::Upstream(r.to_string()))
    }

    async fn exchange(&self, request: Vec<u8>) -> Result<Vec<u8>, Error> {
        let request = Request::post(self.url.clone())
            .header(header::CONTENT_TYPE, "application/timestamp-query")
            .header(header::ACCEPT, "application/timestamp-reply")
            .body(Full::new(Bytes::from(request)))
            .map_err(|e| Error::internal("TSA request", e))?;
        let response = self
            .client
            .request(request)
            .await
            .map_err(|e| Error::Upstream(format!("request failed: {}", chain(&e))))?;
        if response.status() != StatusCode::OK {
            return Err(Error::Upstream(format!(
                "HTTP status {}",
                response.status()
            )));
        }
        let body = Limited::new(response.into_body(), MAX_UPSTREAM_TSA_RESPONSE_BYTES)
            .collect()
            .await
            .map_err(|e| {
                if e.is::<http_body_util::LengthLimitError>() {
                    Error::Upstream(format!(
                        "the answer is larger than {}",
                        human_bytes(MAX_UPSTREAM_TSA_RESPONSE_BYTES)
                    ))
                } else {
                    Error::Upstream(format!("reading the answer: {}", chain(e.as_ref())))
                }
            })?;
        Ok(body.to_bytes().to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_http_and_https_urls_without_credentials() {
        for bad in [
            "",
            "not a url",
            "/tsa",
            "ftp://tsa.example/",
            "file:///etc/passwd",
            "http://user:secret@tsa.example/tsa",
        ] {
            let err = UpstreamTsa::new(bad).expect_err(bad);
            assert!(matches!(err, Error::InvalidConfig(_)), "{bad}: {err:?}");
            assert!(!err.to_string().contains("secret"), "{err}");
        }
        let tsa = UpstreamTsa::new("http://127.0.0.1:3161/tsa").expect("http");
        assert_eq!(tsa.url(), "http://127.0.0.1:3161/tsa");
    }
}
