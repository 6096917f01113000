//! The relay's time-stamping authority: RFC 3161. Reads a `TimeStampReq` (§2.4.1: a SHA-256
//! messageImprint, optional reqPolicy, nonce and certReq) and answers a `TimeStampResp`
//! (§2.4.2): granted, with a `TimeStampToken`, a CMS `SignedData` (RFC 5652) whose eContent is
//! the DER `TSTInfo` (eContentType id-ct-TSTInfo) and whose one `SignerInfo`, by the TSA key,
//! signs the attributes content-type, message-digest and signing-certificate-v2 (RFC 5816,
//! ESSCertIDv2 with the SHA-256 of the TSA certificate and its issuer and serial); or a
//! rejection with a `PKIFailureInfo`. The TSA certificate itself (critical EKU
//! id-kp-timeStamping, §2.3) is issued in `pki::Ca`.

use cms::builder::{SignedDataBuilder, SignerInfoBuilder};
use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::ContentInfo;
use cms::signed_data::{EncapsulatedContentInfo, SignedData, SignerIdentifier};
use const_oid::ObjectIdentifier;
use const_oid::db::rfc5911::{ID_AA_SIGNING_CERTIFICATE_V_2, ID_SIGNED_DATA};
use const_oid::db::rfc5912::ID_SHA_256;
use der::asn1::{BitString, Int, OctetString, SetOfVec};
use der::{Any, Decode, Encode, Enumerated, Sequence, Tag, Tagged};
use p256::ecdsa::DerSignature;
use sha2::{Digest, Sha256};
use spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;
use x509_cert::attr::Attribute;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::serial_number::SerialNumber;
use x509_tsp::{Accuracy, MessageImprint, TimeStampReq, TspVersion, TstInfo};

use super::generalized_time;
use crate::Error;
use crate::keys::CaKey;

/// id-ct-TSTInfo (RFC 3161 §2.4.2).
pub const ID_CT_TST_INFO: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.1.4");

/// A nonce longer than this (octets) is refused; RFC 3161 sets no bound, clients send 8.
const MAX_NONCE: usize = 32;

/// Why a request is refused (RFC 3161 §2.4.2 `PKIFailureInfo`, the bits a TSA uses).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailInfo {
    /// Unrecognized or unsupported algorithm (here: any hash but SHA-256).
    BadAlg,
    /// Transaction not permitted or supported.
    BadRequest,
    /// The data submitted has the wrong format.
    BadDataFormat,
    /// The requested TSA policy is not supported.
    UnacceptedPolicy,
    /// The requested extension is not supported.
    UnacceptedExtension,
    /// The request cannot be handled due to system failure.
    SystemFailure,
}

impl FailInfo {
    /// The bit's number in `PKIFailureInfo`.
    fn bit(self) -> usize {
        match self {
            Self::BadAlg => 0,
            Self::BadRequest => 2,
            Self::BadDataFormat => 5,
            Self::UnacceptedPolicy => 15,
            Self::UnacceptedExtension => 16,
            Self::SystemFailure => 25,
        }
    }

    /// `PKIFailureInfo` with this one bit set, DER (named bits: no trailing zero bits).
    /// Written by hand: der 0.7's `FlagSet` encoding, which cmpv2 uses, drops or misplaces bits.
    fn bit_string(self) -> Result<BitString, der::Error> {
        let bit = self.bit();
        let mut bytes = vec![0u8; bit / 8 + 1];
        bytes[bit / 8] = 0x80 >> (bit % 8);
        BitString::new((7 - bit % 8) as u8, bytes)
    }
}

/// PKIStatus (RFC 3161 §2.4.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enumerated)]
#[asn1(type = "INTEGER")]
#[repr(u8)]
enum PkiStatus {
    Granted = 0,
    GrantedWithMods = 1,
    Rejection = 2,
    Waiting = 3,
    RevocationWarning = 4,
    RevocationNotification = 5,
}

/// PKIStatusInfo (RFC 3161 §2.4.2).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct PkiStatusInfo {
    status: PkiStatus,
    #[asn1(optional = "true")]
    status_string: Option<Vec<String>>,
    #[asn1(optional = "true")]
    fail_info: Option<BitString>,
}

