//! An entity's administrator (`/entity/v1`, R6, R13): invites her entity's employees to a
//! professional certificate, lists and withdraws her entity's invitations. Behind the
//! `EntityAdmin` extractor: registry-office operators and the shared operator token are refused,
//! and an administrator reaches only her own entity's invitations.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use nubefirma_protocol::ErrorBody;
use nubefirma_protocol::api::*;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::Relay;
use crate::http::{ApiError, EntityAdmin, Json, PreferredLang};
use crate::identity::professional::AdminRef;

type Shared = State<Arc<Relay>>;

pub fn routes() -> OpenApiRouter<Arc<Relay>> {
    OpenApiRouter::new()
        .routes(routes!(invite, list))
        .routes(routes!(withdraw))
}

fn admin_ref(admin: &EntityAdmin) -> AdminRef<'_> {
    AdminRef {
        operator_id: &admin.operator_id,
        name: &admin.name,
        entity_id: &admin.entity_id,
    }
}

#[utoipa::path(post, path = "/entity/v1/invitations", operation_id = "entity_invite", tag = "entity", request_body = InvitationRequest, responses((status = 201, description = "Invited: the email with the link went out (R13, step 1)", body = InvitationCreated), (status = 400, description = "Invalid request (CSC error body)", body = ErrorBody), (status = 403, description = "Not an entity administrator's session", body = ErrorBody), (status = 409, description = "She has an account with another mobile (R5), or the phone is another person's (R8)", body = ErrorBody), (status = 429, description = "Too many requests; see Retry-After", body = ErrorBody)), security(("operator" = [])))]
async fn invite(
    State(relay): Shared,
    admin: EntityAdmin,
    PreferredLang(lang): PreferredLang,
    Json(req): Json<InvitationRequest>,
) -> Result<(StatusCode, Json<InvitationCreated>), ApiError> {
    let created = relay
        .invite_employee(&admin_ref(&admin), &req, lang)
        .await?;
    Ok((StatusCode::CREATED, Json(created)))
}

#[utoipa::path(get, path = "/entity/v1/invitations", operation_id = "entity_invitations", tag = "entity", responses((status = 200, description = "Her entity's invitations, newest first", body = InvitationList), (status = 403, description = "Not an entity administrator's session", body = ErrorBody), (status = 429, description = "Too many requests; see Retry-After", body = ErrorBody)), security(("operator" = [])))]
async fn list(State(relay): Shared, admin: EntityAdmin) -> Result<Json<InvitationList>, ApiError> {
    Ok(Json(InvitationList {
        invitations: relay.list_invitations(&admin_ref(&admin)).await?,
    }))
}

#[utoipa::path(post, path = "/entity/v1/invitations/{id}/withdraw", params(("id" = String, Path, description = "The invitation id")), operation_id = "entity_withdraw", tag = "entity", responses((status = 200, description = "Withdrawn: the invitation is void", body = AccountStatusResponse), (status = 400, description = "Unknown invitation, or another entity's (CSC error body)", body = ErrorBody), (status = 403, description = "Not an entity administrator's session", body = ErrorBody), (status = 409, description = "Already issued or void", body = ErrorBody), (status = 429, description = "Too many requests; see Retry-After", body = ErrorBody)), security(("operator" = [])))]
async fn withdraw(
    State(relay): Shared,
    admin: EntityAdmin,
    Path(id): Path<String>,
) -> Result<Json<AccountStatusResponse>, ApiError> {
    relay.withdraw_invitation(&admin_ref(&admin), &id).await?;
    Ok(Json(AccountStatusResponse {
        status: "void".into(),
    }))
}
