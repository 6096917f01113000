//! Helpers for driving the relay's router in-process: a fresh in-memory database and a manual
//! clock per test, JSON calls through `tower::ServiceExt::oneshot`, and the citizen journey
//! (register at the office, activate with the SMS code from the dev outbox, log in).

// Each test file uses a different subset of these helpers.
#![allow(dead_code)]

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use http_body_util::BodyExt;
use nubefirma_relay::clock::ManualClock;
use nubefirma_relay::keys::SoftCustody;
use nubefirma_relay::notify::DevOutbox;
use nubefirma_relay::store::Store;
use nubefirma_relay::{Relay, RelayOptions};
use serde_json::{Value, json};
use tower::ServiceExt;

use base64::engine::general_purpose::STANDARD as B64;
use der::Decode;
use nubefirma_protocol::csc::{OID_ECDSA_WITH_SHA256, OID_SHA256};
use sha2::{Digest, Sha256};
use x509_cert::Certificate;

/// 2026-05-28T20:26:40Z: every test starts here and moves time only with `clock.advance`.
pub const START: i64 = 1_780_000_000;
pub const OPERATOR_TOKEN: &str = "operator-token-for-tests-0123456789abcdef";
pub const MASTER_KEY: [u8; 32] = [7u8; 32];
pub const PORTAL_ORIGIN: &str = "http://localhost:8080";

pub struct TestRelay {
    pub app: Router,
    pub clock: ManualClock,
    pub store: Store,
    pub relay: Arc<Relay>,
}

/// A development relay (outbox on) with its own database and clock.
pub async fn relay() -> TestRelay {
    relay_with(true).await
}

pub async fn relay_with(dev: bool) -> TestRelay {
    relay_with_options(RelayOptions { dev, ..options() }).await
}

/// The options every test relay starts from.
pub fn options() -> RelayOptions {
    RelayOptions {
        cors_origins: vec![PORTAL_ORIGIN.into()],
        public_url: "http://relay.test".into(),
        ..RelayOptions::dev(OPERATOR_TOKEN)
    }
}

pub async fn relay_with_options(options: RelayOptions) -> TestRelay {
    let store = Store::in_memory().await.expect("in-memory database");
    relay_on(store, options).await
}

/// A relay on a SQLite file (for tests that read the file as a thief would).
pub async fn relay_on_file(path: &std::path::Path) -> TestRelay {
    let store = Store::open(path).await.expect("file database");
    relay_on(store, options()).await
}

async fn relay_on(store: Store, options: RelayOptions) -> TestRelay {
    let clock = ManualClock::starting_at(START);
    let custody = Arc::new(SoftCustody::new(MASTER_KEY));
    if !options.dev {
        // A production relay starts only after its key ceremony.
        nubefirma_relay::pki::Ca::init(&store, custody.as_ref(), START, &options.public_url)
            .await
            .expect("ca init");
    }
    let relay = Relay::new(
        store.clone(),
        Arc::new(clock.clone()),
        custody,
        Arc::new(DevOutbox::new(store.clone())),
        options,
    )
    .await
    .expect("relay starts");
    TestRelay {
        app: nubefirma_relay::router::app(relay.clone()),
        clock,
        store,
        relay,
    }
}

/// A citizen as the registry office records her. DNI and phone derive from `n`, so two
/// citizens with different `n` never collide (R5, R8).
#[derive(Clone)]
pub struct Citizen {
    pub id_number: String,
    pub given_name: &'static str,
    pub surname: &'static str,
    pub phone: String,
    /// Her own address: an email belongs to one person (R23).
    pub email: String,
    pub password: &'static str,
}

impl Citizen {
    pub fn new(n: u32) -> Self {
        Self {
            id_number: dni(10_000_000 + n),
            given_name: "Lucía",
            surname: "García Pérez",
            phone: format!("+3460000{n:04}"),
            email: format!("lucia.{n}@example.es"),
            password: "Tortuga-azul-57",
        }
    }

    pub fn registration(&self) -> Value {
        json!({
            "idNumber": self.id_number,
            "givenName": self.given_name,
            "surname": self.surname,
            "birthDate": "1990-02-03",
            "phone": self.phone,
            "email": self.email,
        })
    }
}

/// A DNI with its correct check letter.
pub fn dni(number: u32) -> String {
    const LETTERS: &[u8; 23] = b"TRWAGMYFPDXBNJZSQVHLCKE";
    format!("{number:08}{}", char::from(LETTERS[(number % 23) as usize]))
}

pub fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

pub fn basic(user: &str, password: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("{user}:{password}")))
}

