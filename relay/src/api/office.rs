//! The registry office (`/office/v1`), behind the operator extractor: registering a citizen
//! whose ID was checked in person (R7) and revoking a credential in person (R24).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use nubefirma_protocol::ErrorBody;
use nubefirma_protocol::api::*;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::csc::credential_id;
use crate::http::{ApiError, ClientAddress, Json, Operator, PreferredLang};
use crate::identity::rate::AddressBucket;
use crate::pki::services::REVOCATION_REASONS;
use crate::{Error, Relay};

type Shared = State<Arc<Relay>>;

pub fn routes() -> OpenApiRouter<Arc<Relay>> {
    OpenApiRouter::new()
        .routes(routes!(register_citizen))
        .routes(routes!(revoke_credential))
        .routes(routes!(revoke_account))
        .routes(routes!(regenerate_activation_code))
        .routes(routes!(change_phone))
        .routes(routes!(login))
        .routes(routes!(login_confirm))
}

#[utoipa::path(post, path = "/office/v1/login", operation_id = "office_login", tag = "office", request_body = OperatorLoginRequest, responses((status = 202, description = "Right password: an SMS code went to the operator's phone", body = OperatorLoginStarted), (status = 400, description = "Invalid request (CSC error body)", body = ErrorBody), (status = 401, description = "Unknown operator, locked out or wrong password (one answer)", body = ErrorBody), (status = 429, description = "Too many requests; see Retry-After", body = ErrorBody)))]
async fn login(
    State(relay): Shared,
    ClientAddress(address): ClientAddress,
    PreferredLang(lang): PreferredLang,
    Json(req): Json<OperatorLoginRequest>,
) -> Result<(StatusCode, Json<OperatorLoginStarted>), ApiError> {
    relay.limit_address(AddressBucket::Office, address).await?;
    let login_id = relay
        .start_operator_login(&req.name, &req.password, lang)
        .await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(OperatorLoginStarted { login_id }),
    ))
}

#[utoipa::path(post, path = "/office/v1/login/{id}/confirm", params(("id" = String, Path, description = "The login id")), operation_id = "office_login_confirm", tag = "office", request_body = OperatorLoginConfirm, responses((status = 200, description = "The operator's bearer token", body = OperatorSession), (status = 400, description = "Wrong or dead code (CSC error body)", body = ErrorBody), (status = 429, description = "Too many requests; see Retry-After", body = ErrorBody)))]
async fn login_confirm(
    State(relay): Shared,
    ClientAddress(address): ClientAddress,
    Path(id): Path<String>,
    Json(req): Json<OperatorLoginConfirm>,
) -> Result<Json<OperatorSession>, ApiError> {
    relay.limit_address(AddressBucket::Office, address).await?;
    let access_token = relay.confirm_operator_login(&id, &req.sms_code).await?;
    Ok(Json(OperatorSession {
        access_token,
        expires_in: crate::limits::SESSION_IDLE_SECONDS,
    }))
}

#[utoipa::path(post, path = "/office/v1/citizens/activation-code", operation_id = "office_activation_code", tag = "office", request_body = RegenerateActivationCodeRequest, responses((status = 200, description = "A new activation code, shown once; the old one stops working", body = RegisterCitizenResponse), (status = 400, description = "Invalid request (CSC error body)", body = ErrorBody), (status = 401, description = "Missing, unknown or expired token", body = ErrorBody), (status = 403, description = "Access denied", body = ErrorBody), (status = 409, description = "The account is revoked", body = ErrorBody), (status = 429, description = "Too many requests; see Retry-After", body = ErrorBody)), security(("operator" = [])))]
async fn regenerate_activation_code(
    State(relay): Shared,
    operator: Operator,
    Json(req): Json<RegenerateActivationCodeRequest>,
) -> Result<Json<RegisterCitizenResponse>, ApiError> {
    Ok(Json(
        relay
            .regenerate_activation_code(&req.id_number, &operator.name)
            .await?,
    ))
}

