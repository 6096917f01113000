//! Our own endpoints beside the CSC API: activation (`/api/v1`), the registry office
//! (`/office/v1`, operator token), the CA certificate (`/pki/ca.pem`) and `/healthz`.

pub mod dev;

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use nubefirma_protocol::api::*;

use crate::http::{ApiError, Json, authorization};
use crate::{Error, Relay};

type Shared = State<Arc<Relay>>;

pub fn routes() -> Router<Arc<Relay>> {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/pki/ca.pem", get(ca_pem))
        .route("/office/v1/citizens", post(register_citizen))
        .route("/api/v1/activation/start", post(activation_start))
        .route("/api/v1/activation/complete", post(activation_complete))
}

async fn ca_pem(State(relay): Shared) -> Result<impl IntoResponse, ApiError> {
    Ok((
        [(header::CONTENT_TYPE, "application/x-pem-file")],
        relay.ca.root_pem()?,
    ))
}

async fn register_citizen(
    State(relay): Shared,
    headers: HeaderMap,
    Json(req): Json<RegisterCitizenRequest>,
) -> Result<(StatusCode, Json<RegisterCitizenResponse>), ApiError> {
    let token = authorization(&headers)
        .and_then(|h| h.strip_prefix("Bearer "))
        .unwrap_or_default();
    if !relay.is_operator_token(token) {
        return Err(Error::AccessDenied("a registry-office operator token is required").into());
    }
    Ok((
        StatusCode::CREATED,
        Json(relay.register_citizen(&req).await?),
    ))
}

async fn activation_start(
    State(relay): Shared,
    Json(req): Json<ActivationStartRequest>,
) -> Result<Json<ActivationStartResponse>, ApiError> {
    Ok(Json(relay.start_activation(&req).await?))
}

async fn activation_complete(
    State(relay): Shared,
    Json(req): Json<ActivationCompleteRequest>,
) -> Result<Json<serde_json::Value>, ApiError> {
    relay.complete_activation(&req).await?;
    Ok(Json(serde_json::json!({ "status": "active" })))
}
