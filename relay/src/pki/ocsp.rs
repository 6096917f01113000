//! The issuing CA's OCSP responder: RFC 6960. Reads an `OCSPRequest` (§4.1.1: the CertIDs
//! asked, SHA-1 or SHA-256, and the nonce extension of §4.4.1 / RFC 8954), and builds an
//! `OCSPResponse` (§4.2.1) carrying a `BasicOCSPResponse` signed ecdsa-with-SHA256 by the issuing
//! CA itself (§4.2.2.2 case 1; responderID byKey), one `SingleResponse` per CertID asked: good,
//! revoked (time, reason) or unknown (also for a CertID naming another issuer).
//!
//! Parsing and building are split so the caller can look the serials up in the store between
//! the two: `parse_request` → `OcspQuery::serials` → statuses → `build_response`.

use const_oid::ObjectIdentifier;
use const_oid::db::rfc5912::{ID_SHA_1, ID_SHA_256};
use der::asn1::{BitString, OctetString};
use der::{Decode, Encode};
use sha1::Sha1;
use sha2::{Digest, Sha256};
use spki::{AlgorithmIdentifierOwned, DynSignatureAlgorithmIdentifier};
use x509_cert::Certificate;
use x509_cert::ext::Extension;
use x509_ocsp::{
    BasicOcspResponse, CertId, CertStatus, OcspGeneralizedTime, OcspRequest, OcspResponse,
    OcspResponseStatus, ResponderId, ResponseData, RevokedInfo, SingleResponse, Version,
};

pub use x509_cert::ext::pkix::CrlReason;

use super::generalized_time;
use crate::Error;
use crate::keys::CaKey;

/// At most this many CertIDs in one request.
pub const MAX_CERT_IDS: usize = 32;
/// RFC 8954 §2.1: a nonce of 1 to 32 octets.
const MAX_NONCE: usize = 32;

const NONCE: ObjectIdentifier = const_oid::db::rfc6960::ID_PKIX_OCSP_NONCE;

/// The CertID hash algorithms accepted (RFC 6960 §4.1.1; RFC 5019 wants SHA-1 understood).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertIdHash {
    Sha1,
    Sha256,
}

impl CertIdHash {
    fn of(oid: ObjectIdentifier) -> Option<Self> {
        match oid {
            ID_SHA_1 => Some(Self::Sha1),
            ID_SHA_256 => Some(Self::Sha256),
            _ => None,
        }
    }

    fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            Self::Sha1 => Sha1::digest(data).to_vec(),
            Self::Sha256 => Sha256::digest(data).to_vec(),
        }
    }

    fn len(self) -> usize {
        match self {
            Self::Sha1 => 20,
            Self::Sha256 => 32,
        }
    }
}

/// One CertID of a request, by its position there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CertIdRef(pub usize);

/// One CertID asked: kept whole, since the response must repeat it exactly.
#[derive(Debug, Clone)]
pub struct AskedCert {
    pub hash: CertIdHash,
    cert_id: CertId,
    /// The serial number, hex (as `IssuedCertificate::serial_hex`).
    pub serial_hex: String,
}

impl AskedCert {
    pub fn issuer_name_hash(&self) -> &[u8] {
        self.cert_id.issuer_name_hash.as_bytes()
    }

    pub fn issuer_key_hash(&self) -> &[u8] {
        self.cert_id.issuer_key_hash.as_bytes()
    }

    /// Whether this CertID names the certificate `issuer` as issuer.
    fn names_issuer(&self, issuer: &Certificate) -> Result<bool, Error> {
        let name = issuer
            .tbs_certificate
            .subject
            .to_der()
            .map_err(|e| Error::internal("OCSP issuer name", e))?;
        let key = issuer
            .tbs_certificate
            .subject_public_key_info
            .subject_public_key
            .raw_bytes();
        Ok(
            self.issuer_name_hash() == self.hash.digest(&name).as_slice()
                && self.issuer_key_hash() == self.hash.digest(key).as_slice(),
        )
    }
}

