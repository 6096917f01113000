//! Activation (`/api/v1/activation/*`, R12), limited per client address.

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::routing::post;
use nubefirma_protocol::api::*;

use crate::Relay;
use crate::http::{ApiError, ClientAddress, Json};
use crate::identity::rate::AddressBucket;

type Shared = State<Arc<Relay>>;

pub fn routes() -> Router<Arc<Relay>> {
    Router::new()
        .route("/api/v1/activation/start", post(start))
        .route("/api/v1/activation/complete", post(complete))
}

async fn start(
    State(relay): Shared,
    ClientAddress(address): ClientAddress,
    Json(req): Json<ActivationStartRequest>,
) -> Result<Json<ActivationStartResponse>, ApiError> {
    relay
        .limit_address(AddressBucket::Activation, address)
        .await?;
    let activation_id = relay
        .start_activation(&req.id_number, &req.activation_code)
        .await?;
    Ok(Json(ActivationStartResponse { activation_id }))
}

async fn complete(
    State(relay): Shared,
    ClientAddress(address): ClientAddress,
    Json(req): Json<ActivationCompleteRequest>,
) -> Result<Json<serde_json::Value>, ApiError> {
    relay
        .limit_address(AddressBucket::Activation, address)
        .await?;
    relay
        .complete_activation(
            &req.activation_id,
            &req.sms_code,
            &req.password,
            req.accept_terms,
        )
        .await?;
    Ok(Json(serde_json::json!({ "status": "active" })))
}
