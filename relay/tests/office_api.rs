//! `POST /office/v1/citizens`: the registry office registers a citizen (R5, R7–R9).

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{Citizen, OPERATOR_TOKEN, assert_error, bearer, relay};
use serde_json::{Value, json};

const PATH: &str = "/office/v1/citizens";

#[tokio::test]
async fn registration_answers_201_with_citizen_id_and_activation_code() {
    let relay = relay().await;
    let (status, body) = relay
        .post(
            PATH,
            Some(&bearer(OPERATOR_TOKEN)),
            Citizen::new(1).registration(),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert!(
        body["citizenId"].as_str().is_some_and(|id| !id.is_empty()),
        "{body}"
    );
    let code = body["activationCode"].as_str().expect("activationCode");
    let groups: Vec<&str> = code.split('-').collect();
    assert_eq!(groups.len(), 3, "XXXX-XXXX-XXXX, got {code}");
    assert!(
        groups
            .iter()
            .all(|g| g.len() == 4 && g.bytes().all(|b| b.is_ascii_alphanumeric())),
        "{code}"
    );
}

#[tokio::test]
async fn registration_requires_the_operator_token() {
    let relay = relay().await;
    let citizen = Citizen::new(1);
    for authorization in [
        None,
        Some(bearer("not-the-token")),
        Some(OPERATOR_TOKEN.to_owned()),
    ] {
        let answer = relay
            .post(PATH, authorization.as_deref(), citizen.registration())
            .await;
        let why = assert_error(&answer, StatusCode::FORBIDDEN, "access_denied");
        assert!(why.contains("operator"), "{why}");
    }
    // None of the refused calls registered her: the real operator still can.
    relay.register(&citizen).await;
}

#[tokio::test]
async fn a_wrong_dni_check_letter_is_refused_naming_the_right_letter() {
    let relay = relay().await;
    let mut registration = Citizen::new(1).registration();
    registration["idNumber"] = json!("12345678A"); // 12345678 mod 23 = 14 → Z
    let answer = relay
        .post(PATH, Some(&bearer(OPERATOR_TOKEN)), registration)
        .await;
    let why = assert_error(&answer, StatusCode::BAD_REQUEST, "invalid_request");
    assert!(
        why.contains("idNumber") && why.contains("expected Z"),
        "{why}"
    );
}

#[tokio::test]
async fn r5_r8_one_account_per_id_number_and_one_id_number_per_phone() {
    let relay = relay().await;
    let lucia = Citizen::new(1);
    relay.register(&lucia).await;
    let op = bearer(OPERATOR_TOKEN);

    // R5: the same person twice, even typed differently.
    let mut again = lucia.registration();
    again["idNumber"] = json!(lucia.id_number.to_lowercase());
    again["phone"] = json!(Citizen::new(2).phone);
    let why = assert_error(
        &relay.post(PATH, Some(&op), again).await,
        StatusCode::CONFLICT,
        "conflict",
    );
    assert!(why.contains("already registered"), "{why}");

    // R8: her phone for somebody else, written as people type it.
    let mut other = Citizen::new(2).registration();
    other["phone"] = json!("600 00 00 01");
    assert_eq!(lucia.phone, "+34600000001");
    assert_error(
        &relay.post(PATH, Some(&op), other).await,
        StatusCode::CONFLICT,
        "conflict",
    );

    // The second person with her own phone is fine.
    relay.register(&Citizen::new(2)).await;
}

#[tokio::test]
async fn r9_citizens_under_sixteen_are_refused() {
    let relay = relay().await;
    let op = bearer(OPERATOR_TOKEN);
    // The clock reads 2026-05-28: born 2010-05-29 is 16 only tomorrow.
    let mut young = Citizen::new(1).registration();
    young["birthDate"] = json!("2010-05-29");
    let why = assert_error(
        &relay.post(PATH, Some(&op), young).await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    );
    assert!(why.contains("birthDate") && why.contains("16"), "{why}");

    let mut sixteen_today = Citizen::new(1).registration();
    sixteen_today["birthDate"] = json!("2010-05-28");
    let (status, body) = relay.post(PATH, Some(&op), sixteen_today).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

async fn post_raw(relay: &common::TestRelay, body: impl Into<Body>) -> (StatusCode, Value) {
    let request = Request::post(PATH)
        .header(header::AUTHORIZATION, bearer(OPERATOR_TOKEN))
        .header(header::CONTENT_TYPE, "application/json")
        .body(body.into())
        .expect("request");
    let (status, _, bytes) = relay.send(request).await;
    let body = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(&bytes)));
    (status, body)
}

