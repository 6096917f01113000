//! `nubefirma verify`: every signature of a signed file — PAdES, XAdES, ASiC-E, CAdES attached,
//! or a detached `.p7s` over `--content` — checked by `nubefirma_containers::verify`, plus
//! trust: the signer's certificate must chain, through the certificates the container carries,
//! to a certificate of the trust file, and be within its validity when it signed.

use std::path::Path;

use der::DateTime;
use nubefirma_containers::trust::anchors_from_pem;
use nubefirma_containers::validation::SignatureStatus;
use nubefirma_containers::verify::verify;

use crate::sign::sha256_of_file;

pub fn run(signed: &Path, content: Option<&Path>, trust: &Path) -> Result<bool, String> {
    let bytes =
        std::fs::read(signed).map_err(|e| format!("cannot read {}: {e}", signed.display()))?;
    let pem = std::fs::read_to_string(trust)
        .map_err(|e| format!("cannot read {}: {e}", trust.display()))?;
    // Through the containers crate, which also refuses empty text (x509-cert's PEM reader
    // underflows on it).
    let anchors = anchors_from_pem(&pem).map_err(|e| format!("{}: {e}", trust.display()))?;
    let digest = content.map(sha256_of_file).transpose()?;
    let verified =
        verify(&bytes, digest.as_ref()).map_err(|e| format!("{}: {e}", signed.display()))?;
    if verified.signatures.is_empty() {
        println!("{}: no signature in it", signed.display());
        return Ok(false);
    }

    match content {
        Some(content) => println!(
            "{} ({}) over {}: {} signature(s)",
            signed.display(),
            verified.kind,
            content.display(),
            verified.signatures.len()
        ),
        None => println!(
            "{} ({}): {} signature(s)",
            signed.display(),
            verified.kind,
            verified.signatures.len()
        ),
    }
    let mut all_hold = true;
    for (index, checked) in verified.signatures.iter().enumerate() {
        let trusted = checked.trust(&anchors);
        let in_validity = checked
            .certificate_valid_at_signing(&anchors)
            .unwrap_or_else(|| Err("the signature shows no time to judge it at".into()));
        let timestamp_trust = checked.trusted_timestamp(&anchors);
        all_hold &= checked.status.holds()
            && trusted.is_ok()
            && in_validity.is_ok()
            && !matches!(timestamp_trust, Some(Err(_)));
        report(index + 1, &checked.status, &trusted, &in_validity);
        match timestamp_trust {
            Some(Ok((_, path))) => println!("  TSA trusted:    yes ({path})"),
            Some(Err(why)) => println!("  TSA trusted:    NO — {why}"),
            None => {}
        }
        for covered in &checked.covers {
            println!("  covers:         {covered}");
        }
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

fn report(
    number: usize,
    status: &SignatureStatus,
    trusted: &Result<String, String>,
    in_validity: &Result<(), String>,
) {
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
    match in_validity {
        Ok(()) => println!("  cert. valid:    yes, when it signed"),
        Err(why) => println!("  cert. valid:    NO — {why}"),
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
