//! CSC API v2 (`/csc/v2/*`): login and sessions, credentials, and SCAL2 signing
//! (sendOTP → authorize → SAD → signHash) with the guards that make it sole control.

mod common;

use axum::http::{Method, StatusCode};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use nubefirma_protocol::csc::{OID_ECDSA_WITH_SHA256, OID_SHA256};
use nubefirma_protocol::verification::verification_code;
use p256::ecdsa::signature::hazmat::PrehashVerifier;
use p256::ecdsa::{Signature, VerifyingKey};
use serde_json::{Value, json};

use common::{
    Citizen, Signer, assert_error, b64, bearer, digests, digits_in, otp_in, relay, signer,
    str_field, wrong_code,
};

// --- info, login, sessions ---

#[tokio::test]
async fn info_lists_the_methods() {
    let relay = relay().await;
    for method in [Method::GET, Method::POST] {
        let (status, body) = relay
            .call(method.clone(), "/csc/v2/info", &[], Some(json!({})))
            .await;
        assert_eq!(status, StatusCode::OK, "{method}: {body}");
        let methods: Vec<&str> = body["methods"]
            .as_array()
            .expect("methods")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        for expected in [
            "auth/login",
            "auth/revoke",
            "credentials/list",
            "credentials/info",
            "credentials/sendOTP",
            "credentials/authorize",
            "signatures/signHash",
        ] {
            assert!(
                methods.contains(&expected),
                "{expected} missing from {methods:?}"
            );
        }
        assert_eq!(body["authType"], json!(["basic"]));
    }
}

#[tokio::test]
async fn the_fifth_wrong_password_blocks_the_account() {
    let relay = relay().await;
    let lucia = Citizen::new(1);
    relay.activate(&lucia).await;
    let earlier_session = bearer(&relay.login(&lucia).await);

    for _ in 0..5 {
        let answer = relay.try_login(&lucia.id_number, "Tortuga-roja-57").await;
        let why = assert_error(&answer, StatusCode::UNAUTHORIZED, "authentication_failed");
        assert!(why.contains("reset"), "says how to unblock: {why}");
        assert_eq!(answer.1.get("attemptsLeft"), None, "{why}");
    }
    // R20: now even the right password is refused (with the answer a wrong one gets, so a
    // blocked account is no password oracle), and so is a token from before the block.
    let answer = relay.try_login(&lucia.id_number, lucia.password).await;
    assert_error(&answer, StatusCode::UNAUTHORIZED, "authentication_failed");
    let answer = relay
        .post(
            "/csc/v2/credentials/list",
            Some(&earlier_session),
            json!({}),
        )
        .await;
    let why = assert_error(&answer, StatusCode::FORBIDDEN, "account_blocked");
    assert!(why.contains("reset the password"), "{why}");
}

#[tokio::test]
async fn a_right_password_resets_the_wrong_password_count() {
    let relay = relay().await;
    let lucia = Citizen::new(1);
    relay.activate(&lucia).await;
    // 4 wrong, right, 4 wrong, right: eight wrong passwords in all, never five in a row.
    for _ in 0..2 {
        for _ in 0..4 {
            assert_error(
                &relay.try_login(&lucia.id_number, "nope-nope-nope").await,
                StatusCode::UNAUTHORIZED,
                "authentication_failed",
            );
        }
        relay.login(&lucia).await;
    }
}

#[tokio::test]
async fn an_unknown_dni_is_authentication_failed() {
    let relay = relay().await;
    let answer = relay
        .try_login(&common::dni(12_345_678), "Tortuga-azul-57")
        .await;
    let why = assert_error(&answer, StatusCode::UNAUTHORIZED, "authentication_failed");
    assert_eq!(answer.1.get("attemptsLeft"), None, "{why}");
    // Malformed identifiers and headers are a bad request, not a login attempt.
    let answer = relay.try_login("12345678A", "Tortuga-azul-57").await;
    assert_error(&answer, StatusCode::BAD_REQUEST, "invalid_request");
    let answer = relay.post("/csc/v2/auth/login", None, json!({})).await;
    assert_error(&answer, StatusCode::BAD_REQUEST, "invalid_request");
}