/// TimeStampResp (RFC 3161 §2.4.2).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct TimeStampResp {
    status: PkiStatusInfo,
    #[asn1(optional = "true")]
    time_stamp_token: Option<ContentInfo>,
}

/// An accepted `TimeStampReq`.
#[derive(Debug, Clone)]
pub struct TsaQuery {
    imprint: MessageImprint,
    nonce: Option<Int>,
    cert_req: bool,
    req_policy: Option<ObjectIdentifier>,
}

impl TsaQuery {
    /// A query for a SHA-256 digest that did not come as a DER `TimeStampReq` (CSC
    /// `signatures/timestamp`): the token carries the certificates.
    pub fn for_sha256(digest: &[u8; 32], nonce: Option<&[u8]>) -> Result<Self, Error> {
        Ok(Self {
            imprint: MessageImprint {
                hash_algorithm: AlgorithmIdentifierOwned {
                    oid: ID_SHA_256,
                    parameters: None,
                },
                hashed_message: OctetString::new(digest.as_slice())
                    .map_err(|e| Error::internal("message imprint", e))?,
            },
            nonce: nonce
                .map(Int::new)
                .transpose()
                .map_err(|_| Error::InvalidRequest("nonce: not an integer".into()))?,
            cert_req: true,
            req_policy: None,
        })
    }

    /// The SHA-256 digest to be time-stamped.
    pub fn hashed_message(&self) -> &[u8] {
        self.imprint.hashed_message.as_bytes()
    }

    /// The nonce, big-endian two's complement as sent.
    pub fn nonce(&self) -> Option<&[u8]> {
        self.nonce.as_ref().map(Int::as_bytes)
    }

    /// Whether the client asked for the TSA certificate in the token.
    pub fn cert_req(&self) -> bool {
        self.cert_req
    }

    pub fn requested_policy(&self) -> Option<ObjectIdentifier> {
        self.req_policy
    }
}

/// Reads a DER `TimeStampReq`. A refusal is an RFC 3161 answer, not an HTTP error: send
/// `rejection(fail)`.
pub fn parse_request(der: &[u8]) -> Result<TsaQuery, FailInfo> {
    let req = TimeStampReq::from_der(der).map_err(|_| FailInfo::BadDataFormat)?;
    let algorithm = &req.message_imprint.hash_algorithm;
    if algorithm.oid != ID_SHA_256 {
        return Err(FailInfo::BadAlg);
    }
    // Parameters absent or NULL (RFC 5754 §2).
    if algorithm
        .parameters
        .as_ref()
        .is_some_and(|p| p.tag() != Tag::Null || !p.value().is_empty())
    {
        return Err(FailInfo::BadAlg);
    }
    if req.message_imprint.hashed_message.as_bytes().len() != 32 {
        return Err(FailInfo::BadDataFormat);
    }
    if req.extensions.as_ref().is_some_and(|e| !e.is_empty()) {
        return Err(FailInfo::UnacceptedExtension);
    }
    if req
        .nonce
        .as_ref()
        .is_some_and(|n| n.as_bytes().len() > MAX_NONCE)
    {
        return Err(FailInfo::BadRequest);
    }
    Ok(TsaQuery {
        imprint: req.message_imprint,
        nonce: req.nonce,
        cert_req: req.cert_req,
        req_policy: req.req_policy,
    })
}

/// ESSCertIDv2 (RFC 5035 §3; hashAlgorithm left at its DEFAULT, SHA-256).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct EssCertIdV2 {
    cert_hash: OctetString,
    issuer_serial: IssuerSerial,
}

/// IssuerSerial (RFC 5035 §4).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct IssuerSerial {
    issuer: Vec<GeneralName>,
    serial_number: SerialNumber,
}

/// SigningCertificateV2 (RFC 5035 §3; no policies).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct SigningCertificateV2 {
    certs: Vec<EssCertIdV2>,
}

