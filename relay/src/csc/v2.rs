//! CSC API v2 (`/csc/v2/*`): the wire shapes of CSC 2.0 over the domain. Explicit
//! authorization: the client collects the SMS OTP and sends it to `credentials/authorize`,
//! which returns a SAD bound to the hashes; `signatures/signHash` signs only those.

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use nubefirma_protocol::csc::*;

use super::{
    CertificateView, check_count, check_hash_algorithm, check_sign_algorithm, credential_id,
    digests, key_status,
};
use crate::http::{ApiError, CitizenSession, Json};
use crate::identity::signing::DocumentBinding;
use crate::store::Credential;
use crate::{Error, Relay};

type Shared = State<Arc<Relay>>;

pub const METHODS: [&str; 9] = [
    "auth/login",
    "auth/revoke",
    "credentials/list",
    "credentials/info",
    "credentials/sendOTP",
    "credentials/authorize",
    "signatures/signHash",
    "signatures/timestamp",
    "info",
];

pub fn routes() -> Router<Arc<Relay>> {
    Router::new()
        .route("/info", post(info).get(info))
        .route("/auth/login", post(super::login))
        .route("/auth/revoke", post(super::revoke))
        .route("/credentials/list", post(credentials_list))
        .route("/credentials/info", post(credentials_info))
        .route("/credentials/sendOTP", post(send_otp))
        .route("/credentials/authorize", post(authorize))
        .route("/signatures/signHash", post(sign_hash))
        .route("/signatures/timestamp", post(timestamp))
}

async fn info() -> Json<InfoResponse> {
    Json(super::info("2.0.0.2", &METHODS))
}

fn credential_info(
    relay: &Relay,
    credential: &Credential,
    certificates: CertificatesWanted,
    cert_info: bool,
    auth_info: bool,
    with_id: bool,
) -> Result<CredentialInfo, Error> {
    let view = CertificateView::of(
        relay,
        credential,
        certificates == CertificatesWanted::Single,
        certificates == CertificatesWanted::Chain,
    )?;
    Ok(CredentialInfo {
        credential_id: with_id.then(|| credential.id.to_string()),
        description: "nubefirma cloud certificate".into(),
        key: KeyInfo {
            status: key_status(relay, credential).into(),
            algo: vec![OID_EC_PUBLIC_KEY.into()],
            len: 256,
            curve: OID_P256.into(),
        },
        cert: CertInfo {
            status: view.status.into(),
            certificates: view.certificates,
            issuer_dn: cert_info.then_some(view.issuer_dn),
            serial_number: cert_info.then_some(view.serial_number),
            subject_dn: cert_info.then_some(view.subject_dn),
            valid_from: cert_info.then_some(view.valid_from),
            valid_to: cert_info.then_some(view.valid_to),
        },
        auth_mode: "explicit".into(),
        otp: auth_info.then(|| OtpInfo {
            presence: "true".into(),
            otp_type: "online".into(),
            format: "N".into(),
            label: "SMS code".into(),
            description: "Six-digit code sent by SMS to the registered mobile phone".into(),
        }),
        scal: "2".into(),
        multisign: MAX_HASHES_PER_CALL as u32,
        lang: "es".into(),
    })
}

async fn credentials_list(
    State(relay): Shared,
    CitizenSession(session): CitizenSession,
    Json(req): Json<CredentialsListRequest>,
) -> Result<Json<CredentialsListResponse>, ApiError> {
    let mut credentials = relay.list_credentials(&session, req.only_valid).await?;
    if let Some(max) = req.max_results {
        credentials.truncate(usize::try_from(max).unwrap_or(usize::MAX));
    }
    let credential_infos = if req.credential_info {
        let wanted = req.certificates.unwrap_or_default();
        Some(
            credentials
                .iter()
                .map(|c| credential_info(&relay, c, wanted, req.cert_info, req.auth_info, true))
                .collect::<Result<Vec<_>, _>>()?,
        )
    } else {
        None
    };
    Ok(Json(CredentialsListResponse {
        credential_ids: credentials.into_iter().map(|c| c.id.to_string()).collect(),
        credential_infos,
    }))
}

async fn credentials_info(
    State(relay): Shared,
    CitizenSession(session): CitizenSession,
    Json(req): Json<CredentialsInfoRequest>,
) -> Result<Json<CredentialInfo>, ApiError> {
    let id = credential_id(&req.credential_id)?;
    let credential = relay.credential_info(&session, &id).await?;
    // The OTP object is always described: explicit mode needs the client to collect it.
    Ok(Json(credential_info(
        &relay,
        &credential,
        req.certificates,
        req.cert_info,
        true,
        false,
    )?))
}

async fn send_otp(
    State(relay): Shared,
    CitizenSession(session): CitizenSession,
    Json(req): Json<SendOtpRequest>,
) -> Result<StatusCode, ApiError> {
    let id = credential_id(&req.credential_id)?;
    // On this wire a signing code is always bound to the documents it signs.
    let hashes = req.hashes.as_deref().ok_or_else(|| {
        Error::InvalidRequest(
            "hashes: required, so that the code works only for these documents and the SMS can show them".into(),
        )
    })?;
    check_hash_algorithm(req.hash_algorithm_oid.as_deref())?;
    let digests = digests(hashes)?;
    relay
        .send_signing_otp(&session, &id, DocumentBinding::Hashes(&digests))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn authorize(
    State(relay): Shared,
    CitizenSession(session): CitizenSession,
    Json(req): Json<AuthorizeRequest>,
) -> Result<Json<AuthorizeResponse>, ApiError> {
    let id = credential_id(&req.credential_id)?;
    check_hash_algorithm(Some(&req.hash_algorithm_oid))?;
    let digests = digests(&req.hashes)?;
    check_count(u64::from(req.num_signatures), &digests)?;
    let otp = req
        .one_time_password()
        .ok_or_else(|| Error::InvalidRequest("OTP: the SMS code is required".into()))?;
    let issued = relay.authorize(&session, &id, &digests, otp).await?;
    Ok(Json(AuthorizeResponse {
        sad: issued.sad,
        expires_in: issued.expires_in.unsigned_abs(),
    }))
}

async fn sign_hash(
    State(relay): Shared,
    CitizenSession(session): CitizenSession,
    Json(req): Json<SignHashRequest>,
) -> Result<Json<SignHashResponse>, ApiError> {
    let id = credential_id(&req.credential_id)?;
    check_sign_algorithm(&req.sign_algo)?;
    check_hash_algorithm(Some(&req.hash_algorithm_oid))?;
    let digests = digests(&req.hashes)?;
    let sad = relay.verify_sad(&session, &id, &req.sad, &digests).await?;
    let signatures = relay.sign_hashes(&session, sad).await?;
    Ok(Json(SignHashResponse {
        signatures: signatures.iter().map(|s| STANDARD.encode(s)).collect(),
    }))
}

async fn timestamp(
    State(_relay): Shared,
    CitizenSession(_session): CitizenSession,
    Json(_req): Json<TimestampRequest>,
) -> Result<Json<TimestampResponse>, ApiError> {
    Err(Error::InvalidRequest("signatures/timestamp: the TSA is not configured yet".into()).into())
}
