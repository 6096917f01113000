//! Signature activation data. `signatures/signHash` can only sign with a `VerifiedSad`, and
//! the only way to get one is `verify_sad`, which consumes the SAD: single use, unexpired,
//! same credential, exactly the authorized hashes.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use nubefirma_protocol::csc::{
    MAX_HASHES_PER_CALL, OID_ECDSA_WITH_SHA256, OID_SHA256, SignHashRequest,
};

use super::session::Session;
use crate::crypto::secret_hash;
use crate::{Error, Relay};

/// Base64 SHA-256 digests, 1..=100 of them, decoded.
pub fn parse_sha256_hashes(
    hashes: &[String],
    algorithm_oid: Option<&str>,
) -> Result<Vec<[u8; 32]>, Error> {
    if let Some(oid) = algorithm_oid
        && oid != OID_SHA256
    {
        return Err(Error::InvalidRequest(format!(
            "hashAlgorithmOID: only SHA-256 ({OID_SHA256}) is supported"
        )));
    }
    if hashes.is_empty() || hashes.len() > MAX_HASHES_PER_CALL {
        return Err(Error::InvalidRequest(format!(
            "hashes: between 1 and {MAX_HASHES_PER_CALL}"
        )));
    }
    hashes
        .iter()
        .map(|h| {
            STANDARD
                .decode(h)
                .ok()
                .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
                .ok_or_else(|| {
                    Error::InvalidRequest(
                        "hashes: each must be a base64 SHA-256 digest (32 bytes)".into(),
                    )
                })
        })
        .collect()
}

/// Proof that a SAD was checked and consumed for these digests. Only `verify_sad` builds it.
pub struct VerifiedSad {
    credential_id: String,
    digests: Vec<[u8; 32]>,
}

impl Relay {
    pub async fn verify_sad(
        &self,
        session: &Session,
        req: &SignHashRequest,
    ) -> Result<VerifiedSad, Error> {
        if req.sign_algo != OID_ECDSA_WITH_SHA256 {
            return Err(Error::InvalidRequest(format!(
                "signAlgo: only ecdsa-with-SHA256 ({OID_ECDSA_WITH_SHA256}) is supported"
            )));
        }
        let digests = parse_sha256_hashes(&req.hashes, Some(&req.hash_algorithm_oid))?;
        let credential = self.own_credential(session, &req.credential_id).await?;
        let sad_hash = secret_hash("sad", &req.sad);
        let sad = self
            .store
            .sad(&sad_hash)
            .await?
            .ok_or(Error::InvalidSad("unknown"))?;
        if sad.used {
            return Err(Error::InvalidSad("already used"));
        }
        if self.now() > sad.expires_at {
            return Err(Error::InvalidSad("expired"));
        }
        if sad.credential_id != credential.id {
            return Err(Error::InvalidSad("issued for another credential"));
        }
        if sad.hashes != req.hashes {
            return Err(Error::InvalidSad("it does not authorize these hashes"));
        }
        if !self.store.consume_sad(&sad_hash).await? {
            return Err(Error::InvalidSad("already used"));
        }
        Ok(VerifiedSad {
            credential_id: credential.id,
            digests,
        })
    }

    /// Signs the digests a verified SAD authorized, with the citizen's key.
    pub async fn sign_hashes(
        &self,
        session: &Session,
        sad: VerifiedSad,
    ) -> Result<Vec<Vec<u8>>, Error> {
        let credential = self.own_credential(session, &sad.credential_id).await?;
        let kek = session.kek()?;
        self.custody
            .sign_digests(&credential.id, &credential.wrapped_key, &kek, &sad.digests)
    }
}
