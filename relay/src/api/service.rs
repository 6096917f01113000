//! The service's own face: liveness, readiness, metrics and the OpenAPI document of every
//! route.

use std::sync::Arc;

use axum::Extension;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use utoipa::openapi::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::Relay;
use crate::crypto::{secret_hash, secrets_equal};
use crate::http::extract::ClientAddress;
use crate::limits::SESSION_IDLE_SECONDS;

pub fn routes() -> OpenApiRouter<Arc<Relay>> {
    OpenApiRouter::new()
        .routes(routes!(healthz))
        .routes(routes!(readyz))
        .routes(routes!(metrics))
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

/// Sessions alive now: used within the idle limit.
async fn live_sessions(relay: &Relay) -> Result<i64, crate::Error> {
    relay
        .store
        .count_live_sessions(relay.now() - SESSION_IDLE_SECONDS)
        .await
}

#[utoipa::path(get, path = "/readyz", operation_id = "readyz", tag = "service", responses((status = 200, description = "The database answers and the keys are loaded: send traffic here", body = Object), (status = 503, description = "The database does not answer", body = Object)))]
async fn readyz(State(relay): State<Arc<Relay>>) -> Response {
    // The CA and custody are loaded before the relay listens at all; the database is what can
    // go away under a running relay.
    match live_sessions(&relay).await {
        Ok(_) => axum::Json(serde_json::json!({ "database": "ok", "keys": "ok" })).into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "readiness: the database does not answer");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                axum::Json(serde_json::json!({ "database": "unreachable", "keys": "ok" })),
            )
                .into_response()
        }
    }
}

#[utoipa::path(get, path = "/metrics", operation_id = "metrics", tag = "service", responses((status = 200, description = "Prometheus metrics (text exposition): requests by route and status, latency, logins, SMS and email, signatures, active sessions", body = String), (status = 403, description = "Neither from this machine nor with the metrics token (Authorization: Bearer)", body = String)))]
async fn metrics(
    State(relay): State<Arc<Relay>>,
    ClientAddress(client): ClientAddress,
    headers: HeaderMap,
) -> Response {
    // Counts are not for everyone: the metrics token when one is configured, else only from
    // this machine (a Prometheus beside the relay, or a proxy that does not forward /metrics).
    let allowed = match &relay.options.metrics_token {
        Some(token) => headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|given| {
                secrets_equal(
                    &secret_hash("metrics", given.trim()),
                    &secret_hash("metrics", token),
                )
            }),
        // No address at all only in-process (tests): a real server always has the peer's.
        None => client.is_none_or(|ip| ip.to_canonical().is_loopback()),
    };
    if !allowed {
        return (
            StatusCode::FORBIDDEN,
            "metrics: give the metrics token, or ask from this machine\n",
        )
            .into_response();
    }
    let sessions = match live_sessions(&relay).await {
        Ok(n) => n,
        Err(e) => {
            tracing::warn!(error = %e, "metrics: the database does not answer");
            -1
        }
    };
    match relay.metrics.render(sessions) {
        Ok(text) => (
            [(
                header::CONTENT_TYPE,
                "application/openmetrics-text; version=1.0.0; charset=utf-8",
            )],
            text,
        )
            .into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}
