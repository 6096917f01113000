//! `nubefirma verify`: each signature of a detached CAdES `.p7s` checked over the content
//! (`nubefirma_containers::validation`), plus trust: the signer's certificate must chain, through
//! the certificates the container carries, to a certificate of the trust file — each link an
//! ECDSA P-256 / SHA-256 signature over the TBS DER, issuer name equal to the issuer's subject.

use std::path::Path;

use cms::cert::CertificateChoices;
use cms::content_info::ContentInfo;
use cms::signed_data::SignedData;
use const_oid::db::rfc5911::ID_SIGNED_DATA;
use const_oid::db::rfc5912::ECDSA_WITH_SHA_256;
use der::{DateTime, Decode, Encode};
use nubefirma_containers::validation::{SignatureStatus, validate_cades_detached};
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{Signature, VerifyingKey};
use x509_cert::Certificate;

use crate::sign::sha256_of_file;

/// Longest chain followed from the signer to an anchor.
const MAX_CHAIN: usize = 8;

pub fn run(signature: &Path, content: &Path, trust: &Path) -> Result<bool, String> {
    let p7s = std::fs::read(signature)
        .map_err(|e| format!("cannot read {}: {e}", signature.display()))?;
    let pem = std::fs::read(trust).map_err(|e| format!("cannot read {}: {e}", trust.display()))?;
    let anchors = Certificate::load_pem_chain(&pem)
        .map_err(|e| format!("{}: not PEM certificates: {e}", trust.display()))?;
    if anchors.is_empty() {
        return Err(format!("{}: no certificate in it", trust.display()));
    }
    let digest = sha256_of_file(content)?;
    let statuses = validate_cades_detached(&p7s, &digest)
        .map_err(|e| format!("{}: {e}", signature.display()))?;
    let carried = carried_certificates(&p7s)?;
    if statuses.is_empty() {
        println!("{}: no signature in it", signature.display());
        return Ok(false);
    }

    println!(
        "{} over {}: {} signature(s)",
        signature.display(),
        content.display(),
        statuses.len()
    );
    let mut all_hold = true;
    for (index, status) in statuses.iter().enumerate() {
        let trusted = trust_of(status, &carried, &anchors);
        all_hold &= status.holds() && trusted.is_ok();
        report(index + 1, status, &trusted);
    }
    println!(
        "{}",
        if all_hold {
            "RESULT: valid — every signature holds and is trusted"
        } else {
            "RESULT: NOT VALID"
        }
    );
    Ok(all_hold)
}

fn report(number: usize, status: &SignatureStatus, trusted: &Result<String, String>) {
    let yes_no = |b: bool| if b { "yes" } else { "NO" };
    println!("Signature {number}:");
    println!(
        "  signer:         {}",
        status.signer_subject.as_deref().unwrap_or("(unknown)")
    );
    println!("  signing time:   {}", time_text(status.signing_time));
    if let Some(t) = status.timestamp {
        println!("  timestamp:      {}", time_text(Some(t)));
    } else {
        println!("  timestamp:      none (level B)");
    }
    println!(
        "  intact:         {}",
        if status.intact {
            "yes"
        } else {
            "NO — not intact: the content is not the one signed"
        }
    );
    println!("  valid:          {}", yes_no(status.valid));
    println!("  bound:          {}", yes_no(status.signer_bound));
    match trusted {
        Ok(path) => println!("  trusted:        yes ({path})"),
        Err(why) => println!("  trusted:        NO — {why}"),
    }
    for problem in &status.problems {
        println!("  problem:        {problem}");
    }
}

fn time_text(unix: Option<i64>) -> String {
    unix.and_then(|t| u64::try_from(t).ok())
        .and_then(|t| DateTime::from_unix_duration(std::time::Duration::from_secs(t)).ok())
        .map_or_else(|| "(none)".to_owned(), |d| format!("{d} (UTC)"))
}

