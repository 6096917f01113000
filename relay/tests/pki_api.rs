//! The PKI services relying parties use, checked by openssl against a real relay process: the
//! CRL (`/pki/crl`), the OCSP responder (`/pki/ocsp`, asked by `openssl ocsp -url` itself) and
//! the RFC 3161 TSA (`/tsa`, and CSC `signatures/timestamp`).

mod process;

use std::path::Path;
use std::process::Command;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use process::{RelayProcess, TestCitizen};
use reqwest::StatusCode;
use serde_json::json;
use sha2::{Digest, Sha256};

fn openssl(args: &[&str]) -> (bool, String) {
    let out = Command::new("openssl")
        .args(args)
        .output()
        .expect("openssl runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn pem(der: &[u8]) -> String {
    let body = STANDARD.encode(der);
    let lines: Vec<&str> = body
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).expect("base64 is ascii"))
        .collect();
    format!(
        "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
        lines.join("\n")
    )
}

/// A citizen with a certificate; her certificate and the chain written as PEM files in `dir`.
struct Holder {
    auth: String,
    credential: String,
    serial: String,
}

async fn holder(relay: &RelayProcess, n: u32, dir: &Path) -> Holder {
    let citizen = TestCitizen::new(n);
    relay.activate(&citizen).await;
    let auth = relay.login(&citizen).await;
    let credential = relay.create_credential(&citizen, &auth).await;
    let info = relay
        .post(
            "/csc/v2/credentials/info",
            Some(&auth),
            json!({ "credentialID": credential, "certificates": "chain", "certInfo": true }),
        )
        .await;
    let certs: Vec<Vec<u8>> = info.body["cert"]["certificates"]
        .as_array()
        .expect("chain")
        .iter()
        .map(|c| STANDARD.decode(c.as_str().expect("text")).expect("base64"))
        .collect();
    std::fs::write(dir.join(format!("cert{n}.pem")), pem(&certs[0])).expect("write");
    std::fs::write(dir.join("issuing.pem"), pem(&certs[1])).expect("write");
    std::fs::write(dir.join("root.pem"), pem(&certs[2])).expect("write");
    std::fs::write(
        dir.join("chain.pem"),
        format!("{}{}", pem(&certs[1]), pem(&certs[2])),
    )
    .expect("write");
    Holder {
        auth,
        credential,
        serial: info.body["cert"]["serialNumber"]
            .as_str()
            .expect("serial")
            .to_owned(),
    }
}

