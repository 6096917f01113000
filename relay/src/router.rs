//! The whole HTTP surface in one place, above every handler: the CSC API, our own API, the
//! registry office, the PKI and (in dev mode only) the outbox, with CORS, the body limit and
//! request tracing around them.

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::routing::get;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::trace::TraceLayer;

use crate::Relay;
use crate::limits::MAX_JSON_BODY_BYTES;

pub fn app(relay: Arc<Relay>) -> Router {
    let origins: Vec<HeaderValue> = relay
        .cors_origins()
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
        ])
        .expose_headers([header::RETRY_AFTER]);
    let mut router = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .nest("/csc/v1", crate::csc::v1::routes())
        .nest("/csc/v2", crate::csc::v2::routes())
        .merge(crate::api::activation::routes())
        .merge(crate::api::credentials::routes())
        .merge(crate::api::office::routes())
        .merge(crate::api::pki::routes());
    if relay.is_dev() {
        router = router.merge(crate::api::dev::routes());
    }
    router
        .layer(DefaultBodyLimit::max(MAX_JSON_BODY_BYTES))
        .layer(cors)
        .layer(TraceLayer::new_for_http())
        .with_state(relay)
}
