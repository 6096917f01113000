//! What an operator relies on, in-process: the metrics token, the client's address behind a
//! trusted reverse proxy (and only behind one), readiness, and the security headers on every
//! kind of answer.

mod common;

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode};
use common::*;
use nubefirma_relay::RelayOptions;
use nubefirma_relay::identity::rate::AddressLimits;

const METRICS_TOKEN: &str = "metrics-token-0123456789";

fn from(peer: &str, request: axum::http::request::Builder, body: Body) -> Request<Body> {
    let mut request = request.body(body).expect("request");
    let addr: SocketAddr = peer.parse().expect("address");
    request.extensions_mut().insert(ConnectInfo(addr));
    request
}

#[tokio::test]
async fn metrics_need_the_token_when_one_is_set() {
    let t = relay_with_options(RelayOptions {
        metrics_token: Some(METRICS_TOKEN.into()),
        ..options()
    })
    .await;
    let get = |authorization: Option<&str>| {
        let mut builder = Request::get("/metrics");
        if let Some(a) = authorization {
            builder = builder.header("authorization", a);
        }
        from("127.0.0.1:5000", builder, Body::empty())
    };
    let (status, _, _) = t.send(get(None)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "even from this machine");
    let (status, _, _) = t.send(get(Some("Bearer wrong-token-0123456789"))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, headers, body) = t.send(get(Some(&bearer(METRICS_TOKEN)))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers["content-type"]
            .to_str()
            .expect("type")
            .starts_with("application/openmetrics-text")
    );
    let text = String::from_utf8(body).expect("text");
    assert!(text.contains("nubefirma_active_sessions 0"), "{text}");
}