/// What a client asked.
#[derive(Debug, Clone)]
pub struct OcspQuery {
    asked: Vec<AskedCert>,
    /// The request's nonce extension value (extnValue contents), echoed verbatim.
    nonce: Option<Vec<u8>>,
}

impl OcspQuery {
    /// The CertIDs asked, in order.
    pub fn asked(&self) -> &[AskedCert] {
        &self.asked
    }

    /// Each CertID asked with its serial (hex), for the caller to look up.
    pub fn serials(&self) -> impl Iterator<Item = (CertIdRef, &str)> {
        self.asked
            .iter()
            .enumerate()
            .map(|(i, a)| (CertIdRef(i), a.serial_hex.as_str()))
    }

    /// The nonce extension's value, as the request carried it.
    pub fn nonce(&self) -> Option<&[u8]> {
        self.nonce.as_deref()
    }
}

/// The store's answer for one serial.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertStatusAnswer {
    Good,
    Revoked {
        /// Unix seconds.
        at: i64,
        reason: Option<CrlReason>,
    },
    /// Not a certificate this CA issued.
    Unknown,
}

fn malformed(why: &str) -> Error {
    Error::InvalidRequest(format!("OCSP request: {why}"))
}

/// Reads a DER `OCSPRequest`. A signature on the request, if any, is not checked (the answers
/// are public).
pub fn parse_request(der: &[u8]) -> Result<OcspQuery, Error> {
    let request = OcspRequest::from_der(der).map_err(|_| malformed("not a DER OCSPRequest"))?;
    let tbs = request.tbs_request;
    if tbs.request_list.is_empty() {
        return Err(malformed("no CertID"));
    }
    if tbs.request_list.len() > MAX_CERT_IDS {
        return Err(malformed("too many CertIDs"));
    }
    let mut asked = Vec::with_capacity(tbs.request_list.len());
    for one in tbs.request_list {
        let cert_id = one.req_cert;
        let hash = CertIdHash::of(cert_id.hash_algorithm.oid)
            .ok_or_else(|| malformed("CertID hash algorithm other than SHA-1 or SHA-256"))?;
        if cert_id.issuer_name_hash.as_bytes().len() != hash.len()
            || cert_id.issuer_key_hash.as_bytes().len() != hash.len()
        {
            return Err(malformed("CertID hash of the wrong length"));
        }
        let serial_hex = hex::encode(cert_id.serial_number.as_bytes());
        asked.push(AskedCert {
            hash,
            cert_id,
            serial_hex,
        });
    }
    let nonce = match tbs
        .request_extensions
        .iter()
        .flatten()
        .find(|e| e.extn_id == NONCE)
    {
        None => None,
        Some(ext) => {
            let value = ext.extn_value.as_bytes();
            // RFC 8954: the nonce is an OCTET STRING inside extnValue; some clients put the
            // bare octets there. Either way its length is bounded.
            let octets = OctetString::from_der(value)
                .map(|o| o.as_bytes().len())
                .unwrap_or(value.len());
            if octets == 0 || octets > MAX_NONCE {
                return Err(malformed("nonce of more than 32 octets, or empty"));
            }
            Some(value.to_vec())
        }
    };
    Ok(OcspQuery { asked, nonce })
}

fn ocsp_time(t: i64) -> Result<OcspGeneralizedTime, Error> {
    Ok(OcspGeneralizedTime(generalized_time(t)?))
}

fn cert_status(answer: CertStatusAnswer) -> Result<CertStatus, Error> {
    Ok(match answer {
        CertStatusAnswer::Good => CertStatus::good(),
        CertStatusAnswer::Unknown => CertStatus::unknown(),
        CertStatusAnswer::Revoked { at, reason } => CertStatus::revoked(RevokedInfo {
            revocation_time: ocsp_time(at)?,
            revocation_reason: reason,
        }),
    })
}

