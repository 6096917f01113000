//! Levels and identity (`/api/v1/pin*`, `/api/v1/session*`, `/api/v1/identity/assertion`,
//! `/.well-known/jwks.json`): the PIN key, the SMS step to the reinforced level, and the signed
//! assertion a portal's server checks (R1–R4, R27). The PIN endpoints need no session and
//! count against the per-address login limit.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use nubefirma_protocol::ErrorBody;
use nubefirma_protocol::api::*;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::Relay;
use crate::http::{
    ApiError, CitizenSession, ClientAddress, IdentifiedSession, Json, PreferredLang, RequestOrigin,
};
use crate::identity::rate::AddressBucket;
use crate::limits::PIN_LIFETIME_SECONDS;

type Shared = State<Arc<Relay>>;

pub fn routes() -> OpenApiRouter<Arc<Relay>> {
    OpenApiRouter::new()
        .routes(routes!(pin_start))
        .routes(routes!(pin_login))
        .routes(routes!(session_level))
        .routes(routes!(session_otp))
        .routes(routes!(reinforce))
        .routes(routes!(assertion))
        .routes(routes!(jwks))
}

#[utoipa::path(post, path = "/api/v1/pin", operation_id = "pin_start", tag = "identity", request_body = PinRequest, responses((status = 202, description = "If the ID and birth date name an active account, a PIN went by SMS; the answer is the same either way", body = PinStarted), (status = 400, description = "Invalid request (CSC error body)", body = ErrorBody), (status = 429, description = "Too many requests; see Retry-After", body = ErrorBody)))]
async fn pin_start(
    State(relay): Shared,
    ClientAddress(address): ClientAddress,
    PreferredLang(lang): PreferredLang,
    Json(req): Json<PinRequest>,
) -> Result<(StatusCode, Json<PinStarted>), ApiError> {
    relay.limit_address(AddressBucket::Login, address).await?;
    let pin_id = relay
        .start_pin(&req.id_number, &req.birth_date, lang)
        .await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(PinStarted {
            pin_id,
            expires_in: PIN_LIFETIME_SECONDS,
        }),
    ))
}

#[utoipa::path(post, path = "/api/v1/pin/{id}/login", operation_id = "pin_login", tag = "identity", params(("id" = String, Path, description = "The PIN id from POST /api/v1/pin")), request_body = PinLoginRequest, responses((status = 200, description = "A session at the low level that can only identify her", body = LevelSession), (status = 400, description = "Wrong or dead PIN, or invalid request (CSC error body)", body = ErrorBody), (status = 403, description = "The account is no longer active", body = ErrorBody), (status = 429, description = "Too many requests; see Retry-After", body = ErrorBody)))]
async fn pin_login(
    State(relay): Shared,
    ClientAddress(address): ClientAddress,
    Path(id): Path<String>,
    Json(req): Json<PinLoginRequest>,
) -> Result<Json<LevelSession>, ApiError> {
    relay.limit_address(AddressBucket::Login, address).await?;
    let session = relay.pin_login(&id, &req.pin).await?;
    Ok(Json(LevelSession {
        access_token: session.access_token,
        expires_in: session.expires_in,
        key: session.key,
        level: session.level,
    }))
}

#[utoipa::path(get, path = "/api/v1/session", operation_id = "session_level", tag = "identity", responses((status = 200, description = "The key this session was opened with and the level it reached", body = SessionLevel), (status = 401, description = "Missing, unknown or expired token", body = ErrorBody), (status = 403, description = "Account blocked", body = ErrorBody)), security(("bearer" = [])))]
async fn session_level(IdentifiedSession(session): IdentifiedSession) -> Json<SessionLevel> {
    Json(SessionLevel {
        key: session.key,
        level: session.level,
        must_change_password: session.must_change_password,
    })
}

#[utoipa::path(post, path = "/api/v1/session/otp", operation_id = "session_otp", tag = "identity", responses((status = 202, description = "An SMS code went to her phone", body = SessionOtpSent), (status = 401, description = "Missing, unknown or expired token", body = ErrorBody), (status = 403, description = "A PIN session, or the account is blocked", body = ErrorBody), (status = 429, description = "Too many requests; see Retry-After", body = ErrorBody)), security(("bearer" = [])))]
async fn session_otp(
    State(relay): Shared,
    CitizenSession(session): CitizenSession,
    PreferredLang(lang): PreferredLang,
) -> Result<(StatusCode, Json<SessionOtpSent>), ApiError> {
    let (expires_in, card_position) = relay.send_session_otp(&session, lang).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(SessionOtpSent {
            expires_in,
            card_position: card_position.map(str::to_owned),
        }),
    ))
}

#[utoipa::path(post, path = "/api/v1/session/reinforce", operation_id = "session_reinforce", tag = "identity", request_body = ReinforceRequest, responses((status = 200, description = "The session is at the reinforced level", body = SessionLevel), (status = 400, description = "Wrong or dead code (CSC error body)", body = ErrorBody), (status = 401, description = "Missing, unknown or expired token", body = ErrorBody), (status = 403, description = "A PIN session, or the account is blocked", body = ErrorBody)), security(("bearer" = [])))]
async fn reinforce(
    State(relay): Shared,
    CitizenSession(session): CitizenSession,
    Json(req): Json<ReinforceRequest>,
) -> Result<Json<SessionLevel>, ApiError> {
    let level = relay.reinforce_session(&session, &req.otp).await?;
    Ok(Json(SessionLevel {
        key: session.key,
        level,
        must_change_password: false,
    }))
}

#[utoipa::path(post, path = "/api/v1/identity/assertion", operation_id = "identity_assertion", tag = "identity", request_body = AssertionRequest, responses((status = 200, description = "A compact JWS (ES256) naming her, for the portal whose page asked", body = AssertionResponse), (status = 400, description = "Invalid request (CSC error body)", body = ErrorBody), (status = 401, description = "Missing, unknown or expired token", body = ErrorBody), (status = 403, description = "Not a portal this relay serves, or the session is below the level asked", body = ErrorBody)), security(("bearer" = [])))]
async fn assertion(
    State(relay): Shared,
    IdentifiedSession(session): IdentifiedSession,
    RequestOrigin(origin): RequestOrigin,
    Json(req): Json<AssertionRequest>,
) -> Result<Json<AssertionResponse>, ApiError> {
    let (assertion, expires_in) = relay
        .identity_assertion(&session, req.level, &req.nonce, origin.as_deref())
        .await?;
    Ok(Json(AssertionResponse {
        assertion,
        expires_in,
    }))
}

#[utoipa::path(get, path = "/.well-known/jwks.json", operation_id = "jwks", tag = "identity", responses((status = 200, description = "The public keys identity assertions are signed with (RFC 7517)", body = Object)))]
async fn jwks(State(relay): Shared) -> Result<Json<serde_json::Value>, ApiError> {
    Ok(Json(relay.jwks()?))
}
