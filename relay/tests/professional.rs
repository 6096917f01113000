//! The professional certificate (R6, R13, docs/rules.md): an entity's administrator invites an
//! employee; the six steps (the email's link, an SMS registration code, her ID document's
//! expiry date, her password, the terms, a final SMS code) issue a certificate on her one
//! account (R5) that names the entity and her role for identification only. In-process with a
//! manual clock, and one race against a real relay process on a file database.

mod common;
mod process;

use std::process::Command;

use axum::http::{Method, StatusCode};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use der::Decode;
use nubefirma_relay::RelayOptions;
use nubefirma_relay::identity::rate::AddressLimits;
use p256::ecdsa::signature::hazmat::PrehashVerifier;
use p256::ecdsa::{Signature, VerifyingKey};
use serde_json::{Value, json};

use common::{
    Citizen, OPERATOR_TOKEN, Signer, TestRelay, assert_error, b64, bearer, digests, otp_in,
    relay_with_options, signer, str_field, wrong_code,
};

const ENTITY: &str = "Ayuntamiento de Ejemplo";
const ORG: &str = "VATES-P2000000J";
const OTHER_ENTITY: &str = "Diputación de Otra Parte";
const OTHER_ORG: &str = "VATES-P4800000D";
const ADMIN_PASSWORD: &str = "Ventanilla-municipal-2026";
const ROLE: &str = "Técnica de urbanismo";
const EXPIRY: &str = "2031-04-30";

/// Address limits out of the way: these tests count steps, not calls per minute.
async fn relay() -> TestRelay {
    relay_with_options(RelayOptions {
        address_limits: AddressLimits {
            login_per_minute: 100_000,
            activation_per_minute: 100_000,
            office_per_minute: 100_000,
        },
        ..common::options()
    })
    .await
}

struct Admin {
    authorization: String,
}

/// An entity and its administrator, logged in (password, then the SMS code).
async fn entity_admin(
    relay: &TestRelay,
    name: &str,
    org: &str,
    entity: &str,
    phone: &str,
) -> Admin {
    if relay
        .store
        .entity_by_org_identifier(org)
        .await
        .expect("read")
        .is_none()
    {
        relay.relay.add_entity(entity, org).await.expect("entity");
    }
    relay
        .relay
        .add_entity_admin(org, name, phone, ADMIN_PASSWORD)
        .await
        .expect("administrator");
    Admin {
        authorization: bearer(&office_login(relay, name, ADMIN_PASSWORD, phone).await),
    }
}

