//! The PKI's public face (`/pki/*`): the root certificate relying parties trust.

use std::sync::Arc;

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::Relay;
use crate::http::ApiError;

pub fn routes() -> OpenApiRouter<Arc<Relay>> {
    OpenApiRouter::new().routes(routes!(ca_pem))
}

#[utoipa::path(get, path = "/pki/ca.pem", operation_id = "ca_pem", tag = "pki", responses((status = 200, description = "The root CA certificate, PEM", content_type = "application/x-pem-file", body = String)))]
async fn ca_pem(State(relay): State<Arc<Relay>>) -> Result<impl IntoResponse, ApiError> {
    Ok((
        [(header::CONTENT_TYPE, "application/x-pem-file")],
        relay.ca().root_pem()?,
    ))
}
