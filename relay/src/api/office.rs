//! The registry office (`/office/v1`), behind the operator extractor: registering a citizen
//! whose ID was checked in person (R7) and revoking a credential in person (R24).

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::post;
use nubefirma_protocol::api::*;

use crate::csc::credential_id;
use crate::http::{ApiError, Json, Operator};
use crate::{Error, Relay};

type Shared = State<Arc<Relay>>;

pub fn routes() -> Router<Arc<Relay>> {
    Router::new()
        .route("/office/v1/citizens", post(register_citizen))
        .route(
            "/office/v1/credentials/{credential_id}/revoke",
            post(revoke_credential),
        )
}

async fn register_citizen(
    State(relay): Shared,
    _: Operator,
    Json(req): Json<RegisterCitizenRequest>,
) -> Result<(StatusCode, Json<RegisterCitizenResponse>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(relay.register_citizen(&req).await?),
    ))
}

async fn revoke_credential(
    State(relay): Shared,
    _: Operator,
    Path(id): Path<String>,
    Json(req): Json<OperatorRevokeRequest>,
) -> Result<Json<CredentialStatusResponse>, ApiError> {
    let reason = req.reason.trim();
    if reason.is_empty() || reason.chars().count() > 200 || reason.chars().any(char::is_control) {
        return Err(Error::InvalidRequest(
            "reason: 1 to 200 characters, no control characters".into(),
        )
        .into());
    }
    relay
        .revoke_credential_by_operator(&credential_id(&id)?, reason)
        .await?;
    Ok(Json(CredentialStatusResponse {
        status: "revoked".into(),
    }))
}
