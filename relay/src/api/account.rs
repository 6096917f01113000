//! The account after activation (`/api/v1/account/*`, `/api/v1/password-reset*`): her
//! self-service panel (R26: what it shows, a password change, a new phone or email), revoking
//! it (R24) and a forgotten password's reset by SMS and email codes (R20). The reset endpoints
//! need no session and count against the per-address activation limit.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use nubefirma_protocol::ErrorBody;
use nubefirma_protocol::api::*;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::Relay;
use crate::http::{
    ApiError, CitizenSession, ClientAddress, Json, PasswordChangeSession, PreferredLang,
};
use crate::identity::rate::AddressBucket;

type Shared = State<Arc<Relay>>;

pub fn routes() -> OpenApiRouter<Arc<Relay>> {
    OpenApiRouter::new()
        .routes(routes!(revoke))
        .routes(routes!(renew))
        .routes(routes!(second_factor))
        .routes(routes!(reset_start))
        .routes(routes!(reset_complete))
        .routes(routes!(overview))
        .routes(routes!(change_password))
        .routes(routes!(contact_start))
        .routes(routes!(contact_confirm))
}

#[utoipa::path(get, path = "/api/v1/account", operation_id = "account_overview", tag = "account", responses((status = 200, description = "Her account as the panel shows it; phone and email masked", body = AccountOverview), (status = 401, description = "Missing, unknown or expired token", body = ErrorBody), (status = 403, description = "Account blocked or expired", body = ErrorBody)), security(("bearer" = [])))]
async fn overview(
    State(relay): Shared,
    CitizenSession(session): CitizenSession,
) -> Result<Json<AccountOverview>, ApiError> {
    Ok(Json(relay.account_overview(&session).await?))
}

#[utoipa::path(post, path = "/api/v1/account/password", operation_id = "account_password", tag = "account", request_body = ChangePasswordRequest, responses((status = 200, description = "Changed; her certificates keep working; every other session ended", body = AccountStatusResponse), (status = 400, description = "Invalid request or unacceptable new password (CSC error body)", body = ErrorBody), (status = 401, description = "Missing, unknown or expired token", body = ErrorBody), (status = 403, description = "Wrong current password, or account blocked", body = ErrorBody), (status = 409, description = "The password or the account changed meanwhile", body = ErrorBody), (status = 429, description = "Too many requests; see Retry-After", body = ErrorBody)), security(("bearer" = [])))]
async fn change_password(
    State(relay): Shared,
    PasswordChangeSession(session): PasswordChangeSession,
    PreferredLang(lang): PreferredLang,
    Json(req): Json<ChangePasswordRequest>,
) -> Result<Json<AccountStatusResponse>, ApiError> {
    relay
        .change_password(&session, &req.current_password, &req.new_password, lang)
        .await?;
    Ok(Json(AccountStatusResponse {
        status: "active".into(),
    }))
}

#[utoipa::path(post, path = "/api/v1/account/contact", operation_id = "account_contact_start", tag = "account", request_body = ContactChangeRequest, responses((status = 202, description = "A code went to the new address (and, for a phone, one to her current phone)", body = ContactChangeStarted), (status = 400, description = "Invalid request: not a mobile number or email address, or already hers (CSC error body)", body = ErrorBody), (status = 401, description = "Missing, unknown or expired token", body = ErrorBody), (status = 403, description = "Account blocked", body = ErrorBody), (status = 409, description = "The phone (R8) or email (R23) is on another account", body = ErrorBody), (status = 429, description = "Too many requests; see Retry-After", body = ErrorBody)), security(("bearer" = [])))]
async fn contact_start(
    State(relay): Shared,
    CitizenSession(session): CitizenSession,
    PreferredLang(lang): PreferredLang,
    Json(req): Json<ContactChangeRequest>,
) -> Result<(StatusCode, Json<ContactChangeStarted>), ApiError> {
    let (change_id, expires_in, taken_from_another_account) = relay
        .start_contact_change(&session, req.kind, &req.value, lang)
        .await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(ContactChangeStarted {
            change_id,
            expires_in,
            taken_from_another_account,
        }),
    ))
}

#[utoipa::path(post, path = "/api/v1/account/contact/{id}/confirm", params(("id" = String, Path, description = "The change id from POST /api/v1/account/contact")), operation_id = "account_contact_confirm", tag = "account", request_body = ContactChangeConfirm, responses((status = 200, description = "The change took effect; the old address was told", body = ContactChangeDone), (status = 400, description = "Invalid request, or wrong or dead codes (CSC error body)", body = ErrorBody), (status = 401, description = "Missing, unknown or expired token", body = ErrorBody), (status = 403, description = "Account blocked", body = ErrorBody), (status = 409, description = "The phone (R8) or email (R23) is on another account now, or the change no longer applies", body = ErrorBody), (status = 429, description = "Too many requests; see Retry-After", body = ErrorBody)), security(("bearer" = [])))]
async fn contact_confirm(
    State(relay): Shared,
    CitizenSession(session): CitizenSession,
    PreferredLang(lang): PreferredLang,
    Path(change_id): Path<String>,
    Json(req): Json<ContactChangeConfirm>,
) -> Result<Json<ContactChangeDone>, ApiError> {
    let (kind, value) = relay
        .confirm_contact_change(
            &session,
            &change_id,
            &req.code,
            req.current_phone_code.as_deref(),
            lang,
        )
        .await?;
    Ok(Json(ContactChangeDone { kind, value }))
}

