//! The issuing CA's certificate revocation list: RFC 5280 §5, a v2 `CertificateList`
//! (`TBSCertList` with thisUpdate/nextUpdate, one `revokedCertificates` entry per revoked
//! certificate with an optional reasonCode entry extension (§5.3.1), and the CRL extensions
//! authorityKeyIdentifier (§5.2.1) and cRLNumber (§5.2.3)), signed ecdsa-with-SHA256 by the
//! issuing CA through its `CaKey`.

use der::asn1::{BitString, Uint};
use der::{Decode, Encode};
use spki::{AlgorithmIdentifierOwned, DynSignatureAlgorithmIdentifier};
use x509_cert::Certificate;
use x509_cert::crl::{CertificateList, RevokedCert as CrlEntry, TbsCertList};
use x509_cert::ext::pkix::{AuthorityKeyIdentifier, CrlNumber};
use x509_cert::ext::{AsExtension, Extension};
use x509_cert::serial_number::SerialNumber;

pub use x509_cert::ext::pkix::CrlReason;

use super::{issuer_key_identifier, x509_time};
use crate::Error;
use crate::keys::CaKey;

/// One revoked certificate, as the store knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevokedCert {
    /// The certificate's serial number, hex (as `IssuedCertificate::serial_hex`).
    pub serial_hex: String,
    /// When it was revoked (Unix seconds).
    pub revoked_at: i64,
    pub reason: Option<CrlReason>,
}

/// A serial number from its hex form (as stored), checked as RFC 5280 wants it.
pub(crate) fn serial_from_hex(serial_hex: &str) -> Result<SerialNumber, Error> {
    let bytes = hex::decode(serial_hex).map_err(|e| Error::internal("serial hex", e))?;
    SerialNumber::new(&bytes).map_err(|e| Error::internal("serial number", e))
}

fn entry(revoked: &RevokedCert) -> Result<CrlEntry, Error> {
    let extensions = match revoked.reason {
        Some(reason) => Some(vec![
            reason
                .to_extension(&Default::default(), &[])
                .map_err(|e| Error::internal("CRL reason code", e))?,
        ]),
        None => None,
    };
    Ok(CrlEntry {
        serial_number: serial_from_hex(&revoked.serial_hex)?,
        revocation_date: x509_time(revoked.revoked_at)?,
        crl_entry_extensions: extensions,
    })
}

