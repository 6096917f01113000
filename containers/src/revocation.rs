//! Revocation by OCSP (RFC 6960), pure: the request for one certificate, and the reading of the
//! responder's answer — which is believed only when it is signed by the certificate's issuer,
//! or by a responder certificate the issuer signed for OCSP signing (§4.2.2.2), names this very
//! certificate (CertID) and echoes the request's nonce. Sending it is the caller's (the
//! browser reaches the relay's responder, which sends CORS headers; public ones do not).

use const_oid::ObjectIdentifier;
use const_oid::db::rfc5912::{ECDSA_WITH_SHA_256, ID_KP_OCSP_SIGNING, ID_SHA_256};
use der::asn1::OctetString;
use der::{Decode, Encode};
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{Signature, VerifyingKey};
use sha2::{Digest, Sha256};
use spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;
use x509_cert::ext::Extension;
use x509_cert::ext::pkix::ExtendedKeyUsage;
use x509_ocsp::{
    BasicOcspResponse, CertId, CertStatus, OcspRequest, OcspResponse, OcspResponseStatus, Request,
    TbsRequest, Version,
};

use crate::trust::signed_by;

const NONCE: ObjectIdentifier = const_oid::db::rfc6960::ID_PKIX_OCSP_NONCE;
const ID_PKIX_OCSP_BASIC: ObjectIdentifier = const_oid::db::rfc6960::ID_PKIX_OCSP_BASIC;

/// What the responder says of the certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Revocation {
    /// Not revoked, as of `this_update` (Unix seconds).
    Good { this_update: i64 },
    /// Revoked at `time` (Unix seconds), for `reason` when given.
    Revoked { time: i64, reason: Option<String> },
    /// The responder does not know the certificate.
    Unknown,
}

fn cert_id(cert: &Certificate, issuer: &Certificate) -> Result<CertId, String> {
    let name = issuer
        .tbs_certificate
        .subject
        .to_der()
        .map_err(|e| format!("issuer name: {e}"))?;
    let key = issuer
        .tbs_certificate
        .subject_public_key_info
        .subject_public_key
        .raw_bytes();
    Ok(CertId {
        hash_algorithm: AlgorithmIdentifierOwned {
            oid: ID_SHA_256,
            parameters: None,
        },
        issuer_name_hash: OctetString::new(Sha256::digest(&name).to_vec())
            .map_err(|e| e.to_string())?,
        issuer_key_hash: OctetString::new(Sha256::digest(key).to_vec())
            .map_err(|e| e.to_string())?,
        serial_number: cert.tbs_certificate.serial_number.clone(),
    })
}

fn parse(der: &[u8], what: &str) -> Result<Certificate, String> {
    Certificate::from_der(der).map_err(|e| format!("{what}: {e}"))
}

/// The DER `OCSPRequest` for `cert_der` (issued by `issuer_der`), SHA-256 CertID, with
/// `nonce` (RFC 8954: 1 to 32 random octets, chosen by the caller) against replays.
pub fn ocsp_request(cert_der: &[u8], issuer_der: &[u8], nonce: &[u8]) -> Result<Vec<u8>, String> {
    let cert = parse(cert_der, "certificate")?;
    let issuer = parse(issuer_der, "issuer certificate")?;
    let nonce = OctetString::new(nonce)
        .and_then(|n| n.to_der())
        .and_then(OctetString::new)
        .map_err(|e| format!("nonce: {e}"))?;
    OcspRequest {
        tbs_request: TbsRequest {
            version: Version::V1,
            requestor_name: None,
            request_list: vec![Request {
                req_cert: cert_id(&cert, &issuer)?,
                single_request_extensions: None,
            }],
            request_extensions: Some(vec![Extension {
                extn_id: NONCE,
                critical: false,
                extn_value: nonce,
            }]),
        },
        optional_signature: None,
    }
    .to_der()
    .map_err(|e| format!("OCSP request: {e}"))
}

fn unix(time: &x509_ocsp::OcspGeneralizedTime) -> i64 {
    i64::try_from(time.0.to_unix_duration().as_secs()).unwrap_or(i64::MAX)
}