#[utoipa::path(post, path = "/api/v1/account/revoke", operation_id = "account_revoke", tag = "account", request_body = RevokeAccountRequest, responses((status = 200, description = "Revoked, with every certificate; every session ended", body = AccountStatusResponse), (status = 400, description = "Invalid request (CSC error body)", body = ErrorBody), (status = 401, description = "Missing, unknown or expired token, or wrong password", body = ErrorBody), (status = 403, description = "Access denied or account blocked", body = ErrorBody), (status = 429, description = "Too many requests; see Retry-After", body = ErrorBody)), security(("bearer" = [])))]
async fn revoke(
    State(relay): Shared,
    CitizenSession(session): CitizenSession,
    PreferredLang(lang): PreferredLang,
    Json(req): Json<RevokeAccountRequest>,
) -> Result<Json<AccountStatusResponse>, ApiError> {
    relay
        .revoke_own_account(&session, &req.password, lang)
        .await?;
    Ok(Json(AccountStatusResponse {
        status: "revoked".into(),
    }))
}

#[utoipa::path(post, path = "/api/v1/account/renew", operation_id = "account_renew", tag = "account", request_body = RenewAccountRequest, responses((status = 200, description = "Renewed: the new expiry", body = RenewAccountResponse), (status = 400, description = "Invalid request (CSC error body)", body = ErrorBody), (status = 401, description = "Missing, unknown or expired token", body = ErrorBody), (status = 403, description = "Wrong password, account blocked or expired", body = ErrorBody), (status = 409, description = "Renewal is not open yet", body = ErrorBody), (status = 429, description = "Too many requests; see Retry-After", body = ErrorBody)), security(("bearer" = [])))]
async fn renew(
    State(relay): Shared,
    CitizenSession(session): CitizenSession,
    Json(req): Json<RenewAccountRequest>,
) -> Result<Json<RenewAccountResponse>, ApiError> {
    let expires_at = relay.renew_account(&session, &req.password).await?;
    Ok(Json(RenewAccountResponse {
        status: "active".into(),
        expires_at,
    }))
}

#[utoipa::path(post, path = "/api/v1/account/second-factor", operation_id = "account_second_factor", tag = "account", request_body = SwitchToSmsRequest, responses((status = 200, description = "Her coordinate card is dropped: SMS codes from now on (R21)", body = SecondFactorResponse), (status = 400, description = "Invalid request (CSC error body)", body = ErrorBody), (status = 401, description = "Missing, unknown or expired token", body = ErrorBody), (status = 403, description = "Wrong password, or account blocked", body = ErrorBody), (status = 409, description = "Her second factor is SMS codes already", body = ErrorBody)), security(("bearer" = [])))]
async fn second_factor(
    State(relay): Shared,
    CitizenSession(session): CitizenSession,
    Json(req): Json<SwitchToSmsRequest>,
) -> Result<Json<SecondFactorResponse>, ApiError> {
    relay.switch_to_sms(&session, &req.password).await?;
    Ok(Json(SecondFactorResponse {
        second_factor: "sms".into(),
    }))
}

#[utoipa::path(post, path = "/api/v1/password-reset", operation_id = "reset_start", tag = "account", request_body = ResetStartRequest, responses((status = 202, description = "If the ID has an account that can be reset, one code went by SMS and one by email", body = ResetStartResponse), (status = 400, description = "Invalid request (CSC error body)", body = ErrorBody), (status = 429, description = "Too many requests; see Retry-After", body = ErrorBody)))]
async fn reset_start(
    State(relay): Shared,
    ClientAddress(address): ClientAddress,
    PreferredLang(lang): PreferredLang,
    Json(req): Json<ResetStartRequest>,
) -> Result<(StatusCode, Json<ResetStartResponse>), ApiError> {
    relay
        .limit_address(AddressBucket::Activation, address)
        .await?;
    let reset_id = relay.start_reset(&req.id_number, lang).await?;
    Ok((StatusCode::ACCEPTED, Json(ResetStartResponse { reset_id })))
}

#[utoipa::path(post, path = "/api/v1/password-reset/{id}/complete", params(("id" = String, Path, description = "The reset id from POST /api/v1/password-reset")), operation_id = "reset_complete", tag = "account", request_body = ResetCompleteRequest, responses((status = 200, description = "New password set; the account is active (unblocked); its certificates were revoked", body = AccountStatusResponse), (status = 400, description = "Invalid request, weak password or wrong codes (CSC error body)", body = ErrorBody), (status = 403, description = "The account is not active", body = ErrorBody), (status = 429, description = "Too many requests; see Retry-After", body = ErrorBody)))]
async fn reset_complete(
    State(relay): Shared,
    ClientAddress(address): ClientAddress,
    PreferredLang(lang): PreferredLang,
    Path(reset_id): Path<String>,
    Json(req): Json<ResetCompleteRequest>,
) -> Result<Json<AccountStatusResponse>, ApiError> {
    relay
        .limit_address(AddressBucket::Activation, address)
        .await?;
    relay
        .complete_reset(
            &reset_id,
            &req.sms_code,
            &req.email_code,
            &req.new_password,
            lang,
        )
        .await?;
    Ok(Json(AccountStatusResponse {
        status: "active".into(),
    }))
}
