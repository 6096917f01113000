//! CSC API v2 (`/csc/v2/*`): the wire shapes of CSC 2.0 over the domain. Explicit
//! authorization: the client collects the SMS OTP and sends it to `credentials/authorize`,
//! which returns a SAD bound to the hashes; `signatures/signHash` signs only those.

use axum::response::IntoResponse;
use nubefirma_protocol::api::CardChallenge;
use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use nubefirma_protocol::csc::*;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{
    CertificateView, check_count, check_hash_algorithm, check_sign_algorithm, credential_id,
    digests, key_status,
};
use crate::http::{ApiError, BasicCredentials, CitizenSession, ClientAddress, Json, PreferredLang};
use crate::identity::signing::DocumentBinding;
use crate::records::Credential;
use crate::{Error, Relay};
use nubefirma_protocol::ErrorBody;
use nubefirma_protocol::csc::LoginResponse;

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
        .routes(routes!(timestamp))
}

#[utoipa::path(post, path = "/auth/login", operation_id = "v2_login", tag = "csc", responses((status = 200, description = "Bearer token", body = LoginResponse), (status = 400, description = "Invalid request (CSC error body)", body = ErrorBody), (status = 401, description = "Missing, unknown or expired token", body = ErrorBody), (status = 403, description = "Access denied, account blocked or credential unusable", body = ErrorBody), (status = 429, description = "Too many requests; see Retry-After", body = ErrorBody)), security(("basic" = [])))]
async fn login(
    state: Shared,
    address: ClientAddress,
    basic: BasicCredentials,
) -> Result<Json<LoginResponse>, ApiError> {
    super::login(state, address, basic).await
}

#[utoipa::path(post, path = "/auth/revoke", operation_id = "v2_revoke", tag = "csc", responses((status = 204, description = "The token no longer works"), (status = 400, description = "Invalid request (CSC error body)", body = ErrorBody), (status = 401, description = "Missing, unknown or expired token", body = ErrorBody), (status = 403, description = "Access denied, account blocked or credential unusable", body = ErrorBody), (status = 429, description = "Too many requests; see Retry-After", body = ErrorBody)), security(("bearer" = [])))]
async fn revoke(state: Shared, session: CitizenSession) -> Result<StatusCode, ApiError> {
    super::revoke(state, session).await
}

#[utoipa::path(method(get, post), path = "/info", operation_id = "v2_info", tag = "csc", responses((status = 200, description = "Service information", body = InfoResponse), (status = 400, description = "Invalid request (CSC error body)", body = ErrorBody), (status = 401, description = "Missing, unknown or expired token", body = ErrorBody), (status = 403, description = "Access denied, account blocked or credential unusable", body = ErrorBody), (status = 429, description = "Too many requests; see Retry-After", body = ErrorBody)))]
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

#[utoipa::path(post, path = "/credentials/list", operation_id = "v2_credentials_list", tag = "csc", request_body = CredentialsListRequest, responses((status = 200, description = "The credentials", body = CredentialsListResponse), (status = 400, description = "Invalid request (CSC error body)", body = ErrorBody), (status = 401, description = "Missing, unknown or expired token", body = ErrorBody), (status = 403, description = "Access denied, account blocked or credential unusable", body = ErrorBody), (status = 429, description = "Too many requests; see Retry-After", body = ErrorBody)), security(("bearer" = [])))]
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

#[utoipa::path(post, path = "/credentials/info", operation_id = "v2_credentials_info", tag = "csc", request_body = CredentialsInfoRequest, responses((status = 200, description = "The credential", body = CredentialInfo), (status = 400, description = "Invalid request (CSC error body)", body = ErrorBody), (status = 401, description = "Missing, unknown or expired token", body = ErrorBody), (status = 403, description = "Access denied, account blocked or credential unusable", body = ErrorBody), (status = 429, description = "Too many requests; see Retry-After", body = ErrorBody)), security(("bearer" = [])))]
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

