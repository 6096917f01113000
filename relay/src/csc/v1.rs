//! CSC API 1.0.4.0 (`/csc/v1/*`): the v1 wire over the same domain as v2. v1's `sendOTP` cannot
//! name the documents, so the SMS says plainly that no document list was given (and a relay
//! setting refuses that path); the SAD still binds the exact hashes sent to `authorize`.

use axum::response::IntoResponse;
use nubefirma_protocol::api::CardChallenge;
use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use nubefirma_protocol::csc::{
    CertificatesWanted, InfoResponse, OID_EC_PUBLIC_KEY, OID_ECDSA_WITH_SHA256, OID_P256,
    SignHashResponse,
};
use nubefirma_protocol::csc_v1::*;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{
    CertificateView, check_count, check_hash_algorithm, check_sign_algorithm, credential_id,
    digests, key_status,
};
use crate::http::{ApiError, BasicCredentials, CitizenSession, ClientAddress, Json, PreferredLang};
use crate::identity::signing::DocumentBinding;
use crate::limits::MAX_HASHES_PER_CALL;
use crate::{Error, Relay};
use nubefirma_protocol::ErrorBody;
use nubefirma_protocol::csc::LoginResponse;

type Shared = State<Arc<Relay>>;

pub const METHODS: [&str; 8] = [
    "auth/login",
    "auth/revoke",
    "credentials/list",
    "credentials/info",
    "credentials/sendOTP",
    "credentials/authorize",
    "signatures/signHash",
    "info",
];

pub fn routes() -> OpenApiRouter<Arc<Relay>> {
    OpenApiRouter::new()
        .routes(routes!(info))
        .routes(routes!(login))
        .routes(routes!(revoke))
        .routes(routes!(credentials_list))
        .routes(routes!(credentials_info))
        .routes(routes!(send_otp))
        .routes(routes!(authorize))
        .routes(routes!(sign_hash))
}

#[utoipa::path(post, path = "/auth/login", operation_id = "v1_login", tag = "csc", responses((status = 200, description = "Bearer token", body = LoginResponse), (status = 400, description = "Invalid request (CSC error body)", body = ErrorBody), (status = 401, description = "Missing, unknown or expired token", body = ErrorBody), (status = 403, description = "Access denied, account blocked or credential unusable", body = ErrorBody), (status = 429, description = "Too many requests; see Retry-After", body = ErrorBody)), security(("basic" = [])))]
async fn login(
    state: Shared,
    address: ClientAddress,
    basic: BasicCredentials,
) -> Result<Json<LoginResponse>, ApiError> {
    super::login(state, address, basic).await
}

#[utoipa::path(post, path = "/auth/revoke", operation_id = "v1_revoke", tag = "csc", responses((status = 204, description = "The token no longer works"), (status = 400, description = "Invalid request (CSC error body)", body = ErrorBody), (status = 401, description = "Missing, unknown or expired token", body = ErrorBody), (status = 403, description = "Access denied, account blocked or credential unusable", body = ErrorBody), (status = 429, description = "Too many requests; see Retry-After", body = ErrorBody)), security(("bearer" = [])))]
async fn revoke(state: Shared, session: CitizenSession) -> Result<StatusCode, ApiError> {
    super::revoke(state, session).await
}

#[utoipa::path(method(get, post), path = "/info", operation_id = "v1_info", tag = "csc", responses((status = 200, description = "Service information", body = InfoResponse), (status = 400, description = "Invalid request (CSC error body)", body = ErrorBody), (status = 401, description = "Missing, unknown or expired token", body = ErrorBody), (status = 403, description = "Access denied, account blocked or credential unusable", body = ErrorBody), (status = 429, description = "Too many requests; see Retry-After", body = ErrorBody)))]
async fn info() -> Json<InfoResponse> {
    Json(super::info("1.0.4.0", &METHODS))
}

