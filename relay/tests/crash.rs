//! Crash safety: a relay process is killed with SIGKILL in the middle of a few hundred
//! concurrent registrations, activations, wrong codes and signing calls, then started again on
//! the same database: a SQLite file, and a PostgreSQL database on a throwaway cluster. What it answered before dying must still hold: every
//! registration answered 201 is there, no SAD was honoured twice (before or after the crash),
//! no attempt counter went backwards, and the audit chain verifies.

mod process;

#[path = "../src/store/postgres/test_cluster.rs"]
mod test_cluster;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use futures_util::future::join_all;
use process::{Answer, RelayProcess, TestCitizen, binary};
use reqwest::StatusCode;
use sha2::{Digest, Sha256};
use tokio::sync::Mutex;

const OPEN: &[&str] = process::OPEN_LIMITS;

/// Citizens registered during the storm, and signers whose SADs are spent during it.
const REGISTRATIONS: u32 = 200;
const SIGNERS: u32 = 12;
/// Parallel signHash calls on each signer's one SAD.
const SPENDS_PER_SAD: usize = 4;

/// A citizen with a certificate and one unspent SAD over its own hash.
struct Signer {
    auth: String,
    credential: String,
    hashes: Vec<String>,
    sad: String,
}

async fn signer(relay: &RelayProcess, n: u32) -> Signer {
    let citizen = TestCitizen::new(n);
    relay.activate(&citizen).await;
    let auth = relay.login(&citizen).await;
    let credential = relay.create_credential(&citizen, &auth).await;
    let digest = Sha256::digest(format!("document of signer {n}"));
    let hashes = vec![base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        digest,
    )];
    let sad = relay.sad_for(&citizen, &auth, &credential, &hashes).await;
    Signer {
        auth,
        credential,
        hashes,
        sad,
    }
}

