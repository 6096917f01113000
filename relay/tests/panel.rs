//! The citizen's self-service panel through the HTTP API (R26, with R8 and R23): what her
//! account shows, a password change that keeps her certificate signing, and a new phone or
//! email proved by codes. In-process, a manual clock, the dev outbox as her phone and mailbox;
//! the race for one phone number runs against a real relay process on a file database.

mod common;
mod process;

use axum::http::{Method, StatusCode};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use common::*;
use futures_util::future::join_all;
use p256::ecdsa::signature::hazmat::PrehashVerifier;
use p256::ecdsa::{Signature, VerifyingKey};
use serde_json::{Value, json};

const NEW_PASSWORD: &str = "Caracola-roja-2026";

impl TestRelay {
    async fn outbox_to(&self, address: &str, channel: &str) -> Vec<String> {
        let to = address
            .replace('+', "%2B")
            .replace('@', "%40")
            .replace(' ', "%20");
        let (status, body) = self
            .call(Method::GET, &format!("/dev/outbox?to={to}"), &[], None)
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body.as_array()
            .expect("list")
            .iter()
            .filter(|m| m["channel"] == channel)
            .map(|m| m["text"].as_str().expect("text").to_owned())
            .collect()
    }

    async fn last_email(&self, address: &str) -> String {
        self.outbox_to(address, "email")
            .await
            .pop()
            .expect("an email was sent")
    }

    async fn account(&self, authorization: &str) -> (StatusCode, Value) {
        self.call(
            Method::GET,
            "/api/v1/account",
            &[("authorization", authorization)],
            None,
        )
        .await
    }

    async fn change_password(
        &self,
        authorization: &str,
        current: &str,
        new: &str,
    ) -> (StatusCode, Value) {
        self.post(
            "/api/v1/account/password",
            Some(authorization),
            json!({ "currentPassword": current, "newPassword": new }),
        )
        .await
    }

    async fn start_contact(
        &self,
        authorization: &str,
        kind: &str,
        value: &str,
    ) -> (StatusCode, Value) {
        self.post(
            "/api/v1/account/contact",
            Some(authorization),
            json!({ "kind": kind, "value": value }),
        )
        .await
    }

    async fn confirm_contact(
        &self,
        authorization: &str,
        id: &str,
        body: Value,
    ) -> (StatusCode, Value) {
        self.post(
            &format!("/api/v1/account/contact/{id}/confirm"),
            Some(authorization),
            body,
        )
        .await
    }

    /// Asks for a new phone, asserting success: the change id, the code the new phone got and
    /// the code her current phone got.
    async fn ask_new_phone(
        &self,
        authorization: &str,
        current_phone: &str,
        typed: &str,
        international: &str,
    ) -> (String, String, String) {
        self.clock.advance(31);
        let (status, body) = self.start_contact(authorization, "phone", typed).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
        assert_eq!(body["expiresIn"], 300, "{body}");
        let new_sms = self.last_sms(international).await;
        let current_sms = self.last_sms(current_phone).await;
        (
            str_field(&body, "changeId"),
            otp_in(&new_sms),
            otp_in(&current_sms),
        )
    }

    async fn audit_entries(&self, kind: &str) -> Vec<String> {
        self.store
            .audit_page(0, 1000)
            .await
            .expect("trail")
            .into_iter()
            .filter(|e| e.kind == kind)
            .map(|e| e.detail)
            .collect()
    }
}