#[utoipa::path(post, path = "/credentials/sendOTP", operation_id = "v2_send_otp", tag = "csc", request_body = SendOtpRequest, responses((status = 204, description = "The SMS code went"), (status = 200, description = "A coordinate card account: the position whose number is the code, no SMS (R21)", body = CardChallenge), (status = 400, description = "Invalid request (CSC error body)", body = ErrorBody), (status = 401, description = "Missing, unknown or expired token", body = ErrorBody), (status = 403, description = "Access denied, account blocked or credential unusable", body = ErrorBody), (status = 429, description = "Too many requests; see Retry-After", body = ErrorBody)), security(("bearer" = [])))]
async fn send_otp(
    State(relay): Shared,
    CitizenSession(session): CitizenSession,
    PreferredLang(lang): PreferredLang,
    Json(req): Json<SendOtpRequest>,
) -> Result<axum::response::Response, ApiError> {
    let id = credential_id(&req.credential_id)?;
    // On this wire a signing code is always bound to the documents it signs.
    let hashes = req.hashes.as_deref().ok_or_else(|| {
        Error::InvalidRequest(
            "hashes: required, so that the code works only for these documents and the SMS can show them".into(),
        )
    })?;
    check_hash_algorithm(req.hash_algorithm_oid.as_deref())?;
    let digests = digests(hashes)?;
    // A coordinate card account gets the position to answer instead of an SMS (R21).
    Ok(
        match relay
            .send_signing_otp(&session, &id, DocumentBinding::Hashes(&digests), lang)
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

#[utoipa::path(post, path = "/credentials/authorize", operation_id = "v2_authorize", tag = "csc", request_body = AuthorizeRequest, responses((status = 200, description = "SAD bound to the hashes", body = AuthorizeResponse), (status = 400, description = "Invalid request (CSC error body)", body = ErrorBody), (status = 401, description = "Missing, unknown or expired token", body = ErrorBody), (status = 403, description = "Access denied, account blocked or credential unusable", body = ErrorBody), (status = 429, description = "Too many requests; see Retry-After", body = ErrorBody)), security(("bearer" = [])))]
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

#[utoipa::path(post, path = "/signatures/signHash", operation_id = "v2_sign_hash", tag = "csc", request_body = SignHashRequest, responses((status = 200, description = "DER ECDSA signatures", body = SignHashResponse), (status = 400, description = "Invalid request (CSC error body)", body = ErrorBody), (status = 401, description = "Missing, unknown or expired token", body = ErrorBody), (status = 403, description = "Access denied, account blocked or credential unusable", body = ErrorBody), (status = 429, description = "Too many requests; see Retry-After", body = ErrorBody)), security(("bearer" = [])))]
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

#[utoipa::path(post, path = "/signatures/timestamp", operation_id = "v2_timestamp", tag = "csc", request_body = TimestampRequest, responses((status = 200, description = "RFC 3161 timestamp token", body = TimestampResponse), (status = 400, description = "Invalid request (CSC error body)", body = ErrorBody), (status = 401, description = "Missing, unknown or expired token", body = ErrorBody), (status = 403, description = "Access denied, account blocked or credential unusable", body = ErrorBody), (status = 429, description = "Too many requests; see Retry-After", body = ErrorBody), (status = 502, description = "The outside TSA (serve --tsa-url) failed or gave no acceptable token (CSC error body, server_error)", body = ErrorBody)), security(("bearer" = [])))]
async fn timestamp(
    State(relay): Shared,
    CitizenSession(_session): CitizenSession,
    Json(req): Json<TimestampRequest>,
) -> Result<Json<TimestampResponse>, ApiError> {
    check_hash_algorithm(Some(&req.hash_algorithm_oid))?;
    let digest = digests(std::slice::from_ref(&req.hash))?;
    let nonce = req
        .nonce
        .as_deref()
        .map(|n| {
            hex::decode(n)
                .ok()
                .filter(|b| !b.is_empty() && b.len() <= 32)
                .ok_or_else(|| Error::InvalidRequest("nonce: 1 to 32 bytes, hex".into()))
        })
        .transpose()?;
    let token = relay
        .timestamp_digest(&digest.as_slice()[0], nonce.as_deref())
        .await?;
    Ok(Json(TimestampResponse {
        timestamp: STANDARD.encode(token),
    }))
}