#[tokio::test]
async fn a_token_idle_for_more_than_15_minutes_is_invalid() {
    let relay = relay().await;
    let lucia = signer(&relay, 1).await;
    let list = || lucia.post("credentials/list", json!({}));

    // Used every 14m59s it stays alive well past 15 minutes after login.
    for _ in 0..2 {
        relay.clock.advance(899);
        let (status, body) = list().await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    relay.clock.advance(901);
    let why = assert_error(&list().await, StatusCode::UNAUTHORIZED, "invalid_token");
    assert!(why.contains("expired"), "{why}");
    relay.clock.advance(-901);
    assert_error(&list().await, StatusCode::UNAUTHORIZED, "invalid_token"); // deleted, not just late
}

#[tokio::test]
async fn a_session_s_use_is_recorded_once_a_minute_so_it_ends_early_never_late() {
    let relay = relay().await;
    let lucia = signer(&relay, 1).await;
    let list = || lucia.post("credentials/list", json!({}));

    // A use 59 s after the last recorded one is not written down: 15 minutes after that
    // recorded use the session ends, 59 s early.
    relay.clock.advance(59);
    assert_eq!(list().await.0, StatusCode::OK);
    relay.clock.advance(842);
    assert_error(&list().await, StatusCode::UNAUTHORIZED, "invalid_token");

    // A use a minute or more after the last recorded one is: 15 minutes after it, still alive.
    let ana = signer(&relay, 2).await;
    let list = || ana.post("credentials/list", json!({}));
    relay.clock.advance(60);
    assert_eq!(list().await.0, StatusCode::OK);
    relay.clock.advance(900);
    assert_eq!(list().await.0, StatusCode::OK);
}

#[tokio::test]
async fn revoke_kills_the_token() {
    let relay = relay().await;
    let lucia = signer(&relay, 1).await;
    let (status, body) = lucia.post("auth/revoke", json!({})).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    assert_error(
        &lucia.post("credentials/list", json!({})).await,
        StatusCode::UNAUTHORIZED,
        "invalid_token",
    );
    assert_error(
        &lucia.post("auth/revoke", json!({})).await,
        StatusCode::UNAUTHORIZED,
        "invalid_token",
    );
}

#[tokio::test]
async fn no_token_is_invalid_token() {
    let relay = relay().await;
    let credential = json!({ "credentialID": "c" });
    let hashes = b64(&digests(&["doc"]));
    let calls = [
        ("auth/revoke", json!({})),
        ("credentials/list", json!({})),
        ("credentials/info", credential.clone()),
        ("credentials/sendOTP", credential),
        (
            "credentials/authorize",
            json!({ "credentialID": "c", "numSignatures": 1, "hashes": hashes, "hashAlgorithmOID": OID_SHA256, "OTP": "123456" }),
        ),
        (
            "signatures/signHash",
            json!({ "credentialID": "c", "SAD": "s", "hashes": hashes, "hashAlgorithmOID": OID_SHA256, "signAlgo": OID_ECDSA_WITH_SHA256 }),
        ),
    ];
    for (method, body) in calls {
        for authorization in [None, Some("Bearer made-up-token"), Some("Bearer ")] {
            let answer = relay
                .post(&format!("/csc/v2/{method}"), authorization, body.clone())
                .await;
            let (status, got) = &answer;
            assert_eq!(
                (*status, got["error"].as_str()),
                (StatusCode::UNAUTHORIZED, Some("invalid_token")),
                "{method} with {authorization:?}: {got}"
            );
        }
    }
}

// --- credentials ---

#[tokio::test]
async fn credentials_list_is_empty_after_activation_and_shows_a_generated_certificate_at_once() {
    let relay = relay().await;
    let lucia = Citizen::new(1);
    relay.activate(&lucia).await;
    let token = relay.login(&lucia).await;
    let authorization = bearer(&token);
    let list = || relay.post("/csc/v2/credentials/list", Some(&authorization), json!({}));
    let (status, body) = list().await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["credentialIDs"],
        json!([]),
        "R12: no certificate before the first signature"
    );

    let credential_id = relay.create_credential(&lucia, &token).await;
    let (status, body) = list().await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["credentialIDs"],
        json!([credential_id]),
        "R15: usable at once"
    );
}