impl TestRelay {
    /// One request; the answer's body as JSON (`Null` when empty, a string when not JSON).
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        json: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = Request::builder().method(method).uri(path);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let body = match json {
            Some(value) => {
                request = request.header(header::CONTENT_TYPE, "application/json");
                Body::from(value.to_string())
            }
            None => Body::empty(),
        };
        let (status, _, bytes) = self.send(request.body(body).expect("request")).await;
        (status, body_json(&bytes))
    }

    /// A POST with a JSON body and an optional `Authorization` header.
    pub async fn post(
        &self,
        path: &str,
        authorization: Option<&str>,
        json: Value,
    ) -> (StatusCode, Value) {
        let headers: Vec<(&str, &str)> = authorization
            .map(|a| ("authorization", a))
            .into_iter()
            .collect();
        self.call(Method::POST, path, &headers, Some(json)).await
    }

    /// Any request, answered with status, headers and raw body.
    pub async fn send(&self, request: Request<Body>) -> (StatusCode, HeaderMap, Vec<u8>) {
        let response = self
            .app
            .clone()
            .oneshot(request)
            .await
            .expect("the router is infallible");
        let (parts, body) = response.into_parts();
        let bytes = body
            .collect()
            .await
            .expect("response body")
            .to_bytes()
            .to_vec();
        (parts.status, parts.headers, bytes)
    }

    /// `POST /office/v1/citizens` with the operator token: `(citizenId, activationCode)`.
    pub async fn register(&self, citizen: &Citizen) -> (String, String) {
        let (status, body) = self
            .post(
                "/office/v1/citizens",
                Some(&bearer(OPERATOR_TOKEN)),
                citizen.registration(),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        (
            str_field(&body, "citizenId"),
            str_field(&body, "activationCode"),
        )
    }

    /// Every SMS sent to `phone`, oldest first, from `GET /dev/outbox`.
    pub async fn sms_to(&self, phone: &str) -> Vec<String> {
        let to = phone.replace('+', "%2B").replace(' ', "%20");
        let (status, body) = self
            .call(Method::GET, &format!("/dev/outbox?to={to}"), &[], None)
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body.as_array()
            .expect("outbox is a list")
            .iter()
            .filter(|m| m["channel"] == "sms")
            .map(|m| m["text"].as_str().expect("text").to_owned())
            .collect()
    }

    /// The newest SMS sent to `phone`.
    pub async fn last_sms(&self, phone: &str) -> String {
        self.sms_to(phone).await.pop().expect("an SMS was sent")
    }

    /// `POST /api/v1/activation/start`, asserting success: the activation id.
    pub async fn start_activation(&self, citizen: &Citizen, activation_code: &str) -> String {
        let (status, body) = self
            .post(
                "/api/v1/activation/start",
                None,
                json!({ "idNumber": citizen.id_number, "activationCode": activation_code }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        str_field(&body, "activationId")
    }

    /// `POST /api/v1/activation/complete`, answer as is.
    pub async fn complete_activation(
        &self,
        activation_id: &str,
        sms_code: &str,
        password: &str,
    ) -> (StatusCode, Value) {
        self.post(
            "/api/v1/activation/complete",
            None,
            json!({ "activationId": activation_id, "smsCode": sms_code, "password": password, "acceptTerms": true }),
        )
        .await
    }

    /// Register, start, read the SMS code, complete: an active account, no credential yet.
    pub async fn activate(&self, citizen: &Citizen) {
        let (_, activation_code) = self.register(citizen).await;
        let activation_id = self.start_activation(citizen, &activation_code).await;
        let code = otp_in(&self.last_sms(&citizen.phone).await);
        let (status, body) = self
            .complete_activation(&activation_id, &code, citizen.password)
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }

    /// `POST /csc/v2/auth/login` with HTTP Basic, answer as is.
    pub async fn try_login(&self, id_number: &str, password: &str) -> (StatusCode, Value) {
        self.post(
            "/csc/v2/auth/login",
            Some(&basic(id_number, password)),
            json!({}),
        )
        .await
    }

    /// Logs in, asserting success: the bearer token.
    pub async fn login(&self, citizen: &Citizen) -> String {
        let (status, body) = self.try_login(&citizen.id_number, citizen.password).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        str_field(&body, "access_token")
    }

    /// `POST /api/v1/credentials`, answer as is.
    pub async fn start_credential(&self, token: &str) -> (StatusCode, Value) {
        self.post("/api/v1/credentials", Some(&bearer(token)), json!({}))
            .await
    }

    /// `POST /api/v1/credentials/{challenge}/confirm`, answer as is.
    pub async fn confirm_credential(
        &self,
        token: &str,
        challenge_id: &str,
        sms_code: &str,
    ) -> (StatusCode, Value) {
        self.post(
            &format!("/api/v1/credentials/{challenge_id}/confirm"),
            Some(&bearer(token)),
            json!({ "smsCode": sms_code }),
        )
        .await
    }

    /// Generates her cloud certificate as the SDK does at the first signature (R15, R16):
    /// start, read the SMS code, confirm. The new credential's id.
    pub async fn create_credential(&self, citizen: &Citizen, token: &str) -> String {
        let (status, body) = self.start_credential(token).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
        let challenge = str_field(&body, "challengeId");
        let code = otp_in(&self.last_sms(&citizen.phone).await);
        let (status, body) = self.confirm_credential(token, &challenge, &code).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        str_field(&body, "credentialID")
    }
}

fn body_json(bytes: &[u8]) -> Value {
    if bytes.is_empty() {
        return Value::Null;
    }
    serde_json::from_slice(bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(bytes).into_owned()))
}

pub fn str_field(body: &Value, field: &str) -> String {
    body[field]
        .as_str()
        .unwrap_or_else(|| panic!("no string {field} in {body}"))
        .to_owned()
}

/// The first run of exactly `n` digits in a text (an SMS).
pub fn digits_in(text: &str, n: usize) -> Option<String> {
    text.split(|c: char| !c.is_ascii_digit())
        .find(|run| run.len() == n)
        .map(str::to_owned)
}

/// The six-digit one-time code in an SMS.
pub fn otp_in(sms: &str) -> String {
    digits_in(sms, 6).unwrap_or_else(|| panic!("no 6-digit code in SMS {sms:?}"))
}

/// A six-digit code that is certainly not `code`.
pub fn wrong_code(code: &str) -> String {
    let n: u32 = code.parse().expect("digits");
    format!("{:06}", (n + 1) % 1_000_000)
}

/// Asserts a CSC-shaped error answer and returns its description.
#[track_caller]
pub fn assert_error(answer: &(StatusCode, Value), status: StatusCode, error: &str) -> String {
    let (got_status, body) = answer;
    assert_eq!(
        (*got_status, body["error"].as_str()),
        (status, Some(error)),
        "{body}"
    );
    body["error_description"]
        .as_str()
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| panic!("no error_description in {body}"))
        .to_owned()
}

