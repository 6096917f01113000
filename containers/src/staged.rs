//! One signature of any format, waiting for the relay's signature value: the SDK and the
//! command line stage every output the same way — prepare, send
//! [`Staged::data_to_be_signed_sha256`] to be signed, at level T have
//! [`Staged::timestamp_imprint`] time-stamped, then [`Staged::finish`].

use core::fmt;

use crate::asic::{self, AsicError, DataObject, PreparedAsicCades};
use crate::cades::{self, CadesDetachedRequest, ContainerError, PreparedCades};
use crate::format::Format;
use crate::pades::{self, PadesRequest, PdfError, PreparedPades, VisibleSignature};
use crate::tsp;
use crate::xades::{self, PreparedXades, XadesError};

/// Who signs, and when.
#[derive(Clone, Copy, Debug)]
pub struct Signer<'a> {
    /// The citizen's certificate, DER.
    pub certificate_der: &'a [u8],
    /// The issuing CA(s) and root, DER, in order.
    pub chain_der: &'a [Vec<u8>],
    /// Unix seconds (passed in: no clock here).
    pub signing_time_unix_seconds: i64,
}

/// What else shapes a signature beyond its format.
#[derive(Clone, Copy, Debug, Default)]
pub struct StageOptions {
    /// PAdES: draw the signature (name, ID number, date) at this place.
    pub visible: Option<VisibleSignature>,
    /// Level T will follow: PAdES reserves room in the PDF for the timestamp token.
    pub with_timestamp: bool,
}

/// A document as its format needs it: streamed through SHA-256, or whole.
#[derive(Clone, Debug)]
pub enum Document {
    Digest([u8; 32]),
    Bytes(Vec<u8>),
}

/// Why a document cannot be staged: the ones a citizen can act on are told apart.
#[derive(Debug)]
#[non_exhaustive]
pub enum StageError {
    /// The document came streamed where the format needs it whole, or the reverse: a caller bug.
    WrongInput(Format),
    /// The container could not be built around this certificate or input.
    Container(ContainerError),
    /// An XAdES signature could not be built; `NotXml` when the document is not XML we sign.
    Xades(XadesError),
    /// An ASiC-E could not be built (no files, a name a zip cannot hold, …).
    Asic(AsicError),
    /// The PDF cannot be signed: encrypted, damaged, unsupported, no such page.
    Pdf(PdfError),
    /// XAdES enveloped was asked for a document that is not well-formed XML (or has a DOCTYPE,
    /// which is refused: entities are an attack surface).
    NotXml(String),
}

impl fmt::Display for StageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::WrongInput(format) => write!(
                f,
                "{format:?} needs the document {}",
                if format.reads_whole_document() {
                    "whole"
                } else {
                    "as a digest"
                }
            ),
            Self::Container(e) => write!(f, "{e}"),
            Self::Xades(e) => write!(f, "{e}"),
            Self::Asic(e) => write!(f, "{e}"),
            Self::Pdf(e) => write!(f, "{e}"),
            Self::NotXml(why) => write!(f, "not an XML document this signer takes: {why}"),
        }
    }
}

impl std::error::Error for StageError {}

/// A signature of one format, waiting for its value.
#[derive(Debug)]
pub enum Staged {
    CadesDetached(PreparedCades),
    CadesAttached(PreparedCades, Vec<u8>),
    Pades(PreparedPades),
    XadesEnveloped(PreparedXades),
    AsiceCades(PreparedAsicCades),
    AsiceXades(PreparedXades),
}

/// A finished signature: a whole output file, or (ASiC-E) the `META-INF/` entries to write
/// after the data files — the caller streams the documents into the zip itself.
#[derive(Debug)]
pub enum Finished {
    File(Vec<u8>),
    MetaInf(Vec<(String, Vec<u8>)>),
}

