//! Development only: `/dev/outbox` shows what SMS and email would have carried. The router does
//! not mount these routes without `--dev`, so in production they do not exist at all.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Query, State};
use axum::routing::get;
use nubefirma_protocol::api::OutboxMessage;
use serde::Deserialize;

use crate::Relay;
use crate::clock::rfc3339;
use crate::http::{ApiError, Json};
use crate::identity::registration::normalize_phone;

#[derive(Deserialize)]
struct OutboxQuery {
    to: Option<String>,
}

pub fn routes() -> Router<Arc<Relay>> {
    Router::new().route("/dev/outbox", get(outbox))
}

async fn outbox(
    State(relay): State<Arc<Relay>>,
    Query(q): Query<OutboxQuery>,
) -> Result<Json<Vec<OutboxMessage>>, ApiError> {
    // Accept the number as people type it ("600 11 22 33"), stored in international form. An
    // unencoded "+34…" reaches us as " 34…" (`+` is a space in a query string): put it back.
    let to = q.to.as_deref().map(|t| {
        let plus_restored = t.strip_prefix(' ').map(|rest| format!("+{rest}"));
        normalize_phone(t)
            .ok()
            .or_else(|| plus_restored.and_then(|p| normalize_phone(&p).ok()))
            .unwrap_or_else(|| t.to_owned())
    });
    let rows = relay.outbox(to.as_deref()).await?;
    Ok(Json(
        rows.into_iter()
            .map(|r| OutboxMessage {
                to: r.recipient,
                channel: r.channel,
                text: r.text,
                sent_at: rfc3339(r.sent_at),
            })
            .collect(),
    ))
}
