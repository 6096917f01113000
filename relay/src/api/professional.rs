//! The employee's side of a professional certificate (`/api/v1/professional/{id}/*`, R13): the
//! six steps after the email's link, each its own call, each with the link's token, in order.
//! No session: the token is the proof of the email, the SMS codes of the phone. Limited per
//! client address like activation.

use std::sync::Arc;

use axum::extract::{Path, State};
use nubefirma_protocol::ErrorBody;
use nubefirma_protocol::api::*;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::Relay;
use crate::http::{ApiError, ClientAddress, Json, PreferredLang};
use crate::identity::rate::AddressBucket;

type Shared = State<Arc<Relay>>;

pub fn routes() -> OpenApiRouter<Arc<Relay>> {
    OpenApiRouter::new()
        .routes(routes!(start))
        .routes(routes!(sms))
        .routes(routes!(identity))
        .routes(routes!(password))
        .routes(routes!(terms))
        .routes(routes!(complete))
        .routes(routes!(confirm))
}

async fn limited(relay: &Relay, address: ClientAddress) -> Result<(), ApiError> {
    relay
        .limit_address(AddressBucket::Activation, address.0)
        .await?;
    Ok(())
}

#[utoipa::path(post, path = "/api/v1/professional/{id}/start", params(("id" = String, Path, description = "The invitation id from the email's link")), operation_id = "professional_start", tag = "professional", request_body = ProfessionalToken, responses((status = 200, description = "Step 2: the SMS registration code went to her mobile", body = ProfessionalProgress), (status = 400, description = "Unknown, expired or finished invitation, or wrong token (one answer)", body = ErrorBody), (status = 409, description = "Not the next step, or no SMS codes left", body = ErrorBody), (status = 429, description = "Too many requests; see Retry-After", body = ErrorBody)))]
async fn start(
    State(relay): Shared,
    address: ClientAddress,
    PreferredLang(lang): PreferredLang,
    Path(id): Path<String>,
    Json(req): Json<ProfessionalToken>,
) -> Result<Json<ProfessionalProgress>, ApiError> {
    limited(&relay, address).await?;
    Ok(Json(relay.professional_start(&id, &req.token, lang).await?))
}

#[utoipa::path(post, path = "/api/v1/professional/{id}/sms", params(("id" = String, Path, description = "The invitation id")), operation_id = "professional_sms", tag = "professional", request_body = ProfessionalCode, responses((status = 200, description = "Step 2 done: the registration code was right", body = ProfessionalProgress), (status = 400, description = "Wrong or dead code; or unknown invitation or wrong token", body = ErrorBody), (status = 409, description = "Not the next step", body = ErrorBody), (status = 429, description = "Too many requests; see Retry-After", body = ErrorBody)))]
async fn sms(
    State(relay): Shared,
    address: ClientAddress,
    Path(id): Path<String>,
    Json(req): Json<ProfessionalCode>,
) -> Result<Json<ProfessionalProgress>, ApiError> {
    limited(&relay, address).await?;
    Ok(Json(
        relay.professional_sms(&id, &req.token, &req.code).await?,
    ))
}

#[utoipa::path(post, path = "/api/v1/professional/{id}/identity", params(("id" = String, Path, description = "The invitation id")), operation_id = "professional_identity", tag = "professional", request_body = ProfessionalIdentity, responses((status = 200, description = "Step 3 done: the ID document's expiry date was right; newAccount says which password step 4 asks", body = ProfessionalProgress), (status = 400, description = "Wrong date (the third voids the invitation); or unknown invitation or wrong token", body = ErrorBody), (status = 409, description = "Not the next step", body = ErrorBody), (status = 429, description = "Too many requests; see Retry-After", body = ErrorBody)))]
async fn identity(
    State(relay): Shared,
    address: ClientAddress,
    Path(id): Path<String>,
    Json(req): Json<ProfessionalIdentity>,
) -> Result<Json<ProfessionalProgress>, ApiError> {
    limited(&relay, address).await?;
    Ok(Json(
        relay
            .professional_identity(&id, &req.token, &req.id_document_expiry)
            .await?,
    ))
}

