//! The CSC API, as thin wire modules over one domain: `v2` (`/csc/v2/*`, CSC 2.0) and, beside
//! it, the v1 wire. Each parses its JSON into the domain's types (`CredentialId`, `Digests`),
//! calls `Relay`, and shapes the answer; the parsing and shaping they share is here.

pub mod v1;
pub mod v2;

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use der::Decode;
use nubefirma_protocol::csc::{InfoResponse, LoginResponse, OID_ECDSA_WITH_SHA256, OID_SHA256};
use x509_cert::Certificate;

use crate::domain::{CredentialId, Digests};
use crate::http::{ApiError, BasicCredentials, CitizenSession, ClientAddress, Json};
use crate::identity::rate::AddressBucket;
use crate::limits::MAX_HASHES_PER_CALL;
use crate::records::Credential;
use crate::{Error, Relay};

/// `info`: the same on both wires but for the version and the method list.
pub(crate) fn info(specs: &str, methods: &[&str]) -> InfoResponse {
    InfoResponse {
        specs: specs.into(),
        name: "nubefirma".into(),
        logo: String::new(),
        region: "ES".into(),
        lang: "es".into(),
        description: "Cloud signature for citizens: DNI/NIE, password and SMS one-time password."
            .into(),
        auth_type: vec!["basic".into()],
        methods: methods
            .iter()
            .filter(|m| **m != "info")
            .map(|m| (*m).to_owned())
            .collect(),
    }
}

/// `auth/login` (HTTP Basic: DNI/NIE and password), the same on both wires.
pub(crate) async fn login(
    State(relay): State<Arc<Relay>>,
    ClientAddress(address): ClientAddress,
    basic: BasicCredentials,
) -> Result<Json<LoginResponse>, ApiError> {
    relay.limit_address(AddressBucket::Login, address).await?;
    let issued = relay.login(&basic.user, &basic.password).await?;
    Ok(Json(LoginResponse {
        access_token: issued.access_token,
        expires_in: issued.expires_in.unsigned_abs(),
        must_change_password: issued.must_change_password,
    }))
}

/// `auth/revoke`: the token stops working at once.
pub(crate) async fn revoke(
    State(relay): State<Arc<Relay>>,
    CitizenSession(session): CitizenSession,
) -> Result<StatusCode, ApiError> {
    relay.logout(&session).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(crate) fn credential_id(text: &str) -> Result<CredentialId, Error> {
    CredentialId::parse(text)
        .ok_or_else(|| Error::InvalidRequest("credentialID: unknown credential".into()))
}

/// The hash algorithm, when the client names one: only SHA-256 is signed here.
pub(crate) fn check_hash_algorithm(oid: Option<&str>) -> Result<(), Error> {
    match oid {
        None => Ok(()),
        Some(OID_SHA256) => Ok(()),
        Some(_) => Err(Error::InvalidRequest(format!(
            "hashAlgorithmOID: only SHA-256 ({OID_SHA256}) is supported"
        ))),
    }
}

pub(crate) fn check_sign_algorithm(oid: &str) -> Result<(), Error> {
    if oid == OID_ECDSA_WITH_SHA256 {
        Ok(())
    } else {
        Err(Error::InvalidRequest(format!(
            "signAlgo: only ecdsa-with-SHA256 ({OID_ECDSA_WITH_SHA256}) is supported"
        )))
    }
}

/// Base64 SHA-256 digests, 1..=100 of them.
pub(crate) fn digests(hashes: &[String]) -> Result<Digests, Error> {
    if hashes.is_empty() || hashes.len() > MAX_HASHES_PER_CALL {
        return Err(Error::InvalidRequest(format!(
            "hashes: between 1 and {MAX_HASHES_PER_CALL}"
        )));
    }
    let decoded = hashes
        .iter()
        .map(|h| {
            STANDARD
                .decode(h)
                .ok()
                .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
                .ok_or_else(|| {
                    Error::InvalidRequest(
                        "hashes: each must be a base64 SHA-256 digest (32 bytes)".into(),
                    )
                })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Digests::new(decoded).ok_or_else(|| Error::InvalidRequest("hashes: none given".into()))
}

/// `numSignatures` must match the hashes sent with it.
pub(crate) fn check_count(num_signatures: u64, digests: &Digests) -> Result<(), Error> {
    if usize::try_from(num_signatures).ok() == Some(digests.len()) {
        Ok(())
    } else {
        Err(Error::InvalidRequest(
            "numSignatures must equal the number of hashes".into(),
        ))
    }
}

/// `YYYYMMDDHHMMSSZ`, the GeneralizedTime text CSC uses for validity dates.
fn generalized_time(t: &x509_cert::time::Time) -> String {
    let secs = t.to_unix_duration().as_secs() as i64;
    time::OffsetDateTime::from_unix_timestamp(secs)
        .ok()
        .and_then(|dt| {
            dt.format(time::macros::format_description!(
                "[year][month][day][hour][minute][second]Z"
            ))
            .ok()
        })
        .unwrap_or_default()
}

/// What both wires say about a credential's certificate.
pub(crate) struct CertificateView {
    pub status: &'static str,
    /// Base64 DER, end entity first.
    pub certificates: Vec<String>,
    pub issuer_dn: String,
    pub serial_number: String,
    pub subject_dn: String,
    pub valid_from: String,
    pub valid_to: String,
}

impl CertificateView {
    pub fn of(
        relay: &Relay,
        credential: &Credential,
        single: bool,
        chain: bool,
    ) -> Result<Self, Error> {
        let cert = Certificate::from_der(&credential.cert_der)
            .map_err(|e| Error::internal("stored certificate", e))?;
        let tbs = &cert.tbs_certificate;
        let mut certificates = Vec::new();
        if single || chain {
            certificates.push(STANDARD.encode(&credential.cert_der));
        }
        if chain {
            certificates.extend(relay.ca().chain_der().iter().map(|c| STANDARD.encode(c)));
        }
        let status = match credential.status_at(relay.now()) {
            crate::identity::credential::CredentialStatus::Active => "valid",
            crate::identity::credential::CredentialStatus::Suspended => "suspended",
            crate::identity::credential::CredentialStatus::Revoked => "revoked",
            crate::identity::credential::CredentialStatus::Expired => "expired",
        };
        Ok(Self {
            status,
            certificates,
            issuer_dn: tbs.issuer.to_string(),
            serial_number: hex::encode_upper(tbs.serial_number.as_bytes()),
            subject_dn: tbs.subject.to_string(),
            valid_from: generalized_time(&tbs.validity.not_before),
            valid_to: generalized_time(&tbs.validity.not_after),
        })
    }
}

/// The key status word both wires use: "enabled" only while the credential can sign.
pub(crate) fn key_status(relay: &Relay, credential: &Credential) -> &'static str {
    match credential.status_at(relay.now()) {
        crate::identity::credential::CredentialStatus::Active => "enabled",
        _ => "disabled",
    }
}
