//! What `verify` tells a portal about each signature: the container's status
//! (`nubefirma_containers::validation`) and its trust (`nubefirma_containers::trust`), as one
//! plain object per signature. Pure, so it is tested natively.

use der::DateTime;
use der::Encode;
use nubefirma_containers::revocation::{Revocation, ocsp_request, read_ocsp_response};
use nubefirma_containers::trust::{anchors_from_pem, signed_by};
use nubefirma_containers::verify::{Checked, verify};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SignatureReport {
    /// Every check passed: intact, valid, bound to its certificate, trusted, and the
    /// certificate within its validity when it signed.
    pub ok: bool,
    /// The container: `CAdES (detached)`, `CAdES (attached)`, `PAdES`, `XAdES`, `ASiC-E`.
    pub format: String,
    pub intact: bool,
    pub valid: bool,
    pub signer_bound: bool,
    pub trusted: bool,
    /// The path to the trust anchor, or why there is none.
    pub trust: String,
    /// The signer's certificate was within its validity at the signature's time (the
    /// timestamp's when there is one).
    pub certificate_valid: bool,
    /// What the signature covers, when more than the one document (e.g. an ASiC-E's files).
    pub covers: Vec<String>,
    /// The signer certificate's revocation status from the relay's OCSP responder: `good`,
    /// `revoked …`, `unknown`, or `not checked: …` (responder unreachable, no issuer).
    pub revocation: String,
    pub signer: Option<String>,
    /// RFC 3339, UTC.
    pub signing_time: Option<String>,
    /// The time of a signature timestamp (level T), RFC 3339, UTC.
    pub timestamp: Option<String>,
    /// The timestamp's TSA signed it and chains to the trust anchors (false without one).
    pub timestamp_trusted: bool,
    pub problems: Vec<String>,
}

fn rfc3339(unix: Option<i64>) -> Option<String> {
    let secs = u64::try_from(unix?).ok()?;
    DateTime::from_unix_duration(std::time::Duration::from_secs(secs))
        .ok()
        .map(|d| d.to_string())
}

fn report_of(
    format: &str,
    checked: Checked,
    trust: Result<String, String>,
    anchors: &[x509_cert::Certificate],
) -> SignatureReport {
    let certificate_valid = checked.certificate_valid_at_signing(anchors);
    let timestamp_trust = checked.trusted_timestamp(anchors);
    let status = checked.status;
    let trusted = trust.is_ok();
    let mut problems = status.problems;
    // A token anyone could have added proves no time: one whose TSA is not trusted fails.
    let timestamp_trusted = match timestamp_trust {
        Some(Ok(_)) => true,
        Some(Err(why)) => {
            problems.push(why);
            false
        }
        None => false,
    };
    let trust = match trust {
        Ok(path) => path,
        Err(why) => {
            problems.push(format!("not trusted: {why}"));
            why
        }
    };
    let certificate_valid = match certificate_valid {
        Some(Ok(())) => true,
        Some(Err(why)) => {
            problems.push(why);
            false
        }
        None => {
            problems.push("the signature shows no time to judge the certificate at".into());
            false
        }
    };
    SignatureReport {
        ok: status.intact
            && status.valid
            && status.signer_bound
            && trusted
            && certificate_valid
            && problems.is_empty(),
        format: format.to_owned(),
        intact: status.intact,
        valid: status.valid,
        signer_bound: status.signer_bound,
        trusted,
        trust,
        certificate_valid,
        covers: checked.covers,
        revocation: "not checked".into(),
        signer: status.signer_subject,
        signing_time: rfc3339(status.signing_time),
        timestamp: rfc3339(status.timestamp),
        timestamp_trusted,
        problems,
    }
}

/// A report for each signature of `container` (any format; a detached CAdES signature needs
/// `content_sha256`, its document's), trusted when it chains to `anchors_pem`. A damaged file
/// gives one report saying what is wrong, never an error.
pub fn verify_container(
    container: &[u8],
    content_sha256: Option<&[u8; 32]>,
    anchors_pem: &str,
) -> Vec<SignatureReport> {
    verify_with_questions(container, content_sha256, anchors_pem)
        .into_iter()
        .map(|(report, _)| report)
        .collect()
}

/// What to ask an OCSP responder about one signer: her certificate and its issuer, DER.
#[derive(Debug, Clone)]
pub struct OcspQuestion {
    pub certificate: Vec<u8>,
    pub issuer: Vec<u8>,
    /// The time the signature is proven to exist (its timestamp, from a trusted TSA), Unix
    /// seconds.
    proven_at: Option<i64>,
}