/// A DER `CertificateList` issued by the certificate `issuer_der` (whose key `key` is), listing
/// `revoked`, valid from `this_update` to `next_update` (Unix seconds), numbered `crl_number`
/// (RFC 5280 wants it to grow with each CRL issued).
pub fn build_crl(
    issuer_der: &[u8],
    key: &CaKey,
    revoked: &[RevokedCert],
    this_update: i64,
    next_update: i64,
    crl_number: u64,
) -> Result<Vec<u8>, Error> {
    let issuer = Certificate::from_der(issuer_der).map_err(|e| Error::internal("CRL issuer", e))?;
    let signature_algorithm: AlgorithmIdentifierOwned = key
        .signature_algorithm_identifier()
        .map_err(|e| Error::internal("CRL signature algorithm", e))?;
    let entries = revoked.iter().map(entry).collect::<Result<Vec<_>, _>>()?;

    let aki = AuthorityKeyIdentifier {
        key_identifier: Some(issuer_key_identifier(&issuer)?),
        authority_cert_issuer: None,
        authority_cert_serial_number: None,
    };
    let number = CrlNumber(
        Uint::new(&crl_number.to_be_bytes()).map_err(|e| Error::internal("CRL number", e))?,
    );
    let subject = &issuer.tbs_certificate.subject;
    let mut extensions: Vec<Extension> = Vec::new();
    let aki = aki
        .to_extension(subject, &extensions)
        .map_err(|e| Error::internal("CRL authority key identifier", e))?;
    extensions.push(aki);
    let number = number
        .to_extension(subject, &extensions)
        .map_err(|e| Error::internal("CRL number", e))?;
    extensions.push(number);

    let tbs = TbsCertList {
        version: x509_cert::Version::V2,
        signature: signature_algorithm.clone(),
        issuer: issuer.tbs_certificate.subject.clone(),
        this_update: x509_time(this_update)?,
        next_update: Some(x509_time(next_update)?),
        revoked_certificates: if entries.is_empty() {
            None
        } else {
            Some(entries)
        },
        crl_extensions: Some(extensions),
    };
    let tbs_der = tbs.to_der().map_err(|e| Error::internal("CRL encode", e))?;
    let signature = key.sign(&tbs_der)?;
    let crl = CertificateList {
        tbs_cert_list: tbs,
        signature_algorithm,
        signature: BitString::from_bytes(signature.as_bytes())
            .map_err(|e| Error::internal("CRL signature", e))?,
    };
    crl.to_der().map_err(|e| Error::internal("CRL encode", e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pki::test_support::{TestCa, openssl, pem_file};

    #[tokio::test]
    async fn openssl_verifies_the_crl_and_refuses_a_revoked_certificate() {
        let t = TestCa::new().await;
        let revoked = t.citizen_certificate("11111111H");
        let kept = t.citizen_certificate("22222222J");
        let now = t.now;
        let list = [RevokedCert {
            serial_hex: revoked.serial_hex.clone(),
            revoked_at: now + 60,
            reason: Some(CrlReason::KeyCompromise),
        }];
        let crl =
            t.ca.crl(&list, now + 120, now + 120 + 7 * 86400, 7)
                .expect("crl");

        let dir = tempfile::tempdir().expect("tempdir");
        let crl_der = dir.path().join("crl.der");
        std::fs::write(&crl_der, &crl).expect("write");
        let crl_pem = pem_file(dir.path(), "crl.pem", "X509 CRL", &crl);
        let chain = t.chain_pem(dir.path());
        let revoked_pem = pem_file(dir.path(), "revoked.pem", "CERTIFICATE", &revoked.der);
        let kept_pem = pem_file(dir.path(), "kept.pem", "CERTIFICATE", &kept.der);

        let out = openssl(&[
            "crl",
            "-inform",
            "DER",
            "-in",
            path(&crl_der),
            "-CAfile",
            path(&chain),
            "-noout",
            "-text",
        ]);
        assert!(out.contains("verify OK"), "{out}");
        assert!(out.contains("Version 2"), "{out}");
        assert!(out.contains("X509v3 CRL Number"), "{out}");
        assert!(out.contains("X509v3 Authority Key Identifier"), "{out}");
        assert!(out.contains("Key Compromise"), "{out}");
        assert!(
            out.to_lowercase()
                .contains(&revoked.serial_hex.to_lowercase()),
            "{out}"
        );
        assert!(
            !out.to_lowercase().contains(&kept.serial_hex.to_lowercase()),
            "{out}"
        );

        let verify = |cert: &std::path::Path| {
            openssl(&[
                "verify",
                "-crl_check",
                "-CRLfile",
                path(&crl_pem),
                "-CAfile",
                path(&chain),
                path(cert),
            ])
        };
        let out = verify(&revoked_pem);
        assert!(out.contains("certificate revoked"), "{out}");
        assert!(!out.contains(": OK"), "{out}");
        let out = verify(&kept_pem);
        assert!(out.contains(": OK"), "{out}");

        // A changed byte in the signed part breaks the CRL's signature.
        let mut tampered = crl.clone();
        let at = tampered.len() / 2;
        tampered[at] ^= 0x01;
        let bad = dir.path().join("bad.der");
        std::fs::write(&bad, &tampered).expect("write");
        let out = openssl(&[
            "crl",
            "-inform",
            "DER",
            "-in",
            path(&bad),
            "-CAfile",
            path(&chain),
            "-noout",
        ]);
        assert!(!out.contains("verify OK"), "{out}");
    }

    #[tokio::test]
    async fn an_empty_crl_is_valid() {
        let t = TestCa::new().await;
        let crl = t.ca.crl(&[], t.now, t.now + 3600, 1).expect("crl");
        let parsed = CertificateList::from_der(&crl).expect("parse");
        assert!(parsed.tbs_cert_list.revoked_certificates.is_none());
        let dir = tempfile::tempdir().expect("tempdir");
        let crl_der = dir.path().join("crl.der");
        std::fs::write(&crl_der, &crl).expect("write");
        let chain = t.chain_pem(dir.path());
        let out = openssl(&[
            "crl",
            "-inform",
            "DER",
            "-in",
            path(&crl_der),
            "-CAfile",
            path(&chain),
            "-noout",
        ]);
        assert!(out.contains("verify OK"), "{out}");
    }

    fn path(p: &std::path::Path) -> &str {
        p.to_str().expect("utf-8 path")
    }
}