#[tokio::test]
async fn credentials_info_gives_the_chain_explicit_mode_and_scal2() {
    let relay = relay().await;
    let lucia = signer(&relay, 1).await;
    let (info, chain) = lucia.chain().await;
    assert_eq!(chain.len(), 3, "leaf, issuing CA, root: {info}");
    assert_eq!(info["authMode"], "explicit");
    assert_eq!(info["SCAL"], "2");
    assert_eq!(info["OTP"]["type"], "online");
    assert_eq!(info["key"]["curve"], "1.2.840.10045.3.1.7");
    assert_eq!(info["cert"]["status"], "valid");

    let subject = chain[0].tbs_certificate.subject.to_string();
    assert!(
        subject.contains(&format!("IDCES-{}", lucia.citizen.id_number)),
        "{subject}"
    );
    // Each certificate is issued by the next; the root by itself.
    for pair in chain.windows(2) {
        assert_eq!(
            pair[0].tbs_certificate.issuer,
            pair[1].tbs_certificate.subject
        );
    }
    assert_eq!(
        chain[2].tbs_certificate.issuer,
        chain[2].tbs_certificate.subject
    );

    let (status, single) = lucia
        .post(
            "credentials/info",
            json!({ "credentialID": lucia.credential_id }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{single}");
    assert_eq!(
        single["cert"]["certificates"],
        json!([info["cert"]["certificates"][0]]),
        "default is the leaf only"
    );
}

// --- signing ---

#[tokio::test]
async fn full_signing_sms_shows_the_verification_code_and_signatures_verify() {
    let relay = relay().await;
    let lucia = signer(&relay, 1).await;
    let documents = digests(&["contrato de alquiler", "anexo I"]);
    let hashes = b64(&documents);

    let (status, body) = lucia.send_otp(&hashes).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let sms = relay.last_sms(&lucia.citizen.phone).await;
    let expected = verification_code(&documents);
    assert_eq!(
        // No Accept-Language: the relay writes Spanish.
        sms.split("Código de verificación ")
            .nth(1)
            .and_then(|rest| digits_in(rest, 4)),
        Some(expected),
        "{sms}"
    );
    assert!(sms.contains("para firmar 2 documento(s)"), "{sms}");

    let (status, body) = lucia.authorize(&hashes, &otp_in(&sms)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["expiresIn"], 300);
    let (status, body) = lucia.sign_hash(&str_field(&body, "SAD"), &hashes).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let (_, chain) = lucia.chain().await;
    let spki = &chain[0].tbs_certificate.subject_public_key_info;
    let key =
        VerifyingKey::from_sec1_bytes(spki.subject_public_key.raw_bytes()).expect("P-256 key");
    let signatures = body["signatures"].as_array().expect("signatures");
    assert_eq!(signatures.len(), documents.len());
    for (signature, digest) in signatures.iter().zip(&documents) {
        let der = STANDARD
            .decode(signature.as_str().expect("base64 text"))
            .expect("base64");
        let signature = Signature::from_der(&der).expect("DER ECDSA-Sig-Value");
        key.verify_prehash(digest, &signature)
            .expect("signature verifies over its hash");
    }
    // In order: the first signature is not over the second document.
    let first = Signature::from_der(
        &STANDARD
            .decode(signatures[0].as_str().expect("text"))
            .expect("b64"),
    )
    .expect("DER");
    assert!(key.verify_prehash(&documents[1], &first).is_err());
}

#[tokio::test]
async fn signhash_refuses_a_hash_not_authorized() {
    let relay = relay().await;
    let lucia = signer(&relay, 1).await;
    let authorized = b64(&digests(&["what she read"]));
    let sad = lucia.sad_for(&authorized).await;
    for swapped in [
        b64(&digests(&["what the page sent"])),
        b64(&digests(&["what she read", "one more"])),
    ] {
        let answer = lucia.sign_hash(&sad, &swapped).await;
        assert_error(&answer, StatusCode::BAD_REQUEST, "invalid_sad");
    }
    let answer = lucia.sign_hash("made-up-sad", &authorized).await;
    assert_error(&answer, StatusCode::BAD_REQUEST, "invalid_sad");
}

#[tokio::test]
async fn a_sad_is_single_use() {
    let relay = relay().await;
    let lucia = signer(&relay, 1).await;
    let hashes = b64(&digests(&["factura 2026-001"]));
    let sad = lucia.sad_for(&hashes).await;
    let (status, body) = lucia.sign_hash(&sad, &hashes).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let why = assert_error(
        &lucia.sign_hash(&sad, &hashes).await,
        StatusCode::BAD_REQUEST,
        "invalid_sad",
    );
    assert!(why.contains("used"), "{why}");
}

#[tokio::test]
async fn a_sad_expires_after_five_minutes() {
    let relay = relay().await;
    let lucia = signer(&relay, 1).await;
    let hashes = b64(&digests(&["factura 2026-001"]));
    let sad = lucia.sad_for(&hashes).await;
    relay.clock.advance(301);
    let why = assert_error(
        &lucia.sign_hash(&sad, &hashes).await,
        StatusCode::BAD_REQUEST,
        "invalid_sad",
    );
    assert!(why.contains("expired"), "{why}");
}

#[tokio::test]
async fn authorize_refuses_hashes_other_than_those_bound_at_send_otp() {
    let relay = relay().await;
    let lucia = signer(&relay, 1).await;
    let shown = b64(&digests(&["what she read"]));
    let otp = lucia.otp_for(&shown).await;
    for swapped in [
        b64(&digests(&["what the page sent"])),
        b64(&digests(&["what she read", "one more"])),
    ] {
        let answer = lucia.authorize(&swapped, &otp).await;
        let why = assert_error(&answer, StatusCode::BAD_REQUEST, "invalid_request");
        assert!(why.contains("hashes"), "{why}");
        assert!(answer.1.get("SAD").is_none());
    }
}

#[tokio::test]
async fn an_otp_is_single_use() {
    let relay = relay().await;
    let lucia = signer(&relay, 1).await;
    let hashes = b64(&digests(&["factura 2026-001"]));
    let otp = lucia.otp_for(&hashes).await;
    let (status, body) = lucia.authorize(&hashes, &otp).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_error(
        &lucia.authorize(&hashes, &otp).await,
        StatusCode::BAD_REQUEST,
        "invalid_otp",
    );
}

#[tokio::test]
async fn an_otp_expires_after_five_minutes() {
    let relay = relay().await;
    let lucia = signer(&relay, 1).await;
    let hashes = b64(&digests(&["factura 2026-001"]));
    let otp = lucia.otp_for(&hashes).await;
    relay.clock.advance(301);
    let answer = lucia.authorize(&hashes, &otp).await;
    assert_error(&answer, StatusCode::BAD_REQUEST, "invalid_otp");
    assert_eq!(
        answer.1["attemptsLeft"], 5,
        "an expired code is not a wrong guess: {}",
        answer.1
    );
}

#[tokio::test]
async fn a_new_otp_retires_the_previous_one() {
    let relay = relay().await;
    let lucia = signer(&relay, 1).await;
    let hashes = b64(&digests(&["factura 2026-001"]));
    let first = lucia.otp_for(&hashes).await;
    let second = lucia.otp_for(&hashes).await;
    if first != second {
        assert_error(
            &lucia.authorize(&hashes, &first).await,
            StatusCode::BAD_REQUEST,
            "invalid_otp",
        );
    }
    let (status, body) = lucia.authorize(&hashes, &second).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn five_wrong_otps_block_the_account() {
    let relay = relay().await;
    let lucia = signer(&relay, 1).await;
    let hashes = b64(&digests(&["factura 2026-001"]));
    // One code takes 3 wrong entries, so the five come from two codes.
    let mut otp = lucia.otp_for(&hashes).await;
    for attempts_left in (0..5).rev() {
        if attempts_left == 1 {
            otp = lucia.otp_for(&hashes).await;
        }
        let answer = lucia.authorize(&hashes, &wrong_code(&otp)).await;
        assert_error(&answer, StatusCode::BAD_REQUEST, "invalid_otp");
        assert_eq!(answer.1["attemptsLeft"], attempts_left, "{}", answer.1);
    }
    // R20: the right OTP and the session meet the block; a login is refused like any other.
    assert_error(
        &lucia.authorize(&hashes, &otp).await,
        StatusCode::FORBIDDEN,
        "account_blocked",
    );
    let answer = relay
        .try_login(&lucia.citizen.id_number, lucia.citizen.password)
        .await;
    assert_error(&answer, StatusCode::UNAUTHORIZED, "authentication_failed");
}

#[tokio::test]
async fn more_than_100_hashes_are_refused() {
    let relay = relay().await;
    let lucia = signer(&relay, 1).await;
    let names: Vec<String> = (0..101).map(|i| format!("documento {i}")).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let hashes = b64(&digests(&names));

    let why = assert_error(
        &lucia.send_otp(&hashes).await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    );
    assert!(why.contains("100"), "{why}");
    assert_eq!(
        relay.sms_to(&lucia.citizen.phone).await.len(),
        2,
        "only the activation and certificate SMS were sent"
    );
    assert_error(
        &lucia.authorize(&hashes, "123456").await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    );
    assert_error(
        &lucia.sign_hash("sad", &hashes).await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    );

    // 100 is the limit, not beyond it.
    let (status, body) = lucia.send_otp(&hashes[..100]).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
}

#[tokio::test]
async fn a_hash_of_31_bytes_is_refused() {
    let relay = relay().await;
    let lucia = signer(&relay, 1).await;
    let short = vec![STANDARD.encode([7u8; 31])];
    let why = assert_error(
        &lucia.send_otp(&short).await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    );
    assert!(why.contains("32 bytes"), "{why}");
    assert_error(
        &lucia.authorize(&short, "123456").await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    );
    assert_error(
        &lucia.sign_hash("sad", &short).await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    );
}

#[tokio::test]
async fn another_citizens_credential_is_refused() {
    let relay = relay().await;
    let lucia = signer(&relay, 1).await;
    let mallory = signer(&relay, 2).await;
    let hashes = b64(&digests(&["poder notarial"]));
    let sad = lucia.sad_for(&hashes).await;
    let sms_before = relay.sms_to(&lucia.citizen.phone).await.len();

    // Mallory, logged in as herself, names Lucía's credential.
    let as_mallory = Signer {
        credential_id: lucia.credential_id.clone(),
        ..mallory
    };
    let info = as_mallory
        .post(
            "credentials/info",
            json!({ "credentialID": lucia.credential_id }),
        )
        .await;
    let why = assert_error(&info, StatusCode::BAD_REQUEST, "invalid_request");
    assert!(why.contains("credentialID"), "{why}");
    assert_error(
        &as_mallory.send_otp(&hashes).await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    );
    assert_error(
        &as_mallory.authorize(&hashes, "123456").await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    );
    assert_error(
        &as_mallory.sign_hash(&sad, &hashes).await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    );

    assert_eq!(
        relay.sms_to(&lucia.citizen.phone).await.len(),
        sms_before,
        "no SMS to Lucía on Mallory's request"
    );
    // Lucía's SAD survived the attempt.
    let (status, body) = lucia.sign_hash(&sad, &hashes).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn credentials_list_can_carry_each_credentials_info_and_keep_only_valid_ones() {
    let relay = relay().await;
    let lucia = signer(&relay, 1).await;
    let (status, body) = lucia
        .post(
            "credentials/list",
            json!({ "credentialInfo": true, "certificates": "chain", "certInfo": true, "authInfo": true, "onlyValid": true }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let info = &body["credentialInfos"][0];
    assert_eq!(info["credentialID"], lucia.credential_id.as_str());
    assert_eq!(
        info["cert"]["certificates"].as_array().map(Vec::len),
        Some(3),
        "{info}"
    );
    assert!(
        info["cert"]["subjectDN"]
            .as_str()
            .is_some_and(|dn| dn.contains(&lucia.citizen.id_number)),
        "{info}"
    );
    assert_eq!(info["OTP"]["type"], "online");
    assert_eq!(info["SCAL"], "2");
    let (_, bare) = lucia.post("credentials/list", json!({})).await;
    assert!(bare.get("credentialInfos").is_none(), "{bare}");
    // Once revoked, onlyValid leaves it out.
    let (status, _) = relay
        .post(
            &format!("/office/v1/credentials/{}/revoke", lucia.credential_id),
            Some(&bearer(common::OPERATOR_TOKEN)),
            json!({ "reason": "superseded" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, valid) = lucia
        .post("credentials/list", json!({ "onlyValid": true }))
        .await;
    assert_eq!(valid["credentialIDs"], json!([]));
    let (_, all) = lucia.post("credentials/list", json!({})).await;
    assert_eq!(all["credentialIDs"], json!([lucia.credential_id]));
}

#[tokio::test]
async fn authorize_takes_the_code_from_auth_data_as_later_csc_2_versions_send_it() {
    let relay = relay().await;
    let lucia = signer(&relay, 1).await;
    let hashes = b64(&digests(&["factura 2026-002"]));
    let otp = lucia.otp_for(&hashes).await;
    let (status, body) = lucia
        .post(
            "credentials/authorize",
            json!({ "credentialID": lucia.credential_id, "numSignatures": 1, "hashes": hashes,
                    "hashAlgorithmOID": OID_SHA256, "authData": [{ "id": "OTP", "value": otp }] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = lucia.sign_hash(&str_field(&body, "SAD"), &hashes).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn the_v1_wire_names_fields_as_csc_1_0_4_0_does() {
    let relay = relay().await;
    let lucia = signer(&relay, 1).await;
    let (status, info) = relay
        .post(
            "/csc/v1/credentials/info",
            Some(&lucia.authorization),
            json!({ "credentialID": lucia.credential_id, "certificates": "chain", "certInfo": true }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{info}");
    assert!(
        info["key"]["algo"]
            .as_array()
            .is_some_and(|a| a.contains(&json!(OID_ECDSA_WITH_SHA256))),
        "v1 lists the signature algorithm: {info}"
    );
    assert_eq!(
        info["cert"]["certificates"].as_array().map(Vec::len),
        Some(3)
    );
    assert_eq!(info["SCAL"], "2");
    assert_eq!(info["multisign"], 100);
    assert_eq!(info["authMode"], "explicit");
    let (_, v1info) = relay.call(Method::GET, "/csc/v1/info", &[], None).await;
    assert_eq!(v1info["specs"], "1.0.4.0");
}

/// The SMS is written in the language the client names in `Accept-Language` (the SDK sends the
/// widget's); its facts — code, count, verification code — are the same in each.
#[tokio::test]
async fn the_signing_sms_speaks_the_clients_language() {
    let relay = relay().await;
    let documents = digests(&["solicitud"]);
    let hashes = b64(&documents);
    let vc = verification_code(&documents);
    for (n, (header, expected)) in [
        ("ca-ES,ca;q=0.9", "Codi de verificació"),
        ("eu", "Egiaztapen-kodea"),
        ("gl-ES", "Código de verificación"),
        ("en-GB,en;q=0.8", "Verification code"),
        ("fr-FR, es;q=0.5", "Código de verificación"),
    ]
    .into_iter()
    .enumerate()
    {
        let lucia = signer(&relay, 40 + n as u32).await;
        let (status, body) = relay
            .call(
                Method::POST,
                "/csc/v2/credentials/sendOTP",
                &[
                    ("authorization", lucia.authorization.as_str()),
                    ("accept-language", header),
                ],
                Some(json!({ "credentialID": lucia.credential_id, "hashes": hashes, "hashAlgorithmOID": OID_SHA256 })),
            )
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
        let sms = relay.last_sms(&lucia.citizen.phone).await;
        assert!(sms.contains(&format!("{expected} {vc}")), "{header}: {sms}");
        if header.starts_with("ca") {
            assert!(sms.contains("per signar 1 document(s)"), "{sms}");
        }
    }
}
