//! Levels of assurance and keys through the HTTP API (docs/rules.md): the PIN key identifies
//! and does nothing else (R4), a password session reaches the reinforced level only with an SMS
//! code (R1, R2), a service's level is checked before the relay vouches for her (R3), and the
//! identity assertion a portal's server receives names her, the portal and the level (R27).

mod common;

use axum::http::{Method, StatusCode};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use common::*;
use nubefirma_relay::limits::{MAX_PIN_ATTEMPTS, PIN_LIFETIME_SECONDS};
use serde_json::{Value, json};

const BIRTH_DATE: &str = "1990-02-03";
const NONCE: &str = "portal-nonce-0123456789abcdef";

impl TestRelay {
    async fn ask_pin(&self, id_number: &str, birth_date: &str) -> (StatusCode, Value) {
        self.post(
            "/api/v1/pin",
            None,
            json!({ "idNumber": id_number, "birthDate": birth_date }),
        )
        .await
    }

    async fn pin_login(&self, pin_id: &str, pin: &str) -> (StatusCode, Value) {
        self.post(
            &format!("/api/v1/pin/{pin_id}/login"),
            None,
            json!({ "pin": pin }),
        )
        .await
    }

    async fn assertion_from(
        &self,
        token: &str,
        level: &str,
        nonce: &str,
        origin: Option<&str>,
    ) -> (StatusCode, Value) {
        let auth = bearer(token);
        let mut headers = vec![("authorization", auth.as_str())];
        if let Some(origin) = origin {
            headers.push(("origin", origin));
        }
        self.call(
            Method::POST,
            "/api/v1/identity/assertion",
            &headers,
            Some(json!({ "level": level, "nonce": nonce })),
        )
        .await
    }

    async fn assertion(&self, token: &str, level: &str) -> (StatusCode, Value) {
        self.assertion_from(token, level, NONCE, Some(PORTAL_ORIGIN))
            .await
    }