fn signing_certificate_v2(cert: &Certificate, cert_der: &[u8]) -> Result<Attribute, Error> {
    let value = SigningCertificateV2 {
        certs: vec![EssCertIdV2 {
            cert_hash: OctetString::new(Sha256::digest(cert_der).to_vec())
                .map_err(|e| Error::internal("ESSCertIDv2", e))?,
            issuer_serial: IssuerSerial {
                issuer: vec![GeneralName::DirectoryName(
                    cert.tbs_certificate.issuer.clone(),
                )],
                serial_number: cert.tbs_certificate.serial_number.clone(),
            },
        }],
    };
    let any = Any::encode_from(&value).map_err(|e| Error::internal("signing-certificate-v2", e))?;
    let values =
        SetOfVec::try_from(vec![any]).map_err(|e| Error::internal("signing-certificate-v2", e))?;
    Ok(Attribute {
        oid: ID_AA_SIGNING_CERTIFICATE_V_2,
        values,
    })
}

/// A positive INTEGER from big-endian unsigned octets.
fn positive_int(bytes: &[u8]) -> Result<Int, Error> {
    let trimmed = match bytes.iter().position(|b| *b != 0) {
        Some(first) => &bytes[first..],
        None => &[0u8][..],
    };
    let mut octets = Vec::with_capacity(trimmed.len() + 1);
    if trimmed.first().is_some_and(|b| *b & 0x80 != 0) {
        octets.push(0);
    }
    octets.extend_from_slice(trimmed);
    Int::new(&octets).map_err(|e| Error::internal("TSTInfo serial", e))
}

fn sha256_algorithm() -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned {
        oid: ID_SHA_256,
        parameters: None,
    }
}

/// A granted DER `TimeStampResp` to `query`: a token signed by `tsa_key` (the key of the
/// certificate `tsa_cert_der`), at `gen_time` (Unix seconds, accuracy one second), numbered
/// `serial` (unique per token), under `policy_oid`. When the client asked for certificates the
/// token carries the TSA certificate and `chain_der`. A request for another policy is answered
/// with a rejection (unacceptedPolicy).
pub fn build_response(
    query: &TsaQuery,
    tsa_key: &CaKey,
    tsa_cert_der: &[u8],
    chain_der: &[Vec<u8>],
    serial: &[u8; 16],
    gen_time: i64,
    policy_oid: ObjectIdentifier,
) -> Result<Vec<u8>, Error> {
    if query.req_policy.is_some_and(|p| p != policy_oid) {
        return Ok(rejection(FailInfo::UnacceptedPolicy));
    }
    let tsa_cert =
        Certificate::from_der(tsa_cert_der).map_err(|e| Error::internal("TSA certificate", e))?;
    let tst_info = TstInfo {
        version: TspVersion::V1,
        policy: policy_oid,
        message_imprint: query.imprint.clone(),
        serial_number: positive_int(serial)?,
        gen_time: generalized_time(gen_time)?,
        accuracy: Some(Accuracy {
            seconds: Some(1),
            millis: None,
            micros: None,
        }),
        ordering: false,
        nonce: query.nonce.clone(),
        tsa: Some(GeneralName::DirectoryName(
            tsa_cert.tbs_certificate.subject.clone(),
        )),
        extensions: None,
    };
    let tst_der = tst_info
        .to_der()
        .map_err(|e| Error::internal("TSTInfo encode", e))?;
    let econtent = Any::encode_from(
        &OctetString::new(tst_der).map_err(|e| Error::internal("TSTInfo content", e))?,
    )
    .map_err(|e| Error::internal("TSTInfo content", e))?;
    let content = EncapsulatedContentInfo {
        econtent_type: ID_CT_TST_INFO,
        econtent: Some(econtent),
    };

    let sid = SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
        issuer: tsa_cert.tbs_certificate.issuer.clone(),
        serial_number: tsa_cert.tbs_certificate.serial_number.clone(),
    });
    let mut signer = SignerInfoBuilder::new(tsa_key, sid, sha256_algorithm(), &content, None)
        .map_err(|e| Error::internal("TSA signer info", e))?;
    signer
        .add_signed_attribute(signing_certificate_v2(&tsa_cert, tsa_cert_der)?)
        .map_err(|e| Error::internal("TSA signed attribute", e))?;

    let mut signed_data = SignedDataBuilder::new(&content);
    signed_data
        .add_digest_algorithm(sha256_algorithm())
        .map_err(|e| Error::internal("TSA digest algorithm", e))?;
    if query.cert_req {
        let chain = chain_der
            .iter()
            .map(|der| Certificate::from_der(der))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| Error::internal("TSA chain", e))?;
        for cert in std::iter::once(tsa_cert.clone()).chain(chain) {
            signed_data
                .add_certificate(CertificateChoices::Certificate(cert))
                .map_err(|e| Error::internal("TSA certificates", e))?;
        }
    }
    let token: ContentInfo = signed_data
        .add_signer_info::<CaKey, DerSignature>(signer)
        .map_err(|e| Error::internal("TSA signature", e))?
        .build()
        .map_err(|e| Error::internal("TimeStampToken", e))?;
    TimeStampResp {
        status: PkiStatusInfo {
            status: PkiStatus::Granted,
            status_string: None,
            fail_info: None,
        },
        time_stamp_token: Some(token),
    }
    .to_der()
    .map_err(|e| Error::internal("TimeStampResp encode", e))
}

