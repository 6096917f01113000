//! The citizen's own credentials (`/api/v1/credentials`): generation on demand, confirmed by
//! an SMS code (R15, R16), and revocation with her password (R24).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use nubefirma_protocol::ErrorBody;
use nubefirma_protocol::api::*;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::csc::credential_id;
use crate::http::{ApiError, CitizenSession, Json, PreferredLang};
use crate::{Error, Relay};

type Shared = State<Arc<Relay>>;

pub fn routes() -> OpenApiRouter<Arc<Relay>> {
    OpenApiRouter::new()
        .routes(routes!(start))
        .routes(routes!(confirm))
        .routes(routes!(revoke))
}

#[utoipa::path(post, path = "/api/v1/credentials", operation_id = "credential_start", tag = "credentials", request_body = StartCredentialRequest, responses((status = 202, description = "SMS code sent to confirm", body = CredentialChallenge), (status = 400, description = "Invalid request (CSC error body)", body = ErrorBody), (status = 401, description = "Missing, unknown or expired token", body = ErrorBody), (status = 403, description = "Access denied, account blocked or credential unusable", body = ErrorBody), (status = 429, description = "Too many requests; see Retry-After", body = ErrorBody)), security(("bearer" = [])))]
async fn start(
    State(relay): Shared,
    CitizenSession(session): CitizenSession,
    PreferredLang(lang): PreferredLang,
    Json(_): Json<StartCredentialRequest>,
) -> Result<(StatusCode, Json<CredentialChallenge>), ApiError> {
    let sent = relay.start_credential(&session, lang).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(CredentialChallenge {
            challenge_id: sent.id,
            card_position: sent.card_position.map(str::to_owned),
        }),
    ))
}

#[utoipa::path(post, path = "/api/v1/credentials/{id}/confirm", params(("id" = String, Path, description = "The challenge id from POST /api/v1/credentials")), operation_id = "credential_confirm", tag = "credentials", request_body = ConfirmCredentialRequest, responses((status = 201, description = "The new credential", body = ConfirmCredentialResponse), (status = 400, description = "Invalid request (CSC error body)", body = ErrorBody), (status = 401, description = "Missing, unknown or expired token", body = ErrorBody), (status = 403, description = "Access denied, account blocked or credential unusable", body = ErrorBody), (status = 429, description = "Too many requests; see Retry-After", body = ErrorBody)), security(("bearer" = [])))]
async fn confirm(
    State(relay): Shared,
    CitizenSession(session): CitizenSession,
    Path(challenge_id): Path<String>,
    Json(req): Json<ConfirmCredentialRequest>,
) -> Result<(StatusCode, Json<ConfirmCredentialResponse>), ApiError> {
    if challenge_id.len() > 64 {
        return Err(Error::InvalidRequest("challengeId: unknown".into()).into());
    }
    let id = relay
        .confirm_credential(&session, &challenge_id, &req.sms_code)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(ConfirmCredentialResponse {
            credential_id: id.to_string(),
        }),
    ))
}

#[utoipa::path(post, path = "/api/v1/credentials/{id}/revoke", params(("id" = String, Path, description = "The credential id")), operation_id = "credential_revoke", tag = "credentials", request_body = RevokeOwnCredentialRequest, responses((status = 200, description = "Revoked", body = CredentialStatusResponse), (status = 400, description = "Invalid request (CSC error body)", body = ErrorBody), (status = 401, description = "Missing, unknown or expired token", body = ErrorBody), (status = 403, description = "Access denied, account blocked or credential unusable", body = ErrorBody), (status = 429, description = "Too many requests; see Retry-After", body = ErrorBody)), security(("bearer" = [])))]
async fn revoke(
    State(relay): Shared,
    CitizenSession(session): CitizenSession,
    Path(id): Path<String>,
    Json(req): Json<RevokeOwnCredentialRequest>,
) -> Result<Json<CredentialStatusResponse>, ApiError> {
    relay
        .revoke_own_credential(&session, &credential_id(&id)?, &req.password)
        .await?;
    Ok(Json(CredentialStatusResponse {
        status: "revoked".into(),
    }))
}