/// A successful DER `OCSPResponse` to `query`, signed by `key`, the key of the issuing CA
/// `issuer_der`. `statuses` gives the store's answer per CertID; a CertID without one, or naming
/// another issuer, is answered unknown. thisUpdate is `produced_at`.
pub fn build_response(
    query: &OcspQuery,
    issuer_der: &[u8],
    key: &CaKey,
    statuses: &[(CertIdRef, CertStatusAnswer)],
    produced_at: i64,
    next_update: Option<i64>,
) -> Result<Vec<u8>, Error> {
    let issuer =
        Certificate::from_der(issuer_der).map_err(|e| Error::internal("OCSP issuer", e))?;
    let this_update = ocsp_time(produced_at)?;
    let next_update = next_update.map(ocsp_time).transpose()?;

    let mut responses = Vec::with_capacity(query.asked.len());
    for (i, asked) in query.asked.iter().enumerate() {
        let answer = if asked.names_issuer(&issuer)? {
            statuses
                .iter()
                .find(|(r, _)| *r == CertIdRef(i))
                .map_or(CertStatusAnswer::Unknown, |(_, a)| *a)
        } else {
            CertStatusAnswer::Unknown
        };
        responses.push(SingleResponse {
            cert_id: asked.cert_id.clone(),
            cert_status: cert_status(answer)?,
            this_update,
            next_update,
            single_extensions: None,
        });
    }

    let key_hash = Sha1::digest(
        issuer
            .tbs_certificate
            .subject_public_key_info
            .subject_public_key
            .raw_bytes(),
    );
    let response_extensions = match &query.nonce {
        None => None,
        Some(value) => Some(vec![Extension {
            extn_id: NONCE,
            critical: false,
            extn_value: OctetString::new(value.clone())
                .map_err(|e| Error::internal("OCSP nonce", e))?,
        }]),
    };
    let tbs = ResponseData {
        version: Version::V1,
        responder_id: ResponderId::ByKey(
            OctetString::new(key_hash.to_vec()).map_err(|e| Error::internal("OCSP key hash", e))?,
        ),
        produced_at: this_update,
        responses,
        response_extensions,
    };
    let tbs_der = tbs
        .to_der()
        .map_err(|e| Error::internal("OCSP response encode", e))?;
    let signature = key.sign(&tbs_der)?;
    let signature_algorithm: AlgorithmIdentifierOwned = key
        .signature_algorithm_identifier()
        .map_err(|e| Error::internal("OCSP signature algorithm", e))?;
    let basic = BasicOcspResponse {
        tbs_response_data: tbs,
        signature_algorithm,
        signature: BitString::from_bytes(signature.as_bytes())
            .map_err(|e| Error::internal("OCSP signature", e))?,
        certs: None,
    };
    OcspResponse::successful(basic)
        .and_then(|r| r.to_der())
        .map_err(|e| Error::internal("OCSP response encode", e))
}

/// `OCSPResponse { responseStatus malformedRequest }`, for a request `parse_request` refused.
pub fn malformed_request_response() -> Vec<u8> {
    status_only(OcspResponseStatus::MalformedRequest)
}

/// `OCSPResponse { responseStatus internalError }`, when the store cannot answer.
pub fn internal_error_response() -> Vec<u8> {
    status_only(OcspResponseStatus::InternalError)
}

