//! A stand-in for an SMS operator's HTTP gateway: it keeps every message a relay sent it, as
//! the relay's configured JSON body `{"to": …, "text": …}` says, with the request's
//! `Authorization` header; it can be told to fail the next requests, to fail all of them, or to
//! answer slowly.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use serde_json::Value;

#[derive(Debug, Clone)]
pub struct Received {
    pub to: String,
    pub text: String,
    pub authorization: String,
}

#[derive(Default)]
pub struct Behaviour {
    /// Answer 503 to this many requests before accepting again.
    pub fail_next: AtomicU32,
    /// Answer 503 to every request.
    pub down: AtomicBool,
    /// Wait this long before answering.
    pub delay_ms: AtomicU64,
    /// Every request, accepted or not.
    pub requests: AtomicU32,
}

#[derive(Clone)]
pub struct Gateway {
    pub url: String,
    pub received: Arc<Mutex<Vec<Received>>>,
    pub behaviour: Arc<Behaviour>,
}

type Shared = (Arc<Mutex<Vec<Received>>>, Arc<Behaviour>);

async fn receive(
    State((received, behaviour)): State<Shared>,
    headers: HeaderMap,
    body: String,
) -> StatusCode {
    behaviour.requests.fetch_add(1, Ordering::SeqCst);
    let delay = behaviour.delay_ms.load(Ordering::SeqCst);
    if delay > 0 {
        tokio::time::sleep(Duration::from_millis(delay)).await;
    }
    if behaviour.down.load(Ordering::SeqCst) {
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    if behaviour
        .fail_next
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok()
    {
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    let Ok(json) = serde_json::from_str::<Value>(&body) else {
        return StatusCode::BAD_REQUEST;
    };
    let (Some(to), Some(text)) = (json["to"].as_str(), json["text"].as_str()) else {
        return StatusCode::BAD_REQUEST;
    };
    received.lock().expect("received").push(Received {
        to: to.to_owned(),
        text: text.to_owned(),
        authorization: headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned(),
    });
    StatusCode::ACCEPTED
}

impl Gateway {
    pub async fn start() -> Self {
        let received = Arc::new(Mutex::new(Vec::new()));
        let behaviour = Arc::new(Behaviour::default());
        let app = Router::new()
            .route("/send", post(receive))
            .with_state((received.clone(), behaviour.clone()));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr: SocketAddr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self {
            url: format!("http://{addr}/send"),
            received,
            behaviour,
        }
    }

    /// The texts sent to `to`, oldest first.
    pub fn texts_to(&self, to: &str) -> Vec<String> {
        self.received
            .lock()
            .expect("received")
            .iter()
            .filter(|r| r.to == to)
            .map(|r| r.text.clone())
            .collect()
    }
}