/// What the DER `OCSPResponse` says of `cert_der`, once it is shown to come from the issuer
/// (or its delegated responder) and to answer the request with `nonce`. Err(why) for anything
/// that cannot be believed.
pub fn read_ocsp_response(
    response_der: &[u8],
    cert_der: &[u8],
    issuer_der: &[u8],
    nonce: &[u8],
) -> Result<Revocation, String> {
    let cert = parse(cert_der, "certificate")?;
    let issuer = parse(issuer_der, "issuer certificate")?;
    let response =
        OcspResponse::from_der(response_der).map_err(|e| format!("not an OCSP response: {e}"))?;
    if response.response_status != OcspResponseStatus::Successful {
        return Err(format!(
            "the responder refused: {:?}",
            response.response_status
        ));
    }
    let bytes = response
        .response_bytes
        .ok_or("a successful OCSP response without its body")?;
    if bytes.response_type != ID_PKIX_OCSP_BASIC {
        return Err(format!(
            "response type {} is not basic",
            bytes.response_type
        ));
    }
    let basic = BasicOcspResponse::from_der(bytes.response.as_bytes())
        .map_err(|e| format!("BasicOCSPResponse: {e}"))?;

    // Who signed it: the issuer itself, or a responder certificate the issuer signed and gave
    // the OCSP-signing purpose (RFC 6960 §4.2.2.2).
    let signer_key = responder_key(&basic, &issuer)?;
    if basic.signature_algorithm.oid != ECDSA_WITH_SHA_256 {
        return Err(format!(
            "response signed with {}, not ecdsa-with-SHA256",
            basic.signature_algorithm.oid
        ));
    }
    let tbs = basic
        .tbs_response_data
        .to_der()
        .map_err(|e| format!("response data: {e}"))?;
    let signature = basic
        .signature
        .as_bytes()
        .and_then(|b| Signature::from_der(b).ok())
        .ok_or("the response's signature is not a DER ECDSA signature")?;
    signer_key
        .verify(&tbs, &signature)
        .map_err(|_| "the response's signature does not verify".to_owned())?;

    let echoed = basic
        .tbs_response_data
        .response_extensions
        .iter()
        .flatten()
        .find(|e| e.extn_id == NONCE)
        .and_then(|e| OctetString::from_der(e.extn_value.as_bytes()).ok());
    if echoed.as_ref().map(OctetString::as_bytes) != Some(nonce) {
        return Err("the response does not echo this request's nonce (a replay?)".into());
    }

    let wanted = cert_id(&cert, &issuer)?;
    let single = basic
        .tbs_response_data
        .responses
        .iter()
        .find(|r| r.cert_id == wanted)
        .ok_or("the response does not speak of this certificate")?;
    Ok(match &single.cert_status {
        CertStatus::Good(_) => Revocation::Good {
            this_update: unix(&single.this_update),
        },
        CertStatus::Revoked(info) => Revocation::Revoked {
            time: unix(&info.revocation_time),
            reason: info.revocation_reason.map(|r| format!("{r:?}")),
        },
        CertStatus::Unknown(_) => Revocation::Unknown,
    })
}

fn responder_key(basic: &BasicOcspResponse, issuer: &Certificate) -> Result<VerifyingKey, String> {
    let key_of = |c: &Certificate| {
        VerifyingKey::from_sec1_bytes(
            c.tbs_certificate
                .subject_public_key_info
                .subject_public_key
                .raw_bytes(),
        )
        .map_err(|_| "the responder's key is not a P-256 key".to_owned())
    };
    let by_issuer = match &basic.tbs_response_data.responder_id {
        x509_ocsp::ResponderId::ByName(name) => *name == issuer.tbs_certificate.subject,
        x509_ocsp::ResponderId::ByKey(hash) => {
            let key = issuer
                .tbs_certificate
                .subject_public_key_info
                .subject_public_key
                .raw_bytes();
            hash.as_bytes() == sha1_of(key).as_slice()
        }
    };
    if by_issuer {
        return key_of(issuer);
    }
    let delegated = basic
        .certs
        .iter()
        .flatten()
        .find(|c| {
            c.tbs_certificate.issuer == issuer.tbs_certificate.subject
                && signed_by(c, issuer).is_ok()
                && has_ocsp_signing(c)
        })
        .ok_or("the response is signed neither by the issuer nor by its OCSP responder")?;
    key_of(delegated)
}

fn has_ocsp_signing(cert: &Certificate) -> bool {
    cert.tbs_certificate
        .extensions
        .iter()
        .flatten()
        .filter(|e| e.extn_id == const_oid::db::rfc5280::ID_CE_EXT_KEY_USAGE)
        .filter_map(|e| ExtendedKeyUsage::from_der(e.extn_value.as_bytes()).ok())
        .any(|eku| eku.0.contains(&ID_KP_OCSP_SIGNING))
}

/// SHA-1, only to match a `ResponderID` byKey (RFC 6960 §4.2.2.3 fixes SHA-1 there); the
/// response's signature is then verified with the key itself.
fn sha1_of(bytes: &[u8]) -> [u8; 20] {
    sha1::Sha1::digest(bytes).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_refused_with_a_reason() {
        let pki = crate::cades::tests::test_pki();
        let refused = read_ocsp_response(b"junk", &pki.leaf_der, &pki.root_der, b"n").unwrap_err();
        assert!(refused.contains("not an OCSP response"), "{refused}");
        let request = ocsp_request(&pki.leaf_der, &pki.root_der, &[7; 8]).unwrap();
        assert!(OcspRequest::from_der(&request).is_ok());
    }
}
