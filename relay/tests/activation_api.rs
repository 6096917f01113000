//! Activation (R12): `POST /api/v1/activation/start` and `/complete`, and login before it.

mod common;

use axum::http::StatusCode;
use common::{Citizen, assert_error, otp_in, relay, wrong_code};
use serde_json::json;

#[tokio::test]
async fn r12_activation_sends_an_sms_code_and_makes_the_account_usable() {
    let relay = relay().await;
    let lucia = Citizen::new(1);
    let (_, activation_code) = relay.register(&lucia).await;
    assert!(
        relay.sms_to(&lucia.phone).await.is_empty(),
        "nothing is sent before she starts"
    );

    // Typed in lower case without hyphens, as people do.
    let typed = activation_code.replace('-', "").to_lowercase();
    let activation_id = relay.start_activation(&lucia, &typed).await;
    let sms = relay.sms_to(&lucia.phone).await;
    assert_eq!(sms.len(), 1, "{sms:?}");
    assert!(sms[0].contains("código de activación"), "{}", sms[0]);

    let (status, body) = relay
        .complete_activation(&activation_id, &otp_in(&sms[0]), lucia.password)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "active");
    let token = relay.login(&lucia).await;
    let (status, body) = relay
        .post(
            "/csc/v2/credentials/list",
            Some(&common::bearer(&token)),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // R12: she can identify herself now; her certificate comes at her first signature (R15).
    assert_eq!(body["credentialIDs"], json!([]), "{body}");
}

#[tokio::test]
async fn five_wrong_activation_codes_block_the_code() {
    let relay = relay().await;
    let lucia = Citizen::new(1);
    let (_, activation_code) = relay.register(&lucia).await;
    let start = |code: &str| {
        relay.post(
            "/api/v1/activation/start",
            None,
            json!({ "idNumber": lucia.id_number, "activationCode": code }),
        )
    };
    for attempts_left in (0..5).rev() {
        let answer = start("AAAA-BBBB-CCCC").await;
        assert_error(&answer, StatusCode::BAD_REQUEST, "invalid_activation_code");
        assert_eq!(answer.1["attemptsLeft"], attempts_left, "{}", answer.1);
    }
    let answer = start(&activation_code).await;
    assert_error(&answer, StatusCode::BAD_REQUEST, "invalid_activation_code");
    assert_eq!(answer.1["attemptsLeft"], 0, "{}", answer.1);
    assert!(
        relay.sms_to(&lucia.phone).await.is_empty(),
        "a blocked code sends no SMS"
    );
}

