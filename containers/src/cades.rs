//! CAdES-BASELINE-B detached signatures (`.p7s`, ETSI EN 319 122-1 over CMS, RFC 5652), staged
//! for remote signing.
//!
//! The citizen's key stays on the signing server, which signs a 32-byte hash and never sees the
//! document or the container. So a container is built in three steps:
//!
//! 1. [`prepare`] fixes everything that is signed — the document's SHA-256, the signer's
//!    certificate, the signing time — and gives [`PreparedCades::data_to_be_signed_sha256`];
//! 2. the relay has that hash signed (CSC `signHash`, ECDSA with SHA-256);
//! 3. [`PreparedCades::finish`] puts the signature in place and returns the DER `.p7s`.
//!
//! What this module does not do: hash the document (done elsewhere, streaming), read the clock
//! (the signing time comes in), or check that the signature verifies under the certificate
//! (`finish` checks only that it is a well-formed DER `ECDSA-Sig-Value`).

use core::fmt;
use core::time::Duration;

use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{
    CertificateSet, EncapsulatedContentInfo, SignedAttributes, SignedData, SignerIdentifier,
    SignerInfo, SignerInfos, UnsignedAttributes,
};
use const_oid::ObjectIdentifier;
use const_oid::db::rfc5911::{
    ID_AA_SIGNING_CERTIFICATE_V_2, ID_CONTENT_TYPE, ID_DATA, ID_MESSAGE_DIGEST, ID_SIGNED_DATA,
    ID_SIGNING_TIME,
};
use const_oid::db::rfc5912::{ECDSA_WITH_SHA_256, ID_EC_PUBLIC_KEY};
use der::asn1::{Any, GeneralizedTime, OctetString, SetOfVec, UintRef, UtcTime};
use der::{DateTime, Decode, Encode, Sequence, Tag};
use sha2::{Digest, Sha256};
use spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;
use x509_cert::attr::Attribute;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::time::Time;

use crate::ess::{EssCertIdV2, IssuerSerial, SigningCertificateV2, sha256_algorithm};

/// Everything that goes into the signed attributes, before any signature exists.
#[derive(Clone, Copy, Debug)]
pub struct CadesDetachedRequest<'a> {
    /// SHA-256 of the document (computed elsewhere, streaming).
    pub content_sha256: [u8; 32],
    /// The citizen's X.509 certificate, DER. Its key must be an EC key (ECDSA with SHA-256).
    pub signer_certificate_der: &'a [u8],
    /// The issuing CA(s) and root, DER, in order (may be empty). Copies of the signer
    /// certificate or of each other are included once.
    pub chain_der: &'a [Vec<u8>],
    /// The `signing-time` attribute, seconds since the Unix epoch (must lie in 1970..=9999), or
    /// `None` for no such attribute: PAdES forbids it (ETSI EN 319 142-1 §5.3, the time goes in
    /// the PDF's `/M`). Passed in: `SystemTime::now()` panics on wasm32.
    pub signing_time_unix_seconds: Option<i64>,
}

/// Fixes the signed attributes of a detached CAdES-BASELINE-B signature.
///
/// The signed attributes are content-type (id-data), message-digest, signing-time and
/// signing-certificate-v2 ([RFC 5035]); they are DER-sorted, and the hash to be signed is taken
/// over exactly the bytes that [`PreparedCades::finish`] writes into the file.
///
/// [RFC 5035]: https://www.rfc-editor.org/rfc/rfc5035
pub fn prepare(req: &CadesDetachedRequest<'_>) -> Result<PreparedCades, ContainerError> {
    let signer = parse_certificate(req.signer_certificate_der)
        .map_err(ContainerError::BadSignerCertificate)?;
    let key_algorithm = signer.tbs_certificate.subject_public_key_info.algorithm.oid;
    if key_algorithm != ID_EC_PUBLIC_KEY {
        return Err(ContainerError::UnsupportedSignerKey {
            algorithm: key_algorithm,
        });
    }

    let mut certificates = SetOfVec::new();
    certificates
        .insert(CertificateChoices::Certificate(signer.clone()))
        .map_err(ContainerError::Encoding)?;
    for (index, der) in req.chain_der.iter().enumerate() {
        let cert = parse_certificate(der)
            .map_err(|source| ContainerError::BadChainCertificate { index, source })?;
        let choice = CertificateChoices::Certificate(cert);
        // A SET cannot hold duplicates; a chain that repeats the signer is a common slip.
        if !certificates.iter().any(|present| *present == choice) {
            certificates
                .insert(choice)
                .map_err(ContainerError::Encoding)?;
        }
    }

    let signing_time = req
        .signing_time_unix_seconds
        .map(signing_time)
        .transpose()?;
    let signing_certificate = SigningCertificateV2 {
        certs: vec![EssCertIdV2 {
            // SHA-256 is the DEFAULT, so DER leaves it out.
            hash_algorithm: None,
            cert_hash: OctetString::new(Sha256::digest(req.signer_certificate_der).to_vec())
                .map_err(ContainerError::Encoding)?,
            issuer_serial: Some(IssuerSerial {
                issuer: vec![GeneralName::DirectoryName(
                    signer.tbs_certificate.issuer.clone(),
                )],
                serial_number: signer.tbs_certificate.serial_number.clone(),
            }),
        }],
        policies: None,
    };

    let signed_attrs = signed_attributes(
        &req.content_sha256,
        signing_time.as_ref(),
        &signing_certificate,
    )
    .map_err(ContainerError::Encoding)?;
    // `SetOfVec` encodes with the universal SET OF tag (0x31), which is what RFC 5652 §5.4 says
    // to hash; in the SignerInfo the same content bytes appear under [0] IMPLICIT.
    let signed_attrs_der = signed_attrs.to_der().map_err(ContainerError::Encoding)?;

    Ok(PreparedCades {
        signer_id: IssuerAndSerialNumber {
            issuer: signer.tbs_certificate.issuer,
            serial_number: signer.tbs_certificate.serial_number,
        },
        certificates: CertificateSet(certificates),
        signed_attrs,
        data_to_be_signed_sha256: Sha256::digest(&signed_attrs_der).into(),
        content_sha256: req.content_sha256,
    })
}

