//! Attacks that need real parallel requests against a real relay process on a file database
//! (docs/threat-model.md): the in-memory test store has one connection and hides races. Each
//! counter is reserved before judging, so N parallel guesses never judge more than the budget.

mod process;

use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use futures_util::future::join_all;
use process::{Answer, RelayProcess, TestCitizen, binary};
use reqwest::StatusCode;
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::Row;

const OPEN: &[&str] = process::OPEN_LIMITS;

const PARALLEL: usize = 30;

/// One test at a time in this file: each loads both cores, and the timing test must not run
/// beside a flood.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn wrong_code(code: &str) -> String {
    let n: u32 = code.parse().expect("digits");
    format!("{:06}", (n + 1) % 1_000_000)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thirty_parallel_wrong_activation_codes_judge_only_five() {
    let _serial = SERIAL.lock().await;
    let relay = RelayProcess::start(OPEN);
    let ane = TestCitizen::new(1);
    let code = relay.register(&ane).await;
    // The same code with its first symbol changed: certainly wrong.
    let wrong = format!(
        "{}{}",
        if code.starts_with('A') { 'B' } else { 'A' },
        &code[1..]
    );
    let answers = join_all((0..PARALLEL).map(|_| {
        relay.post(
            "/api/v1/activation/start",
            None,
            json!({ "idNumber": ane.id_number, "activationCode": wrong }),
        )
    }))
    .await;
    let mut left: Vec<u64> = answers
        .iter()
        .map(|a| {
            assert_eq!(a.error(), Some("invalid_activation_code"), "{:?}", a.body);
            a.body["attemptsLeft"].as_u64().expect("attemptsLeft")
        })
        .filter(|n| *n > 0)
        .collect();
    left.sort_unstable();
    assert_eq!(left, [1, 2, 3, 4], "each judged entry saw its own count");
    let failures: i64 = sqlx::query("SELECT activation_failures FROM citizens")
        .fetch_one(&relay.db().await)
        .await
        .expect("row")
        .get(0);
    assert_eq!(failures, 5, "exactly the budget was judged");
    // The code is blocked: even the right one is refused now.
    let right = relay
        .post(
            "/api/v1/activation/start",
            None,
            json!({ "idNumber": ane.id_number, "activationCode": code }),
        )
        .await;
    assert_eq!(right.error(), Some("invalid_activation_code"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thirty_parallel_wrong_activation_sms_codes_judge_only_five() {
    let _serial = SERIAL.lock().await;
    let relay = RelayProcess::start(OPEN);
    let ane = TestCitizen::new(2);
    let code = relay.register(&ane).await;
    let started = relay
        .post(
            "/api/v1/activation/start",
            None,
            json!({ "idNumber": ane.id_number, "activationCode": code }),
        )
        .await;
    let activation_id = started.body["activationId"]
        .as_str()
        .expect("id")
        .to_owned();
    let sms_code = relay.last_code(&ane.phone).await;
    let answers = join_all((0..PARALLEL).map(|_| {
        relay.post(
            "/api/v1/activation/complete",
            None,
            json!({ "activationId": activation_id, "smsCode": wrong_code(&sms_code),
                    "password": ane.password, "acceptTerms": true }),
        )
    }))
    .await;
    assert!(answers.iter().all(|a| a.error() == Some("invalid_otp")));
    let judged = answers
        .iter()
        .filter(|a| {
            a.body["error_description"]
                .as_str()
                .is_some_and(|d| d.starts_with("wrong code"))
        })
        .count();
    assert_eq!(judged, 5);
    let attempts: i64 = sqlx::query("SELECT attempts FROM activations")
        .fetch_one(&relay.db().await)
        .await
        .expect("row")
        .get(0);
    assert_eq!(attempts, 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thirty_parallel_otp_guesses_judge_only_the_codes_three_entries() {
    let _serial = SERIAL.lock().await;
    let relay = RelayProcess::start(OPEN);
    let ane = TestCitizen::new(3);
    relay.activate(&ane).await;
    let auth = relay.login(&ane).await;
    let credential = relay.create_credential(&ane, &auth).await;
    let hashes = vec![STANDARD.encode(Sha256::digest(b"contrato"))];
    let sent = relay
        .post(
            "/csc/v2/credentials/sendOTP",
            Some(&auth),
            json!({ "credentialID": credential, "hashes": hashes }),
        )
        .await;
    assert_eq!(sent.status, StatusCode::NO_CONTENT, "{:?}", sent.body);
    let otp = relay.last_code(&ane.phone).await;
    let authorize = |code: String| {
        relay.post(
            "/csc/v2/credentials/authorize",
            Some(&auth),
            json!({ "credentialID": credential, "numSignatures": 1, "hashes": hashes,
                    "hashAlgorithmOID": "2.16.840.1.101.3.4.2.1", "OTP": code }),
        )
    };
    // 29 wrong guesses, then the right code last.
    let mut guesses: Vec<String> = (1..PARALLEL as u32)
        .map(|i| {
            wrong_code(&format!(
                "{:06}",
                (otp.parse::<u32>().expect("n") + i) % 1_000_000
            ))
        })
        .collect();
    guesses.push(otp.clone());
    let answers: Vec<Answer> = join_all(guesses.into_iter().map(authorize)).await;
    let judged_wrong = answers
        .iter()
        .filter(|a| {
            a.body["error_description"]
                .as_str()
                .is_some_and(|d| d.starts_with("wrong code"))
        })
        .count();
    let granted = answers
        .iter()
        .filter(|a| a.status == StatusCode::OK)
        .count();
    assert!(
        judged_wrong + granted <= 3,
        "judged {judged_wrong} wrong + {granted} right: more than the code's 3 entries"
    );
    assert!(
        answers
            .iter()
            .all(|a| a.status == StatusCode::OK || a.error() == Some("invalid_otp")),
        "{answers:?}"
    );
    let db = relay.db().await;
    let otp_failures: i64 = sqlx::query("SELECT otp_failures FROM citizens")
        .fetch_one(&db)
        .await
        .expect("row")
        .get(0);
    assert!(otp_failures <= 3, "{otp_failures}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_password_guesses_never_judge_more_than_the_budget_left() {
    let _serial = SERIAL.lock().await;
    let relay = RelayProcess::start(OPEN);
    // Each round: 4 wrong logins leave one entry; then 29 wrong and the right one at once.
    // Only one of the thirty may be judged, so the right password wins only if it happens to
    // be first (about 1 in 30). The issue saw the walking skeleton, which judged all thirty,
    // give the right password a token in 2 of 3 rounds; on this 2-core machine it did not
    // reproduce (a right password cost two argon2 runs there, so the wrong ones blocked first),
    // so this test is a guard: the deterministic reproductions of the race are the activation
    // and OTP tests above, which judged 20 to 30 entries instead of 5 and 3.
    const ROUNDS: u32 = 4;
    let mut right_won = 0;
    for round in 0..ROUNDS {
        let ane = TestCitizen::new(10 + round);
        relay.activate(&ane).await;
        for _ in 0..4 {
            let a = relay.try_login(&ane.id_number, "Caracol-rojo-00-x").await;
            assert_eq!(a.status, StatusCode::UNAUTHORIZED);
        }
        let mut passwords = vec!["Caracol-rojo-00-x".to_owned(); PARALLEL - 1];
        passwords.push(ane.password.clone());
        let answers = join_all(passwords.iter().map(|p| relay.try_login(&ane.id_number, p))).await;
        let granted = answers
            .iter()
            .filter(|a| a.status == StatusCode::OK)
            .count();
        assert!(granted <= 1);
        right_won += granted;
        let row = sqlx::query("SELECT status, password_failures FROM citizens WHERE id_number = ?")
            .bind(&ane.id_number)
            .fetch_one(&relay.db().await)
            .await
            .expect("row");
        let status: String = row.get(0);
        let failures: i64 = row.get(1);
        if granted == 0 {
            assert_eq!((status.as_str(), failures), ("blocked", 5));
        } else {
            assert_eq!(status, "active");
        }
    }
    assert!(
        right_won <= 1,
        "the right password won {right_won} of {ROUNDS} rounds with one entry left"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_sad_spent_by_ten_parallel_sign_hash_calls_signs_exactly_once() {
    let _serial = SERIAL.lock().await;
    let relay = RelayProcess::start(OPEN);
    let ane = TestCitizen::new(4);
    relay.activate(&ane).await;
    let auth = relay.login(&ane).await;
    let credential = relay.create_credential(&ane, &auth).await;
    let hashes = vec![STANDARD.encode(Sha256::digest(b"contrato"))];
    let sad = relay.sad_for(&ane, &auth, &credential, &hashes).await;
    let answers = join_all((0..10).map(|_| {
        relay.post(
            "/csc/v2/signatures/signHash",
            Some(&auth),
            json!({ "credentialID": credential, "SAD": sad, "hashes": hashes,
                    "hashAlgorithmOID": "2.16.840.1.101.3.4.2.1", "signAlgo": "1.2.840.10045.4.3.2" }),
        )
    }))
    .await;
    let signed = answers
        .iter()
        .filter(|a| a.status == StatusCode::OK)
        .count();
    assert_eq!(signed, 1, "{answers:?}");
    assert!(
        answers
            .iter()
            .all(|a| a.status == StatusCode::OK || a.error() == Some("invalid_sad"))
    );
    // The SAD is spent in the transaction that records it: one entry, none for the refusals.
    let db = relay.db().await;
    let entries: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM audit_events WHERE kind = 'signature' AND detail LIKE ?",
    )
    .bind(format!("%{credential}%"))
    .fetch_one(&db)
    .await
    .expect("count")
    .get("n");
    db.close().await;
    assert_eq!(entries, 1);
}

/// Peak resident memory of a process, from /proc (Linux).
fn peak_rss_mib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_flood_of_logins_for_unknown_ids_keeps_argon2_memory_bounded() {
    let _serial = SERIAL.lock().await;
    let relay = RelayProcess::start(OPEN);
    // 200 logins at once, each an argon2id run of 19 MiB: unbounded, that is ~3.8 GiB.
    let answers = join_all((0..200u32).map(|n| {
        let id = TestCitizen::new(5000 + n).id_number;
        let relay = &relay;
        async move { relay.try_login(&id, "Caracol-verde-0-x").await }
    }))
    .await;
    let odd: Vec<&Answer> = answers
        .iter()
        .filter(|a| a.status != StatusCode::UNAUTHORIZED)
        .collect();
    assert!(odd.is_empty(), "{odd:?}");
    let peak = peak_rss_mib(relay.pid()).expect("VmHWM readable");
    assert!(peak < 200, "peak resident memory {peak} MiB");
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort_unstable();
    samples[samples.len() / 2]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn login_failures_take_the_same_time_whoever_is_asked_about() {
    let _serial = SERIAL.lock().await;
    let relay = RelayProcess::start(OPEN);
    let active = TestCitizen::new(6);
    relay.activate(&active).await;
    let pending = TestCitizen::new(7);
    relay.register(&pending).await;
    let blocked = TestCitizen::new(8);
    relay.activate(&blocked).await;
    for _ in 0..5 {
        relay
            .try_login(&blocked.id_number, "Caracol-rojo-00-x")
            .await;
    }
    let unknown = TestCitizen::new(9).id_number;
    let cases = [
        ("unknown", unknown.as_str(), "Caracol-rojo-00-x"),
        (
            "pending",
            pending.id_number.as_str(),
            pending.password.as_str(),
        ),
        (
            "blocked",
            blocked.id_number.as_str(),
            blocked.password.as_str(),
        ),
        (
            "wrong password",
            active.id_number.as_str(),
            "Caracol-rojo-00-x",
        ),
    ];
    // Interleaved rounds, so a change in the machine's load touches every case alike; 4 wrong
    // entries keep `active` unblocked.
    let mut samples: Vec<Vec<Duration>> = vec![Vec::new(); cases.len()];
    let mut bodies = Vec::new();
    for round in 0..7 {
        for (i, (name, id, password)) in cases.iter().enumerate() {
            if *name == "wrong password" && round >= 4 {
                continue;
            }
            let started = Instant::now();
            let answer = relay.try_login(id, password).await;
            samples[i].push(started.elapsed());
            bodies.push(answer.body.clone());
            assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{name}");
        }
    }
    let medians: Vec<(&str, Duration)> = cases
        .iter()
        .zip(samples)
        .map(|((name, _, _), s)| (*name, median(s)))
        .collect();
    eprintln!("login failure medians: {medians:?}");
    assert!(bodies.iter().all(|b| b == &bodies[0]), "same body for all");
    let slowest = medians.iter().map(|(_, d)| *d).max().expect("some");
    let fastest = medians.iter().map(|(_, d)| *d).min().expect("some");
    // Every case runs one argon2id; a case that skipped it would be several times faster.
    assert!(
        fastest * 2 > slowest,
        "login failures differ in time: {medians:?}"
    );
}

#[test]
fn the_binary_refuses_to_start_with_an_empty_operator_token() {
    let data = tempfile::tempdir().expect("tempdir");
    std::fs::write(data.path().join("operator.token"), "").expect("write");
    let output = std::process::Command::new(binary())
        .args(["serve", "--dev", "--listen", "127.0.0.1:0", "--data"])
        .arg(data.path())
        .output()
        .expect("runs");
    assert!(!output.status.success(), "it started");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("operator token"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_of_a_full_journey_is_in_the_logs_or_the_database_file() {
    let _serial = SERIAL.lock().await;
    let mut relay = RelayProcess::start(&[]);
    let ane = TestCitizen::new(20);
    let activation_code = relay.register(&ane).await;
    let started = relay
        .post(
            "/api/v1/activation/start",
            None,
            json!({ "idNumber": ane.id_number, "activationCode": activation_code }),
        )
        .await;
    let activation_id = started.body["activationId"]
        .as_str()
        .expect("id")
        .to_owned();
    let activation_sms = relay.last_code(&ane.phone).await;
    relay
        .post(
            "/api/v1/activation/complete",
            None,
            json!({ "activationId": activation_id, "smsCode": activation_sms,
                    "password": ane.password, "acceptTerms": true }),
        )
        .await;
    let auth = relay.login(&ane).await;
    let credential = relay.create_credential(&ane, &auth).await;
    let certificate_sms = relay.last_code(&ane.phone).await;
    let hashes = vec![STANDARD.encode(Sha256::digest(b"contrato"))];
    let sad = relay.sad_for(&ane, &auth, &credential, &hashes).await;
    let sms = relay.sms_to(&ane.phone).await;
    let otp = process::six_digits(sms.last().expect("the signing SMS"));
    let signed = relay
        .post(
            "/csc/v2/signatures/signHash",
            Some(&auth),
            json!({ "credentialID": credential, "SAD": sad, "hashes": hashes,
                    "hashAlgorithmOID": "2.16.840.1.101.3.4.2.1", "signAlgo": "1.2.840.10045.4.3.2" }),
        )
        .await;
    assert_eq!(signed.status, StatusCode::OK, "{:?}", signed.body);
    let token = auth.trim_start_matches("Bearer ").to_owned();
    let operator = relay.operator_token();
    drop(relay.db().await);

    let secrets = [
        ("password", ane.password.clone()),
        ("activation code", activation_code.clone()),
        (
            "activation code (typed form)",
            activation_code.replace('-', ""),
        ),
        ("bearer token", token),
        ("SAD", sad),
        ("operator token", operator),
    ];
    let short_codes = [
        ("activation SMS code", activation_sms),
        ("certificate SMS code", certificate_sms),
        ("signing OTP", otp),
    ];
    relay.kill();
    let logs = relay.log.lock().expect("log").join("\n");
    assert!(
        logs.contains("credential issued"),
        "the log was captured: {logs}"
    );
    // The dev outbox keeps SMS texts by design (--dev only): empty it, then read the file as
    // a thief would, with every page rewritten so deleted rows leave no trace either.
    {
        let db = sqlx::SqlitePool::connect(&format!("sqlite://{}", relay.db_path().display()))
            .await
            .expect("open");
        sqlx::query("DELETE FROM outbox")
            .execute(&db)
            .await
            .expect("delete");
        sqlx::query("VACUUM").execute(&db).await.expect("vacuum");
        db.close().await;
    }
    let database = std::fs::read(relay.db_path()).expect("db");
    let contains =
        |haystack: &[u8], needle: &[u8]| haystack.windows(needle.len()).any(|w| w == needle);
    for (what, secret) in &secrets {
        for form in [secret.clone(), STANDARD.encode(secret)] {
            assert!(!logs.contains(&form), "{what} in the logs");
            assert!(
                !contains(&database, form.as_bytes()),
                "{what} in the database file"
            );
        }
    }
    for (what, code) in &short_codes {
        assert!(!logs.contains(code.as_str()), "{what} in the logs");
        assert!(
            !contains(&database, code.as_bytes()),
            "{what} in the database file"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ten_parallel_send_otp_calls_send_one_sms_and_answer_429_to_the_rest() {
    let _serial = SERIAL.lock().await;
    let relay = RelayProcess::start(OPEN);
    let ane = TestCitizen::new(40);
    relay.activate(&ane).await;
    let auth = relay.login(&ane).await;
    let credential = relay.create_credential(&ane, &auth).await;
    let before = relay.sms_to(&ane.phone).await.len();
    let hashes = vec![STANDARD.encode(Sha256::digest(b"contrato"))];
    let answers = join_all((0..10).map(|_| {
        relay.post(
            "/csc/v2/credentials/sendOTP",
            Some(&auth),
            json!({ "credentialID": credential, "hashes": hashes }),
        )
    }))
    .await;
    let sent = answers
        .iter()
        .filter(|a| a.status == StatusCode::NO_CONTENT)
        .count();
    let limited = answers
        .iter()
        .filter(|a| a.status == StatusCode::TOO_MANY_REQUESTS && a.retry_after.is_some())
        .count();
    assert_eq!((sent, limited), (1, 9), "{answers:?}");
    assert_eq!(relay.sms_to(&ane.phone).await.len(), before + 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_certificate_code_confirmed_five_times_at_once_makes_one_certificate() {
    let _serial = SERIAL.lock().await;
    let relay = RelayProcess::start(OPEN);
    let ane = TestCitizen::new(41);
    relay.activate(&ane).await;
    let auth = relay.login(&ane).await;
    let started = relay
        .post("/api/v1/credentials", Some(&auth), json!({}))
        .await;
    let challenge = started.body["challengeId"]
        .as_str()
        .expect("challenge")
        .to_owned();
    let code = relay.last_code(&ane.phone).await;
    let path = format!("/api/v1/credentials/{challenge}/confirm");
    let answers =
        join_all((0..5).map(|_| relay.post(&path, Some(&auth), json!({ "smsCode": code })))).await;
    let created = answers
        .iter()
        .filter(|a| a.status == StatusCode::CREATED)
        .count();
    assert_eq!(created, 1, "{answers:?}");
    let listed = relay
        .post("/csc/v2/credentials/list", Some(&auth), json!({}))
        .await;
    assert_eq!(
        listed.body["credentialIDs"].as_array().map(Vec::len),
        Some(1),
        "{:?}",
        listed.body
    );
}

/// R20's way out is no way around it: thirty parallel guesses at a reset's codes judge at most
/// its three entries, and of five parallel completions with the right codes exactly one sets a
/// password.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_reset_guesses_judge_three_entries_and_one_completion_wins() {
    let _serial = SERIAL.lock().await;
    let relay = RelayProcess::start(OPEN);
    let ane = TestCitizen::new(30);
    relay.activate(&ane).await;
    let start = || {
        relay.post(
            "/api/v1/password-reset",
            None,
            json!({ "idNumber": ane.id_number }),
        )
    };
    let started = start().await;
    assert_eq!(started.status, StatusCode::ACCEPTED, "{:?}", started.body);
    let reset = started.body["resetId"].as_str().expect("id").to_owned();
    let sms = relay.last_code(&ane.phone).await;
    let email = relay.last_code(&ane.email).await;
    let path = format!("/api/v1/password-reset/{reset}/complete");
    let complete = |sms: String, email: String, password: String| {
        relay.post(
            &path,
            None,
            json!({ "smsCode": sms, "emailCode": email, "newPassword": password }),
        )
    };
    let answers = join_all((0..PARALLEL).map(|i| {
        complete(
            wrong_code(&sms),
            email.clone(),
            format!("Nueva-clave-{i}-larga"),
        )
    }))
    .await;
    let judged = answers
        .iter()
        .filter(|a| {
            a.body["error_description"]
                .as_str()
                .is_some_and(|d| d.starts_with("wrong code"))
        })
        .count();
    assert!(judged <= 3, "{judged} judged: {answers:?}");
    assert!(answers.iter().all(|a| a.status == StatusCode::BAD_REQUEST));
    // The reset is dead now: the right codes do nothing.
    let late = complete(sms.clone(), email.clone(), "Nueva-clave-x-larga".into()).await;
    assert_eq!(late.status, StatusCode::BAD_REQUEST, "{:?}", late.body);

    // A new reset (half a minute later in real time is too slow for a test: another citizen).
    let bea = TestCitizen::new(31);
    relay.activate(&bea).await;
    let started = relay
        .post(
            "/api/v1/password-reset",
            None,
            json!({ "idNumber": bea.id_number }),
        )
        .await;
    let reset = started.body["resetId"].as_str().expect("id").to_owned();
    let sms = relay.last_code(&bea.phone).await;
    let email = relay.last_code(&bea.email).await;
    let path = format!("/api/v1/password-reset/{reset}/complete");
    let answers = join_all((0..5).map(|i| {
        relay.post(
            &path,
            None,
            json!({ "smsCode": sms, "emailCode": email, "newPassword": format!("Nueva-clave-{i}-larga") }),
        )
    }))
    .await;
    let won: Vec<usize> = answers
        .iter()
        .enumerate()
        .filter(|(_, a)| a.status == StatusCode::OK)
        .map(|(i, _)| i)
        .collect();
    assert_eq!(won.len(), 1, "{answers:?}");
    let winner = TestCitizen {
        password: format!("Nueva-clave-{}-larga", won[0]),
        ..bea.clone()
    };
    relay.login(&winner).await;
}

/// R24 at once: five operators' revocations and her own of one account race; exactly one
/// revokes it, and her certificate and session go with it.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_revocations_of_one_account_revoke_it_once() {
    let _serial = SERIAL.lock().await;
    let relay = RelayProcess::start(OPEN);
    let ane = TestCitizen::new(40);
    relay.activate(&ane).await;
    let auth = relay.login(&ane).await;
    relay.create_credential(&ane, &auth).await;
    let operator = format!("Bearer {}", relay.operator_token());
    let mut calls = Vec::new();
    for _ in 0..5 {
        calls.push(relay.post(
            "/office/v1/accounts/revoke",
            Some(&operator),
            json!({ "idNumber": ane.id_number, "reason": "keyCompromise" }),
        ));
    }
    calls.push(relay.post(
        "/api/v1/account/revoke",
        Some(&auth),
        json!({ "password": ane.password }),
    ));
    let answers = join_all(calls).await;
    let revoked = answers
        .iter()
        .filter(|a| a.status == StatusCode::OK)
        .count();
    assert_eq!(revoked, 1, "{answers:?}");
    let db = relay.db().await;
    let events: i64 =
        sqlx::query("SELECT COUNT(*) AS n FROM audit_events WHERE kind = 'account_revoked'")
            .fetch_one(&db)
            .await
            .expect("count")
            .get("n");
    assert_eq!(events, 1);
    let live: i64 = sqlx::query("SELECT COUNT(*) AS n FROM credentials WHERE status <> 'revoked'")
        .fetch_one(&db)
        .await
        .expect("count")
        .get("n");
    assert_eq!(live, 0);
    let after = relay
        .post("/csc/v2/credentials/list", Some(&auth), json!({}))
        .await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED, "her session ended");
}

/// The PIN key under a storm (R4): thirty parallel guesses at one PIN judge at most its three
/// entries, and of five parallel logins with the right PIN exactly one opens a session.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_pin_guesses_judge_three_entries_and_one_login_wins() {
    let _serial = SERIAL.lock().await;
    let relay = RelayProcess::start(OPEN);
    let ask = |citizen: &TestCitizen| {
        relay.post(
            "/api/v1/pin",
            None,
            json!({ "idNumber": citizen.id_number, "birthDate": "1988-11-30" }),
        )
    };
    let ane = TestCitizen::new(40);
    relay.activate(&ane).await;
    let asked = ask(&ane).await;
    assert_eq!(asked.status, StatusCode::ACCEPTED, "{:?}", asked.body);
    let pin_id = asked.body["pinId"].as_str().expect("pinId").to_owned();
    let pin = relay.last_code(&ane.phone).await;
    let path = format!("/api/v1/pin/{pin_id}/login");
    let answers = join_all(
        (0..PARALLEL).map(|_| relay.post(&path, None, json!({ "pin": wrong_code(&pin) }))),
    )
    .await;
    let judged = answers
        .iter()
        .filter(|a| {
            a.body["error_description"]
                .as_str()
                .is_some_and(|d| d.starts_with("the PIN is wrong"))
        })
        .count();
    assert!(judged <= 3, "{judged} judged: {answers:?}");
    assert!(answers.iter().all(|a| a.status == StatusCode::BAD_REQUEST));
    // Dead now: the right PIN opens nothing.
    let late = relay.post(&path, None, json!({ "pin": pin })).await;
    assert_eq!(late.status, StatusCode::BAD_REQUEST, "{:?}", late.body);

    let bea = TestCitizen::new(41);
    relay.activate(&bea).await;
    let asked = ask(&bea).await;
    let pin_id = asked.body["pinId"].as_str().expect("pinId").to_owned();
    let pin = relay.last_code(&bea.phone).await;
    let path = format!("/api/v1/pin/{pin_id}/login");
    let answers = join_all((0..5).map(|_| relay.post(&path, None, json!({ "pin": pin })))).await;
    let opened = answers
        .iter()
        .filter(|a| a.status == StatusCode::OK)
        .count();
    assert_eq!(opened, 1, "{answers:?}");
    let db = relay.db().await;
    let sessions: i64 = sqlx::query("SELECT COUNT(*) AS n FROM sessions WHERE auth_key = 'pin'")
        .fetch_one(&db)
        .await
        .expect("count")
        .try_get("n")
        .expect("n");
    assert_eq!(sessions, 1);
}

/// The coordinate card (R21) under a storm: thirty parallel numbers for one asked position
/// judge at most the code's three entries, against a real relay whose card the relay's own
/// `office issue-card` made.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thirty_parallel_card_numbers_judge_only_the_codes_three_entries() {
    let _serial = SERIAL.lock().await;
    let relay = RelayProcess::start(OPEN);
    let ane = TestCitizen::new(50);
    relay.activate(&ane).await;
    let auth = relay.login(&ane).await;
    let credential = relay.create_credential(&ane, &auth).await;
    let issued = std::process::Command::new(binary())
        .args(["office", "issue-card", "--data"])
        .arg(&relay.dir)
        .args(["--id", &ane.id_number])
        .output()
        .expect("runs");
    assert!(issued.status.success(), "{issued:?}");
    let card: serde_json::Value = serde_json::from_slice(&issued.stdout).expect("json");
    let hashes = vec![STANDARD.encode(Sha256::digest(b"contrato"))];
    let sent = relay
        .post(
            "/csc/v2/credentials/sendOTP",
            Some(&auth),
            json!({ "credentialID": credential, "hashes": hashes }),
        )
        .await;
    assert_eq!(sent.status, StatusCode::OK, "{:?}", sent.body);
    let position = sent.body["cardPosition"].as_str().expect("position");
    let right: u32 = card["numbers"][position]
        .as_str()
        .expect("number")
        .parse()
        .expect("digits");
    let answers = join_all((1..=PARALLEL as u32).map(|i| {
        relay.post(
            "/csc/v2/credentials/authorize",
            Some(&auth),
            json!({ "credentialID": credential, "numSignatures": 1, "hashes": hashes,
                    "hashAlgorithmOID": "2.16.840.1.101.3.4.2.1",
                    "OTP": format!("{:03}", (right + i) % 1000) }),
        )
    }))
    .await;
    let judged = answers
        .iter()
        .filter(|a| {
            a.body["error_description"]
                .as_str()
                .is_some_and(|d| d.starts_with("wrong code"))
        })
        .count();
    assert!((1..=3).contains(&judged), "{judged} judged: {answers:?}");
    assert!(answers.iter().all(|a| a.error() == Some("invalid_otp")));
}

/// R23 against a real relay: five registrations with one email address at once, each with its
/// own ID and phone: exactly one account gets it.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn five_parallel_registrations_with_one_email_make_one_account() {
    let _serial = SERIAL.lock().await;
    let relay = RelayProcess::start(OPEN);
    let operator = format!("Bearer {}", relay.operator_token());
    let answers = join_all((60..65).map(|n| {
        let mut registration = TestCitizen::new(n).registration();
        registration["email"] = json!("compartido@example.eus");
        relay.post("/office/v1/citizens", Some(&operator), registration)
    }))
    .await;
    let created = answers
        .iter()
        .filter(|a| a.status == StatusCode::CREATED)
        .count();
    assert_eq!(created, 1, "{answers:?}");
    assert!(
        answers
            .iter()
            .filter(|a| a.status != StatusCode::CREATED)
            .all(|a| a.status == StatusCode::CONFLICT),
        "{answers:?}"
    );
    let db = relay.db().await;
    let holders: i64 =
        sqlx::query("SELECT COUNT(*) FROM citizens WHERE email = 'compartido@example.eus'")
            .fetch_one(&db)
            .await
            .expect("count")
            .get(0);
    assert_eq!(holders, 1);
}

/// R22 against a real relay: two citizens each prove, at the same moment, that the number a
/// third account holds is theirs. One takes it; the third account is revoked once; the other
/// gets 409 and keeps her own number.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_parallel_take_overs_of_one_held_phone_have_one_winner() {
    let _serial = SERIAL.lock().await;
    let relay = RelayProcess::start(OPEN);
    let (ana, bea, holder) = (
        TestCitizen::new(70),
        TestCitizen::new(71),
        TestCitizen::new(72),
    );
    for c in [&ana, &bea, &holder] {
        relay.activate(c).await;
    }
    let mut changes = Vec::new();
    for c in [&ana, &bea] {
        let auth = relay.login(c).await;
        let started = relay
            .post(
                "/api/v1/account/contact",
                Some(&auth),
                json!({ "kind": "phone", "value": holder.phone }),
            )
            .await;
        assert_eq!(started.status, StatusCode::ACCEPTED, "{:?}", started.body);
        assert_eq!(started.body["takenFromAnotherAccount"], true);
        let id = started.body["changeId"].as_str().expect("id").to_owned();
        // The code to the held number, and the one to her current phone.
        let to_held = relay.last_code(&holder.phone).await;
        let to_current = relay.last_code(&c.phone).await;
        changes.push((
            auth,
            format!("/api/v1/account/contact/{id}/confirm"),
            to_held,
            to_current,
        ));
    }
    let answers = join_all(changes.iter().map(|(auth, path, to_held, to_current)| {
        relay.post(
            path,
            Some(auth),
            json!({ "code": to_held, "currentPhoneCode": to_current }),
        )
    }))
    .await;
    let won = answers
        .iter()
        .filter(|a| a.status == StatusCode::OK)
        .count();
    assert_eq!(won, 1, "{answers:?}");
    assert!(
        answers.iter().any(|a| a.status == StatusCode::CONFLICT),
        "{answers:?}"
    );
    let db = relay.db().await;
    let with_number: i64 = sqlx::query("SELECT COUNT(*) FROM citizens WHERE phone = ?")
        .bind(&holder.phone)
        .fetch_one(&db)
        .await
        .expect("count")
        .get(0);
    assert_eq!(with_number, 1);
    let revoked: i64 = sqlx::query(
        "SELECT COUNT(*) FROM audit_events WHERE kind = 'account_revoked' AND detail LIKE '%R22%'",
    )
    .fetch_one(&db)
    .await
    .expect("count")
    .get(0);
    assert_eq!(revoked, 1, "the holder's account is revoked once");
    assert_eq!(
        relay
            .try_login(&holder.id_number, &holder.password)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
}
