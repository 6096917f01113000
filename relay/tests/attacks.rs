//! The attacks of docs/threat-model.md, each reproduced against the relay's HTTP surface and
//! shown to fail. (The parallel ones, which need a real process on a file database, are in
//! `attacks_parallel.rs`.) Every attack test here failed on the walking skeleton (commit
//! 1aa5b34); the guards at the end passed there and must keep passing: they pin what the fixes
//! must not break.

mod common;

use axum::http::StatusCode;
use nubefirma_relay::identity::rate::AddressLimits;
use nubefirma_relay::keys::SoftCustody;
use nubefirma_relay::notify::DevOutbox;
use nubefirma_relay::store::Store;
use nubefirma_relay::{Error, Relay, RelayOptions};
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::Row;

use common::{
    Citizen, OPERATOR_TOKEN, assert_error, b64, bearer, digests, options, otp_in, relay,
    relay_on_file, relay_with_options, signer, wrong_code,
};

// --- a. A new login refills the OTP budget ---

#[tokio::test]
async fn a_fresh_login_does_not_refill_the_second_factor_budget() {
    let relay = relay().await;
    let lucia = signer(&relay, 1).await;
    let hashes = b64(&digests(&["contrato"]));

    // 3 wrong entries kill one code; one more on a new code: 4 wrong codes in all.
    let otp = lucia.otp_for(&hashes).await;
    for _ in 0..3 {
        assert_error(
            &lucia.authorize(&hashes, &wrong_code(&otp)).await,
            StatusCode::BAD_REQUEST,
            "invalid_otp",
        );
    }
    let otp = lucia.otp_for(&hashes).await;
    let answer = lucia.authorize(&hashes, &wrong_code(&otp)).await;
    assert_eq!(answer.1["attemptsLeft"], 1, "{}", answer.1);

    // The attacker knows the password: a fresh session must not bring the count back.
    let fresh = signer_session(&relay, &lucia.citizen, &lucia.credential_id).await;
    let otp = fresh.otp_for(&hashes).await;
    let answer = fresh.authorize(&hashes, &wrong_code(&otp)).await;
    assert_error(&answer, StatusCode::BAD_REQUEST, "invalid_otp");
    assert_eq!(answer.1["attemptsLeft"], 0, "{}", answer.1);
    // The fifth wrong code blocked the account: the right one no longer gives a SAD.
    assert_error(
        &fresh.authorize(&hashes, &otp).await,
        StatusCode::FORBIDDEN,
        "account_blocked",
    );
}

/// A second session for the same citizen and credential.
async fn signer_session<'a>(
    relay: &'a common::TestRelay,
    citizen: &Citizen,
    credential_id: &str,
) -> common::Signer<'a> {
    common::Signer {
        relay,
        citizen: citizen.clone(),
        authorization: bearer(&relay.login(citizen).await),
        credential_id: credential_id.to_owned(),
    }
}

#[tokio::test]
async fn one_code_dies_after_three_wrong_entries() {
    let relay = relay().await;
    let lucia = signer(&relay, 1).await;
    let hashes = b64(&digests(&["contrato"]));
    let otp = lucia.otp_for(&hashes).await;
    for n in 1..=3 {
        let answer = lucia.authorize(&hashes, &wrong_code(&otp)).await;
        let why = assert_error(&answer, StatusCode::BAD_REQUEST, "invalid_otp");
        assert_eq!(
            why.contains("ask for a new one"),
            n == 3,
            "entry {n}: {why}"
        );
    }
    let answer = lucia.authorize(&hashes, &otp).await;
    let why = assert_error(&answer, StatusCode::BAD_REQUEST, "invalid_otp");
    assert!(why.contains("no valid code"), "{why}");
    assert_eq!(
        answer.1["attemptsLeft"], 2,
        "the dead code is not judged: {}",
        answer.1
    );
}

// --- c. An OTP not bound to hashes ---

#[tokio::test]
async fn v2_send_otp_for_signing_requires_the_hashes_and_sends_nothing_without_them() {
    let relay = relay().await;
    let lucia = signer(&relay, 1).await;
    let before = relay.sms_to(&lucia.citizen.phone).await.len();
    relay.clock.advance(30);
    let answer = lucia
        .post(
            "credentials/sendOTP",
            json!({ "credentialID": lucia.credential_id }),
        )
        .await;
    let why = assert_error(&answer, StatusCode::BAD_REQUEST, "invalid_request");
    assert!(why.contains("hashes"), "{why}");
    assert_eq!(relay.sms_to(&lucia.citizen.phone).await.len(), before);
}

