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

/// A citizen with a certificate; her certificate and the chain written as PEM files in `dir`
/// (`certN.pem`, `issuing.pem`, `root.pem`, `chain.pem`).
struct Holder {
    auth: String,
    credential: String,
    serial: String,
}

async fn holder(relay: &RelayProcess, n: u32, dir: &Path) -> Holder {
    let held = holder_of(relay, &TestCitizen::new(n), dir).await;
    std::fs::write(dir.join(format!("cert{n}.pem")), pem(&held.chain[0])).expect("write");
    std::fs::write(
        dir.join("chain.pem"),
        format!("{}{}", pem(&held.chain[1]), pem(&held.chain[2])),
    )
    .expect("write");
    let leaf = <x509_cert::Certificate as der::Decode>::from_der(&held.chain[0]).expect("leaf");
    Holder {
        serial: hex::encode_upper(leaf.tbs_certificate.serial_number.as_bytes()),
        auth: held.auth,
        credential: held.credential,
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

/// CAdES-BASELINE-T end to end as the SDK builds it: the container prepared with
/// `nubefirma-containers`, the hash signed by the relay after the SMS code, the signature value
/// time-stamped through CSC `signatures/timestamp`, the token added. openssl verifies the
/// signature and, separately, the token over the signature value; our validator agrees.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cades_b_t_built_around_the_relay_verifies_with_openssl_signature_and_timestamp() {
    use nubefirma_containers::{cades, tsp, validation};

    let relay = RelayProcess::start(&[]);
    let dir = tempfile::tempdir().expect("tempdir");
    let ane = TestCitizen::new(5);
    let h = holder_of(&relay, &ane, dir.path()).await;
    let document = b"Solicitud de licencia de obras, firmada a nivel T.";
    let chain: Vec<Vec<u8>> = h.chain[1..].to_vec();
    let prepared = cades::prepare(&cades::CadesDetachedRequest {
        content_sha256: Sha256::digest(document).into(),
        signer_certificate_der: &h.chain[0],
        chain_der: &chain,
        signing_time_unix_seconds: Some(1_790_000_000),
    })
    .expect("prepare");
    let dtbs = prepared.data_to_be_signed_sha256();
    let hashes = vec![STANDARD.encode(dtbs)];
    let sad = relay.sad_for(&ane, &h.auth, &h.credential, &hashes).await;
    let signed = relay
        .post(
            "/csc/v2/signatures/signHash",
            Some(&h.auth),
            json!({ "credentialID": h.credential, "SAD": sad, "hashes": hashes,
                    "hashAlgorithmOID": "2.16.840.1.101.3.4.2.1", "signAlgo": "1.2.840.10045.4.3.2" }),
        )
        .await;
    let signature = STANDARD
        .decode(signed.body["signatures"][0].as_str().expect("signature"))
        .expect("base64");
    let p7s_b = prepared.finish(&signature).expect("finish");

    let imprint = tsp::signature_imprint(&p7s_b).expect("imprint");
    let stamped = relay
        .post(
            "/csc/v2/signatures/timestamp",
            Some(&h.auth),
            json!({ "hash": STANDARD.encode(imprint), "hashAlgorithmOID": "2.16.840.1.101.3.4.2.1" }),
        )
        .await;
    assert_eq!(stamped.status, StatusCode::OK, "{:?}", stamped.body);
    let token = STANDARD
        .decode(stamped.body["timestamp"].as_str().expect("token"))
        .expect("base64");
    let p7s_t = tsp::add_signature_timestamp(&p7s_b, &token).expect("level T");
    assert!(
        tsp::add_signature_timestamp(&p7s_b, &token[..token.len() - 1]).is_err(),
        "a broken token is refused"
    );

    // openssl: the CAdES signature (with signing-certificate-v2) ...
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).expect("write");
        path.to_str().expect("utf8").to_owned()
    };
    let doc = write("doc.txt", document);
    let p7s = write("doc.p7s", &p7s_t);
    let root = dir.path().join("root.pem");
    let issuing = dir.path().join("issuing.pem");
    let cms_verify = |content: &str| {
        openssl(&[
            "cms",
            "-verify",
            "-cades",
            "-binary",
            "-inform",
            "DER",
            "-in",
            &p7s,
            "-content",
            content,
            "-CAfile",
            root.to_str().expect("utf8"),
            "-certfile",
            issuing.to_str().expect("utf8"),
            "-purpose",
            "any",
            "-out",
            "/dev/null",
        ])
    };
    let (ok, text) = cms_verify(&doc);
    assert!(ok, "{text}");
    // ... and the timestamp token over the signature value.
    let token_path = write("token.der", &token);
    let (ok, text) = openssl(&[
        "ts",
        "-verify",
        "-token_in",
        "-in",
        &token_path,
        "-digest",
        &hex::encode(imprint),
        "-CAfile",
        root.to_str().expect("utf8"),
        "-untrusted",
        issuing.to_str().expect("utf8"),
    ]);
    assert!(ok && text.contains("Verification: OK"), "{text}");
    // One byte of the document changed: openssl refuses.
    let other = write(
        "other.txt",
        b"Solicitud de licencia de obras, firmada a nivel t.",
    );
    let (ok, _) = cms_verify(&other);
    assert!(!ok);

    let status = &validation::validate_cades_detached(&p7s_t, &Sha256::digest(document).into())
        .expect("structure")[0];
    assert!(status.holds(), "{:?}", status.problems);
    assert!(status.timestamp.is_some());
}