/// A detached CAdES signature whose signed attributes are fixed, waiting for its signature.
#[derive(Clone, Debug)]
pub struct PreparedCades {
    signer_id: IssuerAndSerialNumber,
    certificates: CertificateSet,
    signed_attrs: SignedAttributes,
    data_to_be_signed_sha256: [u8; 32],
    content_sha256: [u8; 32],
}

impl PreparedCades {
    /// SHA-256 of the DER of the signed attributes (SET OF tag 0x31) — the hash the relay signs.
    pub fn data_to_be_signed_sha256(&self) -> [u8; 32] {
        self.data_to_be_signed_sha256
    }

    /// Puts the ECDSA signature (DER ECDSA-Sig-Value, as returned by the CSC signHash) in place and
    /// returns the DER ContentInfo (id-signedData) — the .p7s file.
    ///
    /// The signature is checked to be a well-formed `ECDSA-Sig-Value` with positive `r` and `s`,
    /// not verified against the certificate.
    pub fn finish(self, signature_der: &[u8]) -> Result<Vec<u8>, ContainerError> {
        check_ecdsa_signature(signature_der).map_err(ContainerError::BadSignature)?;
        self.assemble(signature_der, None, None)
            .map_err(ContainerError::Encoding)
    }

    /// Level T without reading the container back: like [`finish`](Self::finish), with
    /// `token` (a DER RFC 3161 `TimeStampToken` over
    /// [`tsp::signature_value_imprint`](crate::tsp::signature_value_imprint)`(signature_der)`)
    /// as the `signature-time-stamp` unsigned attribute.
    pub fn finish_with_timestamp(
        self,
        signature_der: &[u8],
        token_der: &[u8],
    ) -> Result<Vec<u8>, ContainerError> {
        check_ecdsa_signature(signature_der).map_err(ContainerError::BadSignature)?;
        let token = Any::from_der(token_der).map_err(ContainerError::BadTimestampToken)?;
        let attribute = Attribute {
            oid: crate::tsp::ID_AA_SIGNATURE_TIME_STAMP_TOKEN,
            values: SetOfVec::try_from(vec![token]).map_err(ContainerError::Encoding)?,
        };
        let unsigned =
            UnsignedAttributes::try_from(vec![attribute]).map_err(ContainerError::Encoding)?;
        self.assemble(signature_der, None, Some(unsigned))
            .map_err(ContainerError::Encoding)
    }

    /// Like [`finish`](Self::finish), with the document inside (attached, enveloping:
    /// `.p7m`). The document must be the one whose SHA-256 was prepared; only this variant
    /// reads it, and only to copy it into the output.
    pub fn finish_attached(
        self,
        signature_der: &[u8],
        content: &[u8],
    ) -> Result<Vec<u8>, ContainerError> {
        if <[u8; 32]>::from(Sha256::digest(content)) != self.content_sha256 {
            return Err(ContainerError::ContentMismatch);
        }
        check_ecdsa_signature(signature_der).map_err(ContainerError::BadSignature)?;
        let econtent =
            Any::encode_from(&OctetString::new(content).map_err(ContainerError::Encoding)?)
                .map_err(ContainerError::Encoding)?;
        self.assemble(signature_der, Some(econtent), None)
            .map_err(ContainerError::Encoding)
    }

