//! The audit trail (docs/rules.md, "Audit trail") through real relay processes on a file
//! database: a whole journey leaves its events in order; `nubefirma-relay audit verify` finds
//! the chain intact, then names the entry an attacker edited; two relays appending at once on
//! one database keep one unbroken chain.

mod process;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use futures_util::future::join_all;
use process::{RelayProcess, TestCitizen, binary};
use reqwest::StatusCode;
use sha2::{Digest, Sha256};
use sqlx::Row;

const OPEN: &[&str] = &[
    "--logins-per-minute",
    "100000",
    "--office-calls-per-minute",
    "100000",
];

fn verify(dir: &std::path::Path) -> (bool, String) {
    let out = std::process::Command::new(binary())
        .args(["audit", "verify", "--data"])
        .arg(dir)
        .output()
        .expect("audit verify runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

async fn kinds(relay: &RelayProcess) -> Vec<(String, Option<String>)> {
    sqlx::query("SELECT kind, operator FROM audit_events ORDER BY seq")
        .fetch_all(&relay.db().await)
        .await
        .expect("read trail")
        .iter()
        .map(|r| (r.get("kind"), r.get("operator")))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_journey_is_recorded_in_order_and_an_edited_entry_is_named() {
    let mut relay = RelayProcess::start(OPEN);
    let ane = TestCitizen::new(701);
    relay.activate(&ane).await; // registers her first
    assert_eq!(
        relay
            .try_login(&ane.id_number, "not her password")
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let bearer = relay.login(&ane).await;
    let credential = relay.create_credential(&ane, &bearer).await;
    let digest = STANDARD.encode(Sha256::digest(b"la solicitud"));
    let sad = relay
        .sad_for(&ane, &bearer, &credential, std::slice::from_ref(&digest))
        .await;
    let signed = relay
        .post(
            "/csc/v2/signatures/signHash",
            Some(&bearer),
            serde_json::json!({ "credentialID": credential, "SAD": sad, "hashes": [digest],
                "hashAlgorithmOID": "2.16.840.1.101.3.4.2.1", "signAlgo": "1.2.840.10045.4.3.2" }),
        )
        .await;
    assert_eq!(signed.status, StatusCode::OK, "{:?}", signed.body);
    let operator = relay.operator_token();
    let revoked = relay
        .post(
            &format!("/office/v1/credentials/{credential}/revoke"),
            Some(&format!("Bearer {operator}")),
            serde_json::json!({ "reason": "keyCompromise" }),
        )
        .await;
    assert_eq!(revoked.status, StatusCode::OK, "{:?}", revoked.body);

    let trail: Vec<String> = kinds(&relay).await.into_iter().map(|(k, _)| k).collect();
    // The logins that only set her up (activation, certificate) are in there too.
    let expected_order = [
        "citizen_registered",
        "code_sent",
        "citizen_activated",
        "login_failed",
        "login_succeeded",
        "code_sent",
        "credential_issued",
        "code_sent",
        "signature",
        "credential_revoked",
    ];
    let mut at = 0;
    for kind in expected_order {
        let found = trail[at..].iter().position(|k| k == kind);
        assert!(found.is_some(), "{kind} after entry {at} in {trail:?}");
        at += found.unwrap_or(0) + 1;
    }
    let by_operator = kinds(&relay).await;
    assert!(by_operator.contains(&("citizen_registered".into(), Some("operator-token".into()))));
    assert!(by_operator.contains(&("credential_revoked".into(), Some("operator-token".into()))));
    // The signature's entry names the hash it signed; no code or password is anywhere in it.
    let db = relay.db().await;
    let details: Vec<String> = sqlx::query("SELECT detail FROM audit_events ORDER BY seq")
        .fetch_all(&db)
        .await
        .expect("details")
        .iter()
        .map(|r| r.get("detail"))
        .collect();
    assert!(details.iter().any(|d| d.contains(&digest)), "{details:?}");
    assert!(!details.iter().any(|d| d.contains(&ane.password)));
    db.close().await;

    let (ok, said) = verify(&relay.dir);
    assert!(ok, "{said}");
    assert!(said.contains(&format!("{} entries", trail.len())), "{said}");

    // An attacker with the database file rewrites what the fourth entry says.
    relay.kill();
    let rw = sqlx::SqlitePool::connect(&format!("sqlite://{}", relay.db_path().display()))
        .await
        .expect("open rw");
    sqlx::query("UPDATE audit_events SET detail = '{\"why\":\"nothing happened\"}' WHERE seq = 4")
        .execute(&rw)
        .await
        .expect("edit");
    rw.close().await;
    let (ok, said) = verify(&relay.dir);
    assert!(!ok, "{said}");
    assert!(said.contains("BROKEN at entry 4"), "{said}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_relays_on_one_database_append_one_unbroken_chain() {
    let first = RelayProcess::start(OPEN);
    let second = RelayProcess::start_sharing(&first, OPEN);
    let citizens: Vec<TestCitizen> = (0..4).map(|i| TestCitizen::new(720 + i)).collect();
    for citizen in &citizens {
        first.register(citizen).await;
    }
    // 60 failed logins at once, half through each relay: 60 entries, none lost, one chain.
    let attempts = join_all((0..60).map(|i| {
        let relay = if i % 2 == 0 { &first } else { &second };
        let citizen = &citizens[i % citizens.len()];
        relay.try_login(&citizen.id_number, "wrong-password-here")
    }))
    .await;
    assert!(
        attempts
            .iter()
            .all(|a| a.status == StatusCode::UNAUTHORIZED)
    );
    let failed = kinds(&first)
        .await
        .iter()
        .filter(|(k, _)| k == "login_failed")
        .count();
    assert_eq!(failed, 60);
    let (ok, said) = verify(&first.dir);
    assert!(ok, "{said}");
    assert!(said.contains("64 entries"), "{said}");
}
