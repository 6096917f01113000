//! The account after activation, through the HTTP API (docs/rules.md): a forgotten password's
//! reset by an SMS code and an email code, which unblocks the account and retires the
//! certificates the old password wrapped (R20, R26); revocation of the whole account by her or
//! by an operator, after which she cannot log in or sign and may register again (R24).

mod common;

use axum::http::{Method, StatusCode};
use common::*;
use nubefirma_relay::identity::credential::StoredStatus;
use serde_json::{Value, json};

const NEW_PASSWORD: &str = "Caracola-roja-2026";

impl TestRelay {
    async fn emails_to(&self, address: &str) -> Vec<String> {
        let to = address.replace('@', "%40");
        let (status, body) = self
            .call(Method::GET, &format!("/dev/outbox?to={to}"), &[], None)
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body.as_array()
            .expect("list")
            .iter()
            .filter(|m| m["channel"] == "email")
            .map(|m| m["text"].as_str().expect("text").to_owned())
            .collect()
    }

    async fn start_reset(&self, id_number: &str) -> String {
        self.clock.advance(31);
        let (status, body) = self
            .post(
                "/api/v1/password-reset",
                None,
                json!({ "idNumber": id_number }),
            )
            .await;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
        str_field(&body, "resetId")
    }

    async fn complete_reset(
        &self,
        reset_id: &str,
        sms: &str,
        email: &str,
        password: &str,
    ) -> (StatusCode, Value) {
        self.post(
            &format!("/api/v1/password-reset/{reset_id}/complete"),
            None,
            json!({ "smsCode": sms, "emailCode": email, "newPassword": password }),
        )
        .await
    }

    async fn audit_kinds(&self) -> Vec<String> {
        self.store
            .audit_page(0, 1000)
            .await
            .expect("trail")
            .into_iter()
            .map(|e| e.kind)
            .collect()
    }
}

async fn block(relay: &TestRelay, citizen: &Citizen) {
    for _ in 0..5 {
        let (status, _) = relay
            .try_login(&citizen.id_number, "Not-her-password-1")
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, _) = relay.try_login(&citizen.id_number, citizen.password).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "blocked: even the right password fails"
    );
}

#[tokio::test]
async fn r20_reset_unblocks_and_retires_the_certificate_the_old_password_wrapped() {
    let relay = relay().await;
    let s = signer(&relay, 1).await;
    let old_credential = s.credential_id.clone();
    block(&relay, &s.citizen).await;

    let reset = relay.start_reset(&s.citizen.id_number).await;
    let sms = relay.last_sms(&s.citizen.phone).await;
    let email = relay
        .emails_to(&s.citizen.email)
        .await
        .pop()
        .expect("an email");
    assert!(sms.contains("restablecer la contraseña"), "{sms}");
    let (sms_code, email_code) = (otp_in(&sms), otp_in(&email));

    // A weak password costs no entry; a wrong email code does.
    let (status, body) = relay
        .complete_reset(&reset, &sms_code, &email_code, "corta")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let wrong_email = if email_code == "000000" {
        "111111"
    } else {
        "000000"
    };
    let (status, body) = relay
        .complete_reset(&reset, &sms_code, wrong_email, NEW_PASSWORD)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"], "invalid_otp", "{body}");
    assert_eq!(body["attemptsLeft"], 2, "{body}");

    let (status, body) = relay
        .complete_reset(&reset, &sms_code, &email_code, NEW_PASSWORD)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "active");
    // Used once only.
    let (status, _) = relay
        .complete_reset(&reset, &sms_code, &email_code, "Otra-clave-larga-9")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // Unblocked, with the new password only; the old session is over.
    let (status, _) = relay
        .try_login(&s.citizen.id_number, s.citizen.password)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, body) = relay.try_login(&s.citizen.id_number, NEW_PASSWORD).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = s.post("credentials/list", json!({})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "sessions end at a reset");
    let old = relay
        .store
        .credential(&nubefirma_relay::domain::CredentialId::parse(&old_credential).expect("id"))
        .await
        .expect("read")
        .expect("kept");
    assert_eq!(old.status, StoredStatus::Revoked);
    assert_eq!(old.revocation_reason.as_deref(), Some("superseded"));
    assert!(
        relay
            .last_sms(&s.citizen.phone)
            .await
            .contains("contraseña ha cambiado")
    );
    assert!(relay.audit_kinds().await.contains(&"password_reset".into()));

    // At her next signature a new certificate is made under the new password, and signs.
    let token = str_field(&body, "access_token");
    let (status, body) = relay
        .post(
            "/csc/v2/credentials/list",
            Some(&bearer(&token)),
            json!({ "onlyValid": true }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["credentialIDs"], json!([]));
    let renewed = Citizen {
        password: NEW_PASSWORD,
        ..s.citizen.clone()
    };
    relay.clock.advance(31);
    relay.create_credential(&renewed, &token).await;
}

