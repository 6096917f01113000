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
    // A fixed set: any token is a valid HTTP method, and each label value is a series kept
    // for ever, so a client inventing methods must not grow them.
    let method = match request.method().as_str() {
        m @ ("GET" | "POST" | "PUT" | "DELETE" | "HEAD" | "OPTIONS" | "PATCH") => m,
        _ => "other",
    }
    .to_owned();
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
/// `server.trusted_proxies`, the client is the last item of the last `X-Forwarded-For` line,
/// the one the proxy wrote (earlier items come from the client and prove nothing). When that
/// item is not an address, the client is unknown: `0.0.0.0`, one shared bucket that is never
/// taken for this machine. The per-address limits then count clients, not the proxy.
pub async fn forwarded_client(
    State(relay): State<Arc<Relay>>,
    mut request: Request,
    next: Next,
) -> Response {
    let trusted = &relay.options.trusted_proxies;
    if !trusted.is_empty()
        && let Some(ConnectInfo(peer)) = request.extensions().get::<ConnectInfo<SocketAddr>>()
        && trusted.contains(&peer.ip().to_canonical())
    {
        let port = peer.port();
        // No header at all: a request from the proxy's machine itself, not one it forwards
        // (a Prometheus beside it), which keeps its own address.
        if let Some(line) = request
            .headers()
            .get_all("x-forwarded-for")
            .iter()
            .next_back()
        {
            let client = line
                .to_str()
                .ok()
                .and_then(|line| line.rsplit(',').next())
                .and_then(|item| item.trim().parse::<IpAddr>().ok())
                .map_or(IpAddr::from([0, 0, 0, 0]), |ip| ip.to_canonical());
            request
                .extensions_mut()
                .insert(ConnectInfo(SocketAddr::new(client, port)));
        }
    }
    next.run(request).await
}

/// A request id from outside (a proxy in front) is kept only when it looks like one: at most
/// 64 letters, digits, '-', '_' or '.'; anything else is dropped, and a fresh one is made.
pub async fn sane_request_id(mut request: Request, next: Next) -> Response {
    let acceptable = |v: &axum::http::HeaderValue| {
        let b = v.as_bytes();
        !b.is_empty()
            && b.len() <= 64
            && b.iter()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
    };
    if request
        .headers()
        .get("x-request-id")
        .is_some_and(|v| !acceptable(v))
    {
        request.headers_mut().remove("x-request-id");
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