/// Registers and activates `citizen` with her own email address (the common helper gives every
/// test citizen the same one).
async fn activate_with_email(relay: &TestRelay, citizen: &Citizen, email: &str) {
    let mut registration = citizen.registration();
    registration["email"] = json!(email);
    let (status, body) = relay
        .post(
            "/office/v1/citizens",
            Some(&bearer(OPERATOR_TOKEN)),
            registration,
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let activation_id = relay
        .start_activation(citizen, &str_field(&body, "activationCode"))
        .await;
    let code = otp_in(&relay.last_sms(&citizen.phone).await);
    let (status, body) = relay
        .complete_activation(&activation_id, &code, citizen.password)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// Signs one document with `credential_id` in the session `authorization`, the codes read
/// from `phone`, and checks the signature with the certificate's public key.
async fn sign_and_verify(
    relay: &TestRelay,
    authorization: &str,
    credential_id: &str,
    phone: &str,
    document: &str,
) {
    let digest = digests(&[document]);
    let hashes = b64(&digest);
    relay.clock.advance(31);
    let (status, body) = relay
        .post(
            "/csc/v2/credentials/sendOTP",
            Some(authorization),
            json!({ "credentialID": credential_id, "hashes": hashes, "hashAlgorithmOID": nubefirma_protocol::csc::OID_SHA256 }),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let otp = otp_in(&relay.last_sms(phone).await);
    let (status, body) = relay
        .post(
            "/csc/v2/credentials/authorize",
            Some(authorization),
            json!({
                "credentialID": credential_id, "numSignatures": 1, "hashes": hashes,
                "hashAlgorithmOID": nubefirma_protocol::csc::OID_SHA256, "OTP": otp,
            }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let sad = str_field(&body, "SAD");
    let (status, body) = relay
        .post(
            "/csc/v2/signatures/signHash",
            Some(authorization),
            json!({
                "credentialID": credential_id, "SAD": sad, "hashes": hashes,
                "hashAlgorithmOID": nubefirma_protocol::csc::OID_SHA256,
                "signAlgo": nubefirma_protocol::csc::OID_ECDSA_WITH_SHA256,
            }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let signature = STANDARD
        .decode(body["signatures"][0].as_str().expect("a signature"))
        .expect("base64");
    let (status, info) = relay
        .post(
            "/csc/v2/credentials/info",
            Some(authorization),
            json!({ "credentialID": credential_id, "certificates": "single" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{info}");
    let der = STANDARD
        .decode(
            info["cert"]["certificates"][0]
                .as_str()
                .expect("certificate"),
        )
        .expect("base64");
    let cert = <x509_cert::Certificate as der::Decode>::from_der(&der).expect("certificate");
    let key = VerifyingKey::from_sec1_bytes(
        cert.tbs_certificate
            .subject_public_key_info
            .subject_public_key
            .raw_bytes(),
    )
    .expect("P-256 key");
    key.verify_prehash(
        &digest[0],
        &Signature::from_der(&signature).expect("DER signature"),
    )
    .expect("her certificate verifies the signature");
}

#[tokio::test]
async fn r26_the_panel_shows_her_account_with_phone_and_email_masked() {
    let relay = relay().await;
    let (status, _) = relay.account("Bearer nope").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let s = signer(&relay, 1).await;
    let (status, body) = relay.account(&s.authorization).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["givenName"], "Lucía");
    assert_eq!(body["surname"], "García Pérez");
    assert_eq!(body["idNumber"], s.citizen.id_number.as_str());
    // +34600000001: the first digit and the last three only.
    assert_eq!(body["phone"], "6•••••001", "{body}");
    assert_eq!(body["email"], "l•••@example.es", "{body}");
    assert_eq!(body["status"], "active");
    assert_eq!(body["secondFactor"], "sms");
    let expires_at = body["expiresAt"].as_i64().expect("expiresAt");
    assert!(expires_at > START + 4 * 365 * 24 * 3600, "{body}");
    assert_eq!(
        expires_at - body["renewableFrom"].as_i64().expect("renewableFrom"),
        90 * 24 * 3600
    );
    let text = body.to_string();
    assert!(
        !text.contains("600000001") && !text.contains("lucia."),
        "{text}"
    );

    let certificates = body["certificates"].as_array().expect("certificates");
    assert_eq!(certificates.len(), 1, "{body}");
    let certificate = &certificates[0];
    assert_eq!(certificate["id"], s.credential_id.as_str());
    assert_eq!(certificate["status"], "valid");
    let (_, info) = s
        .post(
            "credentials/info",
            json!({ "credentialID": s.credential_id, "certInfo": true }),
        )
        .await;
    assert_eq!(
        certificate["serial"], info["cert"]["serialNumber"],
        "{info}"
    );
    let cn = certificate["subjectCn"].as_str().expect("subjectCn");
    assert!(cn.contains(&s.citizen.id_number), "{cn}");
    assert!(certificate["notAfter"].as_i64().expect("notAfter") > START);

    // A revoked certificate is listed as such.
    let (status, body) = relay
        .post(
            &format!("/api/v1/credentials/{}/revoke", s.credential_id),
            Some(&s.authorization),
            json!({ "password": s.citizen.password }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, body) = relay.account(&s.authorization).await;
    assert_eq!(body["certificates"][0]["status"], "revoked", "{body}");
}

#[tokio::test]
async fn r26_password_change_keeps_her_certificate_signing() {
    let relay = relay().await;
    let s = signer(&relay, 2).await;
    let other_session = bearer(&relay.login(&s.citizen).await);

    let (status, body) = relay
        .change_password(&s.authorization, s.citizen.password, NEW_PASSWORD)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "active");

    // Told by SMS, in her language, with nothing she typed in it.
    let sms = relay.last_sms(&s.citizen.phone).await;
    assert!(sms.contains("tu contraseña ha cambiado"), "{sms}");
    assert!(sms.contains("certificados siguen valiendo"), "{sms}");
    assert!(!sms.contains(NEW_PASSWORD) && !sms.contains(s.citizen.password));

    // The old password is refused at login, the new one works.
    let (status, _) = relay
        .try_login(&s.citizen.id_number, s.citizen.password)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let new_session = relay.try_login(&s.citizen.id_number, NEW_PASSWORD).await;
    assert_eq!(new_session.0, StatusCode::OK, "{}", new_session.1);
    let new_session = bearer(&str_field(&new_session.1, "access_token"));

    // Every other session ended; the one that made the change goes on.
    let (status, _) = relay.account(&other_session).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "other sessions end");

    // Her existing certificate still signs, in the session that changed it and in a new one,
    // and the signature verifies with it.
    sign_and_verify(
        &relay,
        &s.authorization,
        &s.credential_id,
        &s.citizen.phone,
        "signed in the same session",
    )
    .await;
    sign_and_verify(
        &relay,
        &new_session,
        &s.credential_id,
        &s.citizen.phone,
        "signed after logging in with the new password",
    )
    .await;

    let (_, body) = relay.account(&new_session).await;
    assert_eq!(body["certificates"][0]["status"], "valid", "{body}");
    let events = relay.audit_entries("password_changed").await;
    assert_eq!(events.len(), 1);
    assert!(events[0].contains(&s.credential_id), "{}", events[0]);
    assert!(events[0].contains("\"endedSessions\":1"), "{}", events[0]);
    assert!(!events[0].contains(NEW_PASSWORD));
}

#[tokio::test]
async fn r26_a_weak_or_unchanged_new_password_is_refused_before_spending_an_entry() {
    let relay = relay().await;
    let citizen = Citizen::new(3);
    relay.activate(&citizen).await;
    let auth = bearer(&relay.login(&citizen).await);

    let with_id = format!("mi-{}-larga", citizen.id_number);
    for (current, new, why) in [
        ("Not-her-password-1", "corta", "at least 8"),
        ("Not-her-password-1", "Lucía-2026-larga", "name"),
        ("Not-her-password-1", with_id.as_str(), "ID number"),
        (citizen.password, citizen.password, "differ"),
    ] {
        let answer = relay.change_password(&auth, current, new).await;
        let description = assert_error(&answer, StatusCode::BAD_REQUEST, "weak_password");
        assert!(description.contains(why), "{description}");
    }
    // None of them spent an entry: the first wrong current password leaves four.
    let answer = relay
        .change_password(&auth, "Not-her-password-1", NEW_PASSWORD)
        .await;
    assert_error(&answer, StatusCode::FORBIDDEN, "access_denied");
    assert_eq!(answer.1["attemptsLeft"], 4, "{}", answer.1);
    // Nothing changed.
    relay.login(&citizen).await;
}

#[tokio::test]
async fn r20_wrong_current_passwords_count_and_block_the_account() {
    let relay = relay().await;
    let citizen = Citizen::new(4);
    relay.activate(&citizen).await;
    let auth = bearer(&relay.login(&citizen).await);
    for left in (0..5).rev() {
        let answer = relay
            .change_password(&auth, "Not-her-password-1", NEW_PASSWORD)
            .await;
        assert_error(&answer, StatusCode::FORBIDDEN, "access_denied");
        assert_eq!(answer.1["attemptsLeft"], left, "{}", answer.1);
    }
    let answer = relay
        .change_password(&auth, citizen.password, NEW_PASSWORD)
        .await;
    assert_error(&answer, StatusCode::FORBIDDEN, "account_blocked");
    let (status, _) = relay.try_login(&citizen.id_number, citizen.password).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "blocked");
    let (status, _) = relay.try_login(&citizen.id_number, NEW_PASSWORD).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "and not changed");
}

#[tokio::test]
async fn r26_phone_change_needs_the_code_sent_to_the_new_phone() {
    let relay = relay().await;
    let s = signer(&relay, 5).await;
    let new_phone = "+34611223344";
    let (id, new_code, current_code) = relay
        .ask_new_phone(
            &s.authorization,
            &s.citizen.phone,
            "611 22 33 44",
            new_phone,
        )
        .await;
    let new_sms = relay.last_sms(new_phone).await;
    assert!(
        new_sms.contains("usar este móvil en tu cuenta"),
        "{new_sms}"
    );
    assert_ne!(new_code, current_code);

    // The code her current phone got is not the new phone's.
    let answer = relay
        .confirm_contact(
            &s.authorization,
            &id,
            json!({ "code": current_code, "currentPhoneCode": current_code }),
        )
        .await;
    assert_error(&answer, StatusCode::BAD_REQUEST, "invalid_otp");
    assert_eq!(
        answer.1["attemptsLeft"], 4,
        "counted toward R20: {}",
        answer.1
    );

    let (status, body) = relay
        .confirm_contact(
            &s.authorization,
            &id,
            json!({ "code": new_code, "currentPhoneCode": current_code }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body, json!({ "kind": "phone", "value": "6•••••344" }));

    // The old phone is told; the codes now go to the new one.
    let notice = relay.last_sms(&s.citizen.phone).await;
    assert!(
        notice.contains("el móvil de tu cuenta ha cambiado"),
        "{notice}"
    );
    sign_and_verify(
        &relay,
        &s.authorization,
        &s.credential_id,
        new_phone,
        "signed with codes on the new phone",
    )
    .await;
    let (_, account) = relay.account(&s.authorization).await;
    assert_eq!(account["phone"], "6•••••344");
    // Used once only.
    let answer = relay
        .confirm_contact(
            &s.authorization,
            &id,
            json!({ "code": new_code, "currentPhoneCode": current_code }),
        )
        .await;
    assert_error(&answer, StatusCode::BAD_REQUEST, "invalid_otp");

    // The audit trail names the kind, with the numbers masked.
    let events = relay.audit_entries("contact_changed").await;
    assert_eq!(events.len(), 1);
    assert!(events[0].contains("\"kind\":\"phone\""), "{}", events[0]);
    assert!(events[0].contains("6•••••344"), "{}", events[0]);
    assert!(!events[0].contains("611223344") && !events[0].contains("600000005"));
}

#[tokio::test]
async fn r26_phone_change_also_needs_the_code_sent_to_her_current_phone() {
    let relay = relay().await;
    let citizen = Citizen::new(6);
    relay.activate(&citizen).await;
    let auth = bearer(&relay.login(&citizen).await);
    let new_phone = "+34622334455";
    let (id, new_code, current_code) = relay
        .ask_new_phone(&auth, &citizen.phone, new_phone, new_phone)
        .await;
    let current_sms = relay.last_sms(&citizen.phone).await;
    assert!(
        current_sms.contains("cambiar el móvil de tu cuenta"),
        "{current_sms}"
    );
    assert!(current_sms.contains("no lo des a nadie"), "{current_sms}");

    // Without it: refused before any entry is spent.
    let answer = relay
        .confirm_contact(&auth, &id, json!({ "code": new_code }))
        .await;
    let description = assert_error(&answer, StatusCode::BAD_REQUEST, "invalid_request");
    assert!(description.contains("currentPhoneCode"), "{description}");
    // A wrong one: counted, the change not made.
    let answer = relay
        .confirm_contact(
            &auth,
            &id,
            json!({ "code": new_code, "currentPhoneCode": wrong_code(&current_code) }),
        )
        .await;
    assert_error(&answer, StatusCode::BAD_REQUEST, "invalid_otp");
    assert_eq!(answer.1["attemptsLeft"], 4, "{}", answer.1);
    let (_, account) = relay.account(&auth).await;
    assert_eq!(account["phone"], "6•••••006", "unchanged");
    // Both right: done.
    let (status, body) = relay
        .confirm_contact(
            &auth,
            &id,
            json!({ "code": new_code, "currentPhoneCode": current_code }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn r26_contact_codes_die_after_three_wrong_entries_and_expire() {
    let relay = relay().await;
    let citizen = Citizen::new(7);
    relay.activate(&citizen).await;
    let auth = bearer(&relay.login(&citizen).await);
    let new_phone = "+34633445566";
    let (id, new_code, current_code) = relay
        .ask_new_phone(&auth, &citizen.phone, new_phone, new_phone)
        .await;
    let wrong = json!({ "code": wrong_code(&new_code), "currentPhoneCode": current_code });
    for live in [true, true, false] {
        let answer = relay.confirm_contact(&auth, &id, wrong.clone()).await;
        assert_error(&answer, StatusCode::BAD_REQUEST, "invalid_otp");
        assert_eq!(answer.1["codeLive"], live, "{}", answer.1);
    }
    let right = json!({ "code": new_code, "currentPhoneCode": current_code });
    let answer = relay.confirm_contact(&auth, &id, right).await;
    assert_error(&answer, StatusCode::BAD_REQUEST, "invalid_otp");
    assert_eq!(answer.1["codeLive"], false, "{}", answer.1);

    // A new change; its codes expire with the OTP lifetime.
    let (id, new_code, current_code) = relay
        .ask_new_phone(&auth, &citizen.phone, new_phone, new_phone)
        .await;
    relay.clock.advance(301);
    let answer = relay
        .confirm_contact(
            &auth,
            &id,
            json!({ "code": new_code, "currentPhoneCode": current_code }),
        )
        .await;
    assert_error(&answer, StatusCode::BAD_REQUEST, "invalid_otp");
    let (_, account) = relay.account(&auth).await;
    assert_eq!(account["phone"], "6•••••007", "unchanged");
}

#[tokio::test]
async fn r26_a_newer_change_retires_the_pending_one_and_sms_limits_hold() {
    let relay = relay().await;
    let citizen = Citizen::new(8);
    relay.activate(&citizen).await;
    let auth = bearer(&relay.login(&citizen).await);
    let (first, code, current) = relay
        .ask_new_phone(&auth, &citizen.phone, "+34644556677", "+34644556677")
        .await;
    // Within 30 s: refused by the per-account SMS limit.
    let answer = relay.start_contact(&auth, "phone", "+34655667788").await;
    assert_error(&answer, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    let (second, ..) = relay
        .ask_new_phone(&auth, &citizen.phone, "+34655667788", "+34655667788")
        .await;
    assert_ne!(first, second);
    let answer = relay
        .confirm_contact(
            &auth,
            &first,
            json!({ "code": code, "currentPhoneCode": current }),
        )
        .await;
    assert_error(&answer, StatusCode::BAD_REQUEST, "invalid_otp");
}

#[tokio::test]
async fn r26_contact_codes_open_nothing_else_and_other_codes_open_no_contact_change() {
    let relay = relay().await;
    let s = signer(&relay, 9).await;
    let new_phone = "+34666778899";
    let (id, new_code, current_code) = relay
        .ask_new_phone(&s.authorization, &s.citizen.phone, new_phone, new_phone)
        .await;
    // The code her phone got for the change does not authorize a signature...
    let hashes = b64(&digests(&["a document"]));
    relay.clock.advance(31);
    let (status, _) = s.send_otp(&hashes).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let otp = otp_in(&relay.last_sms(&s.citizen.phone).await);
    for code in [&current_code, &new_code] {
        if *code == otp {
            continue;
        }
        let answer = s.authorize(&hashes, code).await;
        assert_error(&answer, StatusCode::BAD_REQUEST, "invalid_otp");
    }
    // ...and the signing code does not confirm the change.
    if otp != current_code {
        let answer = relay
            .confirm_contact(
                &s.authorization,
                &id,
                json!({ "code": new_code, "currentPhoneCode": otp }),
            )
            .await;
        assert_error(&answer, StatusCode::BAD_REQUEST, "invalid_otp");
    }
    // Another citizen cannot confirm her change, even with the right codes.
    let other = signer(&relay, 10).await;
    let answer = relay
        .confirm_contact(
            &other.authorization,
            &id,
            json!({ "code": new_code, "currentPhoneCode": current_code }),
        )
        .await;
    assert_error(&answer, StatusCode::BAD_REQUEST, "invalid_otp");
}

#[tokio::test]
async fn r8_a_phone_is_on_one_account_only_and_a_race_for_a_free_one_has_one_winner() {
    let relay = relay().await;
    let (ana, bea) = (Citizen::new(11), Citizen::new(12));
    relay.activate(&ana).await;
    relay.activate(&bea).await;
    let ana_auth = bearer(&relay.login(&ana).await);
    let bea_auth = bearer(&relay.login(&bea).await);

    // Her own number, or no mobile number at all: 400.
    let answer = relay.start_contact(&ana_auth, "phone", &ana.phone).await;
    assert_error(&answer, StatusCode::BAD_REQUEST, "invalid_request");
    relay.clock.advance(31);
    let answer = relay.start_contact(&ana_auth, "phone", "12ab").await;
    assert_error(&answer, StatusCode::BAD_REQUEST, "invalid_request");

    // Both ask for the same free number; the first to confirm takes it, the other gets 409.
    let free = "+34677889900";
    let (ana_change, ana_code, ana_current) =
        relay.ask_new_phone(&ana_auth, &ana.phone, free, free).await;
    let (bea_change, bea_code, bea_current) =
        relay.ask_new_phone(&bea_auth, &bea.phone, free, free).await;
    let (status, body) = relay
        .confirm_contact(
            &bea_auth,
            &bea_change,
            json!({ "code": bea_code, "currentPhoneCode": bea_current }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let answer = relay
        .confirm_contact(
            &ana_auth,
            &ana_change,
            json!({ "code": ana_code, "currentPhoneCode": ana_current }),
        )
        .await;
    let description = assert_error(&answer, StatusCode::CONFLICT, "conflict");
    assert!(description.contains("R8"), "{description}");
    let (_, account) = relay.account(&ana_auth).await;
    assert_eq!(account["phone"], "6•••••011", "Ana keeps hers");
}

#[tokio::test]
async fn r22_she_keeps_a_phone_another_account_holds_by_proving_it_and_that_account_is_revoked() {
    let relay = relay().await;
    let (ana, bea) = (Citizen::new(21), Citizen::new(22));
    relay.activate(&ana).await;
    relay.activate(&bea).await;
    let bea_session = relay.login(&bea).await;
    let ana_auth = bearer(&relay.login(&ana).await);

    // Bea's number, typed the national way: the same number. Ana says it is hers now.
    let national = bea.phone.trim_start_matches("+34");
    relay.clock.advance(31);
    let (status, body) = relay.start_contact(&ana_auth, "phone", national).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    assert_eq!(body["takenFromAnotherAccount"], true, "{body}");
    let change = str_field(&body, "changeId");
    // The code went to the phone itself: whoever holds it now gets it.
    let code = otp_in(&relay.last_sms(&bea.phone).await);
    let current = otp_in(&relay.last_sms(&ana.phone).await);
    // A wrong code changes nothing: Bea keeps her account.
    let answer = relay
        .confirm_contact(
            &ana_auth,
            &change,
            json!({ "code": wrong_code(&code), "currentPhoneCode": current }),
        )
        .await;
    assert_error(&answer, StatusCode::BAD_REQUEST, "invalid_otp");
    assert_eq!(
        relay.try_login(&bea.id_number, bea.password).await.0,
        StatusCode::OK
    );

    let (status, body) = relay
        .confirm_contact(
            &ana_auth,
            &change,
            json!({ "code": code, "currentPhoneCode": current }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, account) = relay.account(&ana_auth).await;
    assert!(
        account["phone"]
            .as_str()
            .is_some_and(|p| p.ends_with(&bea.phone[bea.phone.len() - 3..])),
        "{account}"
    );
    // Bea's account is revoked: no login, her session ended, and an email told her why.
    assert_eq!(
        relay.try_login(&bea.id_number, bea.password).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (status, _) = relay
        .post(
            "/csc/v2/credentials/list",
            Some(&bearer(&bea_session)),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let notice = relay.last_email(&bea.email).await;
    assert!(notice.contains("otra persona ha demostrado"), "{notice}");
    let revoked = relay.audit_entries("account_revoked").await;
    assert!(revoked.iter().any(|d| d.contains("R22")), "{revoked:?}");
    // She may register again, with her current mobile.
    let (status, body) = relay
        .post(
            "/office/v1/citizens",
            Some(&bearer(OPERATOR_TOKEN)),
            json!({
                "idNumber": bea.id_number, "givenName": "Bea", "surname": "Ruiz",
                "birthDate": "1990-02-03", "phone": "+34699000111", "email": bea.email,
            }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

#[tokio::test]
async fn r23_shared_email_is_refused() {
    let relay = relay().await;
    let (ana, bea) = (Citizen::new(13), Citizen::new(14));
    activate_with_email(&relay, &ana, "ana@example.es").await;
    activate_with_email(&relay, &bea, "bea@example.es").await;
    let ana_auth = bearer(&relay.login(&ana).await);

    // Bea's address, in other letter case: the same mailbox.
    let answer = relay
        .start_contact(&ana_auth, "email", "  Bea@Example.ES ")
        .await;
    let description = assert_error(&answer, StatusCode::CONFLICT, "conflict");
    assert!(description.contains("R23"), "{description}");
    assert!(relay.outbox_to("Bea@Example.ES", "email").await.is_empty());
    relay.clock.advance(31);
    let answer = relay
        .start_contact(&ana_auth, "email", "not-an-address")
        .await;
    assert_error(&answer, StatusCode::BAD_REQUEST, "invalid_request");
}

#[tokio::test]
async fn r26_email_change_needs_the_code_sent_to_the_new_address_and_tells_the_old_one() {
    let relay = relay().await;
    let citizen = Citizen::new(15);
    relay.activate(&citizen).await;
    let auth = bearer(&relay.login(&citizen).await);
    let new_email = "lucia.garcia@correo.example";
    relay.clock.advance(31);
    let (status, body) = relay.start_contact(&auth, "email", new_email).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let id = str_field(&body, "changeId");
    let email = relay.last_email(new_email).await;
    assert!(email.contains("usar esta dirección de correo"), "{email}");
    let code = otp_in(&email);

    let answer = relay
        .confirm_contact(&auth, &id, json!({ "code": wrong_code(&code) }))
        .await;
    assert_error(&answer, StatusCode::BAD_REQUEST, "invalid_otp");
    let (status, body) = relay
        .confirm_contact(&auth, &id, json!({ "code": code }))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body,
        json!({ "kind": "email", "value": "l•••@correo.example" })
    );
    let notice = relay.last_email(&citizen.email).await;
    assert!(
        notice.contains("el correo de tu cuenta ha cambiado"),
        "{notice}"
    );
    let (_, account) = relay.account(&auth).await;
    assert_eq!(account["email"], "l•••@correo.example");

    // A forgotten password's email code now goes to the new address.
    relay.clock.advance(31);
    let (status, _) = relay
        .post(
            "/api/v1/password-reset",
            None,
            json!({ "idNumber": citizen.id_number }),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert!(relay.last_email(new_email).await.contains("restablecer"));
    let events = relay.audit_entries("contact_changed").await;
    assert!(events[0].contains("\"kind\":\"email\""), "{}", events[0]);
    assert!(!events[0].contains("lucia.garcia"), "{}", events[0]);
}

#[tokio::test]
async fn r26_texts_follow_her_language() {
    let relay = relay().await;
    let citizen = Citizen::new(16);
    relay.activate(&citizen).await;
    let auth = bearer(&relay.login(&citizen).await);
    relay.clock.advance(31);
    let (status, body) = relay
        .call(
            Method::POST,
            "/api/v1/account/contact",
            &[("authorization", &auth), ("accept-language", "eu")],
            Some(json!({ "kind": "phone", "value": "+34688990011" })),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let sms = relay.last_sms("+34688990011").await;
    assert!(sms.contains("mugikor hau zure kontuan"), "{sms}");
    let (status, body) = relay
        .call(
            Method::POST,
            "/api/v1/account/password",
            &[("authorization", &auth), ("accept-language", "ca")],
            Some(json!({ "currentPassword": citizen.password, "newPassword": NEW_PASSWORD })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let sms = relay.last_sms(&citizen.phone).await;
    assert!(sms.contains("la teva contrasenya ha canviat"), "{sms}");
}

/// R8 under a real race: five accounts confirm the same new number at once, on a real relay
/// process and its file database; the UNIQUE constraint lets exactly one take it.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn r8_five_accounts_racing_for_one_new_phone_exactly_one_wins() {
    use process::{RelayProcess, TestCitizen, six_digits};
    use reqwest::StatusCode as S;
    use sqlx::Row;

    let relay = RelayProcess::start(&[
        "--logins-per-minute",
        "100000",
        "--activations-per-minute",
        "100000",
        "--office-calls-per-minute",
        "100000",
    ]);
    let wanted = "+34699000111";
    let mut confirms = Vec::new();
    for n in 0..5 {
        let citizen = TestCitizen::new(80 + n);
        relay.activate(&citizen).await;
        let auth = relay.login(&citizen).await;
        let started = relay
            .post(
                "/api/v1/account/contact",
                Some(&auth),
                json!({ "kind": "phone", "value": wanted }),
            )
            .await;
        assert_eq!(started.status, S::ACCEPTED, "{:?}", started.body);
        let id = started.body["changeId"].as_str().expect("id").to_owned();
        // Each start sent one more code to the wanted number: this one is the newest.
        let code = relay.last_code(wanted).await;
        let current = six_digits(
            relay
                .sms_to(&citizen.phone)
                .await
                .last()
                .expect("a code on her current phone"),
        );
        confirms.push((auth, id, code, current));
    }
    let paths: Vec<String> = confirms
        .iter()
        .map(|(_, id, ..)| format!("/api/v1/account/contact/{id}/confirm"))
        .collect();
    let answers = join_all(
        confirms
            .iter()
            .zip(&paths)
            .map(|((auth, _, code, current), path)| {
                relay.post(
                    path,
                    Some(auth),
                    json!({ "code": code, "currentPhoneCode": current }),
                )
            }),
    )
    .await;
    let won = answers.iter().filter(|a| a.status == S::OK).count();
    let lost = answers
        .iter()
        .filter(|a| a.status == S::CONFLICT && a.error() == Some("conflict"))
        .count();
    assert_eq!((won, lost), (1, 4), "{answers:?}");
    let db = relay.db().await;
    let holders: i64 = sqlx::query("SELECT COUNT(*) AS n FROM citizens WHERE phone = ?")
        .bind(wanted)
        .fetch_one(&db)
        .await
        .expect("count")
        .get("n");
    assert_eq!(holders, 1);
    let events: i64 =
        sqlx::query("SELECT COUNT(*) AS n FROM audit_events WHERE kind = 'contact_changed'")
            .fetch_one(&db)
            .await
            .expect("count")
            .get("n");
    assert_eq!(events, 1);
}

fn open_relay() -> process::RelayProcess {
    process::RelayProcess::start(&[
        "--logins-per-minute",
        "100000",
        "--activations-per-minute",
        "100000",
        "--office-calls-per-minute",
        "100000",
    ])
}

/// R20 under a real race: ten wrong current passwords at once in a password change judge
/// exactly the five entries of the budget, and the account is blocked.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn r20_ten_parallel_wrong_current_passwords_judge_five_and_block() {
    use process::TestCitizen;
    use reqwest::StatusCode as S;

    let relay = open_relay();
    let ane = TestCitizen::new(90);
    relay.activate(&ane).await;
    let auth = relay.login(&ane).await;
    let answers = join_all((0..10).map(|i| {
        relay.post(
            "/api/v1/account/password",
            Some(&auth),
            json!({ "currentPassword": format!("Not-her-password-{i}"), "newPassword": NEW_PASSWORD }),
        )
    }))
    .await;
    let judged = answers
        .iter()
        .filter(|a| a.status == S::FORBIDDEN && a.error() == Some("access_denied"))
        .count();
    let blocked = answers
        .iter()
        .filter(|a| a.status == S::FORBIDDEN && a.error() == Some("account_blocked"))
        .count();
    assert_eq!((judged, blocked), (5, 5), "{answers:?}");
    let login = relay.try_login(&ane.id_number, &ane.password).await;
    assert_eq!(login.status, S::UNAUTHORIZED, "blocked: {:?}", login.body);
}

/// A parallel change loses cleanly: three of her sessions change the password at once, one
/// wins, and her certificate signs after logging in with the winner's password.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn r26_three_parallel_password_changes_one_wins_and_her_certificate_still_signs() {
    use process::TestCitizen;
    use reqwest::StatusCode as S;

    let relay = open_relay();
    let ane = TestCitizen::new(91);
    relay.activate(&ane).await;
    let first = relay.login(&ane).await;
    let credential = relay.create_credential(&ane, &first).await;
    let sessions = [first, relay.login(&ane).await, relay.login(&ane).await];
    let passwords: Vec<String> = (0..3).map(|i| format!("Nueva-clave-{i}-larga")).collect();
    let answers = join_all(sessions.iter().zip(&passwords).map(|(auth, new)| {
        relay.post(
            "/api/v1/account/password",
            Some(auth),
            json!({ "currentPassword": ane.password, "newPassword": new }),
        )
    }))
    .await;
    let winners: Vec<usize> = (0..3).filter(|&i| answers[i].status == S::OK).collect();
    assert_eq!(winners.len(), 1, "{answers:?}");
    let winner = winners[0];
    for (i, answer) in answers.iter().enumerate() {
        // A loser finds the password changed (409), its session ended (401), or its current
        // password no longer right (403): never a half-done change.
        if i != winner {
            assert!(
                [S::CONFLICT, S::UNAUTHORIZED, S::FORBIDDEN].contains(&answer.status),
                "{answer:?}"
            );
        }
    }
    for (i, password) in passwords.iter().enumerate() {
        let login = relay.try_login(&ane.id_number, password).await;
        let expected = if i == winner { S::OK } else { S::UNAUTHORIZED };
        assert_eq!(login.status, expected, "{i}: {:?}", login.body);
    }
    let new_ane = TestCitizen {
        password: passwords[winner].clone(),
        ..ane.clone()
    };
    let auth = relay.login(&new_ane).await;
    let hashes = vec![STANDARD.encode([7u8; 32])];
    let sad = relay.sad_for(&new_ane, &auth, &credential, &hashes).await;
    let signed = relay
        .post(
            "/csc/v2/signatures/signHash",
            Some(&auth),
            json!({ "credentialID": credential, "SAD": sad, "hashes": hashes,
                    "hashAlgorithmOID": "2.16.840.1.101.3.4.2.1", "signAlgo": "1.2.840.10045.4.3.2" }),
        )
        .await;
    assert_eq!(signed.status, S::OK, "{:?}", signed.body);
}
