//! The HTTP surface: one router for the CSC API, our own API, the registry office, the PKI
//! files and (in dev mode) the outbox. Handlers are thin: parse, call `Relay`, shape the answer.

pub mod error;
pub mod json;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, Method, header};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::trace::TraceLayer;

use crate::Relay;
use crate::limits::MAX_JSON_BODY_BYTES;

pub use error::ApiError;
pub use json::Json;

pub fn app(relay: Arc<Relay>) -> Router {
    let origins: Vec<HeaderValue> = relay
        .cors_origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            HeaderName::from_static("accept"),
        ]);
    let mut router = Router::new()
        .nest("/csc/v2", crate::csc::routes())
        .merge(crate::api::routes());
    if relay.dev {
        router = router.merge(crate::api::dev::routes());
    }
    router
        .layer(DefaultBodyLimit::max(MAX_JSON_BODY_BYTES))
        .layer(cors)
        .layer(TraceLayer::new_for_http())
        .with_state(relay)
}

/// The `Authorization` header as text, if present and readable.
pub fn authorization(headers: &axum::http::HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
}