/// What the storm saw answered before the relay died.
#[derive(Default)]
struct Seen {
    registered: Vec<String>,
    /// Signatures answered 200, per signer.
    signed: HashMap<u32, usize>,
    /// The lowest `attemptsLeft` a wrong password was answered with.
    fewest_left: Option<u64>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_relay_on_sqlite_killed_mid_storm_keeps_every_answer_it_gave() {
    storm_kill_restart(None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_relay_on_postgresql_killed_mid_storm_keeps_every_answer_it_gave() {
    storm_kill_restart(Some(test_cluster::fresh_database().await)).await;
}

/// The whole test on the relay's SQLite file (`None`) or on the PostgreSQL database `url`.
async fn storm_kill_restart(database_url: Option<String>) {
    let mut args: Vec<&str> = OPEN.to_vec();
    if let Some(url) = &database_url {
        args.extend(["--database-url", url.as_str()]);
    }
    let args = args.as_slice();
    let relay = RelayProcess::start(args);
    let mut signers = Vec::new();
    for n in 0..SIGNERS {
        signers.push(signer(&relay, 7000 + n).await);
    }
    // A citizen whose signing code is being guessed during the storm: each wrong code counts
    // against her account's budget of 5 (R20), and the answers tell how many are left.
    let guessed = TestCitizen::new(7900);
    relay.activate(&guessed).await;
    let guessed_auth = relay.login(&guessed).await;
    let guessed_credential = relay.create_credential(&guessed, &guessed_auth).await;
    let guessed_hashes = vec![base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        Sha256::digest("the guessed document"),
    )];
    let sent = relay
        .post(
            "/csc/v2/credentials/sendOTP",
            Some(&guessed_auth),
            serde_json::json!({ "credentialID": guessed_credential, "hashes": guessed_hashes }),
        )
        .await;
    assert_eq!(sent.status, StatusCode::NO_CONTENT, "{:?}", sent.body);
    let code = relay.last_code(&guessed.phone).await;
    let wrong = format!(
        "{:06}",
        (code.parse::<u32>().expect("digits") + 1) % 1_000_000
    );
    let authorize_wrong = serde_json::json!({ "credentialID": guessed_credential, "numSignatures": 1,
        "hashes": guessed_hashes, "hashAlgorithmOID": "2.16.840.1.101.3.4.2.1", "OTP": wrong });

    let seen = Arc::new(Mutex::new(Seen::default()));
    let relay = Arc::new(relay);
    let mut storm = Vec::new();
    for n in 0..REGISTRATIONS {
        let (relay, seen) = (relay.clone(), seen.clone());
        storm.push(tokio::spawn(async move {
            let citizen = TestCitizen::new(8000 + n);
            let answer = relay
                .try_post(
                    "/office/v1/citizens",
                    Some(&format!("Bearer {}", relay.operator_token())),
                    citizen.registration(),
                )
                .await;
            if let Ok(Answer {
                status: StatusCode::CREATED,
                body,
                ..
            }) = answer
            {
                seen.lock().await.registered.push(citizen.id_number.clone());
                // Half of them go on to activation straight away.
                if n % 2 == 0
                    && let Some(code) = body["activationCode"].as_str()
                {
                    let _ = relay.try_post(
                        "/api/v1/activation/start",
                        None,
                        serde_json::json!({ "idNumber": citizen.id_number, "activationCode": code }),
                    )
                    .await;
                }
            }
        }));
    }
    for (i, s) in signers.iter().enumerate() {
        for _ in 0..SPENDS_PER_SAD {
            let (relay, seen) = (relay.clone(), seen.clone());
            let (auth, credential, sad, hashes) = (
                s.auth.clone(),
                s.credential.clone(),
                s.sad.clone(),
                s.hashes.clone(),
            );
            let index = u32::try_from(i).expect("index");
            storm.push(tokio::spawn(async move {
                let answer = relay
                    .try_post(
                        "/csc/v2/signatures/signHash",
                        Some(&auth),
                        serde_json::json!({ "credentialID": credential, "SAD": sad, "hashes": hashes,
                                "hashAlgorithmOID": "2.16.840.1.101.3.4.2.1", "signAlgo": "1.2.840.10045.4.3.2" }),
                    )
                    .await;
                if matches!(&answer, Ok(a) if a.status == StatusCode::OK) {
                    *seen.lock().await.signed.entry(index).or_default() += 1;
                }
            }));
        }
    }
    // Two wrong codes during the storm (a code dies at its third wrong entry, so the third is
    // left for after the restart).
    for i in 0..2u64 {
        let (relay, seen) = (relay.clone(), seen.clone());
        let (auth, body) = (guessed_auth.clone(), authorize_wrong.clone());
        storm.push(tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(100 * i)).await;
            if let Ok(answer) = relay
                .try_post("/csc/v2/credentials/authorize", Some(&auth), body)
                .await
                && answer.body["codeLive"] == true
                && let Some(left) = answer.body["attemptsLeft"].as_u64()
            {
                let mut seen = seen.lock().await;
                seen.fewest_left = Some(seen.fewest_left.map_or(left, |f| f.min(left)));
            }
        }));
    }

    // Mid-storm (once a fifth of the registrations are answered): SIGKILL, no chance to finish
    // anything.
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while seen.lock().await.registered.len() < REGISTRATIONS as usize / 5 {
        assert!(
            std::time::Instant::now() < deadline,
            "the storm made no progress"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let killed = std::process::Command::new("kill")
        .args(["-KILL", &relay.pid().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    join_all(storm).await;
    let mut relay = Arc::into_inner(relay).expect("the storm is over");
    relay.kill();
    let seen = Arc::into_inner(seen).expect("seen").into_inner();
    assert!(
        !seen.registered.is_empty() && seen.registered.len() < REGISTRATIONS as usize,
        "the kill should land mid-storm: {} of {REGISTRATIONS} registered",
        seen.registered.len()
    );

    // Started again on the same folder.
    let again = RelayProcess::start_sharing(&relay, args);
    let url = database_url.unwrap_or_else(|| format!("sqlite://{}", again.db_path().display()));
    let store = nubefirma_relay::store::Store::open_url(&url)
        .await
        .expect("the relay's database");

    // Every registration answered 201 is there: registering it again is a conflict.
    for id in &seen.registered {
        let mut citizen = TestCitizen::new(0);
        citizen.id_number = id.clone();
        citizen.phone = format!("+3469{}", &id[..7]);
        citizen.email = format!("again.{id}@example.eus");
        let answer = again
            .post(
                "/office/v1/citizens",
                Some(&format!("Bearer {}", again.operator_token())),
                citizen.registration(),
            )
            .await;
        assert_eq!(
            answer.status,
            StatusCode::CONFLICT,
            "{id} lost: {:?}",
            answer.body
        );
    }

    // No SAD honoured twice: at most one 200 before the crash, and none after it for a SAD
    // whose signature the trail already holds.
    let mut after = Vec::new();
    for s in &signers {
        after.push(
            again
                .sign_hash(&s.auth, &s.credential, &s.sad, &s.hashes)
                .await
                .status,
        );
    }
    let trail = audit_trail(&store).await;
    for (i, (s, after)) in signers.iter().zip(after).enumerate() {
        let index = u32::try_from(i).expect("index");
        let before = seen.signed.get(&index).copied().unwrap_or(0);
        assert!(
            before <= 1,
            "signer {index}: {before} signatures from one SAD"
        );
        let entries = trail
            .iter()
            .filter(|e| e.kind == "signature" && e.detail.contains(&s.hashes[0]))
            .count();
        assert!(
            entries <= 1,
            "signer {index}: {entries} signature entries for one SAD"
        );
        if before == 1 {
            assert_eq!(
                entries, 1,
                "signer {index}: a signature answered without its entry"
            );
        }
        if after == StatusCode::OK {
            assert_eq!(
                before, 0,
                "signer {index}: the SAD signed again after the crash"
            );
            assert_eq!(entries, 1);
        }
    }

    // No counter went backwards: the next wrong code is judged and sees fewer entries left than
    // any answer before the crash told.
    let next = again
        .post(
            "/csc/v2/credentials/authorize",
            Some(&guessed_auth),
            authorize_wrong,
        )
        .await;
    let left = next.body["attemptsLeft"].as_u64();
    assert!(left.is_some(), "{:?}", next.body);
    assert!(
        next.body["error_description"]
            .as_str()
            .is_some_and(|d| d.starts_with("wrong code")),
        "{:?}",
        next.body
    );
    if let (Some(fewest), Some(left)) = (seen.fewest_left, left) {
        assert!(
            left < fewest,
            "attempts left went from {fewest} back up to {left}"
        );
    }

    // The audit chain verifies, as read back after the crash and the new entries since.
    let mut verifier = nubefirma_relay::audit::Verifier::default();
    for entry in audit_trail(&store).await {
        if let Err(broken) = verifier.push(&entry) {
            panic!("audit trail broken at {broken}");
        }
    }
    if url.starts_with("sqlite") {
        // And as an operator checks it.
        let verified = std::process::Command::new(binary())
            .args(["audit", "verify", "--data"])
            .arg(&again.dir)
            .output()
            .expect("audit verify");
        assert!(
            verified.status.success(),
            "{}",
            String::from_utf8_lossy(&verified.stderr)
        );
    }
}

/// Every audit entry, oldest first.
async fn audit_trail(store: &nubefirma_relay::store::Store) -> Vec<nubefirma_relay::audit::Entry> {
    let mut all: Vec<nubefirma_relay::audit::Entry> = Vec::new();
    loop {
        let after = all.last().map_or(0, |e| e.seq);
        let page = store.audit_page(after, 1000).await.expect("audit page");
        if page.is_empty() {
            return all;
        }
        all.extend(page);
    }
}
