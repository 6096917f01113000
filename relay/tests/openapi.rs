//! `/openapi.json` is generated from the code: every route the relay serves is in it, and every
//! path in it is served.

mod common;

use axum::http::{Method, StatusCode};
use serde_json::Value;

use common::relay;

/// Every route of the relay (the CSC wires, our API, the office, the PKI, the service).
const ROUTES: &[(&str, &str)] = &[
    ("get", "/csc/v1/info"),
    ("post", "/csc/v1/info"),
    ("post", "/csc/v1/auth/login"),
    ("post", "/csc/v1/auth/revoke"),
    ("post", "/csc/v1/credentials/list"),
    ("post", "/csc/v1/credentials/info"),
    ("post", "/csc/v1/credentials/sendOTP"),
    ("post", "/csc/v1/credentials/authorize"),
    ("post", "/csc/v1/signatures/signHash"),
    ("get", "/csc/v2/info"),
    ("post", "/csc/v2/info"),
    ("post", "/csc/v2/auth/login"),
    ("post", "/csc/v2/auth/revoke"),
    ("post", "/csc/v2/credentials/list"),
    ("post", "/csc/v2/credentials/info"),
    ("post", "/csc/v2/credentials/sendOTP"),
    ("post", "/csc/v2/credentials/authorize"),
    ("post", "/csc/v2/signatures/signHash"),
    ("post", "/csc/v2/signatures/timestamp"),
    ("post", "/api/v1/activation/start"),
    ("post", "/api/v1/activation/complete"),
    ("post", "/api/v1/account/revoke"),
    ("post", "/api/v1/account/renew"),
    ("get", "/api/v1/account"),
    ("post", "/api/v1/account/password"),
    ("post", "/api/v1/account/contact"),
    ("post", "/api/v1/account/contact/{id}/confirm"),
    ("post", "/api/v1/password-reset"),
    ("post", "/api/v1/password-reset/{id}/complete"),
    ("post", "/api/v1/credentials"),
    ("post", "/api/v1/credentials/{id}/confirm"),
    ("post", "/api/v1/credentials/{id}/revoke"),
    ("post", "/api/v1/account/second-factor"),
    ("post", "/api/v1/pin"),
    ("post", "/api/v1/pin/{id}/login"),
    ("get", "/api/v1/session"),
    ("post", "/api/v1/session/otp"),
    ("post", "/api/v1/session/reinforce"),
    ("post", "/api/v1/identity/assertion"),
    ("get", "/.well-known/jwks.json"),
    ("post", "/office/v1/citizens"),
    ("post", "/office/v1/credentials/{credential_id}/revoke"),
    ("post", "/office/v1/accounts/revoke"),
    ("post", "/office/v1/citizens/activation-code"),
    ("post", "/office/v1/citizens/phone"),
    ("post", "/office/v1/login"),
    ("post", "/office/v1/login/{id}/confirm"),
    ("post", "/entity/v1/invitations"),
    ("get", "/entity/v1/invitations"),
    ("post", "/entity/v1/invitations/{id}/withdraw"),
    ("post", "/api/v1/professional/{id}/start"),
    ("post", "/api/v1/professional/{id}/sms"),
    ("post", "/api/v1/professional/{id}/identity"),
    ("post", "/api/v1/professional/{id}/password"),
    ("post", "/api/v1/professional/{id}/terms"),
    ("post", "/api/v1/professional/{id}/complete"),
    ("post", "/api/v1/professional/{id}/confirm"),
    ("get", "/pki/ca.pem"),
    ("get", "/pki/crl"),
    ("post", "/pki/ocsp"),
    ("get", "/pki/ocsp/{request}"),
    ("post", "/tsa"),
    ("get", "/healthz"),
    ("get", "/readyz"),
    ("get", "/metrics"),
    ("get", "/openapi.json"),
];

async fn document() -> (common::TestRelay, Value) {
    let relay = relay().await;
    let (status, doc) = relay.call(Method::GET, "/openapi.json", &[], None).await;
    assert_eq!(status, StatusCode::OK);
    (relay, doc)
}

#[tokio::test]
async fn the_document_is_openapi_3_1_and_lists_every_route_and_nothing_else() {
    let (_, doc) = document().await;
    assert!(
        doc["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1")),
        "{}",
        doc["openapi"]
    );
    let mut listed: Vec<(String, String)> = doc["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .expect("path item")
                .keys()
                .filter(|m| ["get", "post", "put", "delete", "patch"].contains(&m.as_str()))
                .map(move |m| (m.clone(), path.clone()))
        })
        .collect();
    listed.sort();
    let mut expected: Vec<(String, String)> = ROUTES
        .iter()
        .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    expected.sort();
    assert_eq!(listed, expected);
    for scheme in ["basic", "bearer", "operator"] {
        assert!(
            doc["components"]["securitySchemes"][scheme].is_object(),
            "security scheme {scheme}"
        );
    }
}

#[tokio::test]
async fn every_documented_route_is_served() {
    let (relay, doc) = document().await;
    for (path, item) in doc["paths"].as_object().expect("paths") {
        let concrete = path
            .replace("{id}", "x")
            .replace("{credential_id}", "x")
            .replace("{request}", "x");
        for method in item.as_object().expect("item").keys() {
            let method = match method.as_str() {
                "get" => Method::GET,
                "post" => Method::POST,
                _ => continue,
            };
            let (status, body) = relay
                .call(method.clone(), &concrete, &[], Some(serde_json::json!({})))
                .await;
            assert!(
                status != StatusCode::NOT_FOUND && status != StatusCode::METHOD_NOT_ALLOWED,
                "{method} {path}: {status} {body}"
            );
        }
    }
}