#[tokio::test]
async fn without_a_token_metrics_answer_this_machine_only() {
    let t = relay().await;
    let (status, _, _) = t
        .send(from(
            "203.0.113.9:4000",
            Request::get("/metrics"),
            Body::empty(),
        ))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = t
        .send(from("[::1]:4000", Request::get("/metrics"), Body::empty()))
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn what_the_metrics_count_follows_what_happened() {
    let t = relay().await;
    let ane = Citizen::new(41);
    t.activate(&ane).await;
    let _token = t.login(&ane).await;
    let (status, _) = t.try_login(&ane.id_number, "not her password").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (_, _, body) = t
        .send(from("127.0.0.1:1", Request::get("/metrics"), Body::empty()))
        .await;
    let text = String::from_utf8(body).expect("text");
    for line in [
        r#"nubefirma_logins_total{outcome="ok"} 1"#,
        r#"nubefirma_logins_total{outcome="failed"} 1"#,
        r#"nubefirma_messages_total{channel="sms",outcome="sent"} 1"#,
        r#"nubefirma_http_requests_total{method="POST",route="/csc/v2/auth/login",status="200"} 1"#,
        r#"nubefirma_http_requests_total{method="POST",route="/csc/v2/auth/login",status="401"} 1"#,
        "nubefirma_active_sessions 1",
    ] {
        assert!(text.contains(line), "{line} missing in:\n{text}");
    }
    // Route templates only: no ID number, phone or token in any label.
    assert!(
        !text.contains(&ane.id_number) && !text.contains(&ane.phone),
        "{text}"
    );
}

#[tokio::test]
async fn readiness_says_the_database_answers() {
    let t = relay().await;
    let (status, body) = t.call(Method::GET, "/readyz", &[], None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["database"], "ok");
}

/// Three logins a minute per address; `proxies` are trusted.
async fn limited(proxies: &[&str]) -> TestRelay {
    relay_with_options(RelayOptions {
        address_limits: AddressLimits {
            login_per_minute: 3,
            ..AddressLimits::default()
        },
        trusted_proxies: proxies.iter().map(|p| p.parse().expect("ip")).collect(),
        ..options()
    })
    .await
}

async fn login_from(t: &TestRelay, peer: &str, forwarded_for: Option<&str>) -> StatusCode {
    let mut builder = Request::post("/csc/v2/auth/login")
        .header("authorization", basic("12345678Z", "whatever-password"))
        .header("content-type", "application/json");
    if let Some(f) = forwarded_for {
        builder = builder.header("x-forwarded-for", f);
    }
    t.send(from(peer, builder, Body::from("{}"))).await.0
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_has_its_own_limit() {
    let t = limited(&["10.0.0.2"]).await;
    for _ in 0..3 {
        assert_eq!(
            login_from(&t, "10.0.0.2:1", Some("198.51.100.1")).await,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        login_from(&t, "10.0.0.2:1", Some("198.51.100.1")).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Another client through the same proxy is not held back by the first.
    assert_eq!(
        login_from(&t, "10.0.0.2:1", Some("198.51.100.2")).await,
        StatusCode::UNAUTHORIZED
    );
    // A client cannot pick its address: the proxy's own entry is the last one.
    assert_eq!(
        login_from(&t, "10.0.0.2:1", Some("198.51.100.2, 198.51.100.1")).await,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn a_forwarded_address_that_is_no_address_is_nobody_s_not_the_proxy_s() {
    // The proxy runs on this machine, where /metrics answers without a token.
    let t = limited(&["127.0.0.1"]).await;
    let metrics = |forwarded: Option<&str>| {
        let mut builder = Request::get("/metrics");
        if let Some(f) = forwarded {
            builder = builder.header("x-forwarded-for", f);
        }
        from("127.0.0.1:9", builder, Body::empty())
    };
    for garbage in ["198.51.100.7, not-an-address", "127.0.0.1:80", ""] {
        let (status, _, _) = t.send(metrics(Some(garbage))).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{garbage:?}");
    }
    // A non-ASCII byte in the header: still nobody's, never the proxy's own address.
    let mut request = metrics(None);
    request.headers_mut().insert(
        "x-forwarded-for",
        axum::http::HeaderValue::from_bytes(b"198.51.100.7\xff").expect("header"),
    );
    assert_eq!(t.send(request).await.0, StatusCode::FORBIDDEN);
    // No header at all: a request from the proxy's machine itself.
    assert_eq!(t.send(metrics(None)).await.0, StatusCode::OK);
    // An IPv4 client written the IPv6 way is the same client.
    let (status, _, _) = t.send(metrics(Some("::ffff:127.0.0.1"))).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_request_id_from_outside_is_kept_only_when_it_looks_like_one() {
    let t = relay().await;
    let with_id = |id: &str| {
        Request::get("/healthz")
            .header("x-request-id", id)
            .body(Body::empty())
            .expect("request")
    };
    let (_, headers, _) = t.send(with_id("proxy-7f3a.1")).await;
    assert_eq!(headers["x-request-id"], "proxy-7f3a.1");
    for bad in ["a b", &"x".repeat(65), "<script>"] {
        let (_, headers, _) = t.send(with_id(bad)).await;
        let id = headers["x-request-id"].to_str().expect("id");
        assert_eq!(id.len(), 36, "{bad:?} replaced by a fresh UUID, not {id:?}");
    }
}

#[tokio::test]
async fn invented_methods_share_one_metrics_label() {
    let t = relay().await;
    for n in 0..20 {
        let request = Request::builder()
            .method(Method::from_bytes(format!("INVENTED{n}").as_bytes()).expect("method"))
            .uri("/healthz")
            .body(Body::empty())
            .expect("request");
        t.send(request).await;
    }
    let (_, _, body) = t
        .send(from("127.0.0.1:1", Request::get("/metrics"), Body::empty()))
        .await;
    let text = String::from_utf8(body).expect("text");
    assert!(!text.contains("INVENTED"), "{text}");
    assert!(text.contains(r#"method="other""#), "{text}");
}

#[tokio::test]
async fn an_untrusted_peer_cannot_choose_its_address() {
    let t = limited(&["10.0.0.2"]).await;
    for n in 0..3 {
        let forged = format!("198.51.100.{n}");
        assert_eq!(
            login_from(&t, "203.0.113.7:1", Some(&forged)).await,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        login_from(&t, "203.0.113.7:1", Some("198.51.100.99")).await,
        StatusCode::TOO_MANY_REQUESTS,
        "X-Forwarded-For from a peer that is no proxy must be ignored"
    );
}

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let t = relay().await;
    for (method, path) in [
        (Method::GET, "/healthz"),
        (Method::GET, "/pki/ca.pem"),
        (Method::GET, "/no/such/endpoint"),
        (Method::POST, "/csc/v2/auth/login"),
    ] {
        let request = Request::builder()
            .method(method.clone())
            .uri(path)
            .body(Body::empty())
            .expect("request");
        let (_, headers, _) = t.send(request).await;
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
        assert_eq!(headers["referrer-policy"], "no-referrer", "{path}");
        assert_eq!(headers["cache-control"], "no-store", "{path}");
        assert!(
            headers["content-security-policy"]
                .to_str()
                .expect("csp")
                .starts_with("default-src 'none'"),
            "{path}"
        );
        assert!(
            headers.get("strict-transport-security").is_none(),
            "no HSTS over plain HTTP ({path})"
        );
    }
    let tls = relay_with_options(RelayOptions {
        hsts_max_age_seconds: Some(600),
        ..options()
    })
    .await;
    let (_, headers, _) = tls
        .send(
            Request::get("/healthz")
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(headers["strict-transport-security"], "max-age=600");
}
