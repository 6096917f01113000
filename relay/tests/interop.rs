//! Clients and checkers nobody here wrote, against a real relay process: pyHanko signs PDFs
//! through `/csc/v1` (one SMS and one authorize for a batch) and validates them.

mod process;

use process::{RelayProcess, TestCitizen};

/// The Python that has the interop tools (pyHanko, Schemathesis): `scripts/setup.sh` makes
/// `.venv` at the workspace root; `NUBEFIRMA_PYTHON` overrides it.
pub fn python() -> std::path::PathBuf {
    if let Ok(path) = std::env::var("NUBEFIRMA_PYTHON") {
        return path.into();
    }
    let venv = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../.venv/bin/python");
    assert!(
        venv.exists(),
        "{} is missing: run scripts/setup.sh (it installs pyHanko and Schemathesis)",
        venv.display()
    );
    venv
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pyhanko_signs_a_batch_of_pdfs_through_csc_v1_with_one_sms() {
    let relay = RelayProcess::start(&[]);
    let ane = TestCitizen::new(1);
    relay.activate(&ane).await;
    let auth = relay.login(&ane).await;
    let credential = relay.create_credential(&ane, &auth).await;
    let sms_before = relay.sms_to(&ane.phone).await.len();

    let out = tempfile::tempdir().expect("tempdir");
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interop/pyhanko_csc_v1.py");
    let output = std::process::Command::new(python())
        .arg(script)
        .args([
            relay.base.as_str(),
            auth.trim_start_matches("Bearer "),
            credential.as_str(),
            ane.phone.as_str(),
        ])
        .arg(relay.data.path().join("ca.pem"))
        .arg(out.path())
        .arg("3")
        .output()
        .expect("python runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "pyHanko failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value =
        serde_json::from_str(stdout.lines().last().unwrap_or_default()).expect("json report");
    assert_eq!(report["authorizations"], 1, "{report}");
    let documents = report["documents"].as_array().expect("documents");
    assert_eq!(documents.len(), 3);
    for doc in documents {
        assert_eq!(
            (&doc["intact"], &doc["valid"], &doc["trusted"]),
            (
                &serde_json::json!(true),
                &serde_json::json!(true),
                &serde_json::json!(true)
            ),
            "{doc}"
        );
        assert!(
            doc["signer"]
                .as_str()
                .unwrap_or_default()
                .contains(&ane.id_number),
            "{doc}"
        );
    }
    assert_eq!(
        relay.sms_to(&ane.phone).await.len(),
        sms_before + 1,
        "one SMS for the whole batch"
    );
}

/// Runs Schemathesis against the relay's own `/openapi.json` with `authorization`, on the
/// operations `filters` select; panics with its report unless it finds no server error.
fn schemathesis(relay: &RelayProcess, authorization: &str, filters: &[&str]) {
    let examples = std::env::var("NUBEFIRMA_SCHEMATHESIS_EXAMPLES").unwrap_or_else(|_| "10".into());
    let schemathesis = python().with_file_name("schemathesis");
    // It keeps a cache where it runs: keep it out of the repository.
    let scratch = tempfile::tempdir().expect("tempdir");
    let output = std::process::Command::new(schemathesis)
        .current_dir(scratch.path())
        .args(["run", &format!("{}/openapi.json", relay.base)])
        .args(["--checks", "not_a_server_error"])
        .args(["--phases", "examples,coverage,fuzzing"])
        .args(["--max-examples", &examples])
        .args(["--workers", "2"])
        .args(["--seed", "20261123"])
        .args(["-H", &format!("Authorization: {authorization}")])
        .args(filters)
        .env("SCHEMATHESIS_HOOKS", "")
        .output()
        .expect("schemathesis runs");
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "schemathesis found problems:\n{report}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(report.contains("passed"), "{report}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schemathesis_finds_no_server_error_anywhere_in_the_openapi_document() {
    let relay = RelayProcess::start(&[
        "--logins-per-minute",
        "100000",
        "--activations-per-minute",
        "100000",
        "--office-calls-per-minute",
        "100000",
    ]);
    let ane = TestCitizen::new(2);
    relay.activate(&ane).await;
    let auth = relay.login(&ane).await;
    relay.create_credential(&ane, &auth).await;
    // As a signed-in citizen, everything but the office, ending her own session or revoking
    // her certificate (those would only turn the rest into 401s), and the binary PKI bodies
    // Schemathesis cannot generate (openssl checks those, in pki_api.rs).
    schemathesis(
        &relay,
        &auth,
        &[
            "--exclude-tag",
            "office",
            "--exclude-operation-id",
            "v1_revoke",
            "--exclude-operation-id",
            "v2_revoke",
            "--exclude-operation-id",
            "credential_revoke",
            "--exclude-operation-id",
            "ocsp_post",
            "--exclude-operation-id",
            "tsa",
        ],
    );
    // As an operator, the office.
    schemathesis(
        &relay,
        &format!("Bearer {}", relay.operator_token()),
        &["--include-tag", "office"],
    );
}

/// PyJWT, a JWT library nobody here wrote, checks an identity assertion as a portal's server
/// would (R27): the signature with the key from the JWKS (fetched from a second relay sharing
/// the database, which must publish the same key), the audience, the issuer and the expiry.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pyjwt_verifies_an_identity_assertion_with_the_relays_jwks() {
    const PORTAL: &str = "http://portal.example";
    let relay = RelayProcess::start(&[
        "--cors-origin",
        PORTAL,
        "--public-url",
        "http://relay.example",
    ]);
    let ane = TestCitizen::new(41);
    relay.activate(&ane).await;
    let auth = relay.login(&ane).await;
    let sent = relay
        .post("/api/v1/session/otp", Some(&auth), serde_json::json!({}))
        .await;
    assert_eq!(sent.status, 202, "{:?}", sent.body);
    let code = relay.last_code(&ane.phone).await;
    let reinforced = relay
        .post(
            "/api/v1/session/reinforce",
            Some(&auth),
            serde_json::json!({ "otp": code }),
        )
        .await;
    assert_eq!(reinforced.status, 200, "{:?}", reinforced.body);
    let answer = process::http_client()
        .post(format!("{}/api/v1/identity/assertion", relay.base))
        .header("authorization", &auth)
        .header("origin", PORTAL)
        .json(&serde_json::json!({ "level": "reinforced", "nonce": "nonce-from-the-portal-server-1" }))
        .send()
        .await
        .expect("relay answers");
    assert_eq!(answer.status(), 200);
    let body: serde_json::Value = answer.json().await.expect("json");
    let assertion = body["assertion"].as_str().expect("assertion").to_owned();

    let second = RelayProcess::start_sharing(&relay, &[]);
    let jwks = second.get_text("/.well-known/jwks.json").await;
    assert_eq!(jwks, relay.get_text("/.well-known/jwks.json").await);
    let check = |audience: &str| {
        let script = r#"
import json, sys, jwt
token, jwks, audience = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]
key = jwt.PyJWKSet.from_dict(jwks)[jwt.get_unverified_header(token)["kid"]]
claims = jwt.decode(token, key=key, algorithms=["ES256"], audience=audience,
                    issuer="http://relay.example", options={"require": ["exp", "iat", "nonce"]})
print(json.dumps(claims))
"#;
        std::process::Command::new(python())
            .args(["-c", script, &assertion, &jwks, audience])
            .output()
            .expect("python runs")
    };
    let output = check(PORTAL);
    assert!(
        output.status.success(),
        "PyJWT refused it:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let claims: serde_json::Value = serde_json::from_slice(&output.stdout).expect("claims as JSON");
    assert_eq!(claims["id_number"], ane.id_number.as_str());
    assert_eq!(claims["acr"], "reinforced");
    assert_eq!(claims["nonce"], "nonce-from-the-portal-server-1");
    // Another portal's server must not accept it.
    let output = check("http://other-portal.example");
    assert!(!output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("InvalidAudience"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
