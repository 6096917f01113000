//! The legacy coordinate card as a second factor (R21), through the HTTP API: an account with a
//! card is asked the number at a random position instead of an SMS code — to sign, to make a
//! certificate and to reach the reinforced level — with the same budgets (R20); she can switch
//! to SMS codes in her panel, and renewal replaces the card with SMS codes.

mod common;

use axum::http::{Method, StatusCode};
use common::*;
use serde_json::{Value, json};

/// Gives `citizen`'s account a card, as `nubefirma-relay office issue-card` does: her numbers.
async fn issue_card(
    relay: &TestRelay,
    citizen: &Citizen,
) -> std::collections::HashMap<String, String> {
    let card = relay
        .relay
        .issue_card(&citizen.id_number, "test-office")
        .await
        .expect("a card");
    assert_eq!(card.numbers.len(), 16);
    assert!(
        card.numbers
            .iter()
            .all(|(_, n)| n.len() == 3 && n.bytes().all(|b| b.is_ascii_digit()))
    );
    card.numbers
        .into_iter()
        .map(|(p, n)| (p.to_owned(), n))
        .collect()
}

fn position(body: &Value) -> String {
    let p = str_field(body, "cardPosition");
    assert!(
        nubefirma_relay::identity::card::POSITIONS.contains(&p.as_str()),
        "{p}"
    );
    p
}

/// Another number than the one asked: a wrong answer.
fn wrong(numbers: &std::collections::HashMap<String, String>, asked: &str) -> String {
    let right: u32 = numbers[asked].parse().expect("digits");
    format!("{:03}", (right + 1) % 1000)
}

#[tokio::test]
async fn r21_a_card_account_signs_with_the_number_at_the_position_asked_and_no_sms_goes() {
    let relay = relay().await;
    let s = signer(&relay, 1).await;
    let numbers = issue_card(&relay, &s.citizen).await;
    let sms_before = relay.sms_to(&s.citizen.phone).await.len();
    let hashes = b64(&digests(&["contrato.pdf"]));
    relay.clock.advance(31);
    let (status, body) = s.send_otp(&hashes).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let asked = position(&body);
    assert_eq!(
        relay.sms_to(&s.citizen.phone).await.len(),
        sms_before,
        "no SMS"
    );
    // A wrong number counts as a wrong code does (R20: 4 entries left).
    let answer = s.authorize(&hashes, &wrong(&numbers, &asked)).await;
    assert_error(&answer, StatusCode::BAD_REQUEST, "invalid_otp");
    assert_eq!(answer.1["attemptsLeft"], 4, "{}", answer.1);
    let (status, body) = s.authorize(&hashes, &numbers[&asked]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let sad = str_field(&body, "SAD");
    let (status, body) = s.sign_hash(&sad, &hashes).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Positions are drawn anew each time: over a few asks more than one comes up.
    let mut seen = std::collections::HashSet::new();
    for _ in 0..8 {
        relay.clock.advance(31);
        let (_, body) = s.send_otp(&hashes).await;
        seen.insert(position(&body));
    }
    assert!(seen.len() > 1, "{seen:?}");
    // The account says which second factor it has.
    let (_, account) = relay
        .call(
            Method::GET,
            "/api/v1/account",
            &[("authorization", &s.authorization)],
            None,
        )
        .await;
    assert_eq!(account["secondFactor"], "card", "{account}");
}

#[tokio::test]
async fn r21_the_card_also_confirms_a_new_certificate_and_the_reinforced_level() {
    let relay = relay().await;
    let ana = Citizen::new(2);
    relay.activate(&ana).await;
    let numbers = issue_card(&relay, &ana).await;
    let token = relay.login(&ana).await;
    let (status, body) = relay.start_credential(&token).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let asked = position(&body);
    let (status, body) = relay
        .confirm_credential(&token, &str_field(&body, "challengeId"), &numbers[&asked])
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    let (status, body) = relay
        .post("/api/v1/session/otp", Some(&bearer(&token)), json!({}))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let asked = position(&body);
    let (status, body) = relay
        .post(
            "/api/v1/session/reinforce",
            Some(&bearer(&token)),
            json!({ "otp": numbers[&asked] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["level"], "reinforced");
}

#[tokio::test]
async fn r21_she_switches_from_the_card_to_sms_codes_with_her_password() {
    let relay = relay().await;
    let s = signer(&relay, 3).await;
    let numbers = issue_card(&relay, &s.citizen).await;
    let hashes = b64(&digests(&["solicitud.pdf"]));
    relay.clock.advance(31);
    let (_, body) = s.send_otp(&hashes).await;
    let asked = position(&body);
    let switch = |password: &'static str| {
        relay.post(
            "/api/v1/account/second-factor",
            Some(&s.authorization),
            json!({ "password": password }),
        )
    };
    let answer = switch("Not-her-password-1").await;
    assert_error(&answer, StatusCode::FORBIDDEN, "access_denied");
    let (status, body) = switch(s.citizen.password).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["secondFactor"], "sms");
    // The number asked before the switch opens nothing any more; an SMS code now does.
    let answer = s.authorize(&hashes, &numbers[&asked]).await;
    assert_error(&answer, StatusCode::BAD_REQUEST, "invalid_otp");
    let otp = s.otp_for(&hashes).await;
    let (status, body) = s.authorize(&hashes, &otp).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Switching again is refused: nothing to switch from.
    assert_error(
        &switch(s.citizen.password).await,
        StatusCode::CONFLICT,
        "conflict",
    );
}

#[tokio::test]
async fn r21_renewal_replaces_the_card_with_sms_codes() {
    let relay = relay().await;
    let s = signer(&relay, 4).await;
    issue_card(&relay, &s.citizen).await;
    relay
        .clock
        .advance(nubefirma_relay::limits::ACCOUNT_LIFETIME_SECONDS - 10 * 24 * 3600);
    let token = relay.login(&s.citizen).await;
    let (status, body) = relay
        .post(
            "/api/v1/account/renew",
            Some(&bearer(&token)),
            json!({ "password": s.citizen.password }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, account) = relay
        .call(
            Method::GET,
            "/api/v1/account",
            &[("authorization", &bearer(&token))],
            None,
        )
        .await;
    assert_eq!(account["secondFactor"], "sms", "{account}");
    let (status, _) = relay
        .post("/api/v1/session/otp", Some(&bearer(&token)), json!({}))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert!(relay.last_sms(&s.citizen.phone).await.contains("reforzado"));
}