/// The certificates the container carries.
fn carried_certificates(p7s: &[u8]) -> Result<Vec<Certificate>, String> {
    let info = ContentInfo::from_der(p7s).map_err(|e| format!("not a CMS container: {e}"))?;
    if info.content_type != ID_SIGNED_DATA {
        return Err("not a CMS SignedData container".into());
    }
    let signed_data = info
        .content
        .decode_as::<SignedData>()
        .map_err(|e| format!("SignedData: {e}"))?;
    Ok(signed_data
        .certificates
        .map(|set| {
            set.0
                .into_vec()
                .into_iter()
                .filter_map(|choice| match choice {
                    CertificateChoices::Certificate(c) => Some(c),
                    CertificateChoices::Other(_) => None,
                })
                .collect()
        })
        .unwrap_or_default())
}

/// Ok(the path to an anchor, in words) when the signer's certificate chains to one of
/// `anchors` through `carried`.
fn trust_of(
    status: &SignatureStatus,
    carried: &[Certificate],
    anchors: &[Certificate],
) -> Result<String, String> {
    let der = status
        .signer_certificate
        .as_deref()
        .ok_or("the container does not carry the signer's certificate")?;
    let mut current =
        Certificate::from_der(der).map_err(|e| format!("the signer certificate: {e}"))?;
    let mut path = Vec::new();
    for _ in 0..MAX_CHAIN {
        if anchors.contains(&current) {
            path.push("itself a trust anchor".to_owned());
            return Ok(path.join(" → "));
        }
        let issuer = &current.tbs_certificate.issuer;
        if let Some(anchor) = anchors
            .iter()
            .find(|a| a.tbs_certificate.subject == *issuer && signed_by(&current, a).is_ok())
        {
            path.push(format!("trust anchor {}", anchor.tbs_certificate.subject));
            return Ok(path.join(" → "));
        }
        let candidates: Vec<&Certificate> = carried
            .iter()
            .filter(|c| c.tbs_certificate.subject == *issuer && **c != current)
            .collect();
        if candidates.is_empty() {
            return Err(format!(
                "no certificate of issuer {issuer} in the container or the trust file"
            ));
        }
        let mut last_problem = String::new();
        let mut next = None;
        for candidate in candidates {
            match signed_by(&current, candidate) {
                Ok(()) => {
                    next = Some(candidate.clone());
                    break;
                }
                Err(e) => last_problem = e,
            }
        }
        let Some(next) = next else {
            return Err(format!(
                "the certificate of {} is not signed by its issuer {issuer}: {last_problem}",
                current.tbs_certificate.subject
            ));
        };
        path.push(format!("via {}", next.tbs_certificate.subject));
        current = next;
    }
    Err(format!(
        "no trust anchor within {MAX_CHAIN} certificates of the signer"
    ))
}

/// `cert` carries a valid ecdsa-with-SHA256 signature by `issuer`'s P-256 key over its TBS DER.
fn signed_by(cert: &Certificate, issuer: &Certificate) -> Result<(), String> {
    if cert.signature_algorithm.oid != ECDSA_WITH_SHA_256 {
        return Err(format!(
            "signature algorithm {} is not ecdsa-with-SHA256",
            cert.signature_algorithm.oid
        ));
    }
    let key = VerifyingKey::from_sec1_bytes(
        issuer
            .tbs_certificate
            .subject_public_key_info
            .subject_public_key
            .raw_bytes(),
    )
    .map_err(|_| "the issuer's key is not a P-256 key".to_owned())?;
    let signature = Signature::from_der(cert.signature.raw_bytes())
        .map_err(|_| "the certificate's signature is not a DER ECDSA signature".to_owned())?;
    let tbs = cert
        .tbs_certificate
        .to_der()
        .map_err(|e| format!("TBS certificate: {e}"))?;
    key.verify(&tbs, &signature)
        .map_err(|_| "the signature does not verify".to_owned())
}
