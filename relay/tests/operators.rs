//! Registry-office operators (R7, docs/rules.md): made on the server's command line, they log in
//! with a password and an SMS code, and the audit trail names who registered each citizen.
//! Through a real relay process and its binary.

mod process;

use process::{RelayProcess, TestCitizen, binary};
use reqwest::StatusCode;
use serde_json::json;
use sqlx::Row;

const PASSWORD: &str = "Ventanilla-azul-2026";
const PHONE: &str = "+34699000111";

fn add_operator(relay: &RelayProcess, name: &str, password: &str) -> std::process::Output {
    std::process::Command::new(binary())
        .args(["office", "add-operator", "--data"])
        .arg(&relay.dir)
        .args(["--name", name, "--phone", PHONE])
        .env("NUBEFIRMA_OPERATOR_PASSWORD", password)
        .output()
        .expect("the binary runs")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r7_a_named_operator_logs_in_with_password_and_sms_and_is_named_in_the_trail() {
    let relay = RelayProcess::start(&[]);
    let short = add_operator(&relay, "maite.agirre", "short");
    assert!(!short.status.success(), "a short password is refused");
    let added = add_operator(&relay, "maite.agirre", PASSWORD);
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let again = add_operator(&relay, "maite.agirre", PASSWORD);
    assert!(!again.status.success(), "one operator per name");

    let login = |name: &'static str, password: &'static str| {
        relay.post(
            "/office/v1/login",
            None,
            json!({ "name": name, "password": password }),
        )
    };
    let wrong = login("maite.agirre", "Not-the-password-1").await;
    let unknown = login("nobody.here", "Not-the-password-1").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.body, unknown.body, "one answer for unknown and wrong");
    let started = login("maite.agirre", PASSWORD).await;
    assert_eq!(started.status, StatusCode::ACCEPTED, "{:?}", started.body);
    let login_id = started.body["loginId"].as_str().expect("id").to_owned();
    let code = relay.last_code(PHONE).await;
    let confirmed = relay
        .post(
            &format!("/office/v1/login/{login_id}/confirm"),
            None,
            json!({ "smsCode": code }),
        )
        .await;
    assert_eq!(confirmed.status, StatusCode::OK, "{:?}", confirmed.body);
    let token = confirmed.body["access_token"].as_str().expect("token");
    // Used once.
    let replay = relay
        .post(
            &format!("/office/v1/login/{login_id}/confirm"),
            None,
            json!({ "smsCode": code }),
        )
        .await;
    assert_eq!(replay.status, StatusCode::BAD_REQUEST);

    let ane = TestCitizen::new(900);
    let registered = relay
        .post(
            "/office/v1/citizens",
            Some(&format!("Bearer {token}")),
            ane.registration(),
        )
        .await;
    assert_eq!(
        registered.status,
        StatusCode::CREATED,
        "{:?}",
        registered.body
    );
    let db = relay.db().await;
    let who: Option<String> = sqlx::query(
        "SELECT operator FROM audit_events WHERE kind = 'citizen_registered' ORDER BY seq DESC LIMIT 1",
    )
    .fetch_one(&db)
    .await
    .expect("entry")
    .get("operator");
    assert_eq!(who.as_deref(), Some("maite.agirre"));
    // A citizen's bearer token is no operator's.
    let refused = relay
        .post(
            "/office/v1/citizens",
            Some("Bearer not-a-session"),
            TestCitizen::new(901).registration(),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r7_five_wrong_passwords_lock_an_operator_out() {
    let relay = RelayProcess::start(&[]);
    assert!(
        add_operator(&relay, "jon.etxeberria", PASSWORD)
            .status
            .success()
    );
    for _ in 0..5 {
        let answer = relay
            .post(
                "/office/v1/login",
                None,
                json!({ "name": "jon.etxeberria", "password": "Not-the-password-1" }),
            )
            .await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    }
    let right = relay
        .post(
            "/office/v1/login",
            None,
            json!({ "name": "jon.etxeberria", "password": PASSWORD }),
        )
        .await;
    assert_eq!(right.status, StatusCode::UNAUTHORIZED, "locked out");
    assert!(relay.sms_to(PHONE).await.is_empty(), "no code was sent");
}

/// R7 under attack: thirty wrong passwords at once for one operator judge at most the five
/// entries of her budget, and leave her locked out (a real relay process, a file database).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn r7_thirty_parallel_wrong_passwords_judge_at_most_five_and_lock_her_out() {
    let relay = RelayProcess::start(&["--office-calls-per-minute", "100000"]);
    assert!(add_operator(&relay, "ane.lasa", PASSWORD).status.success());
    let answers = futures_util::future::join_all((0..30).map(|_| {
        relay.post(
            "/office/v1/login",
            None,
            json!({ "name": "ane.lasa", "password": "Not-the-password-1" }),
        )
    }))
    .await;
    assert!(answers.iter().all(|a| a.status == StatusCode::UNAUTHORIZED));
    let db = relay.db().await;
    let failures: i64 = sqlx::query("SELECT failures FROM operators WHERE name = 'ane.lasa'")
        .fetch_one(&db)
        .await
        .expect("row")
        .get("failures");
    assert_eq!(
        failures, 5,
        "every reserved entry counted, none past the budget"
    );
    let right = relay
        .post(
            "/office/v1/login",
            None,
            json!({ "name": "ane.lasa", "password": PASSWORD }),
        )
        .await;
    assert_eq!(right.status, StatusCode::UNAUTHORIZED, "locked out");
}
