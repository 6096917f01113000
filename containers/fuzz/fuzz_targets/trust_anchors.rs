//! Trust on arbitrary bytes: `trust::anchors_from_pem` (the input as text),
//! `trust::carried_certificates` (the input as a CMS container) and `trust::chain_to_anchor` /
//! `trust::signed_by` over whatever certificates those give, never panic.
#![no_main]

use der::Encode;
use libfuzzer_sys::fuzz_target;
use nubefirma_containers::trust::{
    anchors_from_pem, carried_certificates, chain_to_anchor, signed_by,
};

/// Certificates looked at per input, to keep each run short.
const MAX_CERTIFICATES: usize = 6;

/// Chains every certificate of `certs` to the self-issued ones among them (or the last one),
/// through all of them: with a seed chain (leaf, issuing CA, root), the real path.
fn chain_within(certs: &[x509_cert::Certificate]) {
    let certs = &certs[..certs.len().min(MAX_CERTIFICATES)];
    let mut anchors: Vec<_> = certs
        .iter()
        .filter(|c| c.tbs_certificate.subject == c.tbs_certificate.issuer)
        .cloned()
        .collect();
    if anchors.is_empty() {
        anchors.extend(certs.last().cloned());
    }
    for cert in certs {
        if let Ok(der) = cert.to_der() {
            let _ = chain_to_anchor(&der, certs, &anchors);
        }
        // Every certificate as the issuer of the first one, whatever the names say.
        if let Some(first) = certs.first() {
            let _ = signed_by(first, cert);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(anchors) = anchors_from_pem(&String::from_utf8_lossy(data)) {
        assert!(!anchors.is_empty(), "Ok without an anchor");
        chain_within(&anchors);
    }
    if let Ok(carried) = carried_certificates(data) {
        chain_within(&carried);
    }
    // The input as the signer's certificate itself.
    let _ = chain_to_anchor(data, &[], &[]);
});