/// Stages one ASiC-E signature over every document (`objects`: names, media types, SHA-256),
/// with CAdES (a signed `ASiCManifest.xml`) or XAdES (`signatures001.xml`).
pub fn stage_asice(
    objects: &[DataObject<'_>],
    signer: &Signer<'_>,
    xades: bool,
) -> Result<Staged, StageError> {
    if xades {
        xades::prepare_detached(
            objects,
            signer.certificate_der,
            signer.chain_der,
            signer.signing_time_unix_seconds,
        )
        .map(Staged::AsiceXades)
        .map_err(StageError::Xades)
    } else {
        asic::prepare_cades(
            objects,
            signer.certificate_der,
            signer.chain_der,
            signer.signing_time_unix_seconds,
        )
        .map(Staged::AsiceCades)
        .map_err(StageError::Asic)
    }
}

/// Stages the signature of one document in `format` (every format but ASiC-E, which signs
/// several documents at once).
pub fn stage(
    format: Format,
    document: Document,
    signer: &Signer<'_>,
    options: &StageOptions,
) -> Result<Staged, StageError> {
    let cades = |content_sha256: [u8; 32]| {
        cades::prepare(&CadesDetachedRequest {
            content_sha256,
            signer_certificate_der: signer.certificate_der,
            chain_der: signer.chain_der,
            signing_time_unix_seconds: Some(signer.signing_time_unix_seconds),
        })
        .map_err(StageError::Container)
    };
    match (format, document) {
        (Format::CadesDetached, Document::Digest(digest)) => {
            Ok(Staged::CadesDetached(cades(digest)?))
        }
        (Format::CadesAttached, Document::Bytes(bytes)) => {
            let digest = crate::document_sha256::sha256_of(&[&bytes]);
            Ok(Staged::CadesAttached(cades(digest)?, bytes))
        }
        (Format::Pades, Document::Bytes(bytes)) => pades::prepare(&PadesRequest {
            pdf: &bytes,
            signer_certificate_der: signer.certificate_der,
            chain_der: signer.chain_der,
            signing_time_unix_seconds: signer.signing_time_unix_seconds,
            visible: options.visible,
            with_timestamp: options.with_timestamp,
        })
        .map(Staged::Pades)
        .map_err(StageError::Pdf),
        (Format::Xades, Document::Bytes(bytes)) => xades::prepare_enveloped(
            &bytes,
            signer.certificate_der,
            signer.chain_der,
            signer.signing_time_unix_seconds,
        )
        .map(Staged::XadesEnveloped)
        .map_err(|e| match e {
            XadesError::BadDocument(why) => StageError::NotXml(why),
            other => StageError::Xades(other),
        }),
        (format, _) => Err(StageError::WrongInput(format)),
    }
}

impl Staged {
    /// The hash the relay signs.
    pub fn data_to_be_signed_sha256(&self) -> [u8; 32] {
        match self {
            Self::CadesDetached(p) | Self::CadesAttached(p, _) => p.data_to_be_signed_sha256(),
            Self::XadesEnveloped(p) | Self::AsiceXades(p) => p.data_to_be_signed_sha256(),
            Self::AsiceCades(p) => p.data_to_be_signed_sha256(),
            Self::Pades(p) => p.data_to_be_signed_sha256(),
        }
    }

    /// What a TSA stamps at level T, given the signature value (DER `ECDSA-Sig-Value`).
    pub fn timestamp_imprint(&self, signature_der: &[u8]) -> Result<[u8; 32], StageError> {
        match self {
            Self::CadesDetached(_) | Self::CadesAttached(..) | Self::Pades(_) => {
                Ok(tsp::signature_value_imprint(signature_der))
            }
            Self::AsiceCades(p) => Ok(p.timestamp_imprint(signature_der)),
            // XAdES stamps the canonical `ds:SignatureValue` element, not the raw value.
            Self::XadesEnveloped(p) | Self::AsiceXades(p) => p
                .timestamp_imprint(signature_der)
                .map_err(StageError::Xades),
        }
    }

    /// The signed output, at level B, or at level T with `timestamp_token_der` (RFC 3161, over
    /// [`timestamp_imprint`](Self::timestamp_imprint)).
    pub fn finish(
        self,
        signature_der: &[u8],
        timestamp_token_der: Option<&[u8]>,
    ) -> Result<Finished, StageError> {
        let token = timestamp_token_der;
        match self {
            Self::CadesDetached(p) => p
                .finish_with(signature_der, None, token)
                .map(Finished::File)
                .map_err(StageError::Container),
            Self::CadesAttached(p, content) => p
                .finish_with(signature_der, Some(&content), token)
                .map(Finished::File)
                .map_err(StageError::Container),
            Self::Pades(p) => p
                .finish(signature_der, token)
                .map(Finished::File)
                .map_err(StageError::Pdf),
            Self::XadesEnveloped(p) => p
                .finish(signature_der, token)
                .map(Finished::File)
                .map_err(StageError::Xades),
            Self::AsiceCades(p) => p
                .finish(signature_der, token)
                .map(Finished::MetaInf)
                .map_err(StageError::Asic),
            Self::AsiceXades(p) => p
                .finish(signature_der, token)
                .map(|xml| Finished::MetaInf(vec![(asic::XADES_SIGNATURES.to_owned(), xml)]))
                .map_err(StageError::Xades),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cades::tests::{DOCUMENT, SIGNING_TIME_2024, test_pki};
    use crate::validation::{validate_cades_attached, validate_cades_detached};
    use p256::ecdsa::DerSignature;
    use p256::ecdsa::signature::hazmat::PrehashSigner;
    use sha2::{Digest, Sha256};

    #[test]
    fn streamed_and_whole_documents_go_to_the_formats_that_take_them() {
        let pki = test_pki();
        let chain = vec![pki.root_der.clone()];
        let signer = Signer {
            certificate_der: &pki.leaf_der,
            chain_der: &chain,
            signing_time_unix_seconds: SIGNING_TIME_2024,
        };
        let digest: [u8; 32] = Sha256::digest(DOCUMENT).into();
        assert!(matches!(
            stage(
                Format::CadesAttached,
                Document::Digest(digest),
                &signer,
                &StageOptions::default()
            ),
            Err(StageError::WrongInput(Format::CadesAttached))
        ));

        let detached = stage(
            Format::CadesDetached,
            Document::Digest(digest),
            &signer,
            &StageOptions::default(),
        )
        .unwrap();
        let attached = stage(
            Format::CadesAttached,
            Document::Bytes(DOCUMENT.to_vec()),
            &signer,
            &StageOptions::default(),
        )
        .unwrap();
        for staged in [detached, attached] {
            let signature: DerSignature = pki
                .leaf_key
                .sign_prehash(&staged.data_to_be_signed_sha256())
                .unwrap();
            let is_attached = matches!(staged, Staged::CadesAttached(..));
            let Finished::File(out) = staged.finish(signature.as_bytes(), None).unwrap() else {
                panic!("one file expected")
            };
            let statuses = if is_attached {
                let (content, statuses) = validate_cades_attached(&out).unwrap();
                assert_eq!(content, DOCUMENT);
                statuses
            } else {
                validate_cades_detached(&out, &digest).unwrap()
            };
            assert!(statuses.iter().all(|s| s.holds()), "{statuses:?}");
        }
    }

    /// Every format through the one staging path and back through `verify`: each holds and
    /// chains to the root; with one byte of the signed document changed, none holds.
    #[test]
    fn every_format_stages_signs_finishes_and_verifies() {
        use crate::verify::{Kind, verify};
        use der::Decode;

        let pki = test_pki();
        let chain = vec![pki.root_der.clone()];
        let signer = Signer {
            certificate_der: &pki.leaf_der,
            chain_der: &chain,
            signing_time_unix_seconds: SIGNING_TIME_2024,
        };
        let root = x509_cert::Certificate::from_der(&pki.root_der).unwrap();
        let sign = |staged: Staged| {
            let signature: DerSignature = pki
                .leaf_key
                .sign_prehash(&staged.data_to_be_signed_sha256())
                .unwrap();
            staged.finish(signature.as_bytes(), None).unwrap()
        };
        let pdf = crate::pades::tests::minimal_pdf(&["Solicitud"]);
        let xml =
            b"<?xml version=\"1.0\"?>\n<factura><importe>10.00</importe></factura>\n".to_vec();
        let mut outputs: Vec<(Kind, Vec<u8>, usize)> = Vec::new();
        for (format, document, kind) in [
            (Format::Pades, pdf.clone(), Kind::Pades),
            (Format::Xades, xml.clone(), Kind::Xades),
            (
                Format::CadesAttached,
                DOCUMENT.to_vec(),
                Kind::CadesAttached,
            ),
        ] {
            let staged = stage(
                format,
                Document::Bytes(document.clone()),
                &signer,
                &StageOptions::default(),
            )
            .unwrap();
            let Finished::File(out) = sign(staged) else {
                panic!("one file expected")
            };
            // A byte of the document itself, wherever it sits in the output.
            let at = out
                .windows(document.len().min(16))
                .position(|w| w == &document[..document.len().min(16)])
                .unwrap()
                + 3;
            outputs.push((kind, out, at));
        }
        for xades_flavour in [false, true] {
            let objects = [DataObject {
                name: "contrato.txt",
                mime_type: "text/plain",
                sha256: Sha256::digest(DOCUMENT).into(),
            }];
            let staged = stage_asice(&objects, &signer, xades_flavour).unwrap();
            let Finished::MetaInf(meta_inf) = sign(staged) else {
                panic!("META-INF entries expected")
            };
            let zip = asic::write_container(&[("contrato.txt", DOCUMENT)], &meta_inf).unwrap();
            let at = zip
                .windows(DOCUMENT.len())
                .position(|w| w == DOCUMENT)
                .unwrap()
                + 3;
            outputs.push((Kind::Asice, zip, at));
        }
        for (kind, out, at) in outputs {
            let verified = verify(&out, None).unwrap();
            assert_eq!(verified.kind, kind);
            assert_eq!(verified.signatures.len(), 1, "{kind}");
            let checked = &verified.signatures[0];
            assert!(checked.status.holds(), "{kind}: {:?}", checked.status);
            assert!(
                checked.trust(std::slice::from_ref(&root)).is_ok(),
                "{kind}: {:?}",
                checked.trust(std::slice::from_ref(&root))
            );
            let mut tampered = out.clone();
            tampered[at] ^= 0x01;
            let holds = verify(&tampered, None)
                .map(|v| v.signatures.iter().all(|c| c.status.holds()))
                .unwrap_or(false);
            assert!(!holds, "{kind}: a changed document byte must not hold");
        }
    }
}