#[tokio::test]
async fn a_wrong_sms_code_is_invalid_otp_and_the_right_one_still_works() {
    let relay = relay().await;
    let lucia = Citizen::new(1);
    let (_, activation_code) = relay.register(&lucia).await;
    let activation_id = relay.start_activation(&lucia, &activation_code).await;
    let code = otp_in(&relay.last_sms(&lucia.phone).await);

    let answer = relay
        .complete_activation(&activation_id, &wrong_code(&code), lucia.password)
        .await;
    assert_error(&answer, StatusCode::BAD_REQUEST, "invalid_otp");
    assert_eq!(answer.1["attemptsLeft"], 4, "{}", answer.1);

    let (status, body) = relay
        .complete_activation(&activation_id, &code, lucia.password)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn the_activation_sms_code_expires_after_five_minutes() {
    let relay = relay().await;
    let lucia = Citizen::new(1);
    let (_, activation_code) = relay.register(&lucia).await;
    let activation_id = relay.start_activation(&lucia, &activation_code).await;
    let code = otp_in(&relay.last_sms(&lucia.phone).await);

    relay.clock.advance(301);
    let answer = relay
        .complete_activation(&activation_id, &code, lucia.password)
        .await;
    assert_error(&answer, StatusCode::BAD_REQUEST, "invalid_otp");
    assert_eq!(answer.1["attemptsLeft"], 0, "{}", answer.1);

    // She starts again with the same activation code and the fresh SMS code works.
    let activation_id = relay.start_activation(&lucia, &activation_code).await;
    let code = otp_in(&relay.last_sms(&lucia.phone).await);
    let (status, body) = relay
        .complete_activation(&activation_id, &code, lucia.password)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn weak_passwords_are_refused_with_the_reason() {
    let relay = relay().await;
    let lucia = Citizen::new(1);
    let (_, activation_code) = relay.register(&lucia).await;
    let activation_id = relay.start_activation(&lucia, &activation_code).await;
    let code = otp_in(&relay.last_sms(&lucia.phone).await);

    let with_dni = format!("Clave-{}!", lucia.id_number.to_lowercase());
    for (password, reason) in [
        ("Tortu-5", "at least 8 characters"),
        (with_dni.as_str(), "ID number"),
        ("mi-GARCÍA-2026", "name"),
        ("lucía.en.casa", "name"),
    ] {
        let answer = relay
            .complete_activation(&activation_id, &code, password)
            .await;
        let why = assert_error(&answer, StatusCode::BAD_REQUEST, "weak_password");
        assert!(why.contains(reason), "{password:?}: {why}");
    }
    // The refusals did not spend the SMS code.
    let (status, body) = relay
        .complete_activation(&activation_id, &code, lucia.password)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn the_terms_must_be_accepted() {
    let relay = relay().await;
    let lucia = Citizen::new(1);
    let (_, activation_code) = relay.register(&lucia).await;
    let activation_id = relay.start_activation(&lucia, &activation_code).await;
    let code = otp_in(&relay.last_sms(&lucia.phone).await);
    let body = json!({ "activationId": activation_id, "smsCode": code, "password": lucia.password, "acceptTerms": false });
    let answer = relay.post("/api/v1/activation/complete", None, body).await;
    let why = assert_error(&answer, StatusCode::BAD_REQUEST, "invalid_request");
    assert!(why.contains("acceptTerms"), "{why}");
    assert_error(
        &relay.try_login(&lucia.id_number, lucia.password).await,
        StatusCode::UNAUTHORIZED,
        "authentication_failed",
    );
}

#[tokio::test]
async fn an_activation_cannot_be_completed_twice() {
    let relay = relay().await;
    let lucia = Citizen::new(1);
    let (_, activation_code) = relay.register(&lucia).await;
    let activation_id = relay.start_activation(&lucia, &activation_code).await;
    let code = otp_in(&relay.last_sms(&lucia.phone).await);
    let (status, body) = relay
        .complete_activation(&activation_id, &code, lucia.password)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // Replaying the completion (say, to set another password) is refused...
    let answer = relay
        .complete_activation(&activation_id, &code, "Otra-clave-distinta-9")
        .await;
    assert_error(&answer, StatusCode::BAD_REQUEST, "invalid_otp");
    // ...and so is starting over with the activation code.
    let answer = relay
        .post(
            "/api/v1/activation/start",
            None,
            json!({ "idNumber": lucia.id_number, "activationCode": activation_code }),
        )
        .await;
    assert_error(&answer, StatusCode::CONFLICT, "conflict");
    // The first password is still the one.
    relay.login(&lucia).await;
    let answer = relay
        .try_login(&lucia.id_number, "Otra-clave-distinta-9")
        .await;
    assert_error(&answer, StatusCode::UNAUTHORIZED, "authentication_failed");
}

#[tokio::test]
async fn login_before_activation_answers_like_a_wrong_password() {
    let relay = relay().await;
    let lucia = Citizen::new(1);
    relay.register(&lucia).await;
    // A pending account must not show that the ID number is registered (threat model, e).
    let answer = relay.try_login(&lucia.id_number, lucia.password).await;
    let why = assert_error(&answer, StatusCode::UNAUTHORIZED, "authentication_failed");
    assert!(why.contains("wrong identifier or password"), "{why}");
}

/// The password in a first-password SMS: the word the text sets apart with spaces.
fn password_in(sms: &str) -> String {
    sms.split_whitespace()
        .find(|w| w.len() == 12 && w.chars().all(|c| c.is_ascii_alphanumeric()))
        .unwrap_or_else(|| panic!("no first password in {sms:?}"))
        .to_owned()
}

#[tokio::test]
async fn r14_a_first_password_sent_by_sms_must_be_changed_before_anything_else() {
    use axum::http::Method;
    use common::{bearer, str_field};
    let relay = relay().await;
    let lucia = Citizen::new(14);
    let (_, activation_code) = relay.register(&lucia).await;
    let activation_id = relay.start_activation(&lucia, &activation_code).await;
    let code = otp_in(&relay.last_sms(&lucia.phone).await);
    // Exactly one of a chosen password and one by SMS.
    for body in [
        json!({ "activationId": activation_id, "smsCode": code, "acceptTerms": true }),
        json!({ "activationId": activation_id, "smsCode": code, "password": lucia.password, "passwordBySms": true, "acceptTerms": true }),
    ] {
        let answer = relay.post("/api/v1/activation/complete", None, body).await;
        assert!(
            assert_error(&answer, StatusCode::BAD_REQUEST, "invalid_request").contains("password")
        );
    }
    let (status, body) = relay
        .call(
            Method::POST,
            "/api/v1/activation/complete",
            &[("accept-language", "gl")],
            Some(json!({ "activationId": activation_id, "smsCode": code, "passwordBySms": true, "acceptTerms": true })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let sms = relay.last_sms(&lucia.phone).await;
    assert!(sms.contains("primeiro contrasinal"), "{sms}");
    let first = password_in(&sms);

    let (status, body) = relay.try_login(&lucia.id_number, &first).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // The login's answer says it at once, so a client needs no second call to know.
    assert_eq!(body["mustChangePassword"], true, "{body}");
    let token = str_field(&body, "access_token");
    let (_, level) = relay
        .call(
            Method::GET,
            "/api/v1/session",
            &[("authorization", &bearer(&token))],
            None,
        )
        .await;
    assert_eq!(level["mustChangePassword"], true, "{level}");
    // Nothing else until it is changed: certificates, signing, identity assertions.
    for (path, body) in [
        ("/csc/v2/credentials/list", json!({})),
        ("/api/v1/credentials", json!({})),
        ("/api/v1/session/otp", json!({})),
    ] {
        let answer = relay.post(path, Some(&bearer(&token)), body).await;
        assert_error(&answer, StatusCode::FORBIDDEN, "password_change_required");
    }
    let answer = relay
        .call(
            Method::POST,
            "/api/v1/identity/assertion",
            &[
                ("authorization", &bearer(&token)),
                ("origin", common::PORTAL_ORIGIN),
            ],
            Some(json!({ "level": "low", "nonce": "portal-nonce-0123456789" })),
        )
        .await;
    assert_error(&answer, StatusCode::FORBIDDEN, "password_change_required");

    let (status, body) = relay
        .post(
            "/api/v1/account/password",
            Some(&bearer(&token)),
            json!({ "currentPassword": first, "newPassword": lucia.password }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, level) = relay
        .call(
            Method::GET,
            "/api/v1/session",
            &[("authorization", &bearer(&token))],
            None,
        )
        .await;
    assert!(level.get("mustChangePassword").is_none(), "{level}");
    let (status, body) = relay
        .post("/csc/v2/credentials/list", Some(&bearer(&token)), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // The SMS password opens nothing any more; hers does.
    assert_eq!(
        relay.try_login(&lucia.id_number, &first).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (status, body) = relay.try_login(&lucia.id_number, lucia.password).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.get("mustChangePassword").is_none(), "{body}");
}

#[tokio::test]
async fn r11_without_a_mobile_every_text_goes_to_her_email() {
    use axum::http::Method;
    use common::{OPERATOR_TOKEN, bearer, digits_in, str_field};
    let relay = relay().await;
    let lucia = Citizen::new(11);
    let mut registration = lucia.registration();
    registration["phone"] = json!("");
    let (status, body) = relay
        .post(
            "/office/v1/citizens",
            Some(&bearer(OPERATOR_TOKEN)),
            registration,
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let activation_code = str_field(&body, "activationCode");
    // Activation: its code comes by email.
    let (status, body) = relay
        .post(
            "/api/v1/activation/start",
            None,
            json!({ "idNumber": lucia.id_number, "activationCode": activation_code }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let text = emails_to(&relay, &lucia.email)
        .await
        .pop()
        .expect("the activation code by email");
    let code = digits_in(&text, 6).expect("a code");
    let (status, body) = relay
        .complete_activation(&str_field(&body, "activationId"), &code, lucia.password)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // A signature's code too, and her panel shows no mobile.
    let token = relay.login(&lucia).await;
    let (status, body) = relay.start_credential(&token).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let text = emails_to(&relay, &lucia.email)
        .await
        .pop()
        .expect("the certificate code by email");
    assert!(text.contains("certificado"), "{text}");
    let (status, body) = relay
        .confirm_credential(
            &token,
            &str_field(&body, "challengeId"),
            &digits_in(&text, 6).expect("code"),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (_, account) = relay
        .call(
            Method::GET,
            "/api/v1/account",
            &[("authorization", &bearer(&token))],
            None,
        )
        .await;
    assert_eq!(account["phone"], "", "{account}");
    // A second account without a mobile is fine: "no mobile" is no shared number (R8).
    let mut other = Citizen::new(12).registration();
    other["phone"] = json!("  ");
    let (status, body) = relay
        .post("/office/v1/citizens", Some(&bearer(OPERATOR_TOKEN)), other)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

/// Every email the dev outbox holds for `address`, oldest first.
async fn emails_to(relay: &common::TestRelay, address: &str) -> Vec<String> {
    let path = format!("/dev/outbox?to={}", address.replace('@', "%40"));
    let (_, body) = relay.call(axum::http::Method::GET, &path, &[], None).await;
    body.as_array()
        .expect("list")
        .iter()
        .filter(|m| m["channel"] == "email")
        .map(|m| m["text"].as_str().expect("text").to_owned())
        .collect()
}
