//! Activation (`/api/v1/activation/*`, R12), limited per client address.

use std::sync::Arc;

use axum::extract::State;
use nubefirma_protocol::ErrorBody;
use nubefirma_protocol::api::*;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::Relay;
use crate::http::{ApiError, ClientAddress, Json, PreferredLang};
use crate::identity::activation::FirstPassword;
use crate::identity::rate::AddressBucket;

type Shared = State<Arc<Relay>>;

pub fn routes() -> OpenApiRouter<Arc<Relay>> {
    OpenApiRouter::new()
        .routes(routes!(start))
        .routes(routes!(complete))
}

#[utoipa::path(post, path = "/api/v1/activation/start", operation_id = "activation_start", tag = "activation", request_body = ActivationStartRequest, responses((status = 200, description = "SMS code sent", body = ActivationStartResponse), (status = 400, description = "Invalid request (CSC error body)", body = ErrorBody), (status = 401, description = "Missing, unknown or expired token", body = ErrorBody), (status = 403, description = "Access denied, account blocked or credential unusable", body = ErrorBody), (status = 429, description = "Too many requests; see Retry-After", body = ErrorBody)))]
async fn start(
    State(relay): Shared,
    ClientAddress(address): ClientAddress,
    PreferredLang(lang): PreferredLang,
    Json(req): Json<ActivationStartRequest>,
) -> Result<Json<ActivationStartResponse>, ApiError> {
    relay
        .limit_address(AddressBucket::Activation, address)
        .await?;
    let activation_id = relay
        .start_activation(&req.id_number, &req.activation_code, lang)
        .await?;
    Ok(Json(ActivationStartResponse { activation_id }))
}

#[utoipa::path(post, path = "/api/v1/activation/complete", operation_id = "activation_complete", tag = "activation", request_body = ActivationCompleteRequest, responses((status = 200, description = "The account is active"), (status = 400, description = "Invalid request (CSC error body)", body = ErrorBody), (status = 401, description = "Missing, unknown or expired token", body = ErrorBody), (status = 403, description = "Access denied, account blocked or credential unusable", body = ErrorBody), (status = 429, description = "Too many requests; see Retry-After", body = ErrorBody)))]
async fn complete(
    State(relay): Shared,
    ClientAddress(address): ClientAddress,
    PreferredLang(lang): PreferredLang,
    Json(req): Json<ActivationCompleteRequest>,
) -> Result<Json<serde_json::Value>, ApiError> {
    relay
        .limit_address(AddressBucket::Activation, address)
        .await?;
    let first_password = FirstPassword::from_request(req.password.as_deref(), req.password_by_sms)?;
    relay
        .complete_activation(
            &req.activation_id,
            &req.sms_code,
            first_password,
            req.accept_terms,
            lang,
        )
        .await?;
    Ok(Json(serde_json::json!({ "status": "active" })))
}
