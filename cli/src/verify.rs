//! `nubefirma verify`: each signature of a detached CAdES `.p7s` checked over the content
//! (`nubefirma_containers::validation`), plus trust (`nubefirma_containers::trust`): the
//! signer's certificate must chain, through the certificates the container carries, to a
//! certificate of the trust file.

use std::path::Path;

use der::DateTime;
use nubefirma_containers::trust::{carried_certificates, chain_to_anchor};
use nubefirma_containers::validation::{SignatureStatus, validate_cades_detached};
use x509_cert::Certificate;

use crate::sign::sha256_of_file;

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
    chain_to_anchor(der, carried, anchors)
}