fn status_only(status: OcspResponseStatus) -> Vec<u8> {
    // SEQUENCE { ENUMERATED status }: three bytes of content, never fails to encode.
    vec![0x30, 0x03, 0x0a, 0x01, status as u8]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pki::test_support::{TestCa, openssl, pem_file};
    use std::path::Path;

    fn path(p: &Path) -> &str {
        p.to_str().expect("utf-8 path")
    }

    struct Files {
        dir: tempfile::TempDir,
    }

    impl Files {
        fn new() -> Self {
            Self {
                dir: tempfile::tempdir().expect("tempdir"),
            }
        }
        fn cert(&self, name: &str, der: &[u8]) -> std::path::PathBuf {
            pem_file(self.dir.path(), name, "CERTIFICATE", der)
        }
        fn at(&self, name: &str) -> std::path::PathBuf {
            self.dir.path().join(name)
        }
        fn write(&self, name: &str, bytes: &[u8]) -> std::path::PathBuf {
            let p = self.at(name);
            std::fs::write(&p, bytes).expect("write");
            p
        }
    }

    /// openssl makes a request for `cert` under `issuer` (extra flags: -no_nonce, -sha256).
    fn request(f: &Files, issuer: &Path, cert: &Path, flags: &[&str]) -> Vec<u8> {
        let req = f.at("req.der");
        // openssl wants the digest flag before -cert.
        let mut args = vec!["ocsp", "-issuer", path(issuer)];
        args.extend_from_slice(flags);
        args.extend_from_slice(&["-cert", path(cert), "-reqout", path(&req)]);
        let out = openssl(&args);
        assert!(out.contains("status: exit status: 0"), "{out}");
        std::fs::read(&req).expect("request")
    }

    /// openssl checks `resp` against our chain: once against the request (signature, nonce,
    /// the response text), once for `cert`'s status (`digest`: the CertID hash flag). openssl
    /// ignores -reqin when -cert is given, hence two runs.
    fn check(
        f: &Files,
        t: &TestCa,
        resp: &[u8],
        issuer: &Path,
        cert: &Path,
        digest: &str,
    ) -> String {
        let resp = f.write("resp.der", resp);
        let chain = t.chain_pem(f.dir.path());
        let against_request = openssl(&[
            "ocsp",
            "-respin",
            path(&resp),
            "-reqin",
            path(&f.at("req.der")),
            "-issuer",
            path(issuer),
            "-CAfile",
            path(&chain),
            "-resp_text",
        ]);
        let status = openssl(&[
            "ocsp",
            "-respin",
            path(&resp),
            "-issuer",
            path(issuer),
            "-CAfile",
            path(&chain),
            digest,
            "-cert",
            path(cert),
            "-no_nonce",
        ]);
        format!("{against_request}{status}")
    }

    #[tokio::test]
    async fn openssl_accepts_a_good_answer_without_nonce() {
        let t = TestCa::new().await;
        let f = Files::new();
        let cert = t.citizen_certificate("11111111H");
        let issuing = f.cert("issuing.pem", t.ca.issuing_der());
        let cert_pem = f.cert("cert.pem", &cert.der);
        let req = request(&f, &issuing, &cert_pem, &["-no_nonce"]);

        let query = parse_request(&req).expect("parse");
        assert!(query.nonce().is_none());
        let serials: Vec<_> = query.serials().collect();
        assert_eq!(serials, vec![(CertIdRef(0), cert.serial_hex.as_str())]);
        assert_eq!(query.asked()[0].hash, CertIdHash::Sha1);

        let resp =
            t.ca.ocsp_response(
                &query,
                &[(CertIdRef(0), CertStatusAnswer::Good)],
                t.now + 100,
                Some(t.now + 7 * 86400),
            )
            .expect("response");
        let out = check(&f, &t, &resp, &issuing, &cert_pem, "-sha1");
        assert!(out.contains("Response verify OK"), "{out}");
        assert!(!out.contains("Nonce Verify error"), "{out}");
        assert!(out.contains("cert.pem: good"), "{out}");
        // responderID byKey: the SHA-1 of the issuing CA's key, as in the CertID.
        let key_hash = hex::encode_upper(query.asked()[0].issuer_key_hash());
        assert!(out.contains(&format!("Responder Id: {key_hash}")), "{out}");

        // One changed byte in the signed data: openssl refuses the response.
        // Here: the last byte of the serial number answered for.
        let serial = hex::decode(&cert.serial_hex).expect("hex");
        let at = resp
            .windows(serial.len())
            .position(|w| w == serial.as_slice())
            .expect("serial in response")
            + serial.len()
            - 1;
        let mut tampered = resp.clone();
        tampered[at] ^= 0x01;
        let out = check(&f, &t, &tampered, &issuing, &cert_pem, "-sha1");
        assert!(!out.contains("Response verify OK"), "{out}");
    }

    #[tokio::test]
    async fn openssl_sees_a_revocation_and_the_nonce_echoed() {
        let t = TestCa::new().await;
        let f = Files::new();
        let cert = t.citizen_certificate("11111111H");
        let issuing = f.cert("issuing.pem", t.ca.issuing_der());
        let cert_pem = f.cert("cert.pem", &cert.der);
        let req = request(&f, &issuing, &cert_pem, &["-sha256"]);

        let query = parse_request(&req).expect("parse");
        assert!(query.nonce().is_some());
        assert_eq!(query.asked()[0].hash, CertIdHash::Sha256);
        let resp =
            t.ca.ocsp_response(
                &query,
                &[(
                    CertIdRef(0),
                    CertStatusAnswer::Revoked {
                        at: t.now + 50,
                        reason: Some(CrlReason::KeyCompromise),
                    },
                )],
                t.now + 100,
                None,
            )
            .expect("response");
        let out = check(&f, &t, &resp, &issuing, &cert_pem, "-sha256");
        assert!(out.contains("Response verify OK"), "{out}");
        assert!(out.contains("cert.pem: revoked"), "{out}");
        assert!(out.contains("Reason: keyCompromise"), "{out}");
        assert!(out.contains("OCSP Nonce"), "{out}");
        // openssl compares the response's nonce with the request's.
        assert!(!out.contains("Nonce Verify error"), "{out}");
        assert!(!out.contains("no nonce in response"), "{out}");
    }

    #[tokio::test]
    async fn another_issuers_certificate_is_unknown() {
        let t = TestCa::new().await;
        let other = TestCa::new().await;
        let f = Files::new();
        let cert = other.citizen_certificate("33333333P");
        let other_issuing = f.cert("other.pem", other.ca.issuing_der());
        let cert_pem = f.cert("cert.pem", &cert.der);
        let req = request(&f, &other_issuing, &cert_pem, &["-no_nonce"]);

        let query = parse_request(&req).expect("parse");
        // Even told "good", the responder answers unknown for a CertID of another issuer.
        let resp =
            t.ca.ocsp_response(
                &query,
                &[(CertIdRef(0), CertStatusAnswer::Good)],
                t.now + 100,
                None,
            )
            .expect("response");
        let issuing = f.cert("issuing.pem", t.ca.issuing_der());
        let chain = t.chain_pem(f.dir.path());
        let resp_path = f.write("resp.der", &resp);
        let out = openssl(&[
            "ocsp",
            "-respin",
            path(&resp_path),
            "-issuer",
            path(&other_issuing),
            "-cert",
            path(&cert_pem),
            "-CAfile",
            path(&chain),
            "-VAfile",
            path(&issuing),
            "-resp_text",
        ]);
        assert!(out.contains("Response verify OK"), "{out}");
        assert!(out.contains("cert.pem: unknown"), "{out}");
    }

    #[test]
    fn garbage_is_malformed() {
        assert!(matches!(
            parse_request(b"not der"),
            Err(Error::InvalidRequest(_))
        ));
        let resp = OcspResponse::from_der(&malformed_request_response()).expect("der");
        assert_eq!(resp.response_status, OcspResponseStatus::MalformedRequest);
        assert!(resp.response_bytes.is_none());
        assert_eq!(
            malformed_request_response(),
            OcspResponse::malformed_request().to_der().expect("der")
        );
        assert_eq!(
            internal_error_response(),
            OcspResponse::internal_error().to_der().expect("der")
        );
    }
}