    fn assemble(
        self,
        signature_der: &[u8],
        econtent: Option<Any>,
        unsigned_attrs: Option<UnsignedAttributes>,
    ) -> der::Result<Vec<u8>> {
        let signer_info = SignerInfo {
            version: CmsVersion::V1,
            sid: SignerIdentifier::IssuerAndSerialNumber(self.signer_id),
            digest_alg: sha256_algorithm(),
            signed_attrs: Some(self.signed_attrs),
            signature_algorithm: AlgorithmIdentifierOwned {
                oid: ECDSA_WITH_SHA_256,
                parameters: None,
            },
            signature: OctetString::new(signature_der)?,
            unsigned_attrs,
        };
        let signed_data = SignedData {
            version: CmsVersion::V1,
            digest_algorithms: SetOfVec::try_from(vec![sha256_algorithm()])?,
            // Detached: the content type is named, the content itself is absent; attached: there.
            encap_content_info: EncapsulatedContentInfo {
                econtent_type: ID_DATA,
                econtent,
            },
            certificates: Some(self.certificates),
            crls: None,
            signer_infos: SignerInfos(SetOfVec::try_from(vec![signer_info])?),
        };
        ContentInfo {
            content_type: ID_SIGNED_DATA,
            content: Any::encode_from(&signed_data)?,
        }
        .to_der()
    }
}

/// Why a CAdES container could not be built.
#[derive(Debug)]
#[non_exhaustive]
pub enum ContainerError {
    /// The signer certificate is not a DER X.509 certificate.
    BadSignerCertificate(der::Error),
    /// Certificate `index` of the chain is not a DER X.509 certificate.
    BadChainCertificate {
        /// Position in `chain_der`.
        index: usize,
        /// What the parser found.
        source: der::Error,
    },
    /// The document given to `finish_attached` is not the one whose digest was prepared.
    ContentMismatch,
    /// The timestamp token is not DER.
    BadTimestampToken(der::Error),
    /// The signer certificate's key is not an EC key, so ECDSA with SHA-256 cannot apply.
    UnsupportedSignerKey {
        /// The certificate's `subjectPublicKeyInfo` algorithm.
        algorithm: ObjectIdentifier,
    },
    /// The signature is not a DER `ECDSA-Sig-Value` with positive `r` and `s`.
    BadSignature(der::Error),
    /// The signing time is before 1970 or after 9999.
    SigningTimeOutOfRange {
        /// The time given, seconds since the Unix epoch.
        unix_seconds: i64,
    },
    /// Encoding the container failed.
    Encoding(der::Error),
}

impl fmt::Display for ContainerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BadSignerCertificate(e) => {
                write!(f, "signer certificate is not a DER X.509 certificate: {e}")
            }
            Self::BadChainCertificate { index, source } => {
                write!(
                    f,
                    "chain certificate {index} is not a DER X.509 certificate: {source}"
                )
            }
            Self::BadTimestampToken(e) => write!(f, "the timestamp token is not DER: {e}"),
            Self::ContentMismatch => f.write_str(
                "the document to attach is not the one whose digest the signature covers",
            ),
            Self::UnsupportedSignerKey { algorithm } => write!(
                f,
                "signer certificate key algorithm {algorithm} is not id-ecPublicKey; only ECDSA with SHA-256 is supported"
            ),
            Self::BadSignature(e) => {
                write!(f, "signature is not a DER ECDSA-Sig-Value: {e}")
            }
            Self::SigningTimeOutOfRange { unix_seconds } => write!(
                f,
                "signing time {unix_seconds} (Unix seconds) is outside 1970..=9999"
            ),
            Self::Encoding(e) => write!(f, "failed to encode the CAdES container: {e}"),
        }
    }
}

impl std::error::Error for ContainerError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::BadSignerCertificate(e)
            | Self::BadChainCertificate { source: e, .. }
            | Self::BadSignature(e)
            | Self::BadTimestampToken(e)
            | Self::Encoding(e) => Some(e),
            Self::ContentMismatch
            | Self::UnsupportedSignerKey { .. }
            | Self::SigningTimeOutOfRange { .. } => None,
        }
    }
}

/// Parses a certificate and insists it re-encodes to the same bytes, so the certificate placed in
/// the file is byte for byte the one whose hash goes into signing-certificate-v2.
fn parse_certificate(der: &[u8]) -> der::Result<Certificate> {
    let cert = Certificate::from_der(der)?;
    if cert.to_der()? != der {
        return Err(Tag::Sequence.non_canonical_error());
    }
    Ok(cert)
}