struct HolderChain {
    auth: String,
    credential: String,
    chain: Vec<Vec<u8>>,
}

/// Activates `citizen` and makes her certificate: her session, the credential and the chain as
/// DER (leaf, issuing, root); writes `issuing.pem` and `root.pem` in `dir`.
async fn holder_of(relay: &RelayProcess, citizen: &TestCitizen, dir: &Path) -> HolderChain {
    relay.activate(citizen).await;
    let auth = relay.login(citizen).await;
    let credential = relay.create_credential(citizen, &auth).await;
    let info = relay
        .post(
            "/csc/v2/credentials/info",
            Some(&auth),
            json!({ "credentialID": credential, "certificates": "chain" }),
        )
        .await;
    let chain: Vec<Vec<u8>> = info.body["cert"]["certificates"]
        .as_array()
        .expect("chain")
        .iter()
        .map(|c| STANDARD.decode(c.as_str().expect("text")).expect("base64"))
        .collect();
    std::fs::write(dir.join("issuing.pem"), pem(&chain[1])).expect("write");
    std::fs::write(dir.join("root.pem"), pem(&chain[2])).expect("write");
    HolderChain {
        auth,
        credential,
        chain,
    }
}

/// The SDK's OCSP client (`containers::revocation`, what the browser's verify uses) against the
/// real responder: good, then revoked with its reason; an answer with one byte changed, or to
/// another nonce, is not believed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sdks_ocsp_client_reads_good_then_revoked_and_believes_no_forged_answer() {
    use nubefirma_containers::revocation::{Revocation, ocsp_request, read_ocsp_response};

    let relay = RelayProcess::start(&[]);
    let dir = tempfile::tempdir().expect("tempdir");
    let held = holder_of(&relay, &TestCitizen::new(9), dir.path()).await;
    let (leaf, issuing) = (&held.chain[0], &held.chain[1]);
    let ask = |nonce: [u8; 8]| {
        let request = ocsp_request(leaf, issuing, &nonce).expect("request");
        let client = relay.client.clone();
        let url = format!("{}/pki/ocsp", relay.base);
        async move {
            let answer = client
                .post(url)
                .header("content-type", "application/ocsp-request")
                .body(request)
                .send()
                .await
                .expect("answer");
            assert_eq!(answer.status(), StatusCode::OK);
            answer.bytes().await.expect("body").to_vec()
        }
    };

    let good = ask([1; 8]).await;
    assert!(matches!(
        read_ocsp_response(&good, leaf, issuing, &[1; 8]),
        Ok(Revocation::Good { .. })
    ));
    // Replayed to a request with another nonce: refused.
    let replayed = read_ocsp_response(&good, leaf, issuing, &[2; 8]).unwrap_err();
    assert!(replayed.contains("nonce"), "{replayed}");
    // One byte of the signed response data changed: the signature no longer verifies.
    let mut forged = good.clone();
    let at = forged.len() - 80;
    forged[at] ^= 0x01;
    assert!(read_ocsp_response(&forged, leaf, issuing, &[1; 8]).is_err());
    // Asked about the issuing CA's certificate as if the root were its issuer... of the leaf:
    // the root did not sign this answer.
    assert!(read_ocsp_response(&good, leaf, &held.chain[2], &[1; 8]).is_err());

    revoke(&relay, &held.credential, "keyCompromise").await;
    let revoked = ask([3; 8]).await;
    match read_ocsp_response(&revoked, leaf, issuing, &[3; 8]) {
        Ok(Revocation::Revoked { time, reason }) => {
            assert!(time > 1_700_000_000, "{time}");
            assert_eq!(reason.as_deref(), Some("KeyCompromise"));
        }
        other => panic!("expected revoked, got {other:?}"),
    }
}

/// R24: revoking the whole account puts her certificate in the CRL too, which openssl checks.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r24_a_revoked_account_s_certificate_is_in_the_crl() {
    let relay = RelayProcess::start(&[]);
    let dir = tempfile::tempdir().expect("tempdir");
    let held = holder(&relay, 24, dir.path()).await;
    let answer = relay
        .post(
            "/office/v1/accounts/revoke",
            Some(&format!("Bearer {}", relay.operator_token())),
            json!({ "idNumber": TestCitizen::new(24).id_number, "reason": "cessationOfOperation" }),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
    let crl = relay
        .client
        .get(format!("{}/pki/crl", relay.base))
        .send()
        .await
        .expect("crl");
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
    assert!(text.contains(&held.serial), "{text}");
    assert!(text.contains("Cessation Of Operation"), "{text}");
}
