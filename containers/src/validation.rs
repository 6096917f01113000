//! Validation: what each signature of a container says, and whether it holds — a status per
//! signature, as pyHanko's `SignatureStatus`; an error only when the structure is broken (not
//! CMS, not SignedData, undecodable DER). Trust (a chain to anchors, revocation) is a separate
//! question asked by the caller with the signer certificate this gives back.
//!
//! For CAdES (RFC 5652 §5.4, §5.6; ETSI EN 319 122-1 §5.2.2): the `message-digest` attribute
//! must equal the content's digest (intact); the signature must verify over the DER of the
//! signed attributes as a SET OF, with the signer certificate's key (valid); the
//! `signing-certificate-v2` attribute must name that certificate's hash (bound).

use core::fmt;

use cms::cert::CertificateChoices;
use cms::content_info::ContentInfo;
use cms::signed_data::{SignedData, SignerIdentifier, SignerInfo};
use const_oid::db::rfc5911::{ID_AA_SIGNING_CERTIFICATE_V_2, ID_SIGNED_DATA};
use const_oid::db::rfc5912::{ECDSA_WITH_SHA_256, ID_SHA_256};
use const_oid::db::rfc6268::{ID_MESSAGE_DIGEST, ID_SIGNING_TIME};
use der::asn1::OctetString;
use der::{Decode, Encode};
use p256::ecdsa::signature::hazmat::PrehashVerifier;
use p256::ecdsa::{Signature, VerifyingKey};
use sha2::{Digest, Sha256};
use x509_cert::Certificate;
use x509_cert::time::Time;

use crate::ess::SigningCertificateV2;
use crate::tsp::{ID_AA_SIGNATURE_TIME_STAMP_TOKEN, read_token};

/// What one signature says, and which checks it passes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureStatus {
    /// The signed `message-digest` equals the digest of the content given.
    pub intact: bool,
    /// The signature value verifies over the signed attributes with the signer's key.
    pub valid: bool,
    /// `signing-certificate-v2` names the signer certificate (by its SHA-256).
    pub signer_bound: bool,
    /// The signer's certificate (DER), when the container carries it.
    pub signer_certificate: Option<Vec<u8>>,
    /// The signer's subject, as an RFC 4514 string.
    pub signer_subject: Option<String>,
    /// The `signing-time` attribute, Unix seconds.
    pub signing_time: Option<i64>,
    /// The time of a `signature-time-stamp` over this signature's value (level T), as the token
    /// states it; the TSA's own signature on the token is the caller's to check
    /// ([`tsp::verify_token`](crate::tsp::verify_token) with the token below).
    pub timestamp: Option<i64>,
    /// That timestamp token, DER, when there is one over this signature.
    pub timestamp_token: Option<Vec<u8>>,
    /// What failed, in words, for a report (empty when all holds).
    pub problems: Vec<String>,
}

impl SignatureStatus {
    /// Every check this module makes passed.
    pub fn holds(&self) -> bool {
        self.intact && self.valid && self.signer_bound && self.problems.is_empty()
    }
}

/// The container is not one this module can read at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StructureError(pub String);

impl fmt::Display for StructureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not a readable signed container: {}", self.0)
    }
}

impl std::error::Error for StructureError {}

fn broken(what: &str, e: impl fmt::Display) -> StructureError {
    StructureError(format!("{what}: {e}"))
}

/// Every signature of a detached CAdES `.p7s`, checked against the content's SHA-256.
pub fn validate_cades_detached(
    p7s: &[u8],
    content_sha256: &[u8; 32],
) -> Result<Vec<SignatureStatus>, StructureError> {
    let signed_data = read_signed_data(p7s)?;
    if signed_data.encap_content_info.econtent.is_some() {
        return Err(StructureError(
            "the container carries its content: validate it as attached".into(),
        ));
    }
    Ok(check_signers(&signed_data, content_sha256))
}

/// Every signature of an attached (enveloping) CAdES `.p7m`, over the content it carries.
/// Gives the content back with the statuses.
pub fn validate_cades_attached(
    p7m: &[u8],
) -> Result<(Vec<u8>, Vec<SignatureStatus>), StructureError> {
    let signed_data = read_signed_data(p7m)?;
    let content = signed_data
        .encap_content_info
        .econtent
        .as_ref()
        .ok_or_else(|| StructureError("no content inside: validate it as detached".into()))?
        .decode_as::<OctetString>()
        .map_err(|e| broken("content", e))?
        .as_bytes()
        .to_vec();
    let digest: [u8; 32] = Sha256::digest(&content).into();
    let statuses = check_signers(&signed_data, &digest);
    Ok((content, statuses))
}

