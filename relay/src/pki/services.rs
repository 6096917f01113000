//! The PKI's services for relying parties, over the credentials in the store: the issuing CA's
//! CRL (`/pki/crl`), an RFC 6960 OCSP responder (`/pki/ocsp`) and an RFC 3161 time-stamping
//! authority (`/tsa`, and CSC `signatures/timestamp` unless an outside TSA is configured: then
//! `upstream` asks that one). The builders in `crl`, `ocsp` and `tsa` are pure; this file brings
//! the clock, the store and fresh serials.

use const_oid::ObjectIdentifier;

use super::crl::{CrlReason, RevokedCert};
use super::ocsp::{self, CertStatusAnswer};
use super::tsa::{self, TsaQuery};
use crate::crypto::random_bytes;
use crate::identity::credential::StoredStatus;
use crate::records::Credential;
use crate::{Error, Relay};

/// How long a CRL or an OCSP answer may be relied on before fetching a new one.
pub const CRL_VALIDITY_SECONDS: i64 = 24 * 3600;
pub const OCSP_VALIDITY_SECONDS: i64 = 3600;

/// The TSA's policy. Until nubefirma has its own private enterprise number, an OID under the
/// arc IANA reserves for documentation (1.3.6.1.4.1.32473).
pub const TSA_POLICY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.32473.3161.1");

/// Revocation reasons as stored (RFC 5280 names), and what the CRL and OCSP carry for them.
pub const REVOCATION_REASONS: [&str; 5] = [
    "unspecified",
    "keyCompromise",
    "affiliationChanged",
    "superseded",
    "cessationOfOperation",
];

fn crl_reason(stored: Option<&str>) -> Option<CrlReason> {
    match stored? {
        "keyCompromise" => Some(CrlReason::KeyCompromise),
        "affiliationChanged" => Some(CrlReason::AffiliationChanged),
        "superseded" => Some(CrlReason::Superseded),
        "cessationOfOperation" => Some(CrlReason::CessationOfOperation),
        // "unspecified" is said by leaving the reason out (RFC 5280 §5.3.1).
        _ => None,
    }
}

fn revoked_at(credential: &Credential) -> i64 {
    credential.revoked_at.unwrap_or_default()
}

impl Relay {
    /// The current CRL (DER). Its number is the issue time, so it only grows.
    pub async fn crl(&self) -> Result<Vec<u8>, Error> {
        let now = self.now();
        let revoked: Vec<RevokedCert> = self
            .store
            .revoked_credentials()
            .await?
            .iter()
            .filter_map(|c| {
                Some(RevokedCert {
                    serial_hex: c.serial_hex.clone()?,
                    revoked_at: revoked_at(c),
                    reason: crl_reason(c.revocation_reason.as_deref()),
                })
            })
            .collect();
        self.ca.crl(
            &revoked,
            now,
            now + CRL_VALIDITY_SECONDS,
            u64::try_from(now).unwrap_or_default(),
        )
    }

    /// The OCSP answer (DER) to a DER request; a malformed request gets OCSP's own
    /// `malformedRequest`, as relying parties expect, not an HTTP error.
    pub async fn ocsp(&self, request: &[u8]) -> Vec<u8> {
        let Ok(query) = ocsp::parse_request(request) else {
            return ocsp::malformed_request_response();
        };
        match self.ocsp_answer(&query).await {
            Ok(answer) => answer,
            Err(e) => {
                tracing::error!(error = %e, "OCSP answer failed");
                ocsp::internal_error_response()
            }
        }
    }

    async fn ocsp_answer(&self, query: &ocsp::OcspQuery) -> Result<Vec<u8>, Error> {
        let now = self.now();
        let mut statuses = Vec::new();
        for (id, serial_hex) in query.serials() {
            let answer = match self.store.credential_by_serial(serial_hex).await? {
                Some(c) if c.status == StoredStatus::Revoked => CertStatusAnswer::Revoked {
                    at: revoked_at(&c),
                    reason: crl_reason(c.revocation_reason.as_deref()),
                },
                // Suspended is a hold, not a revocation; expiry is read from the certificate.
                Some(_) => CertStatusAnswer::Good,
                None => CertStatusAnswer::Unknown,
            };
            statuses.push((id, answer));
        }
        self.ca
            .ocsp_response(query, &statuses, now, Some(now + OCSP_VALIDITY_SECONDS))
    }

    /// The TSA's answer (DER `TimeStampResp`) to a DER `TimeStampReq`.
    pub fn timestamp_request(&self, request: &[u8]) -> Vec<u8> {
        let query = match tsa::parse_request(request) {
            Ok(query) => query,
            Err(fail) => return tsa::rejection(fail),
        };
        self.timestamp_query(&query).unwrap_or_else(|e| {
            tracing::error!(error = %e, "timestamp failed");
            tsa::rejection(tsa::FailInfo::SystemFailure)
        })
    }

    fn timestamp_query(&self, query: &TsaQuery) -> Result<Vec<u8>, Error> {
        if query.requested_policy().is_some_and(|p| p != TSA_POLICY) {
            return Ok(tsa::rejection(tsa::FailInfo::UnacceptedPolicy));
        }
        self.ca
            .timestamp(query, &random_bytes::<16>(), self.now(), TSA_POLICY)
    }

    /// A timestamp token (DER `TimeStampToken`) over a SHA-256 digest: CSC
    /// `signatures/timestamp`, which B-T signatures built in the browser use. From the outside
    /// TSA when one is configured (with the client's nonce, or else a fresh random one; a
    /// failure is `Error::Upstream`), else from the relay's own.
    pub async fn timestamp_digest(
        &self,
        digest: &[u8; 32],
        nonce: Option<&[u8]>,
    ) -> Result<Vec<u8>, Error> {
        let query = TsaQuery::for_sha256(digest, nonce)?;
        if let Some(upstream) = &self.upstream_tsa {
            let nonce = match query.nonce() {
                Some(given) => given.to_vec(),
                None => tsa::fresh_nonce(&random_bytes::<8>())?,
            };
            return upstream.timestamp(digest, &nonce).await;
        }
        let response = self.timestamp_query(&query)?;
        tsa::token_from_response(&response)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stored_reason_but_unspecified_reaches_the_crl() {
        for name in REVOCATION_REASONS {
            assert_eq!(
                crl_reason(Some(name)).is_none(),
                name == "unspecified",
                "{name}"
            );
        }
        assert_eq!(crl_reason(None), None);
    }
}