/// An activated, logged-in citizen and her one credential.
pub struct Signer<'a> {
    pub relay: &'a TestRelay,
    pub citizen: Citizen,
    pub authorization: String,
    pub credential_id: String,
}

pub async fn signer(relay: &TestRelay, n: u32) -> Signer<'_> {
    let citizen = Citizen::new(n);
    relay.activate(&citizen).await;
    let token = relay.login(&citizen).await;
    relay.create_credential(&citizen, &token).await;
    let authorization = bearer(&token);
    let (status, body) = relay
        .post("/csc/v2/credentials/list", Some(&authorization), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let credential_id = body["credentialIDs"][0]
        .as_str()
        .expect("one credential")
        .to_owned();
    Signer {
        relay,
        citizen,
        authorization,
        credential_id,
    }
}

/// SHA-256 of each document, raw.
pub fn digests(documents: &[&str]) -> Vec<[u8; 32]> {
    documents
        .iter()
        .map(|d| Sha256::digest(d.as_bytes()).into())
        .collect()
}

pub fn b64(digests: &[[u8; 32]]) -> Vec<String> {
    digests.iter().map(|d| B64.encode(d)).collect()
}

impl Signer<'_> {
    pub async fn post(&self, method: &str, body: Value) -> (StatusCode, Value) {
        self.relay
            .post(
                &format!("/csc/v2/{method}"),
                Some(&self.authorization),
                body,
            )
            .await
    }

    pub async fn send_otp(&self, hashes: &[String]) -> (StatusCode, Value) {
        self.post(
            "credentials/sendOTP",
            json!({ "credentialID": self.credential_id, "hashes": hashes, "hashAlgorithmOID": OID_SHA256 }),
        )
        .await
    }

    /// sendOTP, asserting success: the OTP from the SMS. Half a minute passes first, as it
    /// does for a person, so the one-code-per-30-s SMS limit never decides a test by accident.
    pub async fn otp_for(&self, hashes: &[String]) -> String {
        self.relay.clock.advance(30);
        let (status, body) = self.send_otp(hashes).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
        otp_in(&self.relay.last_sms(&self.citizen.phone).await)
    }

    pub async fn authorize(&self, hashes: &[String], otp: &str) -> (StatusCode, Value) {
        self.post(
            "credentials/authorize",
            json!({
                "credentialID": self.credential_id, "numSignatures": hashes.len(), "hashes": hashes,
                "hashAlgorithmOID": OID_SHA256, "OTP": otp,
            }),
        )
        .await
    }

    /// sendOTP + authorize, asserting success: the SAD.
    pub async fn sad_for(&self, hashes: &[String]) -> String {
        let otp = self.otp_for(hashes).await;
        let (status, body) = self.authorize(hashes, &otp).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        str_field(&body, "SAD")
    }

    pub async fn sign_hash(&self, sad: &str, hashes: &[String]) -> (StatusCode, Value) {
        self.post(
            "signatures/signHash",
            json!({
                "credentialID": self.credential_id, "SAD": sad, "hashes": hashes,
                "hashAlgorithmOID": OID_SHA256, "signAlgo": OID_ECDSA_WITH_SHA256,
            }),
        )
        .await
    }

    /// `credentials/info` with the whole chain, decoded: leaf first.
    pub async fn chain(&self) -> (Value, Vec<Certificate>) {
        let (status, info) = self
            .post(
                "credentials/info",
                json!({ "credentialID": self.credential_id, "certificates": "chain" }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{info}");
        let certificates = info["cert"]["certificates"]
            .as_array()
            .expect("certificates")
            .iter()
            .map(|c| {
                let der = B64
                    .decode(c.as_str().expect("base64 text"))
                    .expect("base64");
                Certificate::from_der(&der).expect("DER certificate")
            })
            .collect();
        (info, certificates)
    }
}