fn read_signed_data(p7s: &[u8]) -> Result<SignedData, StructureError> {
    let info = ContentInfo::from_der(p7s).map_err(|e| broken("ContentInfo", e))?;
    if info.content_type != ID_SIGNED_DATA {
        return Err(StructureError(format!(
            "content type {} is not SignedData",
            info.content_type
        )));
    }
    let signed_data = info
        .content
        .decode_as::<SignedData>()
        .map_err(|e| broken("SignedData", e))?;
    if signed_data.signer_infos.0.is_empty() {
        return Err(StructureError("no signer".into()));
    }
    // A document signature signs data (id-data); anything else — a timestamp token's TSTInfo,
    // say — is another kind of object that merely has a CMS shape.
    let econtent_type = signed_data.encap_content_info.econtent_type;
    if econtent_type != const_oid::db::rfc5911::ID_DATA {
        return Err(StructureError(format!(
            "the signed content is of type {econtent_type}, not a document (id-data)"
        )));
    }
    Ok(signed_data)
}

fn check_signers(signed_data: &SignedData, content_sha256: &[u8; 32]) -> Vec<SignatureStatus> {
    let certificates: Vec<Certificate> = signed_data
        .certificates
        .iter()
        .flat_map(|set| set.0.iter())
        .filter_map(|choice| match choice {
            CertificateChoices::Certificate(cert) => Some(cert.clone()),
            _ => None,
        })
        .collect();
    signed_data
        .signer_infos
        .0
        .iter()
        .map(|signer| check_signer(signer, &certificates, content_sha256))
        .collect()
}

fn signer_certificate<'a>(
    signer: &SignerInfo,
    certificates: &'a [Certificate],
) -> Option<&'a Certificate> {
    match &signer.sid {
        SignerIdentifier::IssuerAndSerialNumber(id) => certificates.iter().find(|c| {
            c.tbs_certificate.issuer == id.issuer
                && c.tbs_certificate.serial_number == id.serial_number
        }),
        SignerIdentifier::SubjectKeyIdentifier(_) => None,
    }
}

