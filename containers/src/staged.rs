//! One signature of any format, waiting for the relay's signature value: the SDK and the
//! command line stage every output the same way — prepare, send
//! [`Staged::data_to_be_signed_sha256`] to be signed, at level T have
//! [`Staged::timestamp_imprint`] time-stamped, then [`Staged::finish`].

use core::fmt;

use sha2::{Digest, Sha256};

use crate::cades::{self, CadesDetachedRequest, ContainerError, PreparedCades};
use crate::format::Format;
use crate::tsp;

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
        }
    }
}

impl std::error::Error for StageError {}

/// A signature of one format, waiting for its value.
#[derive(Debug)]
pub enum Staged {
    CadesDetached(PreparedCades),
    CadesAttached(PreparedCades, Vec<u8>),
}

/// Stages the signature of one document in `format` (every format but ASiC-E, which signs
/// several documents at once).
pub fn stage(
    format: Format,
    document: Document,
    signer: &Signer<'_>,
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
            let digest = Sha256::digest(&bytes).into();
            Ok(Staged::CadesAttached(cades(digest)?, bytes))
        }
        (format, _) => Err(StageError::WrongInput(format)),
    }
}

impl Staged {
    /// The hash the relay signs.
    pub fn data_to_be_signed_sha256(&self) -> [u8; 32] {
        match self {
            Self::CadesDetached(p) | Self::CadesAttached(p, _) => p.data_to_be_signed_sha256(),
        }
    }

    /// What a TSA stamps at level T, given the signature value (DER `ECDSA-Sig-Value`).
    pub fn timestamp_imprint(&self, signature_der: &[u8]) -> Result<[u8; 32], StageError> {
        match self {
            Self::CadesDetached(_) | Self::CadesAttached(..) => {
                Ok(tsp::signature_value_imprint(signature_der))
            }
        }
    }

    /// The signed output, at level B, or at level T with `timestamp_token_der` (RFC 3161, over
    /// [`timestamp_imprint`](Self::timestamp_imprint)).
    pub fn finish(
        self,
        signature_der: &[u8],
        timestamp_token_der: Option<&[u8]>,
    ) -> Result<Vec<u8>, StageError> {
        match self {
            Self::CadesDetached(p) => p.finish_with(signature_der, None, timestamp_token_der),
            Self::CadesAttached(p, content) => {
                p.finish_with(signature_der, Some(&content), timestamp_token_der)
            }
        }
        .map_err(StageError::Container)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cades::tests::{DOCUMENT, SIGNING_TIME_2024, test_pki};
    use crate::validation::{validate_cades_attached, validate_cades_detached};
    use p256::ecdsa::DerSignature;
    use p256::ecdsa::signature::hazmat::PrehashSigner;

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
            stage(Format::CadesAttached, Document::Digest(digest), &signer),
            Err(StageError::WrongInput(Format::CadesAttached))
        ));

        let detached = stage(Format::CadesDetached, Document::Digest(digest), &signer).unwrap();
        let attached = stage(
            Format::CadesAttached,
            Document::Bytes(DOCUMENT.to_vec()),
            &signer,
        )
        .unwrap();
        for staged in [detached, attached] {
            let signature: DerSignature = pki
                .leaf_key
                .sign_prehash(&staged.data_to_be_signed_sha256())
                .unwrap();
            let is_attached = matches!(staged, Staged::CadesAttached(..));
            let out = staged.finish(signature.as_bytes(), None).unwrap();
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
}
