//! The citizen's own credentials (`/api/v1/credentials`): generation on demand, confirmed by
//! an SMS code (R15, R16), and revocation with her password (R24).

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::post;
use nubefirma_protocol::api::*;

use crate::csc::credential_id;
use crate::http::{ApiError, CitizenSession, Json};
use crate::{Error, Relay};

type Shared = State<Arc<Relay>>;

pub fn routes() -> Router<Arc<Relay>> {
    Router::new()
        .route("/api/v1/credentials", post(start))
        .route("/api/v1/credentials/{id}/confirm", post(confirm))
        .route("/api/v1/credentials/{id}/revoke", post(revoke))
}

async fn start(
    State(relay): Shared,
    CitizenSession(session): CitizenSession,
    Json(_): Json<serde_json::Map<String, serde_json::Value>>,
) -> Result<(StatusCode, Json<CredentialChallenge>), ApiError> {
    let challenge_id = relay.start_credential(&session).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(CredentialChallenge { challenge_id }),
    ))
}

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