/// A `TimeStampResp` with status rejection and `fail` as failInfo.
pub fn rejection(fail: FailInfo) -> Vec<u8> {
    // SEQUENCE { SEQUENCE { INTEGER 2, BIT STRING } }: a few fixed bytes; should the encoder
    // ever fail, the same without failInfo is still a valid rejection.
    fail.bit_string()
        .and_then(|fail_info| {
            TimeStampResp {
                status: PkiStatusInfo {
                    status: PkiStatus::Rejection,
                    status_string: None,
                    fail_info: Some(fail_info),
                },
                time_stamp_token: None,
            }
            .to_der()
        })
        .unwrap_or_else(|_| vec![0x30, 0x05, 0x30, 0x03, 0x02, 0x01, 0x02])
}

/// The `TimeStampToken` (a DER `ContentInfo`) of a granted `TimeStampResp`, e.g. for CSC
/// `signatures/timestamp` or to embed as an unsigned attribute.
pub fn token_from_response(resp_der: &[u8]) -> Result<Vec<u8>, Error> {
    let resp = TimeStampResp::from_der(resp_der)
        .map_err(|_| Error::InvalidRequest("not a DER TimeStampResp".into()))?;
    match (resp.status.status, resp.time_stamp_token) {
        (PkiStatus::Granted | PkiStatus::GrantedWithMods, Some(token)) => token
            .to_der()
            .map_err(|e| Error::internal("TimeStampToken encode", e)),
        _ => Err(Error::InvalidRequest(
            "the time-stamp response grants no token".into(),
        )),
    }
}

/// A DER `TimeStampReq` asking another TSA to time-stamp a SHA-256 digest (§2.4.1): version 1,
/// the imprint (SHA-256, parameters absent), `nonce` (the INTEGER's content octets), certReq
/// true, no policy, no extensions.
pub fn sha256_request(digest: &[u8; 32], nonce: &[u8]) -> Result<Vec<u8>, Error> {
    TimeStampReq {
        version: TspVersion::V1,
        message_imprint: MessageImprint {
            hash_algorithm: sha256_algorithm(),
            hashed_message: OctetString::new(digest.as_slice())
                .map_err(|e| Error::internal("message imprint", e))?,
        },
        req_policy: None,
        nonce: Some(Int::new(nonce).map_err(|e| Error::internal("TSA nonce", e))?),
        cert_req: true,
        extensions: None,
    }
    .to_der()
    .map_err(|e| Error::internal("TimeStampReq encode", e))
}

/// A fresh nonce for a request to another TSA: 8 random octets as a positive INTEGER (its
/// content octets, as `sha256_request` takes them).
pub fn fresh_nonce(random: &[u8; 8]) -> Result<Vec<u8>, Error> {
    Ok(positive_int(random)?.as_bytes().to_vec())
}