#[utoipa::path(post, path = "/api/v1/professional/{id}/password", params(("id" = String, Path, description = "The invitation id")), operation_id = "professional_password", tag = "professional", request_body = ProfessionalPassword, responses((status = 200, description = "Step 4 done: a new account's password chosen, or her current password given", body = ProfessionalProgress), (status = 400, description = "Password not acceptable; or unknown invitation or wrong token", body = ErrorBody), (status = 403, description = "Wrong current password (counted toward R20), or account blocked", body = ErrorBody), (status = 409, description = "Not the next step", body = ErrorBody), (status = 429, description = "Too many requests; see Retry-After", body = ErrorBody)))]
async fn password(
    State(relay): Shared,
    address: ClientAddress,
    Path(id): Path<String>,
    Json(req): Json<ProfessionalPassword>,
) -> Result<Json<ProfessionalProgress>, ApiError> {
    limited(&relay, address).await?;
    Ok(Json(
        relay
            .professional_password(&id, &req.token, &req.password)
            .await?,
    ))
}

#[utoipa::path(post, path = "/api/v1/professional/{id}/terms", params(("id" = String, Path, description = "The invitation id")), operation_id = "professional_terms", tag = "professional", request_body = ProfessionalTerms, responses((status = 200, description = "Step 5 done: the terms of use accepted", body = ProfessionalProgress), (status = 400, description = "Not accepted; or unknown invitation or wrong token", body = ErrorBody), (status = 409, description = "Not the next step", body = ErrorBody), (status = 429, description = "Too many requests; see Retry-After", body = ErrorBody)))]
async fn terms(
    State(relay): Shared,
    address: ClientAddress,
    Path(id): Path<String>,
    Json(req): Json<ProfessionalTerms>,
) -> Result<Json<ProfessionalProgress>, ApiError> {
    limited(&relay, address).await?;
    Ok(Json(
        relay
            .professional_terms(&id, &req.token, req.accepted)
            .await?,
    ))
}

#[utoipa::path(post, path = "/api/v1/professional/{id}/complete", params(("id" = String, Path, description = "The invitation id")), operation_id = "professional_complete", tag = "professional", request_body = ProfessionalToken, responses((status = 200, description = "Step 6: the final SMS code went to her mobile", body = ProfessionalProgress), (status = 400, description = "Unknown, expired or finished invitation, or wrong token", body = ErrorBody), (status = 409, description = "Not the next step, or no SMS codes left", body = ErrorBody), (status = 429, description = "Too many requests; see Retry-After", body = ErrorBody)))]
async fn complete(
    State(relay): Shared,
    address: ClientAddress,
    PreferredLang(lang): PreferredLang,
    Path(id): Path<String>,
    Json(req): Json<ProfessionalToken>,
) -> Result<Json<ProfessionalProgress>, ApiError> {
    limited(&relay, address).await?;
    Ok(Json(
        relay.professional_complete(&id, &req.token, lang).await?,
    ))
}

#[utoipa::path(post, path = "/api/v1/professional/{id}/confirm", params(("id" = String, Path, description = "The invitation id")), operation_id = "professional_confirm", tag = "professional", request_body = ProfessionalCode, responses((status = 200, description = "Step 6 done: the professional certificate is issued (and a new account active)", body = ProfessionalProgress), (status = 400, description = "Wrong or dead code; or unknown invitation or wrong token", body = ErrorBody), (status = 409, description = "Not the next step, or her account changed after step 4", body = ErrorBody), (status = 429, description = "Too many requests; see Retry-After", body = ErrorBody)))]
async fn confirm(
    State(relay): Shared,
    address: ClientAddress,
    Path(id): Path<String>,
    Json(req): Json<ProfessionalCode>,
) -> Result<Json<ProfessionalProgress>, ApiError> {
    limited(&relay, address).await?;
    Ok(Json(
        relay
            .professional_confirm(&id, &req.token, &req.code)
            .await?,
    ))
}