/// Signing time per [RFC 5652 Section 11.3]: UTCTime for 1950 through 2049, GeneralizedTime
/// otherwise (here: from 2050).
///
/// [RFC 5652 Section 11.3]: https://www.rfc-editor.org/rfc/rfc5652#section-11.3
fn signing_time(unix_seconds: i64) -> Result<Time, ContainerError> {
    let out_of_range = || ContainerError::SigningTimeOutOfRange { unix_seconds };
    let seconds = u64::try_from(unix_seconds).map_err(|_| out_of_range())?;
    let date_time =
        DateTime::from_unix_duration(Duration::from_secs(seconds)).map_err(|_| out_of_range())?;
    if date_time.year() < 2050 {
        UtcTime::from_date_time(date_time)
            .map(Time::UtcTime)
            .map_err(|_| out_of_range())
    } else {
        Ok(Time::GeneralTime(GeneralizedTime::from_date_time(
            date_time,
        )))
    }
}

fn signed_attributes(
    content_sha256: &[u8; 32],
    signing_time: Option<&Time>,
    signing_certificate: &SigningCertificateV2,
) -> der::Result<SignedAttributes> {
    let mut attributes = vec![
        attribute(ID_CONTENT_TYPE, Any::encode_from(&ID_DATA)?)?,
        attribute(
            ID_MESSAGE_DIGEST,
            Any::new(Tag::OctetString, content_sha256.as_slice())?,
        )?,
        attribute(
            ID_AA_SIGNING_CERTIFICATE_V_2,
            Any::encode_from(signing_certificate)?,
        )?,
    ];
    if let Some(time) = signing_time {
        attributes.push(attribute(ID_SIGNING_TIME, Any::encode_from(time)?)?);
    }
    // `try_from` DER-sorts the attributes (X.690 §11.6), as a verifier re-encoding them expects.
    SetOfVec::try_from(attributes)
}

fn attribute(oid: ObjectIdentifier, value: Any) -> der::Result<Attribute> {
    Ok(Attribute {
        oid,
        values: SetOfVec::try_from(vec![value])?,
    })
}

/// The `ECDSA-Sig-Value` type is defined in [RFC 3279 Section 2.2.3].
///
/// ```text
/// Ecdsa-Sig-Value  ::=  SEQUENCE  {
///      r     INTEGER,
///      s     INTEGER  }
/// ```
///
/// [RFC 3279 Section 2.2.3]: https://www.rfc-editor.org/rfc/rfc3279#section-2.2.3
#[derive(Sequence)]
struct EcdsaSigValue<'a> {
    r: UintRef<'a>,
    s: UintRef<'a>,
}

