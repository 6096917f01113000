//! What an operator runs the relay with: readiness, metrics, the client's real address behind a
//! reverse proxy, and the count of every message sent.

pub mod metrics;

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::Relay;
use crate::notify::{Channel, Notifier, SendFuture};

/// Counts every request by route template, method and status, with its latency.
pub async fn count_requests(
    State(relay): State<Arc<Relay>>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_owned();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("(none)", MatchedPath::as_str)
        .to_owned();
    let response = next.run(request).await;
    relay.metrics.request(
        &method,
        &route,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

/// Behind a reverse proxy every connection comes from the proxy: when it is one of
/// `server.trusted_proxies`, the client is the address the proxy appended last to
/// `X-Forwarded-For` (earlier entries come from the client and prove nothing). The per-address
/// limits then count clients, not the proxy.
pub async fn forwarded_client(
    State(relay): State<Arc<Relay>>,
    mut request: Request,
    next: Next,
) -> Response {
    let trusted = &relay.options.trusted_proxies;
    if !trusted.is_empty()
        && let Some(ConnectInfo(peer)) = request.extensions().get::<ConnectInfo<SocketAddr>>()
        && trusted.contains(&peer.ip())
    {
        let port = peer.port();
        let forwarded = request
            .headers()
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|a| a.trim().parse::<IpAddr>().ok())
            .next_back();
        if let Some(client) = forwarded {
            request
                .extensions_mut()
                .insert(ConnectInfo(SocketAddr::new(client, port)));
        }
    }
    next.run(request).await
}

/// A notifier that counts what it sent and what failed.
pub struct CountedNotifier {
    pub inner: Arc<dyn Notifier>,
    pub metrics: Arc<metrics::Metrics>,
}

impl Notifier for CountedNotifier {
    fn send<'a>(
        &'a self,
        channel: Channel,
        to: &'a str,
        text: &'a str,
        now: i64,
    ) -> SendFuture<'a> {
        Box::pin(async move {
            let sent = self.inner.send(channel, to, text, now).await;
            self.metrics.message(channel, sent.is_ok());
            sent
        })
    }
}
