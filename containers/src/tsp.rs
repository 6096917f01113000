//! Level T (ETSI EN 319 122-1 §5.3): a trusted time over a CAdES signature, as the unsigned
//! attribute `signature-time-stamp` (id-aa-signatureTimeStampToken, RFC 3161 Appendix A)
//! holding an RFC 3161 `TimeStampToken` whose message imprint is the SHA-256 of the signature
//! value. Staged like signing: `signature_imprint` gives the digest to have time-stamped (the
//! SDK asks the relay's TSA through CSC `signatures/timestamp`), `add_signature_timestamp` puts
//! the token in. Pure: the token comes in as bytes.

use cms::content_info::ContentInfo;
use cms::signed_data::{SignedData, UnsignedAttributes};
use const_oid::ObjectIdentifier;
use const_oid::db::rfc5911::ID_SIGNED_DATA;
use const_oid::db::rfc5912::ID_SHA_256;
use der::asn1::SetOfVec;
use der::{Any, Decode, Encode};
use sha2::{Digest, Sha256};
use x509_cert::attr::Attribute;
use x509_tsp::TstInfo;

/// id-aa-signatureTimeStampToken (RFC 3161 Appendix A; RFC 5911).
pub const ID_AA_SIGNATURE_TIME_STAMP_TOKEN: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.14");
/// id-ct-TSTInfo (RFC 3161 §2.4.2).
pub const ID_CT_TST_INFO: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.1.4");

/// Why a container or a token could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimestampError(pub String);

impl core::fmt::Display for TimestampError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "signature timestamp: {}", self.0)
    }
}

impl std::error::Error for TimestampError {}

fn error(what: &str, e: impl core::fmt::Display) -> TimestampError {
    TimestampError(format!("{what}: {e}"))
}

fn signed_data(p7s: &[u8]) -> Result<SignedData, TimestampError> {
    let info = ContentInfo::from_der(p7s).map_err(|e| error("ContentInfo", e))?;
    if info.content_type != ID_SIGNED_DATA {
        return Err(TimestampError("not SignedData".into()));
    }
    info.content
        .decode_as::<SignedData>()
        .map_err(|e| error("SignedData", e))
}

/// The SHA-256 to have time-stamped for a signature value (the DER `ECDSA-Sig-Value` the
/// container carries): what `PreparedCades::finish_with_timestamp` needs, without a container.
pub fn signature_value_imprint(signature_der: &[u8]) -> [u8; 32] {
    Sha256::digest(signature_der).into()
}

/// The SHA-256 to have time-stamped: over the (only) signer's signature value.
pub fn signature_imprint(p7s: &[u8]) -> Result<[u8; 32], TimestampError> {
    let sd = signed_data(p7s)?;
    let [signer] = sd.signer_infos.0.as_slice() else {
        return Err(TimestampError("expected exactly one signer".into()));
    };
    Ok(signature_value_imprint(signer.signature.as_bytes()))
}

/// What a `TimeStampToken` says: when, and over which SHA-256.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    pub gen_time_unix_seconds: i64,
    pub sha256_imprint: [u8; 32],
}

/// Reads a DER `TimeStampToken` (a CMS SignedData over a TSTInfo). Its signature is the TSA's
/// and is checked by whoever trusts that TSA; this reads what it states.
pub fn read_token(token: &[u8]) -> Result<TokenInfo, TimestampError> {
    let sd = signed_data(token)?;
    if sd.encap_content_info.econtent_type != ID_CT_TST_INFO {
        return Err(TimestampError("the token does not carry a TSTInfo".into()));
    }
    let content = sd
        .encap_content_info
        .econtent
        .ok_or_else(|| TimestampError("the token has no TSTInfo".into()))?;
    let octets = content
        .decode_as::<der::asn1::OctetString>()
        .map_err(|e| error("TSTInfo octets", e))?;
    let info = TstInfo::from_der(octets.as_bytes()).map_err(|e| error("TSTInfo", e))?;
    if info.message_imprint.hash_algorithm.oid != ID_SHA_256 {
        return Err(TimestampError("the imprint is not SHA-256".into()));
    }
    let sha256_imprint = <[u8; 32]>::try_from(info.message_imprint.hashed_message.as_bytes())
        .map_err(|_| TimestampError("the imprint is not 32 bytes".into()))?;
    Ok(TokenInfo {
        gen_time_unix_seconds: info.gen_time.to_unix_duration().as_secs() as i64,
        sha256_imprint,
    })
}

/// The container with `token` as its signer's `signature-time-stamp` (CAdES-BASELINE-T). The
/// token must be over this signature's value; the signed part is not touched.
pub fn add_signature_timestamp(p7s: &[u8], token: &[u8]) -> Result<Vec<u8>, TimestampError> {
    let imprint = signature_imprint(p7s)?;
    if read_token(token)?.sha256_imprint != imprint {
        return Err(TimestampError(
            "the token is over something else than this signature".into(),
        ));
    }
    let mut sd = signed_data(p7s)?;
    let token_value = Any::from_der(token).map_err(|e| error("token", e))?;
    let attribute = Attribute {
        oid: ID_AA_SIGNATURE_TIME_STAMP_TOKEN,
        values: SetOfVec::try_from(vec![token_value]).map_err(|e| error("attribute", e))?,
    };
    let mut signers = sd.signer_infos.0.into_vec();
    let signer = signers
        .first_mut()
        .ok_or_else(|| TimestampError("no signer".into()))?;
    let mut unsigned: Vec<Attribute> = signer
        .unsigned_attrs
        .take()
        .map(|a| a.into_vec())
        .unwrap_or_default()
        .into_iter()
        .filter(|a| a.oid != ID_AA_SIGNATURE_TIME_STAMP_TOKEN)
        .collect();
    unsigned.push(attribute);
    signer.unsigned_attrs =
        Some(UnsignedAttributes::try_from(unsigned).map_err(|e| error("unsigned attributes", e))?);
    sd.signer_infos = cms::signed_data::SignerInfos(
        SetOfVec::try_from(signers).map_err(|e| error("signer infos", e))?,
    );
    ContentInfo {
        content_type: ID_SIGNED_DATA,
        content: Any::encode_from(&sd).map_err(|e| error("SignedData", e))?,
    }
    .to_der()
    .map_err(|e| error("ContentInfo", e))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::cades::tests::{DOCUMENT, SIGNING_TIME_2024, sign, test_pki};

    #[test]
    fn the_imprint_is_over_the_signature_value_and_garbage_is_refused() {
        let pki = test_pki();
        let p7s = sign(&pki, DOCUMENT, SIGNING_TIME_2024);
        let sd = signed_data(&p7s).unwrap();
        let value = sd
            .signer_infos
            .0
            .get(0)
            .unwrap()
            .signature
            .as_bytes()
            .to_vec();
        assert_eq!(
            signature_imprint(&p7s).unwrap(),
            signature_value_imprint(&value)
        );
        assert!(signature_imprint(b"garbage").is_err());
        assert!(
            read_token(&p7s).is_err(),
            "a signature is not a timestamp token"
        );
        assert!(add_signature_timestamp(&p7s, b"garbage").is_err());
    }
}
