//! Verifying any container nubefirma makes — or another producer's of the same formats — in
//! one call, for the SDK's `verify` and the command line: what kind of container the bytes
//! are, each signature's status, the certificates it carries (to build the path to a trust
//! anchor), and whether the signer's certificate was within its validity when the signature
//! was made.

use core::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use der::{Decode, Reader};
use x509_cert::Certificate;

use crate::asic::{self, SignatureFormat};
use crate::trust::{carried_certificates, chain_to_anchor};
use crate::validation::{
    SignatureStatus, StructureError, validate_cades_attached, validate_cades_detached,
};
use crate::{c14n, pades, xades, zip};

/// What the bytes are, judged by their first bytes (and, for CMS, whether the content is
/// inside).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    CadesDetached,
    CadesAttached,
    Pades,
    Xades,
    Asice,
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::CadesDetached => "CAdES (detached)",
            Self::CadesAttached => "CAdES (attached)",
            Self::Pades => "PAdES",
            Self::Xades => "XAdES",
            Self::Asice => "ASiC-E",
        })
    }
}

/// One signature, checked, with what a caller needs to judge its trust.
#[derive(Debug, Clone)]
pub struct Checked {
    pub status: SignatureStatus,
    /// Certificates the container carries for this signature (the path to an anchor).
    pub carried: Vec<Certificate>,
    /// What the signature covers, in words (e.g. the files of an ASiC-E), when it is not simply
    /// "the document".
    pub covers: Vec<String>,
}

/// Every signature of a container.
#[derive(Debug, Clone)]
pub struct Verified {
    pub kind: Kind,
    pub signatures: Vec<Checked>,
}

/// The kind of container `bytes` hold; an error when no format of ours starts that way.
pub fn detect(bytes: &[u8]) -> Result<Kind, StructureError> {
    let trimmed = trim_start(bytes);
    if bytes.starts_with(b"%PDF-") || find(bytes.get(..1024).unwrap_or(bytes), b"%PDF-") {
        Ok(Kind::Pades)
    } else if bytes.starts_with(b"PK\x03\x04") {
        Ok(Kind::Asice)
    } else if trimmed.starts_with(b"<") {
        Ok(Kind::Xades)
    } else if bytes.first() == Some(&0x30) {
        // CMS: attached when the encapsulated content is there. Only decoded here: the
        // signature itself is checked once, by `verify`.
        let attached = cms::content_info::ContentInfo::from_der(bytes)
            .ok()
            .and_then(|info| {
                info.content
                    .decode_as::<cms::signed_data::SignedData>()
                    .ok()
            })
            .is_some_and(|sd| sd.encap_content_info.econtent.is_some());
        Ok(if attached {
            Kind::CadesAttached
        } else {
            Kind::CadesDetached
        })
    } else {
        Err(StructureError(
            "not a PDF, ASiC-E, XML or CMS signature".into(),
        ))
    }
}

fn trim_start(bytes: &[u8]) -> &[u8] {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    bytes.get(start..).unwrap_or_default()
}

