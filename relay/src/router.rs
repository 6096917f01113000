//! The whole HTTP surface in one place, above every handler: the CSC API (v1 and v2 wires), our
//! own API, the registry office, the PKI and (in dev mode only) the outbox, with CORS, the body
//! limit and request tracing around them. Every route but the dev ones is registered through
//! utoipa-axum, so `/openapi.json` lists exactly what the router serves.

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::{Extension, Router};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

/// The request id header: made for each request (a UUID), or kept as a proxy in front set it.
const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{Info, OpenApi};
use utoipa_axum::router::OpenApiRouter;

use crate::http::ApiError;
use crate::limits::MAX_JSON_BODY_BYTES;
use crate::{Error, Relay};

/// Every documented route, and the OpenAPI 3.1 document describing them.
pub fn api() -> (Router<Arc<Relay>>, OpenApi) {
    let (router, mut doc) = OpenApiRouter::new()
        .nest("/csc/v1", crate::csc::v1::routes())
        .nest("/csc/v2", crate::csc::v2::routes())
        .merge(crate::api::activation::routes())
        .merge(crate::api::account::routes())
        .merge(crate::api::identity::routes())
        .merge(crate::api::credentials::routes())
        .merge(crate::api::professional::routes())
        .merge(crate::api::office::routes())
        .merge(crate::api::entity::routes())
        .merge(crate::api::pki::routes())
        .merge(crate::api::service::routes())
        .split_for_parts();
    doc.info = Info::new("nubefirma relay", env!("CARGO_PKG_VERSION"));
    doc.info.description = Some(
        "Cloud identity and CSC remote signing for citizens: DNI/NIE, password and SMS one-time password."
            .into(),
    );
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "basic",
        SecurityScheme::Http(Http::new(HttpAuthScheme::Basic)),
    );
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
    );
    components.add_security_scheme(
        "operator",
        SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
    );
    (router, doc)
}

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
        .expose_headers([header::RETRY_AFTER, REQUEST_ID]);
    let (api, doc) = api();
    let mut router = api.layer(Extension(Arc::new(doc)));
    if relay.is_dev() {
        router = router.merge(crate::api::dev::routes());
    }
    let hsts = relay.options.hsts_max_age_seconds;
    let router = router
        .fallback(|| async { ApiError(Error::NotFound("no such endpoint")) })
        .method_not_allowed_fallback(|| async { ApiError(Error::MethodNotAllowed) })
        .layer(axum::middleware::from_fn_with_state(
            relay.clone(),
            crate::ops::count_requests,
        ))
        .layer(axum::middleware::from_fn_with_state(
            relay.clone(),
            crate::ops::forwarded_client,
        ))
        .layer(DefaultBodyLimit::max(MAX_JSON_BODY_BYTES))
        .layer(cors)
        // Every log line a request causes carries its id (and the answer names it, so a
        // citizen's support call can be matched to the log); the path, never the query.
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &axum::http::Request<_>| {
                let id = request
                    .headers()
                    .get(REQUEST_ID)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default();
                tracing::info_span!(
                    "request",
                    id,
                    method = %request.method(),
                    path = request.uri().path(),
                )
            }),
        )
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .layer(axum::middleware::from_fn(crate::ops::sane_request_id));
    crate::server::headers::secure(router, hsts).with_state(relay)
}