/// Why another TSA's answer to `sha256_request` was not taken (said in the relay's log).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    NotATimeStampResp,
    /// Not granted nor grantedWithMods (RFC 3161 §2.4.2 PKIStatus, as a number).
    NotGranted(u8),
    NoToken,
    NotSignedData,
    NoSigner,
    NotTstInfo,
    /// The TSTInfo is over another digest, or another hash algorithm.
    OtherImprint,
    /// The TSTInfo carries another nonce, or none.
    OtherNonce,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotATimeStampResp => f.write_str("the answer is not a DER TimeStampResp"),
            Self::NotGranted(status) => {
                write!(f, "the request was not granted (PKIStatus {status})")
            }
            Self::NoToken => f.write_str("the answer grants no token"),
            Self::NotSignedData => f.write_str("the token is not a CMS SignedData"),
            Self::NoSigner => f.write_str("the token has no SignerInfo"),
            Self::NotTstInfo => f.write_str("the token does not carry a TSTInfo (id-ct-TSTInfo)"),
            Self::OtherImprint => {
                f.write_str("the token's messageImprint is not SHA-256 over the digest asked")
            }
            Self::OtherNonce => f.write_str("the token's nonce is not the request's"),
        }
    }
}

/// The `TimeStampToken` of another TSA's answer to `sha256_request(digest, nonce)`, taken only
/// if the status is granted (or grantedWithMods) and the token is a CMS `SignedData`, with a
/// signer, whose eContent is a TSTInfo over exactly that SHA-256 digest with exactly that
/// nonce. The token's signature and its TSA certificate are for whoever relies on it to check.
pub fn token_for_request(
    resp_der: &[u8],
    digest: &[u8; 32],
    nonce: &[u8],
) -> Result<Vec<u8>, Refusal> {
    let resp = TimeStampResp::from_der(resp_der).map_err(|_| Refusal::NotATimeStampResp)?;
    if !matches!(
        resp.status.status,
        PkiStatus::Granted | PkiStatus::GrantedWithMods
    ) {
        return Err(Refusal::NotGranted(resp.status.status as u8));
    }
    let token = resp.time_stamp_token.ok_or(Refusal::NoToken)?;
    if token.content_type != ID_SIGNED_DATA {
        return Err(Refusal::NotSignedData);
    }
    let signed: SignedData = token
        .content
        .decode_as()
        .map_err(|_| Refusal::NotSignedData)?;
    if signed.signer_infos.0.is_empty() {
        return Err(Refusal::NoSigner);
    }
    let content = &signed.encap_content_info;
    if content.econtent_type != ID_CT_TST_INFO {
        return Err(Refusal::NotTstInfo);
    }
    let tst_der: OctetString = content
        .econtent
        .as_ref()
        .ok_or(Refusal::NotTstInfo)?
        .decode_as()
        .map_err(|_| Refusal::NotTstInfo)?;
    let tst = TstInfo::from_der(tst_der.as_bytes()).map_err(|_| Refusal::NotTstInfo)?;
    let imprint = &tst.message_imprint;
    let sha256 = imprint.hash_algorithm.oid == ID_SHA_256
        && imprint
            .hash_algorithm
            .parameters
            .as_ref()
            .is_none_or(|p| p.tag() == Tag::Null && p.value().is_empty());
    if !sha256 || imprint.hashed_message.as_bytes() != digest.as_slice() {
        return Err(Refusal::OtherImprint);
    }
    if tst.nonce.as_ref().map(Int::as_bytes) != Some(nonce) {
        return Err(Refusal::OtherNonce);
    }
    token.to_der().map_err(|_| Refusal::NotSignedData)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pki::test_support::{TestCa, openssl, pem, pem_file};
    use std::path::{Path, PathBuf};

    const POLICY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.32473.3161.1");

    fn path(p: &Path) -> &str {
        p.to_str().expect("utf-8 path")
    }

    /// openssl writes a query for `data` (flags such as -sha256 -cert, -sha1, -no_nonce).
    fn query(dir: &Path, data: &[u8], flags: &[&str]) -> (PathBuf, Vec<u8>) {
        let data_path = dir.join("data.txt");
        std::fs::write(&data_path, data).expect("write");
        let tsq = dir.join("req.tsq");
        let mut args = vec!["ts", "-query", "-data", path(&data_path)];
        args.extend_from_slice(flags);
        args.extend_from_slice(&["-out", path(&tsq)]);
        let out = openssl(&args);
        assert!(out.contains("status: exit status: 0"), "{out}");
        let der = std::fs::read(&tsq).expect("tsq");
        (tsq, der)
    }

    /// root.pem, and the issuing CA plus the TSA certificate as untrusted.
    fn trust(dir: &Path, t: &TestCa) -> (PathBuf, PathBuf) {
        let chain = t.ca.chain_der();
        let root = pem_file(dir, "root.pem", "CERTIFICATE", &chain[1]);
        let untrusted = dir.join("untrusted.pem");
        let text = pem("CERTIFICATE", &chain[0]) + &pem("CERTIFICATE", t.ca.tsa_cert_der());
        std::fs::write(&untrusted, text).expect("write");
        (root, untrusted)
    }

    fn verify(dir: &Path, t: &TestCa, tsq: &Path, resp: &[u8]) -> String {
        let tsr = dir.join("resp.tsr");
        std::fs::write(&tsr, resp).expect("write");
        let (root, untrusted) = trust(dir, t);
        openssl(&[
            "ts",
            "-verify",
            "-in",
            path(&tsr),
            "-queryfile",
            path(tsq),
            "-CAfile",
            path(&root),
            "-untrusted",
            path(&untrusted),
        ])
    }

    #[tokio::test]
    async fn openssl_verifies_a_granted_token() {
        let t = TestCa::new().await;
        let dir = tempfile::tempdir().expect("tempdir");
        let (tsq, req) = query(dir.path(), b"hello, tsa", &["-sha256", "-cert"]);
        let q = parse_request(&req).expect("parse");
        assert!(q.cert_req());
        assert!(q.nonce().is_some());
        assert_eq!(q.hashed_message(), &Sha256::digest(b"hello, tsa")[..]);

        let resp =
            t.ca.timestamp(&q, &[0xa5; 16], t.now + 86000, POLICY)
                .expect("response");
        let out = verify(dir.path(), &t, &tsq, &resp);
        assert!(out.contains("Verification: OK"), "{out}");

        let tsr = dir.path().join("resp.tsr");
        let text = openssl(&["ts", "-reply", "-in", path(&tsr), "-text"]);
        assert!(text.contains("Status: Granted."), "{text}");
        assert!(
            text.contains("Policy OID: 1.3.6.1.4.1.32473.3161.1"),
            "{text}"
        );
        let nonce = hex::encode_upper(q.nonce().expect("nonce"));
        let shown = text
            .lines()
            .find_map(|l| l.strip_prefix("Nonce: 0x"))
            .expect("nonce line");
        assert_eq!(
            shown.trim_start_matches('0'),
            nonce.trim_start_matches('0'),
            "{text}"
        );
        assert!(text.contains("Accuracy: 0x01 seconds"), "{text}");
        assert!(text.contains("nubefirma TSA"), "{text}");

        // The token alone is a CMS SignedData that carries the TSTInfo.
        let token = token_from_response(&resp).expect("token");
        let info = ContentInfo::from_der(&token).expect("content info");
        assert_eq!(info.content_type, const_oid::db::rfc5911::ID_SIGNED_DATA);
        let token_path = dir.path().join("token.der");
        std::fs::write(&token_path, &token).expect("write");
        let (root, untrusted) = trust(dir.path(), &t);
        let out = openssl(&[
            "ts",
            "-verify",
            "-in",
            path(&token_path),
            "-token_in",
            "-queryfile",
            path(&tsq),
            "-CAfile",
            path(&root),
            "-untrusted",
            path(&untrusted),
        ]);
        assert!(out.contains("Verification: OK"), "{out}");
    }

    #[tokio::test]
    async fn openssl_refuses_another_document_or_a_changed_byte() {
        let t = TestCa::new().await;
        let dir = tempfile::tempdir().expect("tempdir");
        let (_, req) = query(dir.path(), b"first document", &["-sha256", "-no_nonce"]);
        let q = parse_request(&req).expect("parse");
        assert!(!q.cert_req());
        let resp =
            t.ca.timestamp(&q, &[0x01; 16], t.now + 86000, POLICY)
                .expect("response");

        let other = dir.path().join("other");
        std::fs::create_dir(&other).expect("dir");
        let (other_tsq, _) = query(&other, b"second document", &["-sha256", "-no_nonce"]);
        let out = verify(dir.path(), &t, &other_tsq, &resp);
        assert!(!out.contains("Verification: OK"), "{out}");

        let (tsq, _) = query(dir.path(), b"first document", &["-sha256", "-no_nonce"]);
        let out = verify(dir.path(), &t, &tsq, &resp);
        assert!(out.contains("Verification: OK"), "{out}");
        // The genTime, inside the signed TSTInfo, moved by one second.
        let time = generalized_time(t.now + 86000)
            .expect("time")
            .to_der()
            .expect("der");
        let at = resp
            .windows(time.len())
            .position(|w| w == time.as_slice())
            .expect("genTime")
            + time.len()
            - 2;
        let mut tampered = resp.clone();
        tampered[at] ^= 0x01;
        let out = verify(dir.path(), &t, &tsq, &tampered);
        assert!(!out.contains("Verification: OK"), "{out}");
    }

    #[tokio::test]
    async fn sha1_and_garbage_are_rejected() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (_, req) = query(dir.path(), b"doc", &["-sha1"]);
        assert_eq!(parse_request(&req).err(), Some(FailInfo::BadAlg));
        assert_eq!(parse_request(b"junk").err(), Some(FailInfo::BadDataFormat));

        let tsr = dir.path().join("rej.tsr");
        std::fs::write(&tsr, rejection(FailInfo::BadAlg)).expect("write");
        let text = openssl(&["ts", "-reply", "-in", path(&tsr), "-text"]);
        assert!(text.contains("Status: Rejected."), "{text}");
        assert!(
            text.contains("unrecognized or unsupported algorithm"),
            "{text}"
        );
        let rejected = rejection(FailInfo::BadAlg);
        let resp = TimeStampResp::from_der(&rejected).expect("der");
        assert_eq!(resp.status.status, PkiStatus::Rejection);
        assert!(resp.time_stamp_token.is_none());
        // The failInfo bits as RFC 3161 numbers them, trailing zero bits dropped.
        assert_eq!(&rejected[rejected.len() - 4..], &[0x03, 0x02, 0x07, 0x80]);
        let policy = rejection(FailInfo::UnacceptedPolicy);
        assert_eq!(&policy[policy.len() - 5..], &[0x03, 0x03, 0x00, 0x00, 0x01]);
        assert!(token_from_response(&rejection(FailInfo::BadAlg)).is_err());
    }

    #[tokio::test]
    async fn another_policy_is_refused() {
        let t = TestCa::new().await;
        let dir = tempfile::tempdir().expect("tempdir");
        let (_, req) = query(dir.path(), b"doc", &["-sha256", "-tspolicy", "1.2.3.4.5"]);
        let q = parse_request(&req).expect("parse");
        let resp =
            t.ca.timestamp(&q, &[0x02; 16], t.now, POLICY)
                .expect("response");
        assert_eq!(resp, rejection(FailInfo::UnacceptedPolicy));
    }

    /// The first octets of `digest` as `openssl ts -text` dumps them ("54 e5 b4 14").
    fn hex_dump_start(digest: &[u8]) -> String {
        digest[..4]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// A granted answer of `t`'s TSA to `sha256_request(digest, nonce)`.
    fn granted(t: &TestCa, digest: &[u8; 32], nonce: Option<&[u8]>) -> Vec<u8> {
        let query = TsaQuery::for_sha256(digest, nonce).expect("query");
        t.ca.timestamp(&query, &[0x03; 16], t.now, POLICY)
            .expect("response")
    }

    /// `resp` with its token's SignedData changed by `change`.
    fn with_signed_data(resp: &[u8], change: impl FnOnce(&mut SignedData)) -> Vec<u8> {
        let mut resp = TimeStampResp::from_der(resp).expect("resp");
        let token = resp.time_stamp_token.as_mut().expect("token");
        let mut signed: SignedData = token.content.decode_as().expect("signed data");
        change(&mut signed);
        token.content = Any::encode_from(&signed).expect("any");
        resp.to_der().expect("der")
    }

    #[tokio::test]
    async fn a_request_to_another_tsa_reads_in_openssl_and_its_answer_is_checked() {
        let t = TestCa::new().await;
        let dir = tempfile::tempdir().expect("tempdir");
        let digest: [u8; 32] = Sha256::digest(b"signature value").into();
        let nonce = fresh_nonce(&[0x9c, 1, 2, 3, 4, 5, 6, 7]).expect("nonce");
        // 64 random bits as a positive INTEGER: a leading zero octet when the top bit is set.
        assert_eq!(nonce, [0, 0x9c, 1, 2, 3, 4, 5, 6, 7]);
        assert_eq!(fresh_nonce(&[0x1c; 8]).expect("nonce"), [0x1c; 8]);

        let request = sha256_request(&digest, &nonce).expect("request");
        let tsq = dir.path().join("req.tsq");
        std::fs::write(&tsq, &request).expect("write");
        let text = openssl(&["ts", "-query", "-in", path(&tsq), "-text"]);
        assert!(text.contains("Hash Algorithm: sha256"), "{text}");
        assert!(text.contains(&hex_dump_start(&digest)), "{text}");
        assert!(text.contains("Nonce: 0x9C01020304050607"), "{text}");
        assert!(text.contains("Certificate required: yes"), "{text}");
        assert!(text.contains("Policy OID: unspecified"), "{text}");
        let query = parse_request(&request).expect("our own TSA reads it");
        assert_eq!(query.nonce(), Some(nonce.as_slice()));

        let resp = granted(&t, &digest, Some(&nonce));
        assert_eq!(
            token_for_request(&resp, &digest, &nonce),
            Ok(token_from_response(&resp).expect("token"))
        );

        let other: [u8; 32] = Sha256::digest(b"another value").into();
        assert_eq!(
            token_for_request(&granted(&t, &other, Some(&nonce)), &digest, &nonce),
            Err(Refusal::OtherImprint)
        );
        assert_eq!(
            token_for_request(&granted(&t, &digest, Some(&[0x1c; 8])), &digest, &nonce),
            Err(Refusal::OtherNonce)
        );
        assert_eq!(
            token_for_request(&granted(&t, &digest, None), &digest, &nonce),
            Err(Refusal::OtherNonce)
        );
        assert_eq!(
            token_for_request(&rejection(FailInfo::SystemFailure), &digest, &nonce),
            Err(Refusal::NotGranted(2))
        );
        assert_eq!(
            token_for_request(b"\x30\x03junk", &digest, &nonce),
            Err(Refusal::NotATimeStampResp)
        );
        let mut truncated = resp.clone();
        truncated.truncate(resp.len() - 1);
        assert_eq!(
            token_for_request(&truncated, &digest, &nonce),
            Err(Refusal::NotATimeStampResp)
        );
        let no_token = TimeStampResp {
            status: PkiStatusInfo {
                status: PkiStatus::GrantedWithMods,
                status_string: None,
                fail_info: None,
            },
            time_stamp_token: None,
        }
        .to_der()
        .expect("der");
        assert_eq!(
            token_for_request(&no_token, &digest, &nonce),
            Err(Refusal::NoToken)
        );
        let data = TimeStampResp {
            status: PkiStatusInfo {
                status: PkiStatus::Granted,
                status_string: None,
                fail_info: None,
            },
            time_stamp_token: Some(ContentInfo {
                content_type: const_oid::db::rfc5911::ID_DATA,
                content: Any::encode_from(&OctetString::new(digest.to_vec()).expect("octets"))
                    .expect("any"),
            }),
        }
        .to_der()
        .expect("der");
        assert_eq!(
            token_for_request(&data, &digest, &nonce),
            Err(Refusal::NotSignedData)
        );
        let not_tst_info = with_signed_data(&resp, |signed| {
            signed.encap_content_info.econtent_type = const_oid::db::rfc5911::ID_DATA;
        });
        assert_eq!(
            token_for_request(&not_tst_info, &digest, &nonce),
            Err(Refusal::NotTstInfo)
        );
        let unsigned = with_signed_data(&resp, |signed| {
            signed.signer_infos = cms::signed_data::SignerInfos(SetOfVec::new());
        });
        assert_eq!(
            token_for_request(&unsigned, &digest, &nonce),
            Err(Refusal::NoSigner)
        );
    }

    #[test]
    fn serials_are_positive_integers() {
        assert_eq!(
            positive_int(&[0x80, 1]).expect("int").as_bytes(),
            &[0, 0x80, 1]
        );
        assert_eq!(positive_int(&[0, 0, 5]).expect("int").as_bytes(), &[5]);
        assert_eq!(positive_int(&[0, 0]).expect("int").as_bytes(), &[0]);
    }
}
