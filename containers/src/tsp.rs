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

/// Reads a token, and believes it only when its TSA is trusted: the one SignerInfo's signed
/// attributes name a TSTInfo content (content-type) with its SHA-256 (message-digest), its
/// ecdsa-with-SHA256 signature verifies with the TSA certificate the token carries, that
/// certificate is for time-stamping (extended key usage id-kp-timeStamping, RFC 3161 §2.3)
/// and chains to one of `anchors`. Ok(what the token says, the path to the anchor).
pub fn verify_token(
    token: &[u8],
    anchors: &[x509_cert::Certificate],
) -> Result<(TokenInfo, String), TimestampError> {
    use cms::cert::CertificateChoices;
    use cms::signed_data::SignerIdentifier;
    use const_oid::db::rfc5911::{ID_CONTENT_TYPE, ID_MESSAGE_DIGEST};
    use const_oid::db::rfc5912::{ECDSA_WITH_SHA_256, ID_KP_TIME_STAMPING};
    use p256::ecdsa::signature::hazmat::PrehashVerifier;
    use p256::ecdsa::{Signature, VerifyingKey};
    use x509_cert::ext::pkix::ExtendedKeyUsage;

    let info = read_token(token)?;
    let sd = signed_data(token)?;
    let econtent = sd
        .encap_content_info
        .econtent
        .as_ref()
        .and_then(|c| c.decode_as::<der::asn1::OctetString>().ok())
        .ok_or_else(|| TimestampError("the token has no TSTInfo".into()))?;
    let [signer] = sd.signer_infos.0.as_slice() else {
        return Err(TimestampError("a token has exactly one signer".into()));
    };
    let certificates: Vec<x509_cert::Certificate> = sd
        .certificates
        .iter()
        .flat_map(|set| set.0.iter())
        .filter_map(|choice| match choice {
            CertificateChoices::Certificate(c) => Some(c.clone()),
            CertificateChoices::Other(_) => None,
        })
        .collect();
    let tsa = match &signer.sid {
        SignerIdentifier::IssuerAndSerialNumber(id) => certificates.iter().find(|c| {
            c.tbs_certificate.issuer == id.issuer
                && c.tbs_certificate.serial_number == id.serial_number
        }),
        SignerIdentifier::SubjectKeyIdentifier(_) => None,
    }
    .ok_or_else(|| TimestampError("the token does not carry its TSA's certificate".into()))?;

    let attrs = signer
        .signed_attrs
        .as_ref()
        .ok_or_else(|| TimestampError("the token has no signed attributes".into()))?;
    let value = |oid| {
        attrs
            .iter()
            .find(|a| a.oid == oid)
            .and_then(|a| (a.values.len() == 1).then(|| a.values.get(0)).flatten())
    };
    if value(ID_CONTENT_TYPE).and_then(|v| v.decode_as::<ObjectIdentifier>().ok())
        != Some(ID_CT_TST_INFO)
    {
        return Err(TimestampError(
            "the signed content type is not TSTInfo".into(),
        ));
    }
    let digest_ok = signer.digest_alg.oid == ID_SHA_256
        && value(ID_MESSAGE_DIGEST)
            .and_then(|v| v.decode_as::<der::asn1::OctetString>().ok())
            .is_some_and(|d| d.as_bytes() == &Sha256::digest(econtent.as_bytes())[..]);
    if !digest_ok {
        return Err(TimestampError(
            "the TSA's signed digest is not the TSTInfo's".into(),
        ));
    }
    if signer.signature_algorithm.oid != ECDSA_WITH_SHA_256 {
        return Err(TimestampError(format!(
            "the TSA signs with {}, which this verifier does not check",
            signer.signature_algorithm.oid
        )));
    }
    let key = VerifyingKey::from_sec1_bytes(
        tsa.tbs_certificate
            .subject_public_key_info
            .subject_public_key
            .raw_bytes(),
    )
    .map_err(|_| TimestampError("the TSA's key is not a P-256 key".into()))?;
    let signature = Signature::from_der(signer.signature.as_bytes())
        .map_err(|_| TimestampError("the TSA's signature is not DER ECDSA".into()))?;
    let signed = attrs.to_der().map_err(|e| error("signed attributes", e))?;
    key.verify_prehash(&Sha256::digest(&signed), &signature)
        .map_err(|_| TimestampError("the TSA's signature does not verify".into()))?;

    let for_time_stamping = tsa
        .tbs_certificate
        .extensions
        .iter()
        .flatten()
        .filter(|e| e.extn_id == const_oid::db::rfc5280::ID_CE_EXT_KEY_USAGE)
        .filter_map(|e| ExtendedKeyUsage::from_der(e.extn_value.as_bytes()).ok())
        .any(|eku| eku.0.contains(&ID_KP_TIME_STAMPING));
    if !for_time_stamping {
        return Err(TimestampError(
            "the TSA's certificate is not for time-stamping".into(),
        ));
    }
    let tsa_der = tsa.to_der().map_err(|e| error("TSA certificate", e))?;
    let path = crate::trust::chain_to_anchor(&tsa_der, &certificates, anchors)
        .map_err(|why| TimestampError(format!("the TSA is not trusted: {why}")))?;
    Ok((info, path))
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

    /// A token is believed only from a TSA the caller trusts, with its signature intact.
    #[test]
    fn a_token_is_believed_only_from_a_trusted_tsa_and_intact() {
        use crate::pades::tests::{Dir, timestamp, tsa};
        let dir = Dir::new();
        let authority = tsa(&dir);
        let token = timestamp(&dir, &authority, b"a signature value");
        let tsa_cert =
            x509_cert::Certificate::load_pem_chain(&std::fs::read(&authority.cert).unwrap())
                .unwrap();
        let (info, path) = verify_token(&token, &tsa_cert).unwrap();
        assert_eq!(
            info.sha256_imprint,
            signature_value_imprint(b"a signature value")
        );
        assert!(path.contains("anchor"), "{path}");

        // Another anchor: the same token is not believed.
        let stranger = x509_cert::Certificate::from_der(&test_pki().root_der).unwrap();
        let refused = verify_token(&token, &[stranger]).unwrap_err();
        assert!(refused.0.contains("not trusted"), "{refused}");

        // The TSTInfo changed (a byte of its imprint): the TSA's digest no longer matches.
        let imprint = signature_value_imprint(b"a signature value");
        let at = token.windows(32).position(|w| w == imprint).unwrap();
        let mut forged = token.clone();
        forged[at] ^= 0x01;
        let refused = verify_token(&forged, &tsa_cert).unwrap_err();
        assert!(refused.0.contains("digest"), "{refused}");
        assert!(verify_token(b"garbage", &tsa_cert).is_err());
    }
}