#[tokio::test]
async fn r20_a_reset_for_an_id_without_account_looks_alike_and_sends_nothing() {
    let relay = relay().await;
    let nobody = Citizen::new(9);
    let ana = Citizen::new(2);
    relay.activate(&ana).await;
    let decoy = relay.start_reset(&nobody.id_number).await;
    let real = relay.start_reset(&ana.id_number).await;
    assert_eq!(decoy.len(), real.len(), "the same shape of answer");
    assert!(relay.sms_to(&nobody.phone).await.is_empty());
    // Wrong codes, and the limits, answer alike for both.
    for left in [2, 1, 0] {
        let (a, body_a) = relay
            .complete_reset(&decoy, "123456", "123456", NEW_PASSWORD)
            .await;
        let (b, body_b) = relay
            .complete_reset(&real, "123456", "123456", NEW_PASSWORD)
            .await;
        assert_eq!((a, &body_a), (b, &body_b), "attempt with {left} left");
        assert_eq!(body_a["attemptsLeft"], left, "{body_a}");
    }
    // A second reset within 30 s is refused alike, whether the ID has an account or not.
    relay.clock.advance(31);
    for id in [&nobody.id_number, &ana.id_number] {
        let ask = || relay.post("/api/v1/password-reset", None, json!({ "idNumber": id }));
        assert_eq!(ask().await.0, StatusCode::ACCEPTED);
        let (status, body) = ask().await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    }
    let (status, _) = relay
        .post(
            "/api/v1/password-reset",
            None,
            json!({ "idNumber": "12345678A" }),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "a wrong check letter is said at once"
    );
}

#[tokio::test]
async fn r20_reset_codes_die_after_three_wrong_entries() {
    let relay = relay().await;
    let ana = Citizen::new(3);
    relay.activate(&ana).await;
    let reset = relay.start_reset(&ana.id_number).await;
    let sms_code = otp_in(&relay.last_sms(&ana.phone).await);
    let email_code = otp_in(&relay.emails_to(&ana.email).await.pop().expect("email"));
    let wrong = if sms_code == "000000" {
        "111111"
    } else {
        "000000"
    };
    for left in [2, 1, 0] {
        let (_, body) = relay
            .complete_reset(&reset, wrong, &email_code, NEW_PASSWORD)
            .await;
        assert_eq!(body["attemptsLeft"], left, "{body}");
    }
    let (status, _) = relay
        .complete_reset(&reset, &sms_code, &email_code, NEW_PASSWORD)
        .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "dead, even with both right"
    );
    let (status, _) = relay.try_login(&ana.id_number, ana.password).await;
    assert_eq!(status, StatusCode::OK, "her password did not change");
}