fn find(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Checks every signature of `bytes`. `detached_content_sha256`: the SHA-256 of the signed
/// document, needed (only) for a detached CAdES signature.
pub fn verify(
    bytes: &[u8],
    detached_content_sha256: Option<&[u8; 32]>,
) -> Result<Verified, StructureError> {
    let kind = detect(bytes)?;
    let signatures = match kind {
        Kind::CadesDetached => {
            let digest = detached_content_sha256.ok_or_else(|| {
                StructureError(
                    "a detached signature: give the signed document too, to check it".into(),
                )
            })?;
            cms_checked(bytes, validate_cades_detached(bytes, digest)?)
        }
        Kind::CadesAttached => cms_checked(bytes, validate_cades_attached(bytes)?.1),
        Kind::Pades => pdf_checked(bytes, pades::validate(bytes)?),
        Kind::Xades => {
            let carried = xml_certificates(bytes);
            xades::validate_enveloped(bytes)?
                .into_iter()
                .map(|status| Checked {
                    status,
                    carried: carried.clone(),
                    covers: Vec::new(),
                })
                .collect()
        }
        Kind::Asice => asice_checked(bytes)?,
    };
    Ok(Verified { kind, signatures })
}

/// PAdES: each signature with the certificates of its CMS; what it covers; and, when no
/// signature covers the whole file, a problem on the last one: bytes nobody signed follow.
fn pdf_checked(pdf: &[u8], statuses: Vec<pades::PdfSignatureStatus>) -> Vec<Checked> {
    let whole_file_signed = statuses.iter().any(|s| s.covers_whole_file);
    let count = statuses.len();
    statuses
        .into_iter()
        .enumerate()
        .map(|(index, signed)| {
            let [_, gap_start, gap_end, _] = signed.byte_range;
            let carried = usize::try_from(gap_start)
                .ok()
                .zip(usize::try_from(gap_end).ok())
                .and_then(|(start, end)| pdf.get(start..end))
                .and_then(cms_in_hex)
                .and_then(|cms| carried_certificates(&cms).ok())
                .unwrap_or_default();
            let mut status = signed.status;
            if signed.signing_time_m.is_some() && status.signing_time.is_none() {
                // PAdES keeps the claimed time in the signature dictionary's /M.
                status.signing_time = signed.signing_time_m;
            }
            let covers = if signed.covers_whole_file {
                format!("field {}: the whole file", signed.field_name)
            } else {
                format!(
                    "field {}: the file as it was then (later revisions were added)",
                    signed.field_name
                )
            };
            if !whole_file_signed && index + 1 == count {
                status.problems.push(
                    "changes were added after the last signature, and no signature covers them"
                        .into(),
                );
            }
            Checked {
                status,
                carried,
                covers: vec![covers],
            }
        })
        .collect()
}

/// The DER inside a `/Contents <hex…>` string, without the zero padding after it.
fn cms_in_hex(hex_string: &[u8]) -> Option<Vec<u8>> {
    let digits: Vec<u8> = hex_string
        .iter()
        .copied()
        .filter(u8::is_ascii_hexdigit)
        .collect();
    let bytes: Vec<u8> = digits
        .chunks_exact(2)
        .map(|pair| {
            let text = core::str::from_utf8(pair).ok()?;
            u8::from_str_radix(text, 16).ok()
        })
        .collect::<Option<_>>()?;
    // The first TLV only: the padding is not part of the CMS.
    let mut reader = der::SliceReader::new(&bytes).ok()?;
    let header = der::Header::decode(&mut reader).ok()?;
    let total = usize::try_from(u32::from(header.length)).ok()?
        + usize::try_from(u32::from(reader.position())).ok()?;
    bytes.get(..total).map(<[u8]>::to_vec)
}

/// The certificates an XML signature carries (`ds:X509Certificate`, base64 DER).
fn xml_certificates(xml: &[u8]) -> Vec<Certificate> {
    let Ok(document) = c14n::parse(xml) else {
        return Vec::new();
    };
    document
        .descendants()
        .filter(|n| {
            n.tag_name().name() == "X509Certificate"
                && n.tag_name().namespace() == Some("http://www.w3.org/2000/09/xmldsig#")
        })
        .filter_map(|n| {
            let text: String = n.text()?.chars().filter(|c| !c.is_whitespace()).collect();
            Certificate::from_der(&STANDARD.decode(text).ok()?).ok()
        })
        .collect()
}

/// ASiC-E: each signature, what files it covers, the certificates of its own signature file,
/// and the container's problems (mimetype, files nobody signed) on every signature.
fn asice_checked(container: &[u8]) -> Result<Vec<Checked>, StructureError> {
    let report = asic::validate(container)?;
    let entries = zip::read_entries(container).map_err(|e| StructureError(e.to_string()))?;
    if report.signatures.is_empty() {
        let mut why = report.problems.clone();
        why.insert(0, "no signature in the container".into());
        return Err(StructureError(why.join("; ")));
    }
    Ok(report
        .signatures
        .into_iter()
        .zip(report.scopes)
        .map(|(mut status, scope)| {
            let data = entries
                .iter()
                .find(|e| e.name == scope.signature_file)
                .map(|e| e.data.as_slice())
                .unwrap_or_default();
            let carried = match scope.format {
                SignatureFormat::Cades => carried_certificates(data).unwrap_or_default(),
                SignatureFormat::Xades => xml_certificates(data),
            };
            status.problems.extend(report.problems.iter().cloned());
            Checked {
                status,
                carried,
                covers: scope.files,
            }
        })
        .collect())
}

fn cms_checked(cms: &[u8], statuses: Vec<SignatureStatus>) -> Vec<Checked> {
    let carried = carried_certificates(cms).unwrap_or_default();
    statuses
        .into_iter()
        .map(|status| Checked {
            status,
            carried: carried.clone(),
            covers: Vec::new(),
        })
        .collect()
}

impl Checked {
    /// Ok(the path to an anchor, in words) when the signer's certificate chains to one of
    /// `anchors` through the certificates carried; Err(why not).
    pub fn trust(&self, anchors: &[Certificate]) -> Result<String, String> {
        let der = self
            .status
            .signer_certificate
            .as_deref()
            .ok_or("the container does not carry the signer's certificate")?;
        chain_to_anchor(der, &self.carried, anchors)
    }

    /// The signature's timestamp (level T), when its TSA is trusted by `anchors`
    /// ([`tsp::verify_token`](crate::tsp::verify_token)): Ok((time, path to the anchor)), or
    /// why it is not believed. `None` without a timestamp.
    pub fn trusted_timestamp(
        &self,
        anchors: &[Certificate],
    ) -> Option<Result<(i64, String), String>> {
        let token = self.status.timestamp_token.as_deref()?;
        Some(
            crate::tsp::verify_token(token, anchors)
                .map(|(info, path)| (info.gen_time_unix_seconds, path))
                .map_err(|e| e.to_string()),
        )
    }

    /// When the signature is proven to have existed: its timestamp's time, only when the TSA is
    /// trusted by `anchors`. A claimed signing time proves nothing; nor does a token anyone
    /// could have added.
    pub fn proven_time(&self, anchors: &[Certificate]) -> Option<i64> {
        self.trusted_timestamp(anchors)?.ok().map(|(time, _)| time)
    }

    /// Whether the signer's certificate was within its validity at the time the signature
    /// shows: its trusted timestamp's ([`proven_time`](Self::proven_time)) or else the claimed
    /// signing time. `None` when the signature shows no time or carries no certificate.
    pub fn certificate_valid_at_signing(
        &self,
        anchors: &[Certificate],
    ) -> Option<Result<(), String>> {
        let time = self.proven_time(anchors).or(self.status.signing_time)?;
        let der = self.status.signer_certificate.as_deref()?;
        let cert = Certificate::from_der(der).ok()?;
        let validity = &cert.tbs_certificate.validity;
        let not_before = validity.not_before.to_unix_duration().as_secs();
        let not_after = validity.not_after.to_unix_duration().as_secs();
        let at = u64::try_from(time).ok()?;
        Some(if at < not_before {
            Err("the certificate was not yet valid when it signed".into())
        } else if at > not_after {
            Err("the certificate had expired when it signed".into())
        } else {
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cades::tests::{DOCUMENT, SIGNING_TIME_2024, sign, test_pki};
    use sha2::{Digest, Sha256};

    #[test]
    fn kinds_are_told_by_their_first_bytes() {
        assert_eq!(detect(b"%PDF-1.7\n").unwrap(), Kind::Pades);
        assert_eq!(detect(b"PK\x03\x04rest").unwrap(), Kind::Asice);
        assert_eq!(
            detect(b"\xEF\xBB\xBF  <?xml version='1.0'?>").unwrap(),
            Kind::Xades
        );
        let pki = test_pki();
        let p7s = sign(&pki, DOCUMENT, SIGNING_TIME_2024);
        assert_eq!(detect(&p7s).unwrap(), Kind::CadesDetached);
        assert!(detect(b"hello").is_err());
        assert!(detect(b"").is_err());
    }

    #[test]
    fn a_detached_signature_needs_its_document_and_then_holds_and_is_trusted() {
        let pki = test_pki();
        let p7s = sign(&pki, DOCUMENT, SIGNING_TIME_2024);
        assert!(verify(&p7s, None).is_err());
        let digest: [u8; 32] = Sha256::digest(DOCUMENT).into();
        let verified = verify(&p7s, Some(&digest)).unwrap();
        assert_eq!(verified.kind, Kind::CadesDetached);
        let [one] = verified.signatures.as_slice() else {
            panic!("one signature expected")
        };
        assert!(one.status.holds());
        let root = Certificate::from_der(&pki.root_der).unwrap();
        assert!(one.trust(std::slice::from_ref(&root)).is_ok());
        // The test certificate is valid from now for an hour: a 2024 signing time predates it.
        assert!(matches!(
            one.certificate_valid_at_signing(std::slice::from_ref(&root)),
            Some(Err(why)) if why.contains("not yet valid")
        ));

        let other: [u8; 32] = Sha256::digest(b"another").into();
        let verified = verify(&p7s, Some(&other)).unwrap();
        assert!(!verified.signatures[0].status.intact);
    }

    #[test]
    fn a_signature_is_judged_against_the_certificates_validity() {
        let pki = test_pki();
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        let digest: [u8; 32] = Sha256::digest(DOCUMENT).into();
        let judged = |time: i64| {
            let p7s = sign(&pki, DOCUMENT, time);
            verify(&p7s, Some(&digest)).unwrap().signatures[0].certificate_valid_at_signing(&[])
        };
        assert_eq!(judged(now + 60), Some(Ok(())));
        // The test certificate lives an hour: two hours on, it has expired.
        assert!(matches!(judged(now + 7200), Some(Err(why)) if why.contains("expired")));
    }
}