impl OcspQuestion {
    /// The DER request, with the caller's random `nonce`.
    pub fn request(&self, nonce: &[u8]) -> Result<Vec<u8>, String> {
        ocsp_request(&self.certificate, &self.issuer, nonce)
    }
}

/// Puts the responder's answer (or why there is none) into `report`. A certificate revoked
/// before the signature's timestamp — or, with no timestamp to prove when it signed, revoked
/// at all — fails the report.
pub fn apply_revocation(
    report: &mut SignatureReport,
    question: &OcspQuestion,
    answer: Result<Vec<u8>, String>,
    nonce: &[u8],
) {
    let read = answer
        .and_then(|der| read_ocsp_response(&der, &question.certificate, &question.issuer, nonce));
    report.revocation = match read {
        Ok(Revocation::Good { .. }) => "good".into(),
        Ok(Revocation::Unknown) => "unknown to the responder".into(),
        Ok(Revocation::Revoked { time, reason }) => {
            let when = rfc3339(Some(time)).unwrap_or_default();
            let text = match reason {
                Some(reason) => format!("revoked {when} ({reason})"),
                None => format!("revoked {when}"),
            };
            let before_signing = question.proven_at.is_none_or(|proven| time <= proven);
            if before_signing {
                report.ok = false;
                report
                    .problems
                    .push(format!("the signer's certificate was {text}"));
            }
            text
        }
        Err(why) => format!("not checked: {why}"),
    };
}

/// Like [`verify_container`], with each report's OCSP question (when its issuer is known).
pub fn verify_with_questions(
    container: &[u8],
    content_sha256: Option<&[u8; 32]>,
    anchors_pem: &str,
) -> Vec<(SignatureReport, Option<OcspQuestion>)> {
    let broken = |why: String| SignatureReport {
        ok: false,
        format: String::new(),
        intact: false,
        valid: false,
        signer_bound: false,
        trusted: false,
        trust: why.clone(),
        certificate_valid: false,
        covers: Vec::new(),
        revocation: "not checked".into(),
        signer: None,
        signing_time: None,
        timestamp: None,
        timestamp_trusted: false,
        problems: vec![why],
    };
    let verified = match verify(container, content_sha256) {
        Ok(verified) => verified,
        Err(e) => return vec![(broken(e.to_string()), None)],
    };
    let anchors = match anchors_from_pem(anchors_pem) {
        Ok(anchors) => anchors,
        Err(e) => return vec![(broken(format!("trust anchors: {e}")), None)],
    };
    if verified.signatures.is_empty() {
        return vec![(
            broken(format!("{}: no signature in it", verified.kind)),
            None,
        )];
    }
    let format = verified.kind.to_string();
    verified
        .signatures
        .into_iter()
        .map(|checked| {
            let question = ocsp_question(&checked, &anchors);
            let trust = checked.trust(&anchors);
            (report_of(&format, checked, trust, &anchors), question)
        })
        .collect()
}

/// The signer's certificate and the issuer that really signed it, among the certificates the
/// container carries and the trust anchors.
fn ocsp_question(checked: &Checked, anchors: &[x509_cert::Certificate]) -> Option<OcspQuestion> {
    use der::Decode;
    let certificate = checked.status.signer_certificate.clone()?;
    let cert = x509_cert::Certificate::from_der(&certificate).ok()?;
    let issuer = checked
        .carried
        .iter()
        .chain(anchors)
        .find(|c| {
            c.tbs_certificate.subject == cert.tbs_certificate.issuer && signed_by(&cert, c).is_ok()
        })?
        .to_der()
        .ok()?;
    Some(OcspQuestion {
        certificate,
        issuer,
        proven_at: checked.proven_time(anchors),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_and_bad_anchors_give_a_report_not_a_panic() {
        let reports = verify_container(b"not a signature", Some(&[0u8; 32]), "");
        assert_eq!(reports.len(), 1);
        assert!(!reports[0].ok);
        assert!(reports[0].problems[0].contains("not a readable signed container"));
        let reports = verify_container(b"%PDF-1.7 broken", None, "");
        assert!(!reports[0].ok);
    }

    #[test]
    fn times_are_rfc3339_utc() {
        assert_eq!(
            rfc3339(Some(1_715_941_230)).as_deref(),
            Some("2024-05-17T10:20:30Z")
        );
        assert_eq!(rfc3339(Some(-1)), None);
        assert_eq!(rfc3339(None), None);
    }
}