#[tokio::test]
async fn r24_she_revokes_her_account_then_cannot_log_in_or_sign() {
    let relay = relay().await;
    let s = signer(&relay, 4).await;
    let (status, _) = relay
        .post(
            "/api/v1/account/revoke",
            Some(&s.authorization),
            json!({ "password": "Not-her-password-1" }),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "her password again, or nothing"
    );
    let (status, body) = relay
        .post(
            "/api/v1/account/revoke",
            Some(&s.authorization),
            json!({ "password": s.citizen.password }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "revoked");

    let (status, _) = s.post("credentials/list", json!({})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "her session ended");
    let (status, _) = relay
        .try_login(&s.citizen.id_number, s.citizen.password)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "no login");
    let credential = relay
        .store
        .credential(&nubefirma_relay::domain::CredentialId::parse(&s.credential_id).expect("id"))
        .await
        .expect("read")
        .expect("kept");
    assert_eq!(credential.status, StoredStatus::Revoked);
    assert!(relay.last_sms(&s.citizen.phone).await.contains("revocados"));
    assert!(
        relay
            .emails_to(&s.citizen.email)
            .await
            .iter()
            .any(|e| e.contains("revocados"))
    );
    // A reset cannot bring a revoked account back.
    let reset = relay.start_reset(&s.citizen.id_number).await;
    assert!(
        !relay
            .last_sms(&s.citizen.phone)
            .await
            .contains("restablecer")
    );
    let (status, _) = relay
        .complete_reset(&reset, "123456", "123456", NEW_PASSWORD)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn r24_an_operator_revokes_an_account_and_she_may_register_again() {
    let relay = relay().await;
    let s = signer(&relay, 5).await;
    let operator = bearer(OPERATOR_TOKEN);
    let revoke = |reason: &'static str| {
        relay.post(
            "/office/v1/accounts/revoke",
            Some(&operator),
            json!({ "idNumber": s.citizen.id_number, "reason": reason }),
        )
    };
    let (status, _) = revoke("because").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "an RFC 5280 reason name");
    let (status, body) = revoke("keyCompromise").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let credential = relay
        .store
        .credential(&nubefirma_relay::domain::CredentialId::parse(&s.credential_id).expect("id"))
        .await
        .expect("read")
        .expect("kept");
    assert_eq!(
        credential.revocation_reason.as_deref(),
        Some("keyCompromise")
    );
    let (status, _) = s.post("credentials/list", json!({})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = revoke("keyCompromise").await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "nobody has that ID any more"
    );
    let trail = relay.store.audit_page(0, 1000).await.expect("trail");
    let entry = trail
        .iter()
        .find(|e| e.kind == "account_revoked")
        .expect("recorded");
    assert_eq!(entry.operator.as_deref(), Some("operator-token"));

    // She registers again, as the first time, with the same ID and phone (R24, R25).
    relay.activate(&s.citizen).await;
    let (status, _) = relay
        .try_login(&s.citizen.id_number, s.citizen.password)
        .await;
    assert_eq!(status, StatusCode::OK);
}

impl TestRelay {
    async fn renew(&self, token: &str, password: &str) -> (StatusCode, Value) {
        self.post(
            "/api/v1/account/renew",
            Some(&bearer(token)),
            json!({ "password": password }),
        )
        .await
    }