#[utoipa::path(post, path = "/office/v1/citizens/phone", operation_id = "office_phone", tag = "office", request_body = OperatorPhoneChangeRequest, responses((status = 200, description = "Her new mobile is set; codes sent to the old one stop working; her email and the new phone are told", body = AccountStatusResponse), (status = 400, description = "Invalid request (CSC error body)", body = ErrorBody), (status = 401, description = "Missing, unknown or expired token", body = ErrorBody), (status = 403, description = "Access denied", body = ErrorBody), (status = 409, description = "The phone is on another account (R8), or the account is revoked", body = ErrorBody), (status = 429, description = "Too many requests; see Retry-After", body = ErrorBody)), security(("operator" = [])))]
async fn change_phone(
    State(relay): Shared,
    operator: Operator,
    Json(req): Json<OperatorPhoneChangeRequest>,
) -> Result<Json<AccountStatusResponse>, ApiError> {
    relay
        .change_phone_by_operator(&req.id_number, &req.phone, &operator.name)
        .await?;
    Ok(Json(AccountStatusResponse {
        status: "changed".into(),
    }))
}

#[utoipa::path(post, path = "/office/v1/accounts/revoke", operation_id = "office_revoke_account", tag = "office", request_body = OperatorRevokeAccountRequest, responses((status = 200, description = "The account and every certificate revoked; every session ended", body = AccountStatusResponse), (status = 400, description = "Invalid request (CSC error body)", body = ErrorBody), (status = 401, description = "Missing, unknown or expired token", body = ErrorBody), (status = 403, description = "Access denied", body = ErrorBody), (status = 409, description = "Already revoked", body = ErrorBody), (status = 429, description = "Too many requests; see Retry-After", body = ErrorBody)), security(("operator" = [])))]
async fn revoke_account(
    State(relay): Shared,
    operator: Operator,
    Json(req): Json<OperatorRevokeAccountRequest>,
) -> Result<Json<AccountStatusResponse>, ApiError> {
    relay
        .revoke_account_by_operator(&req.id_number, req.reason.trim(), &operator.name)
        .await?;
    Ok(Json(AccountStatusResponse {
        status: "revoked".into(),
    }))
}

#[utoipa::path(post, path = "/office/v1/citizens", operation_id = "office_register", tag = "office", request_body = RegisterCitizenRequest, responses((status = 201, description = "Registered; the activation code is shown once", body = RegisterCitizenResponse), (status = 409, description = "ID or phone already registered", body = ErrorBody), (status = 400, description = "Invalid request (CSC error body)", body = ErrorBody), (status = 401, description = "Missing, unknown or expired token", body = ErrorBody), (status = 403, description = "Access denied, account blocked or credential unusable", body = ErrorBody), (status = 429, description = "Too many requests; see Retry-After", body = ErrorBody)), security(("operator" = [])))]
async fn register_citizen(
    State(relay): Shared,
    operator: Operator,
    Json(req): Json<RegisterCitizenRequest>,
) -> Result<(StatusCode, Json<RegisterCitizenResponse>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(relay.register_citizen(&req, &operator.name).await?),
    ))
}

#[utoipa::path(post, path = "/office/v1/credentials/{credential_id}/revoke", params(("credential_id" = String, Path, description = "The credential id")), operation_id = "office_revoke", tag = "office", request_body = OperatorRevokeRequest, responses((status = 200, description = "Revoked", body = CredentialStatusResponse), (status = 400, description = "Invalid request (CSC error body)", body = ErrorBody), (status = 401, description = "Missing, unknown or expired token", body = ErrorBody), (status = 403, description = "Access denied, account blocked or credential unusable", body = ErrorBody), (status = 429, description = "Too many requests; see Retry-After", body = ErrorBody)), security(("operator" = [])))]
async fn revoke_credential(
    State(relay): Shared,
    operator: Operator,
    Path(id): Path<String>,
    Json(req): Json<OperatorRevokeRequest>,
) -> Result<Json<CredentialStatusResponse>, ApiError> {
    let reason = req.reason.trim();
    if !REVOCATION_REASONS.contains(&reason) {
        return Err(Error::InvalidRequest(format!(
            "reason: one of {}",
            REVOCATION_REASONS.join(", ")
        ))
        .into());
    }
    relay
        .revoke_credential_by_operator(&credential_id(&id)?, reason, &operator.name)
        .await?;
    Ok(Json(CredentialStatusResponse {
        status: "revoked".into(),
    }))
}
