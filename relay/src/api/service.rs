//! The service's own face: liveness and the OpenAPI document of every route.

use std::sync::Arc;

use axum::Extension;
use utoipa::openapi::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::Relay;

pub fn routes() -> OpenApiRouter<Arc<Relay>> {
    OpenApiRouter::new()
        .routes(routes!(healthz))
        .routes(routes!(openapi_json))
}

#[utoipa::path(get, path = "/healthz", operation_id = "healthz", tag = "service", responses((status = 200, description = "The relay is up", body = String)))]
async fn healthz() -> &'static str {
    "ok"
}

#[utoipa::path(get, path = "/openapi.json", operation_id = "openapi", tag = "service", responses((status = 200, description = "This document (OpenAPI 3.1)", body = Object)))]
async fn openapi_json(Extension(doc): Extension<Arc<OpenApi>>) -> axum::Json<OpenApi> {
    axum::Json(doc.as_ref().clone())
}