fn check_signer(
    signer: &SignerInfo,
    certificates: &[Certificate],
    content_sha256: &[u8; 32],
) -> SignatureStatus {
    let mut problems = Vec::new();
    let cert = signer_certificate(signer, certificates);
    let cert_der = cert.and_then(|c| c.to_der().ok());
    if cert.is_none() {
        problems.push("the signer's certificate is not in the container".to_owned());
    }
    let Some(attrs) = &signer.signed_attrs else {
        problems.push("no signed attributes (CAdES requires them)".to_owned());
        return SignatureStatus {
            intact: false,
            valid: false,
            signer_bound: false,
            signer_certificate: cert_der,
            signer_subject: cert.map(|c| c.tbs_certificate.subject.to_string()),
            signing_time: None,
            timestamp: None,
            timestamp_token: None,
            problems,
        };
    };
    let value = |oid| {
        attrs
            .iter()
            .find(|a| a.oid == oid)
            .and_then(|a| (a.values.len() == 1).then(|| a.values.get(0)).flatten())
    };

    if signer.digest_alg.oid != ID_SHA_256 {
        problems.push(format!(
            "digest algorithm {} is not SHA-256",
            signer.digest_alg.oid
        ));
    }
    let intact = value(ID_MESSAGE_DIGEST)
        .and_then(|v| v.decode_as::<OctetString>().ok())
        .is_some_and(|d| d.as_bytes() == content_sha256.as_slice())
        && signer.digest_alg.oid == ID_SHA_256;
    if !intact {
        problems.push("the content does not match the signed message digest".to_owned());
    }

    let valid = match (cert, attrs.to_der()) {
        (Some(cert), Ok(signed)) if signer.signature_algorithm.oid == ECDSA_WITH_SHA_256 => {
            let key = VerifyingKey::from_sec1_bytes(
                cert.tbs_certificate
                    .subject_public_key_info
                    .subject_public_key
                    .raw_bytes(),
            );
            let signature = Signature::from_der(signer.signature.as_bytes());
            match (key, signature) {
                (Ok(key), Ok(signature)) => key
                    .verify_prehash(&Sha256::digest(&signed), &signature)
                    .is_ok(),
                _ => false,
            }
        }
        _ => false,
    };
    if !valid {
        problems.push("the signature value does not verify with the signer's key".to_owned());
    }

    let signer_bound = match (&cert_der, value(ID_AA_SIGNING_CERTIFICATE_V_2)) {
        (Some(der), Some(v)) => v
            .decode_as::<SigningCertificateV2>()
            .ok()
            .and_then(|scv2| {
                scv2.certs
                    .first()
                    .map(|id| id.cert_hash.as_bytes().to_vec())
            })
            .is_some_and(|hash| hash[..] == Sha256::digest(der)[..]),
        _ => false,
    };
    if !signer_bound {
        problems.push("signing-certificate-v2 does not name the signer's certificate".to_owned());
    }

    let (timestamp, timestamp_token) = signer
        .unsigned_attrs
        .as_ref()
        .and_then(|u| u.iter().find(|a| a.oid == ID_AA_SIGNATURE_TIME_STAMP_TOKEN))
        .and_then(|a| a.values.get(0))
        .and_then(|token| token.to_der().ok())
        .and_then(|der| match read_token(&der) {
            Ok(info)
                if info.sha256_imprint[..] == Sha256::digest(signer.signature.as_bytes())[..] =>
            {
                Some((Some(info.gen_time_unix_seconds), Some(der)))
            }
            _ => {
                problems.push("the signature timestamp is not over this signature".to_owned());
                None
            }
        })
        .unwrap_or((None, None));

    let signing_time = value(ID_SIGNING_TIME)
        .and_then(|v| v.to_der().ok())
        .and_then(|der| Time::from_der(&der).ok())
        .map(|t| t.to_unix_duration().as_secs() as i64);
    SignatureStatus {
        intact,
        valid,
        signer_bound,
        signer_certificate: cert_der,
        signer_subject: cert.map(|c| c.tbs_certificate.subject.to_string()),
        signing_time,
        timestamp,
        timestamp_token,
        problems,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::cades::tests::{DOCUMENT, SIGNING_TIME_2024, sign, test_pki};

    fn digest(data: &[u8]) -> [u8; 32] {
        Sha256::digest(data).into()
    }

    #[test]
    fn a_signature_we_made_holds_and_says_who_and_when() {
        let pki = test_pki();
        let p7s = sign(&pki, DOCUMENT, SIGNING_TIME_2024);
        let statuses = validate_cades_detached(&p7s, &digest(DOCUMENT)).unwrap();
        assert_eq!(statuses.len(), 1);
        let status = &statuses[0];
        assert!(status.holds(), "{:?}", status.problems);
        assert!(status.problems.is_empty());
        assert_eq!(status.signing_time, Some(SIGNING_TIME_2024));
        assert_eq!(
            status.signer_certificate.as_deref(),
            Some(pki.leaf_der.as_slice())
        );
        assert!(
            status
                .signer_subject
                .as_deref()
                .is_some_and(|s| s.contains("IDCES-12345678Z")),
            "{:?}",
            status.signer_subject
        );
    }

    #[test]
    fn another_document_is_not_intact_but_the_signature_still_verifies() {
        let pki = test_pki();
        let p7s = sign(&pki, DOCUMENT, SIGNING_TIME_2024);
        let status = &validate_cades_detached(&p7s, &digest(b"otro documento")).unwrap()[0];
        assert!(
            !status.intact && status.valid && status.signer_bound,
            "{status:?}"
        );
        assert!(!status.holds());
    }

    /// An RFC 3161 token has the CMS shape with TSTInfo inside: it is not a signed document.
    #[test]
    fn a_timestamp_token_is_not_taken_for_an_attached_signature() {
        use crate::pades::tests::{Dir, timestamp, tsa};
        let dir = Dir::new();
        let token = timestamp(&dir, &tsa(&dir), b"any signature value");
        let refused = validate_cades_attached(&token).unwrap_err();
        assert!(refused.0.contains("not a document"), "{refused}");
    }

    #[test]
    fn a_changed_signature_value_does_not_verify() {
        let pki = test_pki();
        let p7s = sign(&pki, DOCUMENT, SIGNING_TIME_2024);
        // Find the signature value (the last OCTET STRING of the container) and change a bit
        // inside its r integer: the container stays well formed.
        let info = ContentInfo::from_der(&p7s).unwrap();
        let sd = info.content.decode_as::<SignedData>().unwrap();
        let sig = sd
            .signer_infos
            .0
            .get(0)
            .unwrap()
            .signature
            .as_bytes()
            .to_vec();
        let at = p7s
            .windows(sig.len())
            .position(|w| w == sig.as_slice())
            .unwrap();
        let mut changed = p7s.clone();
        changed[at + 10] ^= 0x01;
        let status = &validate_cades_detached(&changed, &digest(DOCUMENT)).unwrap()[0];
        assert!(status.intact && !status.valid, "{status:?}");
    }

    /// openssl, which nobody here wrote, makes a detached CAdES signature with its own P-256
    /// key and certificate; our validator must agree it holds, and spot a swapped document.
    #[test]
    fn a_signature_made_by_openssl_holds() {
        let dir = tempfile::tempdir().unwrap();
        let path = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();
        let run = |args: &[&str]| {
            let out = std::process::Command::new("openssl")
                .args(args)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        std::fs::write(path("doc.txt"), DOCUMENT).unwrap();
        run(&[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            &path("key.pem"),
            "-out",
            &path("cert.pem"),
            "-days",
            "1",
            "-subj",
            "/CN=OpenSSL Signer/serialNumber=IDCES-99999999R/C=ES",
        ]);
        run(&[
            "cms",
            "-sign",
            "-binary",
            "-cades",
            "-md",
            "sha256",
            "-in",
            &path("doc.txt"),
            "-signer",
            &path("cert.pem"),
            "-inkey",
            &path("key.pem"),
            "-outform",
            "DER",
            "-out",
            &path("sig.p7s"),
        ]);
        let p7s = std::fs::read(path("sig.p7s")).unwrap();
        let status = &validate_cades_detached(&p7s, &digest(DOCUMENT)).unwrap()[0];
        assert!(status.holds(), "{:?}", status.problems);
        assert!(
            status
                .signer_subject
                .as_deref()
                .unwrap_or("")
                .contains("OpenSSL Signer")
        );
        let swapped = &validate_cades_detached(&p7s, &digest(b"swapped")).unwrap()[0];
        assert!(!swapped.holds());
    }

    #[test]
    fn an_attached_signature_holds_over_the_content_it_carries() {
        use ecdsa::signature::hazmat::PrehashSigner;
        let pki = test_pki();
        let prepared = crate::cades::prepare(&crate::cades::CadesDetachedRequest {
            content_sha256: digest(DOCUMENT),
            signer_certificate_der: &pki.leaf_der,
            chain_der: std::slice::from_ref(&pki.root_der),
            signing_time_unix_seconds: Some(SIGNING_TIME_2024),
        })
        .unwrap();
        let signature: p256::ecdsa::DerSignature = pki
            .leaf_key
            .sign_prehash(&prepared.data_to_be_signed_sha256())
            .unwrap();
        let p7m = prepared
            .finish_attached(signature.as_bytes(), DOCUMENT)
            .unwrap();
        let (content, statuses) = validate_cades_attached(&p7m).unwrap();
        assert_eq!(content, DOCUMENT);
        assert!(statuses[0].holds(), "{:?}", statuses[0].problems);
        // The same content changed inside: no longer intact.
        let at = p7m
            .windows(DOCUMENT.len())
            .position(|w| w == DOCUMENT)
            .unwrap();
        let mut changed = p7m.clone();
        changed[at] ^= 0x20;
        let (_, statuses) = validate_cades_attached(&changed).unwrap();
        assert!(!statuses[0].intact);
        // Each kind refuses the other.
        assert!(validate_cades_detached(&p7m, &digest(DOCUMENT)).is_err());
        assert!(validate_cades_attached(&sign(&pki, DOCUMENT, SIGNING_TIME_2024)).is_err());
    }

    #[test]
    fn garbage_is_a_structure_error_never_a_panic() {
        for bytes in [&b""[..], b"not a p7s", &[0x30, 0x80, 0x00], &[0x30; 100]] {
            assert!(
                validate_cades_detached(bytes, &[0u8; 32]).is_err(),
                "{bytes:?}"
            );
        }
        // Every prefix of a real container: an error or a status, never a panic.
        let pki = test_pki();
        let p7s = sign(&pki, DOCUMENT, SIGNING_TIME_2024);
        for end in 0..p7s.len() {
            let _ = validate_cades_detached(&p7s[..end], &digest(DOCUMENT));
        }
    }
}