#[utoipa::path(post, path = "/credentials/list", operation_id = "v1_credentials_list", tag = "csc", request_body = CredentialsListRequest, responses((status = 200, description = "The credentials", body = CredentialsListResponse), (status = 400, description = "Invalid request (CSC error body)", body = ErrorBody), (status = 401, description = "Missing, unknown or expired token", body = ErrorBody), (status = 403, description = "Access denied, account blocked or credential unusable", body = ErrorBody), (status = 429, description = "Too many requests; see Retry-After", body = ErrorBody)), security(("bearer" = [])))]
async fn credentials_list(
    State(relay): Shared,
    CitizenSession(session): CitizenSession,
    Json(req): Json<CredentialsListRequest>,
) -> Result<Json<CredentialsListResponse>, ApiError> {
    let mut credentials = relay.list_credentials(&session, false).await?;
    if let Some(max) = req.max_results {
        credentials.truncate(usize::try_from(max).unwrap_or(usize::MAX));
    }
    Ok(Json(CredentialsListResponse {
        credential_ids: credentials.into_iter().map(|c| c.id.to_string()).collect(),
    }))
}

#[utoipa::path(post, path = "/credentials/info", operation_id = "v1_credentials_info", tag = "csc", request_body = CredentialsInfoRequest, responses((status = 200, description = "The credential", body = CredentialInfo), (status = 400, description = "Invalid request (CSC error body)", body = ErrorBody), (status = 401, description = "Missing, unknown or expired token", body = ErrorBody), (status = 403, description = "Access denied, account blocked or credential unusable", body = ErrorBody), (status = 429, description = "Too many requests; see Retry-After", body = ErrorBody)), security(("bearer" = [])))]
async fn credentials_info(
    State(relay): Shared,
    CitizenSession(session): CitizenSession,
    Json(req): Json<CredentialsInfoRequest>,
) -> Result<Json<CredentialInfo>, ApiError> {
    let id = credential_id(&req.credential_id)?;
    let credential = relay.credential_info(&session, &id).await?;
    let view = CertificateView::of(
        &relay,
        &credential,
        req.certificates == CertificatesWanted::Single,
        req.certificates == CertificatesWanted::Chain,
    )?;
    let with_info = req.cert_info;
    Ok(Json(CredentialInfo {
        description: "nubefirma cloud certificate".into(),
        key: KeyInfo {
            status: key_status(&relay, &credential).into(),
            // v1 lists the signature algorithms the key produces.
            algo: vec![OID_ECDSA_WITH_SHA256.into(), OID_EC_PUBLIC_KEY.into()],
            len: 256,
            curve: Some(OID_P256.into()),
        },
        cert: nubefirma_protocol::csc::CertInfo {
            status: view.status.into(),
            certificates: view.certificates,
            issuer_dn: with_info.then_some(view.issuer_dn),
            serial_number: with_info.then_some(view.serial_number),
            subject_dn: with_info.then_some(view.subject_dn),
            valid_from: with_info.then_some(view.valid_from),
            valid_to: with_info.then_some(view.valid_to),
        },
        auth_mode: "explicit".into(),
        pin: Some(PinInfo {
            presence: "false".into(),
        }),
        otp: Some(OtpInfo {
            presence: "true".into(),
            otp_type: "online".into(),
            format: "N".into(),
            label: "SMS code".into(),
            description: "Six-digit code sent by SMS to the registered mobile phone".into(),
            id: "sms".into(),
            provider: "nubefirma".into(),
        }),
        multisign: MAX_HASHES_PER_CALL as u32,
        scal: "2".into(),
        lang: "es".into(),
    }))
}

