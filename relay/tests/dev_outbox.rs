//! The development outbox exists only in dev mode, and browsers may call the relay only from
//! the configured portal origins (CORS).

mod common;

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use common::{Citizen, PORTAL_ORIGIN, relay, relay_with};

#[tokio::test]
async fn without_dev_mode_the_outbox_route_does_not_exist() {
    let production = relay_with(false).await;
    let lucia = Citizen::new(1);
    let (_, activation_code) = production.register(&lucia).await;
    production.start_activation(&lucia, &activation_code).await;
    for path in ["/dev/outbox", "/dev/outbox?to=600000001"] {
        let (status, body) = production.call(Method::GET, path, &[], None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {body}");
        assert!(!body.to_string().contains("código de activación"), "{body}");
    }
}

#[tokio::test]
async fn in_dev_mode_the_outbox_shows_the_sms_by_phone_as_typed() {
    let dev = relay().await;
    let lucia = Citizen::new(1);
    let (_, activation_code) = dev.register(&lucia).await;
    dev.start_activation(&lucia, &activation_code).await;
    let (status, body) = dev
        .call(Method::GET, "/dev/outbox?to=600%2000%2000%2001", &[], None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let messages = body.as_array().expect("a list");
    assert_eq!(messages.len(), 1, "{body}");
    assert_eq!(messages[0]["to"], lucia.phone);
    assert_eq!(messages[0]["channel"], "sms");
    assert_eq!(messages[0]["sentAt"], "2026-05-28T20:26:40Z");
    let (status, body) = dev
        .call(Method::GET, "/dev/outbox?to=600000002", &[], None)
        .await;
    assert_eq!(
        (status, body),
        (StatusCode::OK, serde_json::json!([])),
        "nothing for another phone"
    );
}

async fn preflight(origin: &str) -> (StatusCode, HeaderMap) {
    let relay = relay().await;
    let request = Request::builder()
        .method(Method::OPTIONS)
        .uri("/csc/v2/auth/login")
        .header(header::ORIGIN, origin)
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
        .header(
            header::ACCESS_CONTROL_REQUEST_HEADERS,
            "authorization,content-type",
        )
        .body(Body::empty())
        .expect("request");
    let (status, headers, _) = relay.send(request).await;
    (status, headers)
}

fn header_text(headers: &HeaderMap, name: header::HeaderName) -> &str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

#[tokio::test]
async fn cors_preflight_allows_the_portal_origin_only() {
    let (status, headers) = preflight(PORTAL_ORIGIN).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        header_text(&headers, header::ACCESS_CONTROL_ALLOW_ORIGIN),
        PORTAL_ORIGIN
    );
    assert!(
        header_text(&headers, header::ACCESS_CONTROL_ALLOW_METHODS).contains("POST"),
        "{headers:?}"
    );
    let allowed_headers =
        header_text(&headers, header::ACCESS_CONTROL_ALLOW_HEADERS).to_ascii_lowercase();
    assert!(
        allowed_headers.contains("authorization") && allowed_headers.contains("content-type"),
        "{headers:?}"
    );

    let (_, headers) = preflight("http://evil.example").await;
    assert!(
        headers.get(header::ACCESS_CONTROL_ALLOW_ORIGIN).is_none(),
        "{headers:?}"
    );
}

#[tokio::test]
async fn the_outbox_finds_a_number_typed_with_an_unencoded_plus() {
    // In a query string `+` means a space, so `?to=+34…` arrives as " 34…". People (and curl
    // scripts) type it that way; the outbox must still find her messages.
    let dev = relay().await;
    let lucia = Citizen::new(1);
    let (_, activation_code) = dev.register(&lucia).await;
    dev.start_activation(&lucia, &activation_code).await;
    let path = format!("/dev/outbox?to={}", lucia.phone);
    assert!(path.contains("?to=+34"), "{path}");
    let (status, body) = dev.call(Method::GET, &path, &[], None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body.as_array().map(Vec::len), Some(1), "{body}");
    assert_eq!(body[0]["to"], lucia.phone);
}
