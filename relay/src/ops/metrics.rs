//! Prometheus metrics, one registry per relay (`prometheus-client`, the Prometheus project's
//! own Rust client): no global state, so every relay in a test counts only its own.
//!
//! Labels are route templates (`/csc/v2/credentials/{id}`…), never raw paths, ids, numbers or
//! addresses: nothing personal or secret, and a bounded number of series.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use crate::notify::Channel;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    pub method: String,
    pub route: String,
    pub status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    pub method: String,
    pub route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OutcomeLabels {
    pub outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct MessageLabels {
    pub channel: &'static str,
    pub outcome: &'static str,
}

fn latency_histogram() -> Histogram {
    // 1 ms to about 16 s: signing is a few ms, a login's argon2 a few hundred.
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram, fn() -> Histogram>,
    logins: Family<OutcomeLabels, Counter>,
    messages: Family<MessageLabels, Counter>,
    signatures: Counter,
    active_sessions: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("nubefirma");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by route template, method and status",
            requests.clone(),
        );
        let latency: Family<RouteLabels, Histogram, fn() -> Histogram> =
            Family::new_with_constructor(latency_histogram);
        registry.register(
            "http_request_duration_seconds",
            "Time from request to answer, by route template and method",
            latency.clone(),
        );
        let logins = Family::<OutcomeLabels, Counter>::default();
        registry.register(
            "logins",
            "Password logins (auth/login), by outcome: ok or failed",
            logins.clone(),
        );
        let messages = Family::<MessageLabels, Counter>::default();
        registry.register(
            "messages",
            "SMS and email to citizens, by channel and outcome: sent or failed",
            messages.clone(),
        );
        let signatures = Counter::default();
        registry.register(
            "signatures",
            "Hashes signed with citizens' keys",
            signatures.clone(),
        );
        let active_sessions = Gauge::default();
        registry.register(
            "active_sessions",
            "Citizens' sessions alive now (read from the database at each scrape)",
            active_sessions.clone(),
        );
        Self {
            registry,
            requests,
            latency,
            logins,
            messages,
            signatures,
            active_sessions,
        }
    }

    pub fn request(&self, method: &str, route: &str, status: u16, seconds: f64) {
        self.requests
            .get_or_create(&RequestLabels {
                method: method.to_owned(),
                route: route.to_owned(),
                status,
            })
            .inc();
        self.latency
            .get_or_create(&RouteLabels {
                method: method.to_owned(),
                route: route.to_owned(),
            })
            .observe(seconds);
    }

    pub fn login(&self, ok: bool) {
        let outcome = if ok { "ok" } else { "failed" };
        self.logins.get_or_create(&OutcomeLabels { outcome }).inc();
    }

    pub fn message(&self, channel: Channel, sent: bool) {
        let outcome = if sent { "sent" } else { "failed" };
        self.messages
            .get_or_create(&MessageLabels {
                channel: channel.as_str(),
                outcome,
            })
            .inc();
    }

    pub fn signed(&self, hashes: usize) {
        self.signatures.inc_by(hashes as u64);
    }

    /// The text exposition, with the active sessions counted just before.
    pub fn render(&self, active_sessions: i64) -> Result<String, std::fmt::Error> {
        self.active_sessions.set(active_sessions);
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &self.registry)?;
        Ok(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_was_counted_is_exposed_with_route_templates_only() {
        let metrics = Metrics::new();
        metrics.request("POST", "/csc/v2/auth/login", 200, 0.3);
        metrics.request("POST", "/csc/v2/auth/login", 200, 0.2);
        metrics.request("POST", "/csc/v2/auth/login", 401, 0.2);
        metrics.login(true);
        metrics.login(false);
        metrics.message(Channel::Sms, true);
        metrics.message(Channel::Email, false);
        metrics.signed(3);
        let text = metrics.render(7).expect("render");
        assert!(text.contains(
            r#"nubefirma_http_requests_total{method="POST",route="/csc/v2/auth/login",status="200"} 2"#
        ), "{text}");
        assert!(text.contains(
            r#"nubefirma_http_request_duration_seconds_count{method="POST",route="/csc/v2/auth/login"} 3"#
        ), "{text}");
        assert!(
            text.contains(r#"nubefirma_logins_total{outcome="failed"} 1"#),
            "{text}"
        );
        assert!(
            text.contains(r#"nubefirma_messages_total{channel="sms",outcome="sent"} 1"#),
            "{text}"
        );
        assert!(text.contains("nubefirma_signatures_total 3"), "{text}");
        assert!(text.contains("nubefirma_active_sessions 7"), "{text}");
    }
}
