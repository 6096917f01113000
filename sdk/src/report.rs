//! What `verify` tells a portal about each signature: the container's status
//! (`nubefirma_containers::validation`) and its trust (`nubefirma_containers::trust`), as one
//! plain object per signature. Pure, so it is tested natively.

use der::DateTime;
use nubefirma_containers::trust::{anchors_from_pem, carried_certificates, chain_to_anchor};
use nubefirma_containers::validation::{SignatureStatus, validate_cades_detached};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SignatureReport {
    /// Every check passed: intact, valid, bound to its certificate, and trusted.
    pub ok: bool,
    pub intact: bool,
    pub valid: bool,
    pub signer_bound: bool,
    pub trusted: bool,
    /// The path to the trust anchor, or why there is none.
    pub trust: String,
    pub signer: Option<String>,
    /// RFC 3339, UTC.
    pub signing_time: Option<String>,
    /// The time of a signature timestamp (level T), RFC 3339, UTC.
    pub timestamp: Option<String>,
    pub problems: Vec<String>,
}

fn rfc3339(unix: Option<i64>) -> Option<String> {
    let secs = u64::try_from(unix?).ok()?;
    DateTime::from_unix_duration(std::time::Duration::from_secs(secs))
        .ok()
        .map(|d| d.to_string())
}

fn report_of(status: SignatureStatus, trust: Result<String, String>) -> SignatureReport {
    let trusted = trust.is_ok();
    let mut problems = status.problems;
    let trust = match trust {
        Ok(path) => path,
        Err(why) => {
            problems.push(format!("not trusted: {why}"));
            why
        }
    };
    SignatureReport {
        ok: status.intact && status.valid && status.signer_bound && trusted && problems.is_empty(),
        intact: status.intact,
        valid: status.valid,
        signer_bound: status.signer_bound,
        trusted,
        trust,
        signer: status.signer_subject,
        signing_time: rfc3339(status.signing_time),
        timestamp: rfc3339(status.timestamp),
        problems,
    }
}

/// A report for each signature of a detached CAdES `p7s` over content of `content_sha256`,
/// trusted when it chains to `anchors_pem`. A damaged file gives one report saying what is
/// wrong, never an error.
pub fn verify_detached(
    p7s: &[u8],
    content_sha256: &[u8; 32],
    anchors_pem: &str,
) -> Vec<SignatureReport> {
    let broken = |why: String| SignatureReport {
        ok: false,
        intact: false,
        valid: false,
        signer_bound: false,
        trusted: false,
        trust: why.clone(),
        signer: None,
        signing_time: None,
        timestamp: None,
        problems: vec![why],
    };
    let statuses = match validate_cades_detached(p7s, content_sha256) {
        Ok(statuses) => statuses,
        Err(e) => return vec![broken(e.to_string())],
    };
    let anchors = match anchors_from_pem(anchors_pem) {
        Ok(anchors) => anchors,
        Err(e) => return vec![broken(format!("trust anchors: {e}"))],
    };
    let carried = carried_certificates(p7s).unwrap_or_default();
    statuses
        .into_iter()
        .map(|status| {
            let trust = status
                .signer_certificate
                .as_deref()
                .ok_or_else(|| "the container does not carry the signer's certificate".to_owned())
                .and_then(|der| chain_to_anchor(der, &carried, &anchors));
            report_of(status, trust)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_and_bad_anchors_give_a_report_not_a_panic() {
        let reports = verify_detached(b"not a signature", &[0u8; 32], "");
        assert_eq!(reports.len(), 1);
        assert!(!reports[0].ok);
        assert!(reports[0].problems[0].contains("not a readable signed container"));
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
