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
