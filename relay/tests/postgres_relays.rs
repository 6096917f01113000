//! Three real relay processes (`serve --dev --database-url postgres://…`) sharing one
//! PostgreSQL database on a throwaway cluster (`src/store/postgres/test_cluster.rs`), one master
//! key, one operator token and one CA (they share a data folder; the first made them). Every
//! request of a journey goes to another relay than the one before, and the races are spread
//! over the three: what one relay knows the others must know, and no invariant may depend on
//! a relay's memory. Fails (never skips) when PostgreSQL is not installed: scripts/setup.sh.

mod process;

#[path = "../src/store/postgres/test_cluster.rs"]
mod test_cluster;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use der::Decode;
use futures_util::future::join_all;
use p256::ecdsa::signature::hazmat::PrehashVerifier;
use p256::ecdsa::{Signature, VerifyingKey};
use process::{Answer, RelayProcess, TestCitizen, binary};
use reqwest::StatusCode;
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::Row;
use x509_cert::Certificate;

/// Generous per-address limits: every request comes from 127.0.0.1, and these tests count the
/// per-account counters.
const OPEN: [&str; 6] = [
    "--logins-per-minute",
    "100000",
    "--activations-per-minute",
    "100000",
    "--office-calls-per-minute",
    "100000",
];

/// One test at a time in this file: each runs three relays and floods them.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

struct Relays {
    all: Vec<RelayProcess>,
    url: String,
    db: sqlx::PgPool,
}

impl Relays {
    /// A fresh database and three relays on it. The first starts alone: it makes the master
    /// key, the operator token and the CA; the other two find them.
    async fn start() -> Self {
        let url = test_cluster::fresh_database().await;
        let mut args: Vec<&str> = OPEN.to_vec();
        args.extend(["--database-url", url.as_str()]);
        let first = RelayProcess::start(&args);
        let second = RelayProcess::start_sharing(&first, &args);
        let third = RelayProcess::start_sharing(&first, &args);
        let db = sqlx::PgPool::connect(&url)
            .await
            .expect("the test database");
        Self {
            all: vec![first, second, third],
            url,
            db,
        }
    }

    /// Opens `per_relay` connections to each relay (kept by its client), so that the parallel
    /// calls of a race leave at once instead of one TCP handshake after another.
    async fn warm_up(&self, per_relay: usize) {
        join_all((0..per_relay * self.all.len()).map(|n| self.relay(n).get_text("/healthz"))).await;
    }

    /// The relay `n` (mod 3): consecutive `n` are different relays.
    fn relay(&self, n: usize) -> &RelayProcess {
        &self.all[n % self.all.len()]
    }

    async fn count(&self, sql: &'static str) -> i64 {
        sqlx::query(sql)
            .fetch_one(&self.db)
            .await
            .expect("count")
            .try_get(0)
            .expect("a number")
    }

    /// The audit chain verified twice: through the library's store (PgStore and the
    /// `Verifier`), and by the `nubefirma-relay audit verify` command on a configuration that
    /// names the database. Returns the number of entries.
    async fn verify_audit(&self) -> i64 {
        let store = nubefirma_relay::store::Store::open_url(&self.url)
            .await
            .expect("open the database");
        let mut verifier = nubefirma_relay::audit::Verifier::default();
        loop {
            let (after, _) = verifier.head();
            let page = store.audit_page(after, 500).await.expect("audit page");
            if page.is_empty() {
                break;
            }
            for entry in &page {
                if let Err(broken) = verifier.push(entry) {
                    panic!("the audit chain is broken at {broken}");
                }
            }
        }
        let (entries, _) = verifier.head();

        let folder = tempfile::tempdir().expect("tempdir");
        let config = folder.path().join("relay.toml");
        let text = format!(
            "data = {:?}\n[server]\npublic_url = \"http://127.0.0.1\"\n[database]\nurl = {:?}\n",
            folder.path().join("data").display().to_string(),
            self.url
        );
        std::fs::write(&config, text).expect("config");
        let out = std::process::Command::new(binary())
            .args(["audit", "verify", "--config"])
            .arg(&config)
            .output()
            .expect("audit verify runs");
        let said = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "audit verify: {said}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            said.contains(&format!("audit trail intact: {entries} entries")),
            "{said}"
        );

        // `backup` is SQLite's VACUUM INTO: on PostgreSQL it points at pg_dump, writing nothing.
        let out = folder.path().join("copy.sqlite");
        let backup = std::process::Command::new(binary())
            .args(["backup", "--config"])
            .arg(&config)
            .arg("--out")
            .arg(&out)
            .output()
            .expect("backup runs");
        assert!(!backup.status.success());
        assert!(
            String::from_utf8_lossy(&backup.stderr).contains("pg_dump"),
            "{}",
            String::from_utf8_lossy(&backup.stderr)
        );
        assert!(!out.exists());
        entries
    }
}

fn sha256(text: &str) -> [u8; 32] {
    Sha256::digest(text.as_bytes()).into()
}

fn b64(digests: &[[u8; 32]]) -> Vec<String> {
    digests.iter().map(|d| STANDARD.encode(d)).collect()
}