// --- d. No limits on cost ---

#[tokio::test]
async fn a_v1_signing_code_without_documents_says_so_in_the_sms_and_can_be_turned_off() {
    let relay = relay().await;
    let lucia = signer(&relay, 1).await;
    relay.clock.advance(30);
    let send = || {
        relay.post(
            "/csc/v1/credentials/sendOTP",
            Some(&lucia.authorization),
            json!({ "credentialID": lucia.credential_id }),
        )
    };
    let (status, body) = send().await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let sms = relay.last_sms(&lucia.citizen.phone).await;
    assert!(sms.contains("no ha dicho qué documentos firmas"), "{sms}");
    // The SAD still binds exactly the hashes given to authorize.
    let hashes = b64(&digests(&["contrato"]));
    let answer = relay
        .post(
            "/csc/v1/credentials/authorize",
            Some(&lucia.authorization),
            json!({ "credentialID": lucia.credential_id, "numSignatures": 1, "hash": hashes, "OTP": otp_in(&sms) }),
        )
        .await;
    assert_eq!(answer.0, StatusCode::OK, "{}", answer.1);
    let sad = answer.1["SAD"].as_str().expect("SAD").to_owned();
    let other = b64(&digests(&["otro contrato"]));
    assert_error(
        &relay
            .post(
                "/csc/v1/signatures/signHash",
                Some(&lucia.authorization),
                json!({ "credentialID": lucia.credential_id, "SAD": sad, "hash": other, "signAlgo": "1.2.840.10045.4.3.2" }),
            )
            .await,
        StatusCode::BAD_REQUEST,
        "invalid_sad",
    );

    // A relay that requires hashes refuses that path and sends nothing.
    let strict = relay_with_options(nubefirma_relay::RelayOptions {
        allow_unbound_otp: false,
        ..options()
    })
    .await;
    let ane = signer(&strict, 2).await;
    strict.clock.advance(30);
    let before = strict.sms_to(&ane.citizen.phone).await.len();
    let answer = strict
        .post(
            "/csc/v1/credentials/sendOTP",
            Some(&ane.authorization),
            json!({ "credentialID": ane.credential_id }),
        )
        .await;
    assert_error(&answer, StatusCode::BAD_REQUEST, "invalid_request");
    assert_eq!(strict.sms_to(&ane.citizen.phone).await.len(), before);
}

#[tokio::test]
async fn a_second_code_within_30_seconds_is_429_with_retry_after_and_sends_nothing() {
    let relay = relay().await;
    let lucia = signer(&relay, 1).await;
    let hashes = b64(&digests(&["contrato"]));
    lucia.otp_for(&hashes).await;
    let sent = relay.sms_to(&lucia.citizen.phone).await.len();
    relay.clock.advance(10);
    let request = axum::http::Request::post("/csc/v2/credentials/sendOTP")
        .header("authorization", &lucia.authorization)
        .header("content-type", "application/json")
        .body(axum::body::Body::from(
            json!({ "credentialID": lucia.credential_id, "hashes": hashes }).to_string(),
        ))
        .expect("request");
    let (status, headers, body) = relay.send(request).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let body: serde_json::Value = serde_json::from_slice(&body).expect("json");
    assert_eq!(body["error"], "rate_limited", "{body}");
    assert_eq!(
        headers.get("retry-after").and_then(|v| v.to_str().ok()),
        Some("20")
    );
    assert_eq!(relay.sms_to(&lucia.citizen.phone).await.len(), sent);
    relay.clock.advance(20);
    let (status, body) = lucia.send_otp(&hashes).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
}

