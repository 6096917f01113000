//! Trust: does a signer's certificate chain to one of the caller's trust anchors, through the
//! certificates a container carries? Each link is checked as RFC 5280 §6.1 does at its core:
//! the issuer name equals the issuer certificate's subject, and the certificate's
//! ecdsa-with-SHA256 signature verifies over its TBS DER with the issuer's P-256 key. Validity
//! dates and revocation are not judged here (they need a clock and the network).

use cms::cert::CertificateChoices;
use cms::content_info::ContentInfo;
use cms::signed_data::SignedData;
use const_oid::db::rfc5911::ID_SIGNED_DATA;
use const_oid::db::rfc5912::ECDSA_WITH_SHA_256;
use der::{Decode, Encode};
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{Signature, VerifyingKey};
use x509_cert::Certificate;

/// Longest chain followed from the signer to an anchor.
const MAX_CHAIN: usize = 8;

/// Trust anchors from PEM text (one or more `CERTIFICATE` blocks).
pub fn anchors_from_pem(pem: &str) -> Result<Vec<Certificate>, String> {
    // x509-cert 0.2.5's `load_pem_chain` computes `len - 1` of the text without its trailing
    // line ends: empty text panics with overflow checks on (found by containers/fuzz).
    if pem.trim().is_empty() {
        return Err("no certificate in the trust anchors".into());
    }
    let anchors = Certificate::load_pem_chain(pem.as_bytes())
        .map_err(|e| format!("not PEM certificates: {e}"))?;
    if anchors.is_empty() {
        return Err("no certificate in the trust anchors".into());
    }
    Ok(anchors)
}

/// The certificates a CMS container carries.
pub fn carried_certificates(p7s: &[u8]) -> Result<Vec<Certificate>, String> {
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

/// Ok(the path to an anchor, in words) when `signer_der` chains to one of `anchors` through
/// `carried`; Err(why not) otherwise.
pub fn chain_to_anchor(
    signer_der: &[u8],
    carried: &[Certificate],
    anchors: &[Certificate],
) -> Result<String, String> {
    let mut current =
        Certificate::from_der(signer_der).map_err(|e| format!("the signer certificate: {e}"))?;
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
                "no certificate of issuer {issuer} in the container or the trust anchors"
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
pub fn signed_by(cert: &Certificate, issuer: &Certificate) -> Result<(), String> {
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::cades::tests::{DOCUMENT, SIGNING_TIME_2024, sign, test_pki};

    #[test]
    fn our_signer_chains_to_its_root_and_not_to_a_stranger() {
        let pki = test_pki();
        let p7s = sign(&pki, DOCUMENT, SIGNING_TIME_2024);
        let carried = carried_certificates(&p7s).unwrap();
        let root = Certificate::from_der(&pki.root_der).unwrap();
        let path = chain_to_anchor(&pki.leaf_der, &carried, std::slice::from_ref(&root)).unwrap();
        assert!(path.contains("Prueba Root CA"), "{path}");
        let stranger = Certificate::from_der(&test_pki().root_der).unwrap();
        // Same name, another key: the link's signature does not verify.
        let refused = chain_to_anchor(&pki.leaf_der, &[], &[stranger]).unwrap_err();
        assert!(refused.contains("issuer"), "{refused}");
        assert!(carried_certificates(b"garbage").is_err());
    }

    #[test]
    fn empty_trust_anchor_text_is_refused_not_a_panic() {
        // containers/fuzz/regressions/trust_anchors/empty: an overflow in x509-cert 0.2.5.
        for text in ["", "\n", "\r\n\r\n", "  \t "] {
            assert!(anchors_from_pem(text).is_err(), "{text:?}");
        }
    }
}