async fn office_login(relay: &TestRelay, name: &str, password: &str, phone: &str) -> String {
    let (status, body) = relay
        .post(
            "/office/v1/login",
            None,
            json!({ "name": name, "password": password }),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let login = str_field(&body, "loginId");
    let code = otp_in(&relay.last_sms(phone).await);
    let (status, body) = relay
        .post(
            &format!("/office/v1/login/{login}/confirm"),
            None,
            json!({ "smsCode": code }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    str_field(&body, "access_token")
}

async fn ayuntamiento(relay: &TestRelay) -> Admin {
    entity_admin(relay, "ana.admin", ORG, ENTITY, "+34699000201").await
}

/// Whom the administrator invites: a citizen (her DNI, names, mobile, password) and the rest.
fn invitation_for(citizen: &Citizen, email: &str) -> Value {
    json!({
        "idNumber": citizen.id_number,
        "givenName": citizen.given_name,
        "surname": citizen.surname,
        "birthDate": "1990-02-03",
        "idDocumentExpiry": EXPIRY,
        "email": email,
        "phone": citizen.phone,
        "role": ROLE,
    })
}

/// `GET /entity/v1/invitations`: the list.
async fn invitations(relay: &TestRelay, admin: &Admin) -> Value {
    let (status, body) = relay
        .call(
            Method::GET,
            "/entity/v1/invitations",
            &[("authorization", &admin.authorization)],
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["invitations"].clone()
}

async fn invite(relay: &TestRelay, admin: &Admin, body: Value) -> (StatusCode, Value) {
    relay
        .post("/entity/v1/invitations", Some(&admin.authorization), body)
        .await
}

/// Every email sent to `to`, oldest first.
async fn emails_to(relay: &TestRelay, to: &str) -> Vec<String> {
    let (status, body) = relay
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

/// The invitation id and token in the email's link.
fn link_in(email: &str) -> (String, String) {
    let after = |key: &str| {
        email
            .split(key)
            .nth(1)
            .and_then(|rest| rest.split(['&', ' ']).next())
            .unwrap_or_else(|| panic!("no {key} in {email:?}"))
            .to_owned()
    };
    (after("invitation="), after("token="))
}

/// An invitation the link in the newest email to `email` opens.
struct Link {
    id: String,
    token: String,
}

impl Link {
    async fn of(relay: &TestRelay, email: &str) -> Self {
        let emails = emails_to(relay, email).await;
        let (id, token) = link_in(emails.last().expect("an email"));
        Self { id, token }
    }

    async fn call(&self, relay: &TestRelay, step: &str, extra: Value) -> (StatusCode, Value) {
        let mut body = json!({ "token": self.token });
        if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
            body.extend(extra.clone());
        }
        relay
            .post(
                &format!("/api/v1/professional/{}/{step}", self.id),
                None,
                body,
            )
            .await
    }

    /// Steps 2 to 5 with the right answers; `password` as step 4 asks it.
    async fn up_to_terms(&self, relay: &TestRelay, phone: &str, password: &str) {
        for (step, extra) in [("start", json!({}))] {
            let answer = self.call(relay, step, extra).await;
            assert_eq!(answer.0, StatusCode::OK, "{step}: {}", answer.1);
        }
        let code = otp_in(&relay.last_sms(phone).await);
        for (step, extra) in [
            ("sms", json!({ "code": code })),
            ("identity", json!({ "idDocumentExpiry": EXPIRY })),
            ("password", json!({ "password": password })),
            ("terms", json!({ "accepted": true })),
        ] {
            let answer = self.call(relay, step, extra).await;
            assert_eq!(answer.0, StatusCode::OK, "{step}: {}", answer.1);
        }
    }

    /// Step 6: the final code sent and confirmed; the credential issued.
    async fn issue(&self, relay: &TestRelay, phone: &str) -> String {
        let (status, body) = self.call(relay, "complete", json!({})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let code = otp_in(&relay.last_sms(phone).await);
        let (status, body) = self.call(relay, "confirm", json!({ "code": code })).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(
            (body["step"].as_str(), body["next"].as_str()),
            (Some("issued"), Some("nothing"))
        );
        str_field(&body, "credentialID")
    }
}

/// Her certificate's `openssl x509 -text`, names in UTF-8.
fn openssl_text(der: &[u8]) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("cert.der");
    std::fs::write(&path, der).expect("write");
    let out = Command::new("openssl")
        .args([
            "x509",
            "-inform",
            "DER",
            "-noout",
            "-text",
            "-nameopt",
            "utf8,sep_comma_plus_space,sname",
            "-in",
        ])
        .arg(&path)
        .output()
        .expect("openssl runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The `Subject:` line of openssl's text.
fn subject_line(text: &str) -> &str {
    text.lines()
        .find(|l| l.trim_start().starts_with("Subject:"))
        .unwrap_or_else(|| panic!("no subject in {text}"))
}

/// A signer of `credential_id` in her session.
fn as_signer<'a>(
    relay: &'a TestRelay,
    citizen: &Citizen,
    token: &str,
    credential_id: &str,
) -> Signer<'a> {
    Signer {
        relay,
        citizen: citizen.clone(),
        authorization: bearer(token),
        credential_id: credential_id.to_owned(),
    }
}

/// Signs one digest with the credential and checks the signature with its certificate's key:
/// the certificate (DER).
async fn signs(signer: &Signer<'_>) -> Vec<u8> {
    let documents = digests(&["acta de replanteo"]);
    let hashes = b64(&documents);
    let sad = signer.sad_for(&hashes).await;
    let (status, body) = signer.sign_hash(&sad, &hashes).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, chain) = signer.chain().await;
    let key = VerifyingKey::from_sec1_bytes(
        chain[0]
            .tbs_certificate
            .subject_public_key_info
            .subject_public_key
            .raw_bytes(),
    )
    .expect("P-256 key");
    let der = STANDARD
        .decode(body["signatures"][0].as_str().expect("signature"))
        .expect("base64");
    key.verify_prehash(&documents[0], &Signature::from_der(&der).expect("DER"))
        .expect("the signature verifies");
    der::Encode::to_der(&chain[0]).expect("certificate DER")
}

#[tokio::test]
async fn r13_the_six_steps_issue_a_professional_certificate_that_signs() {
    let relay = relay().await;
    let admin = ayuntamiento(&relay).await;
    let marta = Citizen::new(301);
    let email = "marta.trabajo@ejemplo.es";

    // (1) The email: the entity's name and the link, nothing else the administrator typed.
    let (status, body) = invite(&relay, &admin, invitation_for(&marta, email)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let invitation_id = str_field(&body, "invitationId");
    let emails = emails_to(&relay, email).await;
    assert_eq!(emails.len(), 1);
    assert!(emails[0].contains(ENTITY), "{}", emails[0]);
    assert!(
        emails[0].contains("http://relay.test/professional#invitation="),
        "{}",
        emails[0]
    );
    for typed in [
        ROLE,
        marta.given_name,
        marta.surname,
        marta.id_number.as_str(),
        EXPIRY,
    ] {
        assert!(!emails[0].contains(typed), "{typed} in {}", emails[0]);
    }
    let link = Link::of(&relay, email).await;
    assert_eq!(link.id, invitation_id);
    // Pending until step 6: her password does not exist yet, a login fails as usual.
    let (status, _) = relay.try_login(&marta.id_number, marta.password).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // (2) The SMS registration code, in her language.
    let (status, body) = relay
        .call(
            Method::POST,
            &format!("/api/v1/professional/{}/start", link.id),
            &[("accept-language", "eu")],
            Some(json!({ "token": link.token })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (body["step"].as_str(), body["next"].as_str()),
        (Some("registration_code_sent"), Some("sms"))
    );
    assert_eq!(body["expiresIn"], 300);
    let sms = relay.last_sms(&marta.phone).await;
    assert!(sms.contains("erregistro-kodea"), "{sms}");
    let (status, body) = link
        .call(&relay, "sms", json!({ "code": otp_in(&sms) }))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["next"], "identity");
    // (3) The expiry date of her DNI: no account yet, so step 4 chooses a password.
    let (status, body) = link
        .call(&relay, "identity", json!({ "idDocumentExpiry": EXPIRY }))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (body["next"].as_str(), body["newAccount"].as_bool()),
        (Some("password"), Some(true))
    );
    // (4) Her password, under the policy.
    let weak = link
        .call(&relay, "password", json!({ "password": "marta" }))
        .await;
    assert_error(&weak, StatusCode::BAD_REQUEST, "weak_password");
    let (status, body) = link
        .call(&relay, "password", json!({ "password": marta.password }))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // (5) The terms.
    let refused = link
        .call(&relay, "terms", json!({ "accepted": false }))
        .await;
    assert_error(&refused, StatusCode::BAD_REQUEST, "invalid_request");
    let (status, body) = link
        .call(&relay, "terms", json!({ "accepted": true }))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["next"], "complete");
    // (6) The final SMS code: issued.
    let credential_id = link.issue(&relay, &marta.phone).await;

    // She logs in with the password of step 4; the certificate is hers, listed, and signs.
    let token = relay.login(&marta).await;
    let (status, body) = relay
        .post("/csc/v2/credentials/list", Some(&bearer(&token)), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["credentialIDs"], json!([credential_id]));
    let certificate = signs(&as_signer(&relay, &marta, &token, &credential_id)).await;

    // openssl reads the entity, its identifier, her role and the policy.
    let text = openssl_text(&certificate);
    for expected in [
        "O=Ayuntamiento de Ejemplo",
        "organizationIdentifier=VATES-P2000000J",
        "title=Técnica de urbanismo",
        "serialNumber=IDCES-",
        "X509v3 Certificate Policies",
        "Policy: 1.3.6.1.4.1.32473.1.2",
        "Explicit Text: Employee certificate for identification only",
        "no powers of representation",
    ] {
        assert!(text.contains(expected), "{expected} not in {text}");
    }
    // A personal certificate has none of them.
    let lucia = signer(&relay, 302).await;
    let personal = openssl_text(&der::Encode::to_der(&lucia.chain().await.1[0]).expect("DER"));
    let subject = subject_line(&personal);
    assert!(subject.contains("serialNumber=IDCES-"), "{subject}");
    for absent in [" O=", "organizationIdentifier", "title="] {
        assert!(!subject.contains(absent), "{absent} in {subject}");
    }
    assert!(!personal.contains("Certificate Policies"), "{personal}");
    let subject = subject_line(&text);
    assert!(
        subject.contains(", O=Ayuntamiento de Ejemplo,"),
        "{subject}"
    );

    // The trail: who invited her, each step, the issuance.
    let citizen_id = relay
        .store
        .citizen_by_id_number(&marta.id_number)
        .await
        .expect("read")
        .expect("her account")
        .id;
    let trail = relay.store.audit_of(&citizen_id, 100).await.expect("trail");
    let kinds: Vec<&str> = trail.iter().rev().map(|e| e.kind.as_str()).collect();
    for kind in [
        "citizen_registered",
        "professional_invited",
        "professional_step_passed",
        "citizen_activated",
        "credential_issued",
    ] {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }
    let invited = trail
        .iter()
        .find(|e| e.kind == "professional_invited")
        .expect("invited");
    assert_eq!(invited.operator.as_deref(), Some("ana.admin"));
    assert!(invited.detail.contains(ORG), "{}", invited.detail);
    let steps = trail
        .iter()
        .filter(|e| e.kind == "professional_step_passed")
        .count();
    assert_eq!(
        steps, 5,
        "sms, identity, password, terms, confirm: {kinds:?}"
    );
    let issued = trail
        .iter()
        .find(|e| e.kind == "credential_issued")
        .expect("issued");
    assert!(
        issued.detail.contains("\"professional\":true"),
        "{}",
        issued.detail
    );
    // And her entity sees it issued.
    let list = invitations(&relay, &admin).await;
    assert_eq!(list[0]["status"], "issued");
    assert_eq!(list[0]["credentialID"], credential_id.as_str());
    assert_eq!(list[0]["idNumber"], marta.id_number.as_str());
}

#[tokio::test]
async fn r13_steps_cannot_be_skipped_or_repeated() {
    let relay = relay().await;
    let admin = ayuntamiento(&relay).await;
    let pilar = Citizen::new(311);
    let (status, body) = invite(&relay, &admin, invitation_for(&pilar, "pilar@ejemplo.es")).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let link = Link::of(&relay, "pilar@ejemplo.es").await;

    // Nothing before its turn: each answer names the next step, and no SMS goes out.
    for (step, extra) in [
        ("sms", json!({ "code": "123456" })),
        ("identity", json!({ "idDocumentExpiry": EXPIRY })),
        ("password", json!({ "password": pilar.password })),
        ("terms", json!({ "accepted": true })),
        ("complete", json!({})),
        ("confirm", json!({ "code": "123456" })),
    ] {
        let answer = link.call(&relay, step, extra).await;
        let why = assert_error(&answer, StatusCode::CONFLICT, "conflict");
        assert!(why.contains("start"), "{step}: {why}");
    }
    assert!(relay.sms_to(&pilar.phone).await.is_empty());

    let (status, _) = link.call(&relay, "start", json!({})).await;
    assert_eq!(status, StatusCode::OK);
    let code = otp_in(&relay.last_sms(&pilar.phone).await);
    let skip = link
        .call(&relay, "identity", json!({ "idDocumentExpiry": EXPIRY }))
        .await;
    assert_error(&skip, StatusCode::CONFLICT, "conflict");
    // A wrong code costs one of its three entries.
    let wrong = link
        .call(&relay, "sms", json!({ "code": wrong_code(&code) }))
        .await;
    assert_error(&wrong, StatusCode::BAD_REQUEST, "invalid_otp");
    assert_eq!(wrong.1["attemptsLeft"], 2);
    let (status, body) = link.call(&relay, "sms", json!({ "code": code })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Done once: neither the code nor a new one goes again.
    let again = link.call(&relay, "sms", json!({ "code": code })).await;
    assert_error(&again, StatusCode::CONFLICT, "conflict");
    relay.clock.advance(60);
    let again = link.call(&relay, "start", json!({})).await;
    assert_error(&again, StatusCode::CONFLICT, "conflict");

    for (step, extra, skip_to) in [
        ("identity", json!({ "idDocumentExpiry": EXPIRY }), "terms"),
        (
            "password",
            json!({ "password": pilar.password }),
            "complete",
        ),
        ("terms", json!({ "accepted": true }), "confirm"),
    ] {
        let skipped = link
            .call(
                &relay,
                skip_to,
                json!({ "accepted": true, "code": "123456" }),
            )
            .await;
        assert_error(&skipped, StatusCode::CONFLICT, "conflict");
        let (status, body) = link.call(&relay, step, extra.clone()).await;
        assert_eq!(status, StatusCode::OK, "{step}: {body}");
        let again = link.call(&relay, step, extra).await;
        assert_error(&again, StatusCode::CONFLICT, "conflict");
    }
    let credential = link.issue(&relay, &pilar.phone).await;
    // Issued: the invitation is finished, and answers as an unknown one.
    let unknown = relay
        .post(
            "/api/v1/professional/no-such-invitation/start",
            None,
            json!({ "token": link.token }),
        )
        .await;
    for step in ["confirm", "complete", "start"] {
        let answer = link.call(&relay, step, json!({ "code": "123456" })).await;
        assert_eq!(answer, unknown, "{step}");
    }
    let token = relay.login(&pilar).await;
    let (_, body) = relay
        .post("/csc/v2/credentials/list", Some(&bearer(&token)), json!({}))
        .await;
    assert_eq!(
        body["credentialIDs"],
        json!([credential]),
        "one certificate"
    );
}

#[tokio::test]
async fn r13_three_wrong_id_document_expiry_dates_void_the_invitation() {
    let relay = relay().await;
    let admin = ayuntamiento(&relay).await;
    let rosa = Citizen::new(321);
    invite(&relay, &admin, invitation_for(&rosa, "rosa@ejemplo.es")).await;
    let link = Link::of(&relay, "rosa@ejemplo.es").await;
    link.call(&relay, "start", json!({})).await;
    let code = otp_in(&relay.last_sms(&rosa.phone).await);
    let (status, _) = link.call(&relay, "sms", json!({ "code": code })).await;
    assert_eq!(status, StatusCode::OK);

    // A date she cannot have meant is no entry.
    let malformed = link
        .call(
            &relay,
            "identity",
            json!({ "idDocumentExpiry": "30/04/2031" }),
        )
        .await;
    let why = assert_error(&malformed, StatusCode::BAD_REQUEST, "invalid_request");
    assert!(why.contains("YYYY-MM-DD"), "{why}");
    for left in [2, 1, 0] {
        let wrong = link
            .call(
                &relay,
                "identity",
                json!({ "idDocumentExpiry": "2031-05-01" }),
            )
            .await;
        let why = assert_error(&wrong, StatusCode::BAD_REQUEST, "invalid_request");
        assert_eq!(wrong.1["attemptsLeft"], left, "{why}");
        assert!(why.contains("void"), "{why}");
    }
    // Void: even the right date answers as an unknown invitation.
    let right = link
        .call(&relay, "identity", json!({ "idDocumentExpiry": EXPIRY }))
        .await;
    let why = assert_error(&right, StatusCode::BAD_REQUEST, "invalid_request");
    assert!(why.contains("unknown, expired or finished"), "{why}");
    let list = invitations(&relay, &admin).await;
    assert_eq!(
        (list[0]["status"].as_str(), list[0]["step"].as_str()),
        (Some("void"), Some("void"))
    );
    // She has no account to log in with, and her entity may invite her again.
    let (status, _) = relay.try_login(&rosa.id_number, rosa.password).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, body) = invite(&relay, &admin, invitation_for(&rosa, "rosa@ejemplo.es")).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

#[tokio::test]
async fn r13_a_wrong_token_answers_as_an_unknown_invitation() {
    let relay = relay().await;
    let admin = ayuntamiento(&relay).await;
    let (eva, luz) = (Citizen::new(331), Citizen::new(332));
    invite(&relay, &admin, invitation_for(&eva, "eva@ejemplo.es")).await;
    invite(&relay, &admin, invitation_for(&luz, "luz@ejemplo.es")).await;
    let eva_link = Link::of(&relay, "eva@ejemplo.es").await;
    let luz_link = Link::of(&relay, "luz@ejemplo.es").await;
    let unknown = relay
        .post(
            "/api/v1/professional/AAAAAAAAAAAAAAAAAAAAAA/start",
            None,
            json!({ "token": eva_link.token }),
        )
        .await;
    assert_error(&unknown, StatusCode::BAD_REQUEST, "invalid_request");
    for token in [
        luz_link.token.as_str(),
        "",
        "x",
        &"A".repeat(43),
        &"A".repeat(5000),
    ] {
        let forged = Link {
            id: eva_link.id.clone(),
            token: token.to_owned(),
        };
        for step in [
            "start", "sms", "identity", "password", "terms", "complete", "confirm",
        ] {
            let answer = forged
                .call(&relay, step, json!({ "code": "123456", "idDocumentExpiry": EXPIRY, "password": eva.password, "accepted": true }))
                .await;
            assert_eq!(answer, unknown, "{step} with {token:?}");
        }
    }
    assert!(
        relay.sms_to(&eva.phone).await.is_empty(),
        "no SMS for a wrong token"
    );
    // Her own link still works.
    let (status, body) = eva_link.call(&relay, "start", json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn r13_an_expired_invitation_answers_as_an_unknown_one() {
    let relay = relay().await;
    let admin = ayuntamiento(&relay).await;
    let ines = Citizen::new(341);
    let (_, created) = invite(&relay, &admin, invitation_for(&ines, "ines@ejemplo.es")).await;
    assert_eq!(created["expiresAt"], common::START + 7 * 24 * 3600);
    let link = Link::of(&relay, "ines@ejemplo.es").await;
    let unknown = relay
        .post(
            "/api/v1/professional/nope/start",
            None,
            json!({ "token": link.token }),
        )
        .await;
    relay.clock.advance(7 * 24 * 3600 + 1);
    let answer = link.call(&relay, "start", json!({})).await;
    assert_eq!(answer, unknown);
    // Her administrator's session expired meanwhile too: she logs in again.
    let admin = Admin {
        authorization: bearer(
            &office_login(&relay, "ana.admin", ADMIN_PASSWORD, "+34699000201").await,
        ),
    };
    assert_eq!(invitations(&relay, &admin).await[0]["status"], "expired");
}

#[tokio::test]
async fn r6_the_professional_certificate_names_the_entity_for_identification_only() {
    let relay = relay().await;
    let admin = ayuntamiento(&relay).await;
    let nora = Citizen::new(351);
    invite(&relay, &admin, invitation_for(&nora, "nora@ejemplo.es")).await;
    let link = Link::of(&relay, "nora@ejemplo.es").await;
    link.up_to_terms(&relay, &nora.phone, nora.password).await;
    let credential_id = link.issue(&relay, &nora.phone).await;
    let token = relay.login(&nora).await;
    let (_, chain) = as_signer(&relay, &nora, &token, &credential_id)
        .chain()
        .await;
    let tbs = &chain[0].tbs_certificate;

    // The subject: her, the entity and her role; no attribute that reads as a power.
    let subject: Vec<String> = tbs
        .subject
        .0
        .iter()
        .flat_map(|rdn| rdn.0.iter().map(|atv| atv.oid.to_string()))
        .collect();
    assert_eq!(
        subject,
        [
            "2.5.4.6",  // C
            "2.5.4.10", // O
            "2.5.4.97", // organizationIdentifier
            "2.5.4.5",  // serialNumber
            "2.5.4.4",  // surname
            "2.5.4.42", // givenName
            "2.5.4.12", // title
            "2.5.4.3",  // CN
        ]
    );
    // The extensions a citizen certificate has, plus the employee policy; nothing else (no
    // qcStatements, no subjectDirectoryAttributes, no role or mandate of any kind).
    let mut extensions: Vec<String> = tbs
        .extensions
        .iter()
        .flatten()
        .map(|e| e.extn_id.to_string())
        .collect();
    extensions.sort();
    assert_eq!(
        extensions,
        [
            "1.3.6.1.5.5.7.1.1", // authorityInfoAccess (OCSP)
            "2.5.29.14",         // subjectKeyIdentifier
            "2.5.29.15",         // keyUsage
            "2.5.29.19",         // basicConstraints
            "2.5.29.31",         // cRLDistributionPoints
            "2.5.29.32",         // certificatePolicies
            "2.5.29.35",         // authorityKeyIdentifier
        ]
    );
    let policies = tbs
        .extensions
        .iter()
        .flatten()
        .find(|e| e.extn_id.to_string() == "2.5.29.32")
        .expect("policies");
    assert!(!policies.critical);
    let policies =
        x509_cert::ext::pkix::CertificatePolicies::from_der(policies.extn_value.as_bytes())
            .expect("policies");
    assert_eq!(policies.0.len(), 1);
    assert_eq!(
        policies.0[0].policy_identifier.to_string(),
        "1.3.6.1.4.1.32473.1.2"
    );
    // The key signs, as a personal certificate's does: digitalSignature and nonRepudiation.
    let text = openssl_text(&der::Encode::to_der(&chain[0]).expect("DER"));
    assert!(
        text.contains("Digital Signature, Non Repudiation"),
        "{text}"
    );
}

#[tokio::test]
async fn r6_an_entity_administrator_is_not_the_registry_office_and_the_office_invites_no_one() {
    let relay = relay().await;
    let admin = ayuntamiento(&relay).await;
    let someone = Citizen::new(361);
    // The administrator at the office's desk: refused.
    let (status, body) = relay
        .post(
            "/office/v1/citizens",
            Some(&admin.authorization),
            someone.registration(),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let answer = relay
        .post(
            "/office/v1/accounts/revoke",
            Some(&admin.authorization),
            json!({ "idNumber": someone.id_number, "reason": "unspecified" }),
        )
        .await;
    assert_error(&answer, StatusCode::FORBIDDEN, "access_denied");
    // The office, a named operator or its shared token, invites no one; nor does a citizen.
    relay
        .relay
        .add_operator("maite.agirre", "+34699000301", ADMIN_PASSWORD)
        .await
        .expect("operator");
    let operator =
        bearer(&office_login(&relay, "maite.agirre", ADMIN_PASSWORD, "+34699000301").await);
    let lucia = signer(&relay, 362).await;
    for authorization in [
        Some(operator.as_str()),
        Some(&bearer(OPERATOR_TOKEN)),
        Some(lucia.authorization.as_str()),
        None,
    ] {
        let headers: Vec<(&str, &str)> = authorization
            .map(|a| ("authorization", a))
            .into_iter()
            .collect();
        let answer = relay
            .call(
                Method::POST,
                "/entity/v1/invitations",
                &headers,
                Some(invitation_for(&someone, "x@ejemplo.es")),
            )
            .await;
        assert_error(&answer, StatusCode::FORBIDDEN, "access_denied");
        let answer = relay
            .call(Method::GET, "/entity/v1/invitations", &headers, None)
            .await;
        assert_error(&answer, StatusCode::FORBIDDEN, "access_denied");
    }
    assert!(emails_to(&relay, "x@ejemplo.es").await.is_empty());
    // The office still works for its operator.
    let (status, body) = relay
        .post(
            "/office/v1/citizens",
            Some(&operator),
            someone.registration(),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

#[tokio::test]
async fn r6_an_administrator_reaches_only_her_own_entity_s_invitations() {
    let relay = relay().await;
    let ana = ayuntamiento(&relay).await;
    let bea = entity_admin(&relay, "bea.admin", OTHER_ORG, OTHER_ENTITY, "+34699000202").await;
    let olga = Citizen::new(371);
    let (_, created) = invite(&relay, &ana, invitation_for(&olga, "olga@ejemplo.es")).await;
    let id = str_field(&created, "invitationId");

    assert_eq!(
        invitations(&relay, &ana).await.as_array().map(Vec::len),
        Some(1)
    );
    assert_eq!(
        invitations(&relay, &bea).await.as_array().map(Vec::len),
        Some(0),
        "entity B sees none of A's"
    );
    let unknown = relay
        .post(
            "/entity/v1/invitations/no-such-one/withdraw",
            Some(&bea.authorization),
            json!({}),
        )
        .await;
    let foreign = relay
        .post(
            &format!("/entity/v1/invitations/{id}/withdraw"),
            Some(&bea.authorization),
            json!({}),
        )
        .await;
    assert_error(&foreign, StatusCode::BAD_REQUEST, "invalid_request");
    assert_eq!(
        foreign, unknown,
        "another entity's invitation is as unknown"
    );
    // Still alive for her; then her own entity withdraws it.
    let link = Link::of(&relay, "olga@ejemplo.es").await;
    let (status, body) = link.call(&relay, "start", json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = relay
        .post(
            &format!("/entity/v1/invitations/{id}/withdraw"),
            Some(&ana.authorization),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let code = otp_in(&relay.last_sms(&olga.phone).await);
    let answer = link.call(&relay, "sms", json!({ "code": code })).await;
    let why = assert_error(&answer, StatusCode::BAD_REQUEST, "invalid_request");
    assert!(why.contains("unknown, expired or finished"), "{why}");
    let again = relay
        .post(
            &format!("/entity/v1/invitations/{id}/withdraw"),
            Some(&ana.authorization),
            json!({}),
        )
        .await;
    assert_error(&again, StatusCode::CONFLICT, "conflict");
}

#[tokio::test]
async fn r5_an_employee_with_an_account_gets_the_certificate_on_it() {
    let relay = relay().await;
    let admin = ayuntamiento(&relay).await;
    // Lucía already has her account and her personal certificate.
    let lucia = signer(&relay, 381).await;
    let account = relay
        .store
        .citizen_by_id_number(&lucia.citizen.id_number)
        .await
        .expect("read")
        .expect("account");
    // Her work email differs from her account's; her mobile is her account's. The names the
    // administrator typed do not replace her account's.
    let mut body = invitation_for(&lucia.citizen, "lucia.garcia@ayto-ejemplo.es");
    body["givenName"] = json!("Luciana");
    let (status, answer) = invite(&relay, &admin, body).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    let link = Link::of(&relay, "lucia.garcia@ayto-ejemplo.es").await;
    link.call(&relay, "start", json!({})).await;
    let code = otp_in(&relay.last_sms(&lucia.citizen.phone).await);
    link.call(&relay, "sms", json!({ "code": code })).await;
    let (status, body) = link
        .call(&relay, "identity", json!({ "idDocumentExpiry": EXPIRY }))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["newAccount"], false,
        "step 4 asks her current password"
    );
    // Her current password, counted toward R20 like a login.
    let wrong = link
        .call(
            &relay,
            "password",
            json!({ "password": "Not-her-password-1" }),
        )
        .await;
    assert_error(&wrong, StatusCode::FORBIDDEN, "access_denied");
    assert_eq!(wrong.1["attemptsLeft"], 4);
    let (status, body) = link
        .call(
            &relay,
            "password",
            json!({ "password": lucia.citizen.password }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    link.call(&relay, "terms", json!({ "accepted": true }))
        .await;
    let professional = link.issue(&relay, &lucia.citizen.phone).await;

    // The same account: same id, same password, same phone; two certificates to pick from.
    let after = relay
        .store
        .citizen_by_id_number(&lucia.citizen.id_number)
        .await
        .expect("read")
        .expect("account");
    assert_eq!(
        (after.id, after.phone, after.given_name),
        (account.id, account.phone, account.given_name)
    );
    let token = relay.login(&lucia.citizen).await;
    let (_, body) = relay
        .post("/csc/v2/credentials/list", Some(&bearer(&token)), json!({}))
        .await;
    let mut listed: Vec<&str> = body["credentialIDs"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    listed.sort_unstable();
    let mut hers = vec![lucia.credential_id.as_str(), professional.as_str()];
    hers.sort_unstable();
    assert_eq!(listed, hers, "both on her one account");
    let certificate = signs(&as_signer(&relay, &lucia.citizen, &token, &professional)).await;
    let text = openssl_text(&certificate);
    assert!(
        subject_line(&text).contains("GN=Lucía"),
        "her account's name: {text}"
    );
    assert!(text.contains("O=Ayuntamiento de Ejemplo"), "{text}");
    // Her personal certificate still signs too.
    signs(&as_signer(
        &relay,
        &lucia.citizen,
        &token,
        &lucia.credential_id,
    ))
    .await;
}

#[tokio::test]
async fn r5_an_invitation_with_another_mobile_is_refused() {
    let relay = relay().await;
    let admin = ayuntamiento(&relay).await;
    let lucia = Citizen::new(391);
    relay.activate(&lucia).await;
    let mut body = invitation_for(&lucia, "lucia@ayto-ejemplo.es");
    body["phone"] = json!("+34600999888");
    let answer = invite(&relay, &admin, body).await;
    let why = assert_error(&answer, StatusCode::CONFLICT, "conflict");
    assert!(why.contains("her account's mobile phone"), "{why}");
    // A new person with someone else's mobile (R8) is refused too.
    let mut body = invitation_for(&Citizen::new(392), "otra@ayto-ejemplo.es");
    body["phone"] = json!(lucia.phone);
    let answer = invite(&relay, &admin, body).await;
    assert_error(&answer, StatusCode::CONFLICT, "conflict");
    assert!(emails_to(&relay, "lucia@ayto-ejemplo.es").await.is_empty());
    assert!(emails_to(&relay, "otra@ayto-ejemplo.es").await.is_empty());
    assert!(
        relay
            .store
            .citizen_by_id_number(&Citizen::new(392).id_number)
            .await
            .expect("read")
            .is_none(),
        "no account was left behind"
    );
}

#[tokio::test]
async fn r13_an_invitation_refuses_bad_data_and_an_expired_id_document() {
    let relay = relay().await;
    let admin = ayuntamiento(&relay).await;
    let base = invitation_for(&Citizen::new(395), "bad@ejemplo.es");
    for (field, value) in [
        ("idNumber", "12345678A"),
        ("role", "Apoderada <b>general</b>"),
        ("role", "Jefa\u{202e}"),
        ("idDocumentExpiry", "2026-05-27"),
        ("idDocumentExpiry", "mañana"),
        ("email", "bad@ejemplo"),
        ("phone", "912345678"),
        ("birthDate", "2015-01-01"),
    ] {
        let mut body = base.clone();
        body[field] = json!(value);
        let answer = invite(&relay, &admin, body).await;
        let why = assert_error(&answer, StatusCode::BAD_REQUEST, "invalid_request");
        assert!(why.contains(field), "{field}={value}: {why}");
    }
    assert!(emails_to(&relay, "bad@ejemplo.es").await.is_empty());
}

/// R13 under a race, against a real relay process on a file database: five confirms with the
/// right final code at once issue exactly one certificate; ten wrong ID document dates at once
/// judge three and void the invitation.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn r13_parallel_right_confirms_issue_one_certificate_and_parallel_dates_judge_three() {
    use process::{RelayProcess, binary};
    use sqlx::Row;

    let relay = RelayProcess::start(&[
        "--activations-per-minute",
        "100000",
        "--office-calls-per-minute",
        "100000",
    ]);
    let run = |args: &[&str], password: Option<&str>| {
        let mut command = Command::new(binary());
        command.args(args).arg("--data").arg(&relay.dir);
        if let Some(p) = password {
            command.env("NUBEFIRMA_OPERATOR_PASSWORD", p);
        }
        let out = command.output().expect("the binary runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let bad = Command::new(binary())
        .args([
            "office",
            "add-entity",
            "--name",
            ENTITY,
            "--org-identifier",
            "P2000000J",
            "--data",
        ])
        .arg(&relay.dir)
        .output()
        .expect("runs");
    assert!(
        !bad.status.success(),
        "the identifier's ETSI form is checked"
    );
    run(
        &[
            "office",
            "add-entity",
            "--name",
            ENTITY,
            "--org-identifier",
            ORG,
        ],
        None,
    );
    run(
        &[
            "office",
            "add-entity-admin",
            "--entity",
            ORG,
            "--name",
            "ana.admin",
            "--phone",
            "+34699000201",
        ],
        Some(ADMIN_PASSWORD),
    );
    let started = relay
        .post(
            "/office/v1/login",
            None,
            json!({ "name": "ana.admin", "password": ADMIN_PASSWORD }),
        )
        .await;
    assert_eq!(
        started.status,
        reqwest::StatusCode::ACCEPTED,
        "{:?}",
        started.body
    );
    let login = started.body["loginId"].as_str().expect("id").to_owned();
    let code = relay.last_code("+34699000201").await;
    let confirmed = relay
        .post(
            &format!("/office/v1/login/{login}/confirm"),
            None,
            json!({ "smsCode": code }),
        )
        .await;
    let admin = format!(
        "Bearer {}",
        confirmed.body["access_token"].as_str().expect("token")
    );

    let step = |id: String, token: String, name: &'static str, extra: Value| {
        let mut body = json!({ "token": token });
        if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
            body.extend(extra.clone());
        }
        let relay = &relay;
        async move {
            relay
                .post(&format!("/api/v1/professional/{id}/{name}"), None, body)
                .await
        }
    };
    let invite_one = |n: u32, email: &'static str| {
        let citizen = Citizen::new(n);
        let admin = admin.clone();
        let relay = &relay;
        async move {
            let created = relay
                .post(
                    "/entity/v1/invitations",
                    Some(&admin),
                    invitation_for(&citizen, email),
                )
                .await;
            assert_eq!(
                created.status,
                reqwest::StatusCode::CREATED,
                "{:?}",
                created.body
            );
            let emails = relay.sms_to(email).await;
            let (id, token) = link_in(emails.last().expect("the email"));
            (citizen, id, token)
        }
    };

    // Five right final codes at once: one issues.
    let (sara, id, token) = invite_one(401, "sara@ejemplo.es").await;
    let answer = step(id.clone(), token.clone(), "start", json!({})).await;
    assert_eq!(answer.status, reqwest::StatusCode::OK, "{:?}", answer.body);
    let code = relay.last_code(&sara.phone).await;
    for (name, extra) in [
        ("sms", json!({ "code": code })),
        ("identity", json!({ "idDocumentExpiry": EXPIRY })),
        ("password", json!({ "password": sara.password })),
        ("terms", json!({ "accepted": true })),
        ("complete", json!({})),
    ] {
        let answer = step(id.clone(), token.clone(), name, extra).await;
        assert_eq!(
            answer.status,
            reqwest::StatusCode::OK,
            "{name}: {:?}",
            answer.body
        );
    }
    let code = relay.last_code(&sara.phone).await;
    let answers = futures_util::future::join_all((0..5).map(|_| {
        step(
            id.clone(),
            token.clone(),
            "confirm",
            json!({ "code": code }),
        )
    }))
    .await;
    let issued: Vec<_> = answers
        .iter()
        .filter(|a| a.status == reqwest::StatusCode::OK)
        .collect();
    assert_eq!(issued.len(), 1, "{answers:?}");
    assert!(
        answers
            .iter()
            .all(|a| a.status == reqwest::StatusCode::OK
                || a.status == reqwest::StatusCode::BAD_REQUEST),
        "{answers:?}"
    );
    let db = relay.db().await;
    let count: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM credentials c JOIN citizens z ON z.id = c.citizen_id WHERE z.id_number = ?",
    )
    .bind(&sara.id_number)
    .fetch_one(&db)
    .await
    .expect("count")
    .get("n");
    assert_eq!(count, 1, "exactly one certificate");
    let row = sqlx::query("SELECT step, credential_id FROM invitations WHERE id = ?")
        .bind(&id)
        .fetch_one(&db)
        .await
        .expect("row");
    assert_eq!(row.get::<String, _>("step"), "issued");
    assert_eq!(
        row.get::<Option<String>, _>("credential_id").as_deref(),
        issued[0].body["credentialID"].as_str()
    );
    let login = relay.try_login(&sara.id_number, sara.password).await;
    assert_eq!(
        login.status,
        reqwest::StatusCode::OK,
        "her account is active"
    );

    // Ten wrong dates at once: three judged, then void.
    let (tere, id, token) = invite_one(402, "tere@ejemplo.es").await;
    step(id.clone(), token.clone(), "start", json!({})).await;
    let code = relay.last_code(&tere.phone).await;
    let answer = step(id.clone(), token.clone(), "sms", json!({ "code": code })).await;
    assert_eq!(answer.status, reqwest::StatusCode::OK, "{:?}", answer.body);
    let answers = futures_util::future::join_all((0..10).map(|day| {
        step(
            id.clone(),
            token.clone(),
            "identity",
            json!({ "idDocumentExpiry": format!("2031-05-{:02}", day + 1) }),
        )
    }))
    .await;
    assert!(
        answers
            .iter()
            .all(|a| a.status == reqwest::StatusCode::BAD_REQUEST),
        "{answers:?}"
    );
    let judged: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM audit_events WHERE kind = 'professional_step_failed' AND detail LIKE ?",
    )
    .bind(format!("%{id}%identity%"))
    .fetch_one(&db)
    .await
    .expect("count")
    .get("n");
    assert_eq!(judged, 3, "three dates judged, no more: {answers:?}");
    let row = sqlx::query("SELECT step, attempts FROM invitations WHERE id = ?")
        .bind(&id)
        .fetch_one(&db)
        .await
        .expect("row");
    assert_eq!(
        (row.get::<String, _>("step"), row.get::<i64, _>("attempts")),
        ("void".to_owned(), 3)
    );
    let right = step(id, token, "identity", json!({ "idDocumentExpiry": EXPIRY })).await;
    assert_eq!(right.status, reqwest::StatusCode::BAD_REQUEST);
}