fn text(answer: &Answer, field: &str) -> String {
    answer.body[field]
        .as_str()
        .unwrap_or_else(|| panic!("no {field} in {:?}", answer.body))
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_signing_journey_hops_relays_and_its_sad_spent_on_three_relays_signs_once() {
    let _serial = SERIAL.lock().await;
    let relays = Relays::start().await;
    let ane = TestCitizen::new(1);

    // Registration on relay 1, activation started on 2, its SMS read on 3, completed on 1.
    let activation_code = relays.relay(0).register(&ane).await;
    let started = relays
        .relay(1)
        .start_activation(&ane, &activation_code)
        .await;
    assert_eq!(started.status, StatusCode::OK, "{:?}", started.body);
    let sms_code = relays.relay(2).last_code(&ane.phone).await;
    let completed = relays
        .relay(0)
        .post(
            "/api/v1/activation/complete",
            None,
            json!({ "activationId": text(&started, "activationId"), "smsCode": sms_code,
                    "password": ane.password, "acceptTerms": true }),
        )
        .await;
    assert_eq!(completed.status, StatusCode::OK, "{:?}", completed.body);

    // Login on 3; her certificate asked on 1 and confirmed on 2.
    let auth = relays.relay(2).login(&ane).await;
    let asked = relays
        .relay(0)
        .post("/api/v1/credentials", Some(&auth), json!({}))
        .await;
    assert_eq!(asked.status, StatusCode::ACCEPTED, "{:?}", asked.body);
    let code = relays.relay(1).last_code(&ane.phone).await;
    let confirmed = relays
        .relay(1)
        .post(
            &format!(
                "/api/v1/credentials/{}/confirm",
                text(&asked, "challengeId")
            ),
            Some(&auth),
            json!({ "smsCode": code }),
        )
        .await;
    assert_eq!(
        confirmed.status,
        StatusCode::CREATED,
        "{:?}",
        confirmed.body
    );
    let credential = text(&confirmed, "credentialID");

    // sendOTP on 2, the OTP read on 1, authorize on 3.
    let documents = [sha256("contrato de alquiler"), sha256("anexo I")];
    let hashes = b64(&documents);
    let sent = relays
        .relay(1)
        .post(
            "/csc/v2/credentials/sendOTP",
            Some(&auth),
            json!({ "credentialID": credential, "hashes": hashes }),
        )
        .await;
    assert_eq!(sent.status, StatusCode::NO_CONTENT, "{:?}", sent.body);
    let otp = relays.relay(0).last_code(&ane.phone).await;
    let authorized = relays
        .relay(2)
        .post(
            "/csc/v2/credentials/authorize",
            Some(&auth),
            json!({ "credentialID": credential, "numSignatures": 2, "hashes": hashes,
                    "hashAlgorithmOID": "2.16.840.1.101.3.4.2.1", "OTP": otp }),
        )
        .await;
    assert_eq!(authorized.status, StatusCode::OK, "{:?}", authorized.body);
    // The SAD spent by ten parallel signHash calls spread over the three relays: one
    // signature, one audit entry, whichever relay wins.
    let sad = text(&authorized, "SAD");
    relays.warm_up(4).await;
    let answers =
        join_all((0..10).map(|n| relays.relay(n).sign_hash(&auth, &credential, &sad, &hashes)))
            .await;
    let signed: Vec<&Answer> = answers
        .iter()
        .filter(|a| a.status == StatusCode::OK)
        .collect();
    assert_eq!(signed.len(), 1, "{answers:?}");
    assert!(
        answers
            .iter()
            .all(|a| a.status == StatusCode::OK || a.error() == Some("invalid_sad")),
        "{answers:?}"
    );
    assert_eq!(
        relays
            .count("SELECT COUNT(*) FROM audit_events WHERE kind = 'signature'")
            .await,
        1,
        "one entry for the signature, none for the refused calls"
    );

    // Her certificate from relay 2; each signature verifies over its own document's hash.
    let info = relays
        .relay(1)
        .post(
            "/csc/v2/credentials/info",
            Some(&auth),
            json!({ "credentialID": credential, "certificates": "chain" }),
        )
        .await;
    assert_eq!(info.status, StatusCode::OK, "{:?}", info.body);
    let leaf = info.body["cert"]["certificates"][0]
        .as_str()
        .expect("her certificate");
    let leaf = Certificate::from_der(&STANDARD.decode(leaf).expect("base64")).expect("DER");
    let key = VerifyingKey::from_sec1_bytes(
        leaf.tbs_certificate
            .subject_public_key_info
            .subject_public_key
            .raw_bytes(),
    )
    .expect("P-256 key");
    let signatures = signed[0].body["signatures"].as_array().expect("signatures");
    assert_eq!(signatures.len(), documents.len());
    for (signature, digest) in signatures.iter().zip(&documents) {
        let der = STANDARD
            .decode(signature.as_str().expect("text"))
            .expect("base64");
        let signature = Signature::from_der(&der).expect("DER ECDSA-Sig-Value");
        key.verify_prehash(digest, &signature)
            .expect("the signature verifies over its hash");
        assert!(key.verify_prehash(&sha256("otro"), &signature).is_err());
    }

    // The SAD stays spent for every relay.
    let again = relays
        .relay(2)
        .sign_hash(&auth, &credential, &sad, &hashes)
        .await;
    assert_eq!(again.error(), Some("invalid_sad"), "{:?}", again.body);
    let entries = relays.verify_audit().await;
    assert!(entries >= 1, "{entries}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_guesses_and_registrations_spread_over_three_relays_keep_the_budgets_and_r23() {
    let _serial = SERIAL.lock().await;
    let relays = Relays::start().await;
    let ane = TestCitizen::new(2);
    relays.relay(0).activate(&ane).await;
    let auth = relays.relay(1).login(&ane).await;
    let credential = relays.relay(2).create_credential(&ane, &auth).await;
    let hashes = b64(&[sha256("contrato")]);
    let sent = relays
        .relay(0)
        .post(
            "/csc/v2/credentials/sendOTP",
            Some(&auth),
            json!({ "credentialID": credential, "hashes": hashes }),
        )
        .await;
    assert_eq!(sent.status, StatusCode::NO_CONTENT, "{:?}", sent.body);
    let otp: u32 = relays
        .relay(1)
        .last_code(&ane.phone)
        .await
        .parse()
        .expect("digits");

    relays.warm_up(10).await;
    // 29 wrong guesses and the right code last, each to the next relay.
    let mut guesses: Vec<String> = (1..30)
        .map(|i| format!("{:06}", (otp + i) % 1_000_000))
        .collect();
    guesses.push(format!("{otp:06}"));
    let answers = join_all(guesses.iter().enumerate().map(|(n, guess)| {
        relays.relay(n).post(
            "/csc/v2/credentials/authorize",
            Some(&auth),
            json!({ "credentialID": credential, "numSignatures": 1, "hashes": hashes,
                    "hashAlgorithmOID": "2.16.840.1.101.3.4.2.1", "OTP": guess }),
        )
    }))
    .await;
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
        answers
            .iter()
            .all(|a| a.status == StatusCode::OK || a.error() == Some("invalid_otp")),
        "{answers:?}"
    );
    // Some entry was judged (the right code may have been the first, and spent the code).
    assert!(judged_wrong + granted >= 1, "{answers:?}");
    assert!(
        judged_wrong + granted <= 3,
        "judged {judged_wrong} wrong + {granted} right: more than the code's 3 entries"
    );
    // Every entry judged was reserved on the code first, and never more than its budget.
    let attempts = relays
        .count("SELECT MAX(attempts) FROM codes WHERE purpose = 'signing'")
        .await;
    assert!(attempts <= 3, "{attempts}");
    assert!(
        attempts >= (judged_wrong + granted) as i64,
        "{attempts} reserved, {judged_wrong} + {granted} judged"
    );
    let otp_failures = relays
        .count("SELECT otp_failures FROM citizens WHERE status = 'active'")
        .await;
    // Each wrong entry judged counted against her account too (a right code judged after
    // them clears the count).
    assert!(otp_failures <= judged_wrong as i64, "{otp_failures}");
    if granted == 0 {
        assert_eq!(otp_failures, judged_wrong as i64);
    }

    // Thirty wrong passwords spread over the relays judge no more than the account's budget.
    let wrong: Vec<String> = (0..30).map(|n| format!("Wrong-password-{n}")).collect();
    let answers = join_all(
        wrong
            .iter()
            .enumerate()
            .map(|(n, password)| relays.relay(n).try_login(&ane.id_number, password)),
    )
    .await;
    assert!(answers.iter().all(|a| a.status != StatusCode::OK));
    let failures = relays
        .count("SELECT password_failures + otp_failures FROM citizens WHERE id_number NOT LIKE 'revoked:%'")
        .await;
    assert!(failures <= 5, "R20's budget of 5: {failures}");

    // Six registrations of different people with one email (letter case apart), at once on
    // the three relays: one account gets the address (R23), the others are conflicts.
    let people: Vec<TestCitizen> = (10..16)
        .map(|n| {
            let mut person = TestCitizen::new(n);
            person.email = if n % 2 == 0 {
                "Shared.Address@example.eus".into()
            } else {
                "shared.address@EXAMPLE.eus".into()
            };
            person
        })
        .collect();
    let token = format!("Bearer {}", relays.relay(0).operator_token());
    let answers = join_all(people.iter().enumerate().map(|(n, person)| {
        relays
            .relay(n)
            .post("/office/v1/citizens", Some(&token), person.registration())
    }))
    .await;
    let made = answers
        .iter()
        .filter(|a| a.status == StatusCode::CREATED)
        .count();
    assert_eq!(made, 1, "{answers:?}");
    assert!(
        answers
            .iter()
            .all(|a| a.status == StatusCode::CREATED || a.status == StatusCode::CONFLICT),
        "{answers:?}"
    );
    assert_eq!(
        relays
            .count(
                "SELECT COUNT(*) FROM citizens WHERE lower(email) = 'shared.address@example.eus'"
            )
            .await,
        1
    );

    relays.verify_audit().await;
}