    async fn session_level(&self, token: &str) -> Value {
        let (status, body) = self
            .call(
                Method::GET,
                "/api/v1/session",
                &[("authorization", &bearer(token))],
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    async fn reinforce(&self, citizen: &Citizen, token: &str) {
        let (status, body) = self
            .post("/api/v1/session/otp", Some(&bearer(token)), json!({}))
            .await;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
        let code = otp_in(&self.last_sms(&citizen.phone).await);
        let (status, body) = self
            .post(
                "/api/v1/session/reinforce",
                Some(&bearer(token)),
                json!({ "otp": code }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
}

/// The claims of a compact JWS, unchecked (the signature is checked in `interop.rs` by PyJWT
/// and below with the JWKS).
fn claims(jws: &str) -> Value {
    let payload = jws.split('.').nth(1).expect("three parts");
    serde_json::from_slice(&B64URL.decode(payload).expect("base64url")).expect("json")
}

#[tokio::test]
async fn r4_a_pin_key_identifies_her_at_the_low_level_and_can_do_nothing_else() {
    let relay = relay().await;
    let lucia = Citizen::new(1);
    relay.activate(&lucia).await;
    let (status, body) = relay.ask_pin(&lucia.id_number, BIRTH_DATE).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    assert_eq!(body["expiresIn"], PIN_LIFETIME_SECONDS);
    let sms = relay.last_sms(&lucia.phone).await;
    assert!(sms.contains("PIN") && sms.contains("firmar"), "{sms}");
    let pin = otp_in(&sms);
    let (status, session) = relay.pin_login(&str_field(&body, "pinId"), &pin).await;
    assert_eq!(status, StatusCode::OK, "{session}");
    let token = str_field(&session, "access_token");
    assert_eq!(
        relay.session_level(&token).await,
        json!({ "key": "pin", "level": "low" })
    );

    let (status, body) = relay.assertion(&token, "low").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let claims = claims(&str_field(&body, "assertion"));
    assert_eq!(claims["id_number"], lucia.id_number.as_str());
    assert_eq!(claims["acr"], "low");
    assert_eq!(claims["amr"], json!(["sms"]));

    // Identification only: no signing, no certificates, no panel, no higher level (R2, R4).
    assert_error(
        &relay.assertion(&token, "reinforced").await,
        StatusCode::FORBIDDEN,
        "insufficient_level",
    );
    assert_error(
        &relay
            .post("/csc/v2/credentials/list", Some(&bearer(&token)), json!({}))
            .await,
        StatusCode::FORBIDDEN,
        "insufficient_level",
    );
    assert_error(
        &relay.start_credential(&token).await,
        StatusCode::FORBIDDEN,
        "insufficient_level",
    );
    assert_error(
        &relay
            .post("/api/v1/session/otp", Some(&bearer(&token)), json!({}))
            .await,
        StatusCode::FORBIDDEN,
        "insufficient_level",
    );
    assert_error(
        &relay
            .post(
                "/api/v1/account/revoke",
                Some(&bearer(&token)),
                json!({ "password": lucia.password }),
            )
            .await,
        StatusCode::FORBIDDEN,
        "insufficient_level",
    );
    // A PIN is single-use.
    assert_error(
        &relay
            .pin_login(
                &str_field(&body_of_pin(&relay, &lucia).await, "pinId"),
                "000000",
            )
            .await,
        StatusCode::BAD_REQUEST,
        "invalid_otp",
    );
}

/// A second PIN request 31 s later (the per-ID interval), answered.
async fn body_of_pin(relay: &TestRelay, citizen: &Citizen) -> Value {
    relay.clock.advance(31);
    let (status, body) = relay.ask_pin(&citizen.id_number, BIRTH_DATE).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    body
}

#[tokio::test]
async fn r4_a_pin_for_an_unknown_id_or_the_wrong_birth_date_answers_as_a_real_one_and_sends_nothing()
 {
    let relay = relay().await;
    let lucia = Citizen::new(2);
    relay.activate(&lucia).await;
    let sms_before = relay.sms_to(&lucia.phone).await.len();
    let stranger = Citizen::new(3);
    for (id_number, birth_date) in [
        (lucia.id_number.as_str(), "1990-02-04"),
        (stranger.id_number.as_str(), BIRTH_DATE),
    ] {
        let (status, body) = relay.ask_pin(id_number, birth_date).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
        assert_eq!(body["expiresIn"], PIN_LIFETIME_SECONDS);
        let pin_id = str_field(&body, "pinId");
        // Wrong entries are answered as a real PIN's, down to dead.
        for left in (0..MAX_PIN_ATTEMPTS).rev() {
            let answer = relay.pin_login(&pin_id, "123456").await;
            assert_error(&answer, StatusCode::BAD_REQUEST, "invalid_otp");
            assert_eq!(answer.1["attemptsLeft"], left, "{}", answer.1);
        }
        assert_eq!(
            relay.pin_login(&pin_id, "123456").await.1["codeLive"],
            false
        );
    }
    assert_eq!(relay.sms_to(&lucia.phone).await.len(), sms_before);
    // And the real PIN of a real account answers the same to a wrong entry.
    let body = body_of_pin(&relay, &lucia).await;
    let answer = relay.pin_login(&str_field(&body, "pinId"), "123456").await;
    assert_eq!(
        answer.1["attemptsLeft"],
        MAX_PIN_ATTEMPTS - 1,
        "{}",
        answer.1
    );
}

#[tokio::test]
async fn r4_a_pin_is_valid_for_a_very_short_time_and_limited_per_id() {
    let relay = relay().await;
    let lucia = Citizen::new(4);
    relay.activate(&lucia).await;
    let (_, body) = relay.ask_pin(&lucia.id_number, BIRTH_DATE).await;
    let pin = otp_in(&relay.last_sms(&lucia.phone).await);
    // A second PIN within 30 s is refused, for a real ID and an unknown one alike.
    let again = relay.ask_pin(&lucia.id_number, BIRTH_DATE).await;
    assert_error(&again, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    let stranger = Citizen::new(5);
    relay.ask_pin(&stranger.id_number, BIRTH_DATE).await;
    assert_error(
        &relay.ask_pin(&stranger.id_number, BIRTH_DATE).await,
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
    );
    relay.clock.advance(PIN_LIFETIME_SECONDS + 1);
    let late = relay.pin_login(&str_field(&body, "pinId"), &pin).await;
    assert_error(&late, StatusCode::BAD_REQUEST, "invalid_otp");
    // Bad input: a clear error, nothing spent.
    let bad = relay.ask_pin(&lucia.id_number, "03/02/1990").await;
    assert!(assert_error(&bad, StatusCode::BAD_REQUEST, "invalid_request").contains("birthDate"));
    let bad = relay.ask_pin("12345678A", BIRTH_DATE).await;
    assert!(assert_error(&bad, StatusCode::BAD_REQUEST, "invalid_request").contains("idNumber"));
}

#[tokio::test]
async fn r4_a_blocked_account_gets_no_pin() {
    let relay = relay().await;
    let lucia = Citizen::new(6);
    relay.activate(&lucia).await;
    for _ in 0..5 {
        relay.try_login(&lucia.id_number, "Wrong-password-1").await;
    }
    let sms_before = relay.sms_to(&lucia.phone).await.len();
    let (status, _) = relay.ask_pin(&lucia.id_number, BIRTH_DATE).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_eq!(relay.sms_to(&lucia.phone).await.len(), sms_before);
}

#[tokio::test]
async fn r1_r2_a_password_session_reaches_the_reinforced_level_only_with_the_sms_code() {
    let relay = relay().await;
    let lucia = Citizen::new(7);
    relay.activate(&lucia).await;
    let token = relay.login(&lucia).await;
    assert_eq!(
        relay.session_level(&token).await,
        json!({ "key": "password", "level": "low" })
    );
    let (status, body) = relay.assertion(&token, "low").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        claims(&str_field(&body, "assertion"))["amr"],
        json!(["pwd"])
    );
    assert_error(
        &relay.assertion(&token, "reinforced").await,
        StatusCode::FORBIDDEN,
        "insufficient_level",
    );

    let (status, body) = relay
        .post("/api/v1/session/otp", Some(&bearer(&token)), json!({}))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let code = otp_in(&relay.last_sms(&lucia.phone).await);
    // A wrong code counts toward the account's five entries (R20).
    let wrong = relay
        .post(
            "/api/v1/session/reinforce",
            Some(&bearer(&token)),
            json!({ "otp": wrong_code(&code) }),
        )
        .await;
    assert_error(&wrong, StatusCode::BAD_REQUEST, "invalid_otp");
    assert_eq!(wrong.1["attemptsLeft"], 4, "{}", wrong.1);
    let (status, body) = relay
        .post(
            "/api/v1/session/reinforce",
            Some(&bearer(&token)),
            json!({ "otp": code }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body, json!({ "key": "password", "level": "reinforced" }));
    // The code is spent.
    assert_error(
        &relay
            .post(
                "/api/v1/session/reinforce",
                Some(&bearer(&token)),
                json!({ "otp": code }),
            )
            .await,
        StatusCode::BAD_REQUEST,
        "invalid_otp",
    );
    for level in ["low", "reinforced"] {
        let (status, body) = relay.assertion(&token, level).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let claims = claims(&str_field(&body, "assertion"));
        assert_eq!(claims["acr"], "reinforced");
        assert_eq!(claims["amr"], json!(["pwd", "sms", "mfa"]));
    }
    // Another session of hers is still at the low level.
    let other = relay.login(&lucia).await;
    assert_eq!(relay.session_level(&other).await["level"], "low");
}

#[tokio::test]
async fn r27_the_assertion_names_her_the_portal_and_the_level_and_verifies_with_the_jwks() {
    use p256::ecdsa::signature::Verifier;
    let relay = relay().await;
    let lucia = Citizen::new(8);
    relay.activate(&lucia).await;
    let token = relay.login(&lucia).await;
    relay.reinforce(&lucia, &token).await;
    let (status, body) = relay.assertion(&token, "reinforced").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let jws = str_field(&body, "assertion");
    let claims = claims(&jws);
    assert_eq!(claims["iss"], "http://relay.test");
    assert_eq!(claims["aud"], PORTAL_ORIGIN);
    assert_eq!(claims["nonce"], NONCE);
    assert_eq!(claims["given_name"], lucia.given_name);
    assert_eq!(claims["family_name"], lucia.surname);
    assert_eq!(claims["iat"], START);
    assert_eq!(
        claims["exp"].as_i64(),
        Some(START + body["expiresIn"].as_i64().expect("expiresIn"))
    );

    let (status, jwks) = relay
        .call(Method::GET, "/.well-known/jwks.json", &[], None)
        .await;
    assert_eq!(status, StatusCode::OK, "{jwks}");
    let jwk = &jwks["keys"][0];
    let header: Value = serde_json::from_slice(
        &B64URL
            .decode(jws.split('.').next().expect("header"))
            .expect("b64"),
    )
    .expect("json");
    assert_eq!(header["kid"], jwk["kid"]);
    let mut sec1 = vec![4u8];
    sec1.extend(B64URL.decode(jwk["x"].as_str().expect("x")).expect("x"));
    sec1.extend(B64URL.decode(jwk["y"].as_str().expect("y")).expect("y"));
    let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(&sec1).expect("P-256 key");
    let (input, signature) = jws.rsplit_once('.').expect("signature");
    let signature =
        p256::ecdsa::Signature::from_slice(&B64URL.decode(signature).expect("b64")).expect("R‖S");
    assert!(key.verify(input.as_bytes(), &signature).is_ok());
}

#[tokio::test]
async fn r3_an_assertion_goes_only_to_a_portal_this_relay_serves_with_a_portal_nonce() {
    let relay = relay().await;
    let lucia = Citizen::new(9);
    relay.activate(&lucia).await;
    let token = relay.login(&lucia).await;
    for origin in [None, Some("https://evil.example")] {
        let answer = relay.assertion_from(&token, "low", NONCE, origin).await;
        assert_error(&answer, StatusCode::FORBIDDEN, "access_denied");
    }
    for nonce in ["short", "with spaces in it, too long anyway"] {
        let answer = relay
            .assertion_from(&token, "low", nonce, Some(PORTAL_ORIGIN))
            .await;
        assert!(
            assert_error(&answer, StatusCode::BAD_REQUEST, "invalid_request").contains("nonce")
        );
    }
    let unknown_level = relay.assertion(&token, "high").await;
    assert_eq!(
        unknown_level.0,
        StatusCode::BAD_REQUEST,
        "{}",
        unknown_level.1
    );
    // No token, no assertion.
    let (status, _) = relay
        .call(
            Method::POST,
            "/api/v1/identity/assertion",
            &[("origin", PORTAL_ORIGIN)],
            Some(json!({ "level": "low", "nonce": NONCE })),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
