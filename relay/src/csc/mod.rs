//! CSC API v2 (`/csc/v2/*`): thin handlers over `Relay`. Explicit authorization: the client
//! collects the SMS OTP and sends it to `credentials/authorize`, which returns a SAD bound to
//! the hashes; `signatures/signHash` signs only those.

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use der::Decode;
use nubefirma_protocol::csc::*;
use x509_cert::Certificate;

use crate::http::{ApiError, Json, authorization};
use crate::limits::SESSION_IDLE_SECONDS;
use crate::{Error, Relay};

type Shared = State<Arc<Relay>>;

pub fn routes() -> Router<Arc<Relay>> {
    Router::new()
        .route("/info", post(info).get(info))
        .route("/auth/login", post(login))
        .route("/auth/revoke", post(revoke))
        .route("/credentials/list", post(credentials_list))
        .route("/credentials/info", post(credentials_info))
        .route("/credentials/sendOTP", post(send_otp))
        .route("/credentials/authorize", post(authorize))
        .route("/signatures/signHash", post(sign_hash))
}

async fn info() -> Json<InfoResponse> {
    Json(InfoResponse {
        specs: "2.0.0.2".into(),
        name: "nubefirma".into(),
        logo: String::new(),
        region: "ES".into(),
        lang: "es".into(),
        description: "Cloud signature for citizens: DNI/NIE, password and SMS one-time password."
            .into(),
        auth_type: vec!["basic".into()],
        methods: [
            "auth/login",
            "auth/revoke",
            "credentials/list",
            "credentials/info",
            "credentials/sendOTP",
            "credentials/authorize",
            "signatures/signHash",
        ]
        .map(String::from)
        .to_vec(),
    })
}

async fn login(State(relay): Shared, headers: HeaderMap) -> Result<Json<LoginResponse>, ApiError> {
    let access_token = relay.login(authorization(&headers)).await?;
    Ok(Json(LoginResponse {
        access_token,
        expires_in: SESSION_IDLE_SECONDS as u64,
    }))
}

async fn revoke(State(relay): Shared, headers: HeaderMap) -> Result<StatusCode, ApiError> {
    let session = relay.authenticate(authorization(&headers)).await?;
    relay.logout(&session).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn credentials_list(
    State(relay): Shared,
    headers: HeaderMap,
    Json(_req): Json<CredentialsListRequest>,
) -> Result<Json<CredentialsListResponse>, ApiError> {
    let session = relay.authenticate(authorization(&headers)).await?;
    let credentials = relay.store.credentials_of(&session.citizen_id).await?;
    Ok(Json(CredentialsListResponse {
        credential_ids: credentials.into_iter().map(|c| c.id).collect(),
    }))
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

async fn credentials_info(
    State(relay): Shared,
    headers: HeaderMap,
    Json(req): Json<CredentialsInfoRequest>,
) -> Result<Json<CredentialInfo>, ApiError> {
    let session = relay.authenticate(authorization(&headers)).await?;
    let credential = relay.own_credential(&session, &req.credential_id).await?;
    let cert = Certificate::from_der(&credential.cert_der)
        .map_err(|e| Error::internal("stored certificate", e))?;
    let tbs = &cert.tbs_certificate;
    let mut certificates = Vec::new();
    if req.certificates != CertificatesWanted::None {
        certificates.push(STANDARD.encode(&credential.cert_der));
    }
    if req.certificates == CertificatesWanted::Chain {
        certificates.extend(relay.ca.chain_der().iter().map(|c| STANDARD.encode(c)));
    }
    let expired = relay.now() > credential.not_after;
    let with_info = req.cert_info;
    Ok(Json(CredentialInfo {
        description: "nubefirma cloud certificate".into(),
        key: KeyInfo {
            status: credential.status.clone(),
            algo: vec![OID_EC_PUBLIC_KEY.into()],
            len: 256,
            curve: OID_P256.into(),
        },
        cert: CertInfo {
            status: if expired {
                "expired".into()
            } else {
                "valid".into()
            },
            certificates,
            issuer_dn: with_info.then(|| tbs.issuer.to_string()),
            serial_number: with_info.then(|| hex::encode_upper(tbs.serial_number.as_bytes())),
            subject_dn: with_info.then(|| tbs.subject.to_string()),
            valid_from: with_info.then(|| generalized_time(&tbs.validity.not_before)),
            valid_to: with_info.then(|| generalized_time(&tbs.validity.not_after)),
        },
        auth_mode: "explicit".into(),
        otp: Some(OtpInfo {
            presence: "true".into(),
            otp_type: "online".into(),
            format: "N".into(),
            label: "SMS code".into(),
            description: "Six-digit code sent by SMS to the registered mobile phone".into(),
        }),
        scal: "2".into(),
        multisign: MAX_HASHES_PER_CALL as u32,
        lang: "es".into(),
    }))
}

async fn send_otp(
    State(relay): Shared,
    headers: HeaderMap,
    Json(req): Json<SendOtpRequest>,
) -> Result<StatusCode, ApiError> {
    let session = relay.authenticate(authorization(&headers)).await?;
    relay.send_otp(&session, &req).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn authorize(
    State(relay): Shared,
    headers: HeaderMap,
    Json(req): Json<AuthorizeRequest>,
) -> Result<Json<AuthorizeResponse>, ApiError> {
    let session = relay.authenticate(authorization(&headers)).await?;
    Ok(Json(relay.authorize(&session, &req).await?))
}

async fn sign_hash(
    State(relay): Shared,
    headers: HeaderMap,
    Json(req): Json<SignHashRequest>,
) -> Result<Json<SignHashResponse>, ApiError> {
    let session = relay.authenticate(authorization(&headers)).await?;
    let sad = relay.verify_sad(&session, &req).await?;
    let signatures = relay.sign_hashes(&session, sad).await?;
    Ok(Json(SignHashResponse {
        signatures: signatures.iter().map(|s| STANDARD.encode(s)).collect(),
    }))
}