#[tokio::test]
async fn at_most_20_sms_per_account_per_hour() {
    let relay = relay().await;
    let lucia = signer(&relay, 1).await; // activation + certificate: 2 SMS
    let hashes = b64(&digests(&["contrato"]));
    let mut refused = None;
    for _ in 0..20 {
        relay.clock.advance(30);
        let answer = lucia.send_otp(&hashes).await;
        if answer.0 != StatusCode::NO_CONTENT {
            refused = Some(answer);
            break;
        }
    }
    let answer = refused.expect("the 21st SMS of the hour is refused");
    assert_error(&answer, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    assert_eq!(relay.sms_to(&lucia.citizen.phone).await.len(), 20);
}

#[tokio::test]
async fn logins_per_client_address_are_limited_with_retry_after() {
    let relay = relay_with_options(nubefirma_relay::RelayOptions {
        address_limits: AddressLimits {
            login_per_minute: 3,
            ..AddressLimits::default()
        },
        ..options()
    })
    .await;
    let unknown = common::dni(12_345_678);
    for _ in 0..3 {
        assert_error(
            &relay.try_login(&unknown, "Tortuga-azul-57").await,
            StatusCode::UNAUTHORIZED,
            "authentication_failed",
        );
    }
    let answer = relay.try_login(&unknown, "Tortuga-azul-57").await;
    let why = assert_error(&answer, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    assert!(why.contains("try again in 60 s"), "{why}");
    relay.clock.advance(60);
    assert_error(
        &relay.try_login(&unknown, "Tortuga-azul-57").await,
        StatusCode::UNAUTHORIZED,
        "authentication_failed",
    );
}

#[tokio::test]
async fn activation_and_office_calls_per_client_address_are_limited() {
    let relay = relay_with_options(nubefirma_relay::RelayOptions {
        address_limits: AddressLimits {
            login_per_minute: 100,
            activation_per_minute: 2,
            office_per_minute: 2,
        },
        ..options()
    })
    .await;
    let start = || {
        relay.post(
            "/api/v1/activation/start",
            None,
            json!({ "idNumber": common::dni(1), "activationCode": "AAAA-BBBB-CCCC" }),
        )
    };
    start().await;
    start().await;
    assert_error(
        &start().await,
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
    );
    relay.register(&Citizen::new(1)).await;
    relay.register(&Citizen::new(2)).await;
    let answer = relay
        .post(
            "/office/v1/citizens",
            Some(&bearer(OPERATOR_TOKEN)),
            Citizen::new(3).registration(),
        )
        .await;
    assert_error(&answer, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
}

#[tokio::test]
async fn expired_sessions_codes_sads_activations_and_outbox_rows_are_pruned() {
    let relay = relay().await;
    let lucia = signer(&relay, 1).await;
    let hashes = b64(&digests(&["contrato"]));
    let _sad = lucia.sad_for(&hashes).await;
    let pending = Citizen::new(2);
    let (_, code) = relay.register(&pending).await;
    relay.start_activation(&pending, &code).await;
    assert_eq!(
        relay.relay.prune().await.expect("prune"),
        0,
        "all still live"
    );
    relay.clock.advance(8 * 24 * 3600);
    // 1 session; signing code; certificate code; SAD; 2 activations; 3 rate windows... at least
    // the session, 2 codes, the SAD, 2 activations and 4 outbox rows.
    let pruned = relay.relay.prune().await.expect("prune");
    assert!(pruned >= 10, "pruned {pruned}");
    assert_eq!(relay.sms_to(&lucia.citizen.phone).await.len(), 0);
    assert_error(
        &lucia.post("credentials/list", json!({})).await,
        StatusCode::UNAUTHORIZED,
        "invalid_token",
    );
}

// --- e. Who is registered shows ---

#[tokio::test]
async fn before_the_right_password_unknown_pending_blocked_and_wrong_answer_the_same() {
    let relay = relay().await;
    let active = Citizen::new(1);
    relay.activate(&active).await;
    let pending = Citizen::new(2);
    relay.register(&pending).await;
    let blocked = Citizen::new(3);
    relay.activate(&blocked).await;
    for _ in 0..5 {
        relay.try_login(&blocked.id_number, "Tortuga-roja-57").await;
    }
    let answers = [
        relay
            .try_login(&common::dni(12_345_678), "Tortuga-azul-57")
            .await,
        relay.try_login(&pending.id_number, pending.password).await,
        relay.try_login(&blocked.id_number, blocked.password).await,
        relay.try_login(&blocked.id_number, "Tortuga-roja-57").await,
        relay.try_login(&active.id_number, "Tortuga-roja-57").await,
    ];
    for answer in &answers {
        assert_eq!(answer, &answers[0], "answers must not tell accounts apart");
    }
    assert_error(
        &answers[0],
        StatusCode::UNAUTHORIZED,
        "authentication_failed",
    );
}

// --- f. Codes at rest ---

#[tokio::test]
async fn codes_at_rest_cannot_be_reversed_from_the_database_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("relay.sqlite");
    let relay = relay_on_file(&path).await;
    let lucia = signer(&relay, 1).await;
    let hashes = b64(&digests(&["contrato"]));
    let otp = lucia.otp_for(&hashes).await;
    let sms = relay.sms_to(&lucia.citizen.phone).await;
    let (activation_code, certificate_code) = (otp_in(&sms[0]), otp_in(&sms[1]));

    // A thief of the file knows each code's row and our source, but not the master key. Were a
    // code stored as a plain or context-prefixed SHA-256, its real value would match below
    // (and trying all 10^6 six-digit codes would find it in a second).
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
        .await
        .expect("open file");
    let mut stored = Vec::new();
    for row in sqlx::query("SELECT id, purpose, code_mac FROM codes")
        .fetch_all(&pool)
        .await
        .expect("codes")
    {
        let id: String = row.get("id");
        let purpose: String = row.get("purpose");
        let code = if purpose == "signing" {
            &otp
        } else {
            &certificate_code
        };
        stored.push((id, purpose, code.clone(), row.get::<Vec<u8>, _>("code_mac")));
    }
    for row in sqlx::query("SELECT id, sms_code_mac FROM activations")
        .fetch_all(&pool)
        .await
        .expect("activations")
    {
        let id: String = row.get("id");
        stored.push((
            id,
            "activation".into(),
            activation_code.clone(),
            row.get("sms_code_mac"),
        ));
    }
    assert_eq!(stored.len(), 3, "activation, certificate and signing codes");
    for (id, purpose, code, value) in &stored {
        assert_eq!(value.len(), 32);
        for context in [
            String::new(),
            purpose.clone(),
            id.clone(),
            format!("otp:{id}"),
            format!("{purpose}:{id}"),
            "activation-sms".to_owned(),
        ] {
            let mut prefixed = Sha256::new();
            prefixed.update(context.as_bytes());
            prefixed.update([0u8]);
            prefixed.update(code.as_bytes());
            let concatenated = Sha256::digest(format!("{context}{code}").as_bytes());
            assert_ne!(
                &prefixed.finalize().to_vec(),
                value,
                "{purpose} under {context:?}"
            );
            assert_ne!(&concatenated.to_vec(), value, "{purpose} under {context:?}");
        }
    }
    // And the code still works for its owner.
    let (status, body) = lucia.authorize(&hashes, &otp).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

// --- g. A revoked or expired credential still signs ---

#[tokio::test]
async fn after_revocation_by_the_citizen_nothing_authorizes_or_signs_with_that_key() {
    let relay = relay().await;
    let lucia = signer(&relay, 1).await;
    let hashes = b64(&digests(&["contrato"]));
    let sad = lucia.sad_for(&hashes).await;
    let path = format!("/api/v1/credentials/{}/revoke", lucia.credential_id);
    let revoke = |password: &str| {
        relay.post(
            &path,
            Some(&lucia.authorization),
            json!({ "password": password }),
        )
    };
    assert_error(
        &revoke("Tortuga-roja-57").await,
        StatusCode::FORBIDDEN,
        "access_denied",
    );
    let (status, body) = revoke(lucia.citizen.password).await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("revoked")),
        "{body}"
    );

    assert_error(
        &lucia.sign_hash(&sad, &hashes).await,
        StatusCode::FORBIDDEN,
        "credential_unusable",
    );
    relay.clock.advance(30);
    assert_error(
        &lucia.send_otp(&hashes).await,
        StatusCode::FORBIDDEN,
        "credential_unusable",
    );
    let (status, info) = lucia
        .post(
            "credentials/info",
            json!({ "credentialID": lucia.credential_id }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{info}");
    assert_eq!(info["cert"]["status"], "revoked");
    assert_eq!(info["key"]["status"], "disabled");
    let (_, list) = lucia
        .post("credentials/list", json!({ "onlyValid": true }))
        .await;
    assert_eq!(list["credentialIDs"], json!([]));
    assert_error(
        &revoke(lucia.citizen.password).await,
        StatusCode::CONFLICT,
        "conflict",
    );
}

#[tokio::test]
async fn an_operator_revocation_stops_a_sad_already_issued() {
    let relay = relay().await;
    let lucia = signer(&relay, 1).await;
    let hashes = b64(&digests(&["contrato"]));
    let sad = lucia.sad_for(&hashes).await;
    let path = format!("/office/v1/credentials/{}/revoke", lucia.credential_id);
    let body = json!({ "reason": "keyCompromise" });
    assert_error(
        &relay
            .post(&path, Some(&bearer("not-the-operator")), body.clone())
            .await,
        StatusCode::FORBIDDEN,
        "access_denied",
    );
    let (status, answer) = relay.post(&path, Some(&bearer(OPERATOR_TOKEN)), body).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_error(
        &lucia.sign_hash(&sad, &hashes).await,
        StatusCode::FORBIDDEN,
        "credential_unusable",
    );
}

#[tokio::test]
async fn an_expired_certificate_neither_authorizes_nor_signs() {
    let relay = relay().await;
    let lucia = signer(&relay, 1).await;
    let hashes = b64(&digests(&["contrato"]));
    // Two years and a day later (the certificate's lifetime), she logs in again.
    relay.clock.advance(2 * 365 * 24 * 3600 + 24 * 3600);
    let later = signer_session(&relay, &lucia.citizen, &lucia.credential_id).await;
    let answer = later.send_otp(&hashes).await;
    let why = assert_error(&answer, StatusCode::FORBIDDEN, "credential_unusable");
    assert!(why.contains("expired"), "{why}");
    assert_error(
        &later.authorize(&hashes, "123456").await,
        StatusCode::FORBIDDEN,
        "credential_unusable",
    );
    let (_, info) = later
        .post(
            "credentials/info",
            json!({ "credentialID": lucia.credential_id }),
        )
        .await;
    assert_eq!(info["cert"]["status"], "expired");
}

// --- h. An empty operator token turns office authentication off ---

#[tokio::test]
async fn the_relay_refuses_to_start_with_an_empty_or_short_operator_token() {
    for token in ["", "   ", "short-token"] {
        let store = Store::in_memory().await.expect("db");
        let started = Relay::new(
            store.clone(),
            std::sync::Arc::new(nubefirma_relay::clock::SystemClock),
            std::sync::Arc::new(SoftCustody::new([1u8; 32])),
            std::sync::Arc::new(DevOutbox::new(store)),
            RelayOptions::dev(token),
        )
        .await;
        match started {
            Err(Error::InvalidConfig(why)) => assert!(why.contains("operator token"), "{why}"),
            Err(other) => panic!("{token:?}: {other}"),
            Ok(_) => panic!("{token:?}: started"),
        }
    }
}

// --- guards ---

#[tokio::test]
async fn the_signing_sms_names_the_document_count_and_the_verification_code() {
    let relay = relay().await;
    let lucia = signer(&relay, 1).await;
    let d = digests(&["uno", "dos", "tres"]);
    lucia.otp_for(&b64(&d)).await;
    let sms = relay.last_sms(&lucia.citizen.phone).await;
    let vc = nubefirma_protocol::verification::verification_code(&d);
    assert!(sms.contains("3 documento(s)"), "{sms}");
    assert!(
        sms.contains(&format!("Código de verificación {vc}")),
        "{sms}"
    );
}

#[tokio::test]
async fn a_normal_journey_activation_certificate_signature_within_a_minute_is_never_limited() {
    let relay = relay().await;
    let lucia = Citizen::new(1);
    relay.activate(&lucia).await;
    let token = relay.login(&lucia).await;
    let credential = relay.create_credential(&lucia, &token).await;
    let signer = common::Signer {
        relay: &relay,
        citizen: lucia.clone(),
        authorization: bearer(&token),
        credential_id: credential,
    };
    let hashes = b64(&digests(&["contrato"]));
    // No time passes at all between the three SMS.
    let (status, body) = signer.send_otp(&hashes).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let otp = otp_in(&relay.last_sms(&lucia.phone).await);
    let (status, body) = signer.authorize(&hashes, &otp).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn an_empty_authorization_never_passes_for_the_operator() {
    let relay = relay().await;
    for authorization in [None, Some("Bearer "), Some("Bearer"), Some("")] {
        let answer = relay
            .post(
                "/office/v1/citizens",
                authorization,
                Citizen::new(1).registration(),
            )
            .await;
        assert_error(&answer, StatusCode::FORBIDDEN, "access_denied");
    }
}
