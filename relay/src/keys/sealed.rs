//! A citizen key sealed in software, shared by both backends: each derives the wrapping key its
//! own way (HKDF of the master key and her KEK, or an HSM's HMAC over her KEK); from there the
//! key is sealed with AES-256-GCM bound to the credential id, and opened only to sign what a
//! `VerifiedSad` carries.

use p256::ecdsa::signature::hazmat::PrehashSigner;
use p256::ecdsa::{DerSignature, SigningKey, VerifyingKey};
use rand_core::OsRng;

use super::StoredKey;
use crate::Error;
use crate::crypto::{open, seal};
use crate::domain::CredentialId;
use crate::identity::sad::VerifiedSad;

/// A new key for `credential`: its public half, and its private half sealed for the store.
pub(crate) fn generate(
    wrapping_key: &[u8; 32],
    credential: &CredentialId,
) -> Result<(VerifyingKey, StoredKey), Error> {
    let key = SigningKey::random(&mut OsRng);
    let sealed = seal(
        wrapping_key,
        credential.as_str().as_bytes(),
        &key.to_bytes(),
    )?;
    Ok((*key.verifying_key(), StoredKey(sealed)))
}

/// Opens the key of the credential `sad` names and signs exactly its digests (DER, in order).
pub(crate) fn sign(
    wrapping_key: &[u8; 32],
    sad: VerifiedSad,
    key: &StoredKey,
) -> Result<Vec<Vec<u8>>, Error> {
    let secret = open(wrapping_key, sad.credential().as_str().as_bytes(), &key.0)?;
    let key = SigningKey::from_slice(&secret).map_err(|e| Error::internal("citizen key", e))?;
    sad.digests()
        .iter()
        .map(|d| {
            let sig: DerSignature = key
                .sign_prehash(d)
                .map_err(|e| Error::internal("ecdsa sign", e))?;
            Ok(sig.as_bytes().to_vec())
        })
        .collect()
}