#[tokio::test]
async fn malformed_json_gets_a_csc_shaped_error() {
    let relay = relay().await;
    let answer = post_raw(&relay, r#"{"idNumber": "12345678Z", "givenName": "#).await;
    assert_error(&answer, StatusCode::BAD_REQUEST, "invalid_request");

    // Well-formed JSON with a field missing is refused the same way, naming the field.
    let answer = post_raw(&relay, r#"{"idNumber": "12345678Z"}"#).await;
    let why = assert_error(&answer, StatusCode::BAD_REQUEST, "invalid_request");
    assert!(why.contains("givenName"), "{why}");
}

#[tokio::test]
async fn a_body_over_64_kib_gets_413_in_csc_shape() {
    let relay = relay().await;
    let mut registration = Citizen::new(1).registration();
    registration["email"] = json!("x".repeat(64 * 1024));
    let answer = post_raw(&relay, registration.to_string()).await;
    let why = assert_error(&answer, StatusCode::PAYLOAD_TOO_LARGE, "invalid_request");
    assert!(why.contains("64 KiB"), "{why}");

    // Just under the limit is parsed (and then refused for what it says, not for its size).
    let mut registration = Citizen::new(1).registration();
    let padding = 64 * 1024 - registration.to_string().len() - 200;
    registration["email"] = json!(format!("{}@example.es", "x".repeat(padding)));
    let answer = post_raw(&relay, registration.to_string()).await;
    let why = assert_error(&answer, StatusCode::BAD_REQUEST, "invalid_request");
    assert!(why.contains("email"), "{why}");
}

#[tokio::test]
async fn r7_a_spanish_passport_is_accepted_as_the_id_document_and_recorded() {
    let relay = relay().await;
    let mut registration = Citizen::new(70).registration();
    registration["idDocument"] = json!("passport");
    registration["passportNumber"] = json!("paa123456");
    let (status, body) = relay
        .post(PATH, Some(&bearer(OPERATOR_TOKEN)), registration)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let citizen_id = body["citizenId"].as_str().expect("citizenId");
    let entries = relay.store.audit_of(citizen_id, 10).await.expect("audit");
    let registered = entries
        .iter()
        .find(|e| e.kind == "citizen_registered")
        .expect("registration entry");
    let detail: Value = serde_json::from_str(&registered.detail).expect("json");
    assert_eq!(detail["idDocument"], "passport");
    assert_eq!(detail["passportNumber"], "PAA123456");

    // A passport without its number, with a malformed one, or beside an NIE: refused, nothing
    // registered.
    for (n, id_number, passport) in [
        (71, None, None),
        (72, None, Some("PA1234567")),
        (73, Some("X1234567L"), Some("PAA123456")),
    ] {
        let mut registration = Citizen::new(n).registration();
        if let Some(id) = id_number {
            registration["idNumber"] = json!(id);
        }
        registration["idDocument"] = json!("passport");
        if let Some(number) = passport {
            registration["passportNumber"] = json!(number);
        }
        let answer = relay
            .post(PATH, Some(&bearer(OPERATOR_TOKEN)), registration)
            .await;
        let why = assert_error(&answer, StatusCode::BAD_REQUEST, "invalid_request");
        assert!(why.contains("passport"), "{why}");
        // Nothing was registered: the same person registers once the document is right.
        let (status, body) = relay
            .post(
                PATH,
                Some(&bearer(OPERATOR_TOKEN)),
                Citizen::new(n).registration(),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
}

/// A lost phone cannot receive the code her panel asks of the current one: at the office,
/// ID in hand, an operator gives her account a new mobile (R7, R26).
#[tokio::test]
async fn r7_an_operator_gives_a_new_mobile_to_a_citizen_who_lost_hers() {
    let relay = relay().await;
    let (lucia, other) = (Citizen::new(80), Citizen::new(81));
    relay.activate(&lucia).await;
    relay.activate(&other).await;
    let token = relay.login(&lucia).await;
    let op = bearer(OPERATOR_TOKEN);
    let change = |phone: &str| {
        relay.post(
            "/office/v1/citizens/phone",
            Some(&op),
            json!({ "idNumber": lucia.id_number, "phone": phone }),
        )
    };
    // Another account's number is refused (R8); a bad one gets a clear error; nothing changes.
    assert_error(
        &change(&other.phone).await,
        StatusCode::CONFLICT,
        "conflict",
    );
    assert_error(
        &change("12ab").await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    );
    let (status, body) = change("699 11 22 33").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // The new phone receives her codes, and was told; a citizen's token is no operator's.
    let (status, _) = relay
        .post("/api/v1/session/otp", Some(&bearer(&token)), json!({}))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let sms = relay.sms_to("+34699112233").await;
    assert!(
        sms.iter()
            .any(|t| t.contains("móvil de tu cuenta ha cambiado")),
        "{sms:?}"
    );
    assert!(
        sms.last().is_some_and(|t| t.contains("nivel reforzado")),
        "{sms:?}"
    );
    let refused = relay
        .post(
            "/office/v1/citizens/phone",
            Some(&bearer(&token)),
            json!({ "idNumber": lucia.id_number, "phone": "+34699000000" }),
        )
        .await;
    assert_error(&refused, StatusCode::FORBIDDEN, "access_denied");
}