#[utoipa::path(post, path = "/credentials/sendOTP", operation_id = "v1_send_otp", tag = "csc", request_body = SendOtpRequest, responses((status = 204, description = "The SMS code went"), (status = 200, description = "A coordinate card account: the position whose number is the code, no SMS (R21)", body = CardChallenge), (status = 400, description = "Invalid request (CSC error body)", body = ErrorBody), (status = 401, description = "Missing, unknown or expired token", body = ErrorBody), (status = 403, description = "Access denied, account blocked or credential unusable", body = ErrorBody), (status = 429, description = "Too many requests; see Retry-After", body = ErrorBody)), security(("bearer" = [])))]
async fn send_otp(
    State(relay): Shared,
    CitizenSession(session): CitizenSession,
    PreferredLang(lang): PreferredLang,
    Json(req): Json<SendOtpRequest>,
) -> Result<axum::response::Response, ApiError> {
    let id = credential_id(&req.credential_id)?;
    // A coordinate card account gets the position to answer instead of an SMS (R21).
    Ok(
        match relay
            .send_signing_otp(&session, &id, DocumentBinding::NotGiven, lang)
            .await?
        {
            Some(position) => (
                StatusCode::OK,
                Json(CardChallenge {
                    card_position: position.into(),
                }),
            )
                .into_response(),
            None => StatusCode::NO_CONTENT.into_response(),
        },
    )
}

#[utoipa::path(post, path = "/credentials/authorize", operation_id = "v1_authorize", tag = "csc", request_body = AuthorizeRequest, responses((status = 200, description = "SAD bound to the hashes", body = AuthorizeResponse), (status = 400, description = "Invalid request (CSC error body)", body = ErrorBody), (status = 401, description = "Missing, unknown or expired token", body = ErrorBody), (status = 403, description = "Access denied, account blocked or credential unusable", body = ErrorBody), (status = 429, description = "Too many requests; see Retry-After", body = ErrorBody)), security(("bearer" = [])))]
async fn authorize(
    State(relay): Shared,
    CitizenSession(session): CitizenSession,
    Json(req): Json<AuthorizeRequest>,
) -> Result<Json<AuthorizeResponse>, ApiError> {
    let id = credential_id(&req.credential_id)?;
    // SCAL 2: the SAD is always bound to the hashes, so v1's optional `hash` is required here.
    let hashes = req.hash.as_deref().ok_or_else(|| {
        Error::InvalidRequest("hash: required (SCAL 2 binds the SAD to the hashes)".into())
    })?;
    let digests = digests(hashes)?;
    check_count(u64::from(req.num_signatures), &digests)?;
    let otp = req
        .otp
        .as_deref()
        .ok_or_else(|| Error::InvalidRequest("OTP: the SMS code is required".into()))?;
    let issued = relay.authorize(&session, &id, &digests, otp).await?;
    Ok(Json(AuthorizeResponse {
        sad: issued.sad,
        expires_in: issued.expires_in.unsigned_abs(),
    }))
}

#[utoipa::path(post, path = "/signatures/signHash", operation_id = "v1_sign_hash", tag = "csc", request_body = SignHashRequest, responses((status = 200, description = "DER ECDSA signatures", body = SignHashResponse), (status = 400, description = "Invalid request (CSC error body)", body = ErrorBody), (status = 401, description = "Missing, unknown or expired token", body = ErrorBody), (status = 403, description = "Access denied, account blocked or credential unusable", body = ErrorBody), (status = 429, description = "Too many requests; see Retry-After", body = ErrorBody)), security(("bearer" = [])))]
async fn sign_hash(
    State(relay): Shared,
    CitizenSession(session): CitizenSession,
    Json(req): Json<SignHashRequest>,
) -> Result<Json<SignHashResponse>, ApiError> {
    let id = credential_id(&req.credential_id)?;
    check_sign_algorithm(&req.sign_algo)?;
    check_hash_algorithm(req.hash_algo.as_deref())?;
    let digests = digests(&req.hash)?;
    let sad = relay.verify_sad(&session, &id, &req.sad, &digests).await?;
    let signatures = relay.sign_hashes(&session, sad).await?;
    Ok(Json(SignHashResponse {
        signatures: signatures.iter().map(|s| STANDARD.encode(s)).collect(),
    }))
}