/// DER, no trailing bytes, `r` and `s` positive (`UintRef` already refuses negative and
/// non-minimal integers).
fn check_ecdsa_signature(signature_der: &[u8]) -> der::Result<()> {
    let sig = EcdsaSigValue::from_der(signature_der)?;
    let is_zero = |n: &UintRef<'_>| n.as_bytes().iter().all(|b| *b == 0);
    if is_zero(&sig.r) || is_zero(&sig.s) {
        return Err(Tag::Integer.value_error());
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    use std::path::Path;
    use std::process::Command;
    use std::str::FromStr;

    use base64::Engine as _;
    use der::Tagged as _;
    use ecdsa::signature::hazmat::PrehashSigner;
    use p256::ecdsa::{DerSignature, SigningKey};
    use rand_core::OsRng;
    use spki::SubjectPublicKeyInfoOwned;
    use x509_cert::builder::{Builder, CertificateBuilder, Profile};
    use x509_cert::name::Name;
    use x509_cert::serial_number::SerialNumber;
    use x509_cert::time::Validity;

    pub(crate) const DOCUMENT: &[u8] = b"Solicitud de empadronamiento\nFirmado por la ciudadana.\n";
    /// 2024-05-17T10:20:30Z (`date -u -d 2024-05-17T10:20:30Z +%s`).
    pub(crate) const SIGNING_TIME_2024: i64 = 1_715_941_230;
    /// 2050-01-01T00:00:00Z: the first instant that must be GeneralizedTime.
    const FIRST_GENERALIZED_TIME: i64 = 2_524_608_000;
    /// 2051-03-01T12:00:00Z.
    const SIGNING_TIME_2051: i64 = 2_561_198_400;

    /// A root CA and a citizen leaf it issued, both P-256, made fresh for each test.
    pub(crate) struct TestPki {
        pub(crate) root_der: Vec<u8>,
        pub(crate) leaf: Certificate,
        pub(crate) leaf_der: Vec<u8>,
        pub(crate) leaf_key: SigningKey,
    }

    pub(crate) fn test_pki() -> TestPki {
        let root_key = SigningKey::random(&mut OsRng);
        let root_name = Name::from_str("CN=Prueba Root CA,O=nubefirma pruebas,C=ES").unwrap();
        let root = CertificateBuilder::new(
            Profile::Root,
            SerialNumber::from(1u32),
            Validity::from_now(Duration::from_secs(3600)).unwrap(),
            root_name.clone(),
            SubjectPublicKeyInfoOwned::from_key(*root_key.verifying_key()).unwrap(),
            &root_key,
        )
        .unwrap()
        .build::<DerSignature>()
        .unwrap();

        let leaf_key = SigningKey::random(&mut OsRng);
        let leaf = CertificateBuilder::new(
            Profile::Leaf {
                issuer: root_name,
                enable_key_agreement: false,
                enable_key_encipherment: false,
            },
            SerialNumber::new(&[0x4e, 0x75, 0x62, 0x65, 0x66, 0x69, 0x72, 0x6d, 0x61]).unwrap(),
            Validity::from_now(Duration::from_secs(3600)).unwrap(),
            Name::from_str("CN=GARCIA LOPEZ MARIA - 12345678Z,SERIALNUMBER=IDCES-12345678Z,C=ES")
                .unwrap(),
            SubjectPublicKeyInfoOwned::from_key(*leaf_key.verifying_key()).unwrap(),
            &root_key,
        )
        .unwrap()
        .build::<DerSignature>()
        .unwrap();

        TestPki {
            root_der: root.to_der().unwrap(),
            leaf_der: leaf.to_der().unwrap(),
            leaf,
            leaf_key,
        }
    }

    /// prepare → sign the hash with the leaf key, as the signing server would → finish.
    pub(crate) fn sign(pki: &TestPki, document: &[u8], signing_time_unix_seconds: i64) -> Vec<u8> {
        let chain = [pki.root_der.clone()];
        let prepared = prepare(&CadesDetachedRequest {
            content_sha256: Sha256::digest(document).into(),
            signer_certificate_der: &pki.leaf_der,
            chain_der: &chain,
            signing_time_unix_seconds: Some(signing_time_unix_seconds),
        })
        .unwrap();
        let signature: DerSignature = pki
            .leaf_key
            .sign_prehash(&prepared.data_to_be_signed_sha256())
            .unwrap();
        prepared.finish(signature.as_bytes()).unwrap()
    }

    fn pem(label: &str, der: &[u8]) -> String {
        let b64 = base64::engine::general_purpose::STANDARD.encode(der);
        let mut out = format!("-----BEGIN {label}-----\n");
        for line in b64.as_bytes().chunks(64) {
            out.push_str(std::str::from_utf8(line).unwrap());
            out.push('\n');
        }
        out.push_str(&format!("-----END {label}-----\n"));
        out
    }

    /// Runs `openssl cms -verify` (an outside checker) and returns whether it accepted.
    fn openssl_verifies(dir: &Path, p7s: &[u8], document: &[u8], root_der: &[u8]) -> bool {
        let (p7s_path, doc_path, root_path) =
            (dir.join("x.p7s"), dir.join("doc"), dir.join("root.pem"));
        std::fs::write(&p7s_path, p7s).unwrap();
        std::fs::write(&doc_path, document).unwrap();
        std::fs::write(&root_path, pem("CERTIFICATE", root_der)).unwrap();
        let output = Command::new("/usr/bin/openssl")
            .args(["cms", "-verify", "-binary", "-inform", "DER", "-in"])
            .arg(&p7s_path)
            .arg("-content")
            .arg(&doc_path)
            .arg("-CAfile")
            .arg(&root_path)
            .args(["-purpose", "any", "-out", "/dev/null"])
            .output()
            .unwrap();
        if !output.status.success() {
            eprintln!("openssl: {}", String::from_utf8_lossy(&output.stderr));
        }
        output.status.success()
    }

    fn parse(p7s: &[u8]) -> SignedData {
        let content_info = ContentInfo::from_der(p7s).unwrap();
        assert_eq!(content_info.content_type, ID_SIGNED_DATA);
        content_info.content.decode_as::<SignedData>().unwrap()
    }

    fn signed_attrs(signed_data: &SignedData) -> SignedAttributes {
        let signer_infos = &signed_data.signer_infos.0;
        assert_eq!(signer_infos.len(), 1);
        signer_infos.get(0).unwrap().signed_attrs.clone().unwrap()
    }

    fn single_value(attrs: &SignedAttributes, oid: ObjectIdentifier) -> Any {
        let attr = attrs.iter().find(|a| a.oid == oid).unwrap();
        assert_eq!(attr.values.len(), 1, "{oid}");
        attr.values.get(0).unwrap().clone()
    }

    /// `Time` is a CHOICE, so it decodes from the whole TLV rather than through `Any::decode_as`.
    fn decode_time(value: &Any) -> Time {
        Time::from_der(&value.to_der().unwrap()).unwrap()
    }

    fn signing_time_in(p7s: &[u8]) -> Time {
        decode_time(&single_value(&signed_attrs(&parse(p7s)), ID_SIGNING_TIME))
    }

    /// PAdES (ETSI EN 319 142-1 §5.3) forbids `signing-time` in the CMS; without a time the
    /// attribute is gone and the signature still verifies.
    #[test]
    fn without_a_signing_time_there_is_no_signing_time_attribute() {
        let pki = test_pki();
        let prepared = prepare(&CadesDetachedRequest {
            content_sha256: Sha256::digest(DOCUMENT).into(),
            signer_certificate_der: &pki.leaf_der,
            chain_der: std::slice::from_ref(&pki.root_der),
            signing_time_unix_seconds: None,
        })
        .unwrap();
        let signature: DerSignature = pki
            .leaf_key
            .sign_prehash(&prepared.data_to_be_signed_sha256())
            .unwrap();
        let p7s = prepared.finish(signature.as_bytes()).unwrap();
        let attrs = signed_attrs(&parse(&p7s));
        assert!(attrs.iter().all(|a| a.oid != ID_SIGNING_TIME));
        assert_eq!(attrs.len(), 3);
        let dir = tempfile::tempdir().unwrap();
        assert!(openssl_verifies(dir.path(), &p7s, DOCUMENT, &pki.root_der));
    }

    #[test]
    fn openssl_verifies_the_detached_signature() {
        let pki = test_pki();
        let p7s = sign(&pki, DOCUMENT, SIGNING_TIME_2024);
        let dir = tempfile::tempdir().unwrap();
        assert!(openssl_verifies(dir.path(), &p7s, DOCUMENT, &pki.root_der));
    }

    #[test]
    fn openssl_verifies_the_attached_signature_and_it_carries_the_document() {
        let pki = test_pki();
        let prepared = prepare(&CadesDetachedRequest {
            content_sha256: Sha256::digest(DOCUMENT).into(),
            signer_certificate_der: &pki.leaf_der,
            chain_der: std::slice::from_ref(&pki.root_der),
            signing_time_unix_seconds: Some(SIGNING_TIME_2024),
        })
        .unwrap();
        let signature: DerSignature = pki
            .leaf_key
            .sign_prehash(&prepared.data_to_be_signed_sha256())
            .unwrap();
        assert!(matches!(
            prepared
                .clone()
                .finish_attached(signature.as_bytes(), b"another document"),
            Err(ContainerError::ContentMismatch)
        ));
        let p7m = prepared
            .finish_attached(signature.as_bytes(), DOCUMENT)
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let p7m_path = dir.path().join("doc.p7m");
        std::fs::write(&p7m_path, &p7m).unwrap();
        std::fs::write(
            dir.path().join("root.pem"),
            pem("CERTIFICATE", &pki.root_der),
        )
        .unwrap();
        let out_path = dir.path().join("out.txt");
        let output = Command::new("/usr/bin/openssl")
            .args([
                "cms", "-verify", "-cades", "-binary", "-inform", "DER", "-in",
            ])
            .arg(&p7m_path)
            .arg("-CAfile")
            .arg(dir.path().join("root.pem"))
            .args(["-purpose", "any", "-out"])
            .arg(&out_path)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(
            std::fs::read(&out_path).unwrap(),
            DOCUMENT,
            "openssl extracts the document"
        );
    }

    #[test]
    fn openssl_rejects_a_changed_document() {
        let pki = test_pki();
        let p7s = sign(&pki, DOCUMENT, SIGNING_TIME_2024);
        let mut changed = DOCUMENT.to_vec();
        changed[0] ^= 0x01;
        let dir = tempfile::tempdir().unwrap();
        assert!(!openssl_verifies(dir.path(), &p7s, &changed, &pki.root_der));
    }

    #[test]
    fn container_has_the_expected_structure_and_attributes() {
        let pki = test_pki();
        let p7s = sign(&pki, DOCUMENT, SIGNING_TIME_2024);
        let signed_data = parse(&p7s);

        assert_eq!(signed_data.version, CmsVersion::V1);
        assert_eq!(
            signed_data.digest_algorithms.as_slice(),
            [sha256_algorithm()]
        );
        // Detached.
        assert_eq!(signed_data.encap_content_info.econtent_type, ID_DATA);
        assert!(signed_data.encap_content_info.econtent.is_none());
        assert!(signed_data.crls.is_none());

        // Signer and chain certificates, byte for byte.
        let certs: Vec<Vec<u8>> = signed_data
            .certificates
            .as_ref()
            .unwrap()
            .0
            .iter()
            .map(|c| c.to_der().unwrap())
            .collect();
        assert_eq!(certs.len(), 2);
        assert!(certs.contains(&pki.leaf_der));
        assert!(certs.contains(&pki.root_der));

        let signer_info = signed_data.signer_infos.0.get(0).unwrap();
        assert_eq!(signer_info.version, CmsVersion::V1);
        assert_eq!(
            signer_info.sid,
            SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
                issuer: pki.leaf.tbs_certificate.issuer.clone(),
                serial_number: pki.leaf.tbs_certificate.serial_number.clone(),
            })
        );
        assert_eq!(signer_info.digest_alg, sha256_algorithm());
        assert_eq!(signer_info.signature_algorithm.oid, ECDSA_WITH_SHA_256);
        assert!(signer_info.signature_algorithm.parameters.is_none());
        assert!(signer_info.unsigned_attrs.is_none());

        let attrs = signed_attrs(&signed_data);
        assert_eq!(attrs.len(), 4);
        assert_eq!(
            single_value(&attrs, ID_CONTENT_TYPE)
                .decode_as::<ObjectIdentifier>()
                .unwrap(),
            ID_DATA
        );
        assert_eq!(
            single_value(&attrs, ID_MESSAGE_DIGEST)
                .decode_as::<OctetString>()
                .unwrap()
                .as_bytes(),
            &Sha256::digest(DOCUMENT)[..]
        );
        let time = decode_time(&single_value(&attrs, ID_SIGNING_TIME));
        assert!(matches!(time, Time::UtcTime(_)));
        assert_eq!(
            time.to_unix_duration(),
            Duration::from_secs(SIGNING_TIME_2024 as u64)
        );

        let signing_certificate = single_value(&attrs, ID_AA_SIGNING_CERTIFICATE_V_2);
        let decoded = signing_certificate
            .decode_as::<SigningCertificateV2>()
            .unwrap();
        assert_eq!(decoded.certs.len(), 1);
        assert_eq!(decoded.certs[0].hash_algorithm(), sha256_algorithm());
        assert!(decoded.policies.is_none());
        let cert_id = &decoded.certs[0];
        assert_eq!(
            cert_id.cert_hash.as_bytes(),
            &Sha256::digest(&pki.leaf_der)[..]
        );
        assert_eq!(
            cert_id.issuer_serial,
            Some(IssuerSerial {
                issuer: vec![GeneralName::DirectoryName(
                    pki.leaf.tbs_certificate.issuer.clone()
                )],
                serial_number: pki.leaf.tbs_certificate.serial_number.clone(),
            })
        );
        // hashAlgorithm is the DEFAULT, so DER leaves it out: ESSCertIDv2 starts with certHash.
        // SigningCertificateV2 → certs → ESSCertIDv2 → first field.
        let raw = signing_certificate
            .decode_as::<Vec<Vec<Vec<Any>>>>()
            .unwrap();
        assert_eq!(raw[0][0][0].tag(), Tag::OctetString);

        // The signed hash covers exactly the attribute bytes in the file, there tagged [0].
        let attrs_der = attrs.to_der().unwrap();
        assert_eq!(attrs_der[0], 0x31);
        let mut in_file = attrs_der.clone();
        in_file[0] = 0xa0;
        assert!(p7s.windows(in_file.len()).any(|w| w == in_file));
        let expected: [u8; 32] = Sha256::digest(&attrs_der).into();
        let prepared = prepare(&CadesDetachedRequest {
            content_sha256: Sha256::digest(DOCUMENT).into(),
            signer_certificate_der: &pki.leaf_der,
            chain_der: std::slice::from_ref(&pki.root_der),
            signing_time_unix_seconds: Some(SIGNING_TIME_2024),
        })
        .unwrap();
        assert_eq!(prepared.data_to_be_signed_sha256(), expected);
    }

    #[test]
    fn signing_time_switches_to_generalized_time_in_2050() {
        let pki = test_pki();
        let last_utc = signing_time_in(&sign(&pki, DOCUMENT, FIRST_GENERALIZED_TIME - 1));
        assert!(matches!(last_utc, Time::UtcTime(_)));

        for unix_seconds in [FIRST_GENERALIZED_TIME, SIGNING_TIME_2051] {
            let p7s = sign(&pki, DOCUMENT, unix_seconds);
            let time = signing_time_in(&p7s);
            assert!(matches!(time, Time::GeneralTime(_)), "{unix_seconds}");
            assert_eq!(
                time.to_unix_duration(),
                Duration::from_secs(unix_seconds as u64)
            );
            // OpenSSL reads the GeneralizedTime signing-time too.
            let dir = tempfile::tempdir().unwrap();
            assert!(openssl_verifies(dir.path(), &p7s, DOCUMENT, &pki.root_der));
        }
    }

    #[test]
    fn signing_time_out_of_range_is_an_error() {
        let pki = test_pki();
        for unix_seconds in [-1, i64::MIN, 253_402_300_800, i64::MAX] {
            let result = prepare(&CadesDetachedRequest {
                content_sha256: [0; 32],
                signer_certificate_der: &pki.leaf_der,
                chain_der: &[],
                signing_time_unix_seconds: Some(unix_seconds),
            });
            assert!(
                matches!(result, Err(ContainerError::SigningTimeOutOfRange { .. })),
                "{unix_seconds}"
            );
        }
    }

    #[test]
    fn bad_certificates_are_errors() {
        let pki = test_pki();
        let request = |signer: &[u8], chain: &[Vec<u8>]| {
            prepare(&CadesDetachedRequest {
                content_sha256: [0; 32],
                signer_certificate_der: signer,
                chain_der: chain,
                signing_time_unix_seconds: Some(SIGNING_TIME_2024),
            })
        };

        for garbage in [
            &b""[..],
            b"not a certificate",
            &[0x30, 0x03, 0x02, 0x01, 0x01],
        ] {
            let err = request(garbage, &[]).unwrap_err();
            assert!(
                matches!(err, ContainerError::BadSignerCertificate(_)),
                "{err}"
            );
            assert!(err.to_string().contains("signer certificate"));
        }
        let mut trailing = pki.leaf_der.clone();
        trailing.push(0);
        assert!(matches!(
            request(&trailing, &[]),
            Err(ContainerError::BadSignerCertificate(_))
        ));

        let chain = [pki.root_der.clone(), b"garbage".to_vec()];
        assert!(matches!(
            request(&pki.leaf_der, &chain),
            Err(ContainerError::BadChainCertificate { index: 1, .. })
        ));

        // The same certificate, relabelled as an RSA key: parses, but cannot sign ECDSA.
        let mut rsa = pki.leaf.clone();
        rsa.tbs_certificate.subject_public_key_info.algorithm.oid =
            const_oid::db::rfc5912::RSA_ENCRYPTION;
        assert!(matches!(
            request(&rsa.to_der().unwrap(), &[]),
            Err(ContainerError::UnsupportedSignerKey { .. })
        ));
    }

    #[test]
    fn chain_repeating_the_signer_is_included_once() {
        let pki = test_pki();
        let chain = [
            pki.leaf_der.clone(),
            pki.root_der.clone(),
            pki.root_der.clone(),
        ];
        let prepared = prepare(&CadesDetachedRequest {
            content_sha256: Sha256::digest(DOCUMENT).into(),
            signer_certificate_der: &pki.leaf_der,
            chain_der: &chain,
            signing_time_unix_seconds: Some(SIGNING_TIME_2024),
        })
        .unwrap();
        let signature: DerSignature = pki
            .leaf_key
            .sign_prehash(&prepared.data_to_be_signed_sha256())
            .unwrap();
        let p7s = prepared.finish(signature.as_bytes()).unwrap();
        assert_eq!(parse(&p7s).certificates.unwrap().0.len(), 2);
    }

    #[test]
    fn bad_signatures_are_errors() {
        let pki = test_pki();
        let prepared = prepare(&CadesDetachedRequest {
            content_sha256: Sha256::digest(DOCUMENT).into(),
            signer_certificate_der: &pki.leaf_der,
            chain_der: &[],
            signing_time_unix_seconds: Some(SIGNING_TIME_2024),
        })
        .unwrap();
        let good: DerSignature = pki
            .leaf_key
            .sign_prehash(&prepared.data_to_be_signed_sha256())
            .unwrap();
        let mut trailing = good.as_bytes().to_vec();
        trailing.push(0);

        let bad: [&[u8]; 6] = [
            b"",
            b"garbage",
            // The raw 64-byte r||s form, not DER.
            &[0x11; 64],
            // r = 0.
            &[0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x01],
            // r = -1.
            &[0x30, 0x06, 0x02, 0x01, 0xff, 0x02, 0x01, 0x01],
            &trailing,
        ];
        for signature in bad {
            let err = prepared.clone().finish(signature).unwrap_err();
            assert!(matches!(err, ContainerError::BadSignature(_)), "{err}");
            assert!(err.to_string().contains("signature"));
        }
        assert!(prepared.finish(good.as_bytes()).is_ok());
    }
}
