//! The PKI's public face (`/pki/*`): the root certificate relying parties trust.

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

use crate::Relay;
use crate::http::ApiError;

pub fn routes() -> Router<Arc<Relay>> {
    Router::new().route("/pki/ca.pem", get(ca_pem))
}

async fn ca_pem(State(relay): State<Arc<Relay>>) -> Result<impl IntoResponse, ApiError> {
    Ok((
        [(header::CONTENT_TYPE, "application/x-pem-file")],
        relay.ca().root_pem()?,
    ))
}