    /// `POST /office/v1/citizens/activation-code`, asserting success: the new code.
    async fn new_activation_code(&self, id_number: &str) -> String {
        let (status, body) = self
            .post(
                "/office/v1/citizens/activation-code",
                Some(&bearer(OPERATOR_TOKEN)),
                json!({ "idNumber": id_number }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        str_field(&body, "activationCode")
    }
}

#[tokio::test]
async fn r10_a_regenerated_activation_code_replaces_the_lost_one() {
    let relay = relay().await;
    let ana = Citizen::new(6);
    let (_, lost) = relay.register(&ana).await;
    let new_code = relay.new_activation_code(&ana.id_number).await;
    assert_ne!(new_code, lost);
    let (status, body) = relay
        .post(
            "/api/v1/activation/start",
            None,
            json!({ "idNumber": ana.id_number, "activationCode": lost }),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "the old code stops working: {body}"
    );
    relay.clock.advance(31);
    let activation = relay.start_activation(&ana, &new_code).await;
    let sms = otp_in(&relay.last_sms(&ana.phone).await);
    let (status, body) = relay
        .complete_activation(&activation, &sms, ana.password)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = relay.try_login(&ana.id_number, ana.password).await;
    assert_eq!(status, StatusCode::OK);
    let trail = relay.store.audit_page(0, 1000).await.expect("trail");
    assert!(trail.iter().any(|e| e.kind == "activation_code_regenerated"
        && e.operator.as_deref() == Some("operator-token")));
}

#[tokio::test]
async fn r20_the_activation_letter_resets_a_blocked_password() {
    let relay = relay().await;
    let s = signer(&relay, 7).await;
    block(&relay, &s.citizen).await;
    // Without a new letter, activating again is refused.
    let (status, _) = relay
        .post(
            "/api/v1/activation/start",
            None,
            json!({ "idNumber": s.citizen.id_number, "activationCode": "AAAA-BBBB-CCCC" }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let letter = relay.new_activation_code(&s.citizen.id_number).await;
    relay.clock.advance(31);
    let activation = relay.start_activation(&s.citizen, &letter).await;
    let sms = otp_in(&relay.last_sms(&s.citizen.phone).await);
    let (status, body) = relay
        .complete_activation(&activation, &sms, NEW_PASSWORD)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = relay.try_login(&s.citizen.id_number, NEW_PASSWORD).await;
    assert_eq!(status, StatusCode::OK, "unblocked, with the new password");
    let (status, _) = s.post("credentials/list", json!({})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "old sessions end");
    let old = relay
        .store
        .credential(&nubefirma_relay::domain::CredentialId::parse(&s.credential_id).expect("id"))
        .await
        .expect("read")
        .expect("kept");
    assert_eq!(old.status, StoredStatus::Revoked);
    // The letter works once.
    relay.clock.advance(31);
    let (status, _) = relay
        .post(
            "/api/v1/activation/start",
            None,
            json!({ "idNumber": s.citizen.id_number, "activationCode": letter }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
}

const DAY: i64 = 24 * 3600;
const LIFETIME: i64 = nubefirma_relay::limits::ACCOUNT_LIFETIME_SECONDS;

#[tokio::test]
async fn r25_an_email_30_days_before_expiry_explains_how_to_renew_once() {
    let relay = relay().await;
    let ana = Citizen::new(8);
    relay.activate(&ana).await;
    relay.clock.advance(LIFETIME - 31 * DAY);
    assert_eq!(
        relay.relay.send_expiry_notices().await.expect("task"),
        0,
        "too early"
    );
    relay.clock.advance(2 * DAY);
    assert_eq!(relay.relay.send_expiry_notices().await.expect("task"), 1);
    assert_eq!(
        relay.relay.send_expiry_notices().await.expect("task"),
        0,
        "once"
    );
    let emails = relay.emails_to(&ana.email).await;
    assert_eq!(emails.len(), 1, "{emails:?}");
    // In the language she activated in (the test client names none: Spanish), with the date.
    assert!(emails[0].contains("tu cuenta caduca el"), "{}", emails[0]);
    assert!(emails[0].contains("Renovar"), "{}", emails[0]);
    assert!(
        relay
            .audit_kinds()
            .await
            .contains(&"expiry_notice_sent".to_owned())
    );
}

#[tokio::test]
async fn r25_renewal_before_expiry_keeps_the_account() {
    let relay = relay().await;
    let ana = Citizen::new(10);
    relay.activate(&ana).await;
    let token = relay.login(&ana).await;
    let (status, body) = relay.renew(&token, ana.password).await;
    assert_eq!(status, StatusCode::CONFLICT, "years before expiry: {body}");
    relay.clock.advance(LIFETIME - 10 * DAY);
    let token = relay.login(&ana).await;
    let (status, _) = relay.renew(&token, "Not-her-password-1").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "her password again");
    let (status, body) = relay.renew(&token, ana.password).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let expires_at = body["expiresAt"].as_i64().expect("expiresAt");
    assert_eq!(expires_at, START + LIFETIME - 10 * DAY + LIFETIME);
    // Past the old expiry she still logs in: the same account.
    relay.clock.advance(20 * DAY);
    let (status, _) = relay.try_login(&ana.id_number, ana.password).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn r25_after_expiry_she_cannot_log_in_and_registers_again() {
    let relay = relay().await;
    let ana = Citizen::new(11);
    relay.activate(&ana).await;
    // Logged in five minutes before expiry; ten minutes later (her session not idle yet) the
    // account has expired.
    relay.clock.advance(LIFETIME - 300);
    let token = relay.login(&ana).await;
    relay.clock.advance(600);
    let (status, body) = relay
        .post("/csc/v2/credentials/list", Some(&bearer(&token)), json!({}))
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "her session ends with the account: {body}"
    );
    let (status, _) = relay.try_login(&ana.id_number, ana.password).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "expired: no login");
    // No reset either: an expired account is not brought back.
    let reset = relay.start_reset(&ana.id_number).await;
    assert!(!relay.last_sms(&ana.phone).await.contains("restablecer"));
    let (status, _) = relay
        .complete_reset(&reset, "123456", "123456", NEW_PASSWORD)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // She registers again as the first time, with the same ID and phone.
    relay.activate(&ana).await;
    let (status, _) = relay.try_login(&ana.id_number, ana.password).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        relay
            .audit_kinds()
            .await
            .contains(&"expired_account_retired".to_owned())
    );
}

#[tokio::test]
async fn r23_an_email_belongs_to_one_person_at_registration_and_a_shared_one_must_change_before_renewal()
 {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("relay.sqlite");
    let relay = relay_on_file(&path).await;
    let (ana, bea) = (Citizen::new(30), Citizen::new(31));
    relay.activate(&ana).await;
    // At the office: Ana's address, in other letter case, is refused for Bea (R23).
    let mut registration = bea.registration();
    registration["email"] = json!(ana.email.to_uppercase());
    let answer = relay
        .post(
            "/office/v1/citizens",
            Some(&bearer(OPERATOR_TOKEN)),
            registration,
        )
        .await;
    assert!(assert_error(&answer, StatusCode::CONFLICT, "conflict").contains("R23"));
    relay.activate(&bea).await;

    // Accounts from before addresses were checked may share one: renewal then asks for a
    // change first, and costs no password entry.
    let db = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
        .await
        .expect("the file database");
    sqlx::query("UPDATE citizens SET email = ? WHERE id_number = ?")
        .bind(&ana.email)
        .bind(&bea.id_number)
        .execute(&db)
        .await
        .expect("legacy data");
    relay.clock.advance(LIFETIME - 10 * DAY);
    let token = relay.login(&ana).await;
    let answer = relay.renew(&token, ana.password).await;
    assert!(assert_error(&answer, StatusCode::CONFLICT, "email_shared").contains("change it"));
    let (status, body) = relay
        .call(
            Method::GET,
            "/api/v1/account",
            &[("authorization", &bearer(&token))],
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Once her address is her own, the same renewal goes through.
    sqlx::query("UPDATE citizens SET email = ? WHERE id_number = ?")
        .bind(&bea.email)
        .bind(&bea.id_number)
        .execute(&db)
        .await
        .expect("fixed");
    let (status, body) = relay.renew(&token, ana.password).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn r24_an_operator_s_revocation_is_told_in_the_language_she_activated_in() {
    let relay = relay().await;
    let ane = Citizen::new(40);
    let (_, activation_code) = relay.register(&ane).await;
    let (status, body) = relay
        .call(
            Method::POST,
            "/api/v1/activation/start",
            &[("accept-language", "eu")],
            Some(json!({ "idNumber": ane.id_number, "activationCode": activation_code })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let code = otp_in(&relay.last_sms(&ane.phone).await);
    let (status, body) = relay
        .complete_activation(&str_field(&body, "activationId"), &code, ane.password)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = relay
        .post(
            "/office/v1/accounts/revoke",
            Some(&bearer(OPERATOR_TOKEN)),
            json!({ "idNumber": ane.id_number, "reason": "cessationOfOperation" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let sms = relay.last_sms(&ane.phone).await;
    assert!(sms.contains("baliogabetu"), "in Basque: {sms}");
}