async fn revoke(relay: &RelayProcess, credential: &str, reason: &str) {
    let answer = relay
        .post(
            &format!("/office/v1/credentials/{credential}/revoke"),
            Some(&format!("Bearer {}", relay.operator_token())),
            json!({ "reason": reason }),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openssl_verifies_the_crl_and_finds_a_revoked_certificate_in_it() {
    let relay = RelayProcess::start(&[]);
    let dir = tempfile::tempdir().expect("tempdir");
    let revoked = holder(&relay, 1, dir.path()).await;
    let kept = holder(&relay, 2, dir.path()).await;
    revoke(&relay, &revoked.credential, "keyCompromise").await;

    let crl = relay
        .client
        .get(format!("{}/pki/crl", relay.base))
        .send()
        .await
        .expect("crl");
    assert_eq!(
        crl.headers().get("content-type").map(|v| v.as_bytes()),
        Some(&b"application/pkix-crl"[..])
    );
    let crl_path = dir.path().join("crl.der");
    std::fs::write(&crl_path, crl.bytes().await.expect("body")).expect("write");
    let chain = dir.path().join("chain.pem");
    let (ok, text) = openssl(&[
        "crl",
        "-inform",
        "DER",
        "-in",
        crl_path.to_str().expect("utf8"),
        "-CAfile",
        chain.to_str().expect("utf8"),
        "-noout",
        "-text",
    ]);
    assert!(ok && text.contains("verify OK"), "{text}");
    assert!(text.contains("Next Update"), "{text}");
    assert!(text.contains(&revoked.serial), "{text}");
    assert!(text.contains("Key Compromise"), "{text}");
    assert!(!text.contains(&kept.serial), "{text}");

    // A relying party with the CRL refuses the revoked certificate and accepts the other.
    let crl_pem = dir.path().join("crl.pem");
    let (ok, text) = openssl(&[
        "crl",
        "-inform",
        "DER",
        "-in",
        crl_path.to_str().expect("utf8"),
        "-out",
        crl_pem.to_str().expect("utf8"),
    ]);
    assert!(ok, "{text}");
    let verify = |cert: &str| {
        openssl(&[
            "verify",
            "-crl_check",
            "-CRLfile",
            crl_pem.to_str().expect("utf8"),
            "-CAfile",
            chain.to_str().expect("utf8"),
            dir.path().join(cert).to_str().expect("utf8"),
        ])
    };
    let (ok, text) = verify("cert1.pem");
    assert!(!ok && text.contains("certificate revoked"), "{text}");
    let (ok, text) = verify("cert2.pem");
    assert!(ok, "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openssl_asks_the_ocsp_responder_over_http_good_then_revoked() {
    let relay = RelayProcess::start(&[]);
    let dir = tempfile::tempdir().expect("tempdir");
    let ane = holder(&relay, 3, dir.path()).await;
    let issuing = dir.path().join("issuing.pem");
    let chain = dir.path().join("chain.pem");
    let cert = dir.path().join("cert3.pem");
    let url = format!("{}/pki/ocsp", relay.base);
    let ask = || {
        openssl(&[
            "ocsp",
            "-issuer",
            issuing.to_str().expect("utf8"),
            "-cert",
            cert.to_str().expect("utf8"),
            "-url",
            &url,
            "-CAfile",
            chain.to_str().expect("utf8"),
            "-VAfile",
            issuing.to_str().expect("utf8"),
        ])
    };
    let (ok, text) = ask();
    assert!(ok, "{text}");
    assert!(text.contains("Response verify OK"), "{text}");
    assert!(text.contains(": good"), "{text}");

    revoke(&relay, &ane.credential, "cessationOfOperation").await;
    let (_, text) = ask();
    assert!(text.contains("Response verify OK"), "{text}");
    assert!(text.contains(": revoked"), "{text}");
    assert!(text.contains("cessationOfOperation"), "{text}");

    // Garbage is answered in OCSP's own terms, not with an HTTP error.
    let answer = relay
        .client
        .post(&url)
        .header("content-type", "application/ocsp-request")
        .body(b"not DER".to_vec())
        .send()
        .await
        .expect("answer");
    assert_eq!(answer.status(), StatusCode::OK);
    let resp = dir.path().join("malformed.der");
    std::fs::write(&resp, answer.bytes().await.expect("body")).expect("write");
    let (_, text) = openssl(&[
        "ocsp",
        "-respin",
        resp.to_str().expect("utf8"),
        "-resp_text",
    ]);
    assert!(text.contains("malformedrequest"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openssl_verifies_a_timestamp_from_the_tsa_and_one_from_csc_signatures_timestamp() {
    let relay = RelayProcess::start(&[]);
    let dir = tempfile::tempdir().expect("tempdir");
    let ane = holder(&relay, 4, dir.path()).await;
    let document = dir.path().join("informe.txt");
    std::fs::write(&document, "informe de la comisión").expect("write");
    let query = dir.path().join("req.tsq");
    let (ok, text) = openssl(&[
        "ts",
        "-query",
        "-data",
        document.to_str().expect("utf8"),
        "-sha256",
        "-cert",
        "-out",
        query.to_str().expect("utf8"),
    ]);
    assert!(ok, "{text}");
    let answer = relay
        .client
        .post(format!("{}/tsa", relay.base))
        .header("content-type", "application/timestamp-query")
        .body(std::fs::read(&query).expect("query"))
        .send()
        .await
        .expect("tsa");
    assert_eq!(
        answer.headers().get("content-type").map(|v| v.as_bytes()),
        Some(&b"application/timestamp-reply"[..])
    );
    let reply = dir.path().join("resp.tsr");
    std::fs::write(&reply, answer.bytes().await.expect("body")).expect("write");
    let root = dir.path().join("root.pem");
    let issuing = dir.path().join("issuing.pem");
    let (ok, text) = openssl(&[
        "ts",
        "-verify",
        "-in",
        reply.to_str().expect("utf8"),
        "-queryfile",
        query.to_str().expect("utf8"),
        "-CAfile",
        root.to_str().expect("utf8"),
        "-untrusted",
        issuing.to_str().expect("utf8"),
    ]);
    assert!(ok && text.contains("Verification: OK"), "{text}");

    // CSC signatures/timestamp: a token over a digest, for B-T signatures made in the browser.
    let digest = Sha256::digest(b"signature value");
    let answer = relay
        .post(
            "/csc/v2/signatures/timestamp",
            Some(&ane.auth),
            json!({ "hash": STANDARD.encode(digest), "hashAlgorithmOID": "2.16.840.1.101.3.4.2.1", "nonce": "0a1b2c" }),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
    let token = dir.path().join("token.der");
    std::fs::write(
        &token,
        STANDARD
            .decode(answer.body["timestamp"].as_str().expect("token"))
            .expect("base64"),
    )
    .expect("write");
    let (ok, text) = openssl(&[
        "ts",
        "-verify",
        "-token_in",
        "-in",
        token.to_str().expect("utf8"),
        "-digest",
        &hex::encode(digest),
        "-CAfile",
        root.to_str().expect("utf8"),
        "-untrusted",
        issuing.to_str().expect("utf8"),
    ]);
    assert!(ok && text.contains("Verification: OK"), "{text}");
    let (ok, text) = openssl(&[
        "ts",
        "-verify",
        "-token_in",
        "-in",
        token.to_str().expect("utf8"),
        "-digest",
        &hex::encode(Sha256::digest(b"another value")),
        "-CAfile",
        root.to_str().expect("utf8"),
        "-untrusted",
        issuing.to_str().expect("utf8"),
    ]);
    assert!(!ok, "a token for another digest must not verify: {text}");
}
