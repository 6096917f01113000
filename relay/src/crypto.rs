//! Small cryptographic helpers used across the relay: randomness, secret comparison, key
//! derivation and authenticated encryption of key material.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::Error;

pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut out = [0u8; N];
    OsRng.fill_bytes(&mut out);
    out
}

/// A random 256-bit secret as URL-safe base64 (bearer tokens, SADs, ids).
pub fn random_token() -> String {
    URL_SAFE_NO_PAD.encode(random_bytes::<32>())
}

/// A random identifier (128 bits), URL-safe.
pub fn random_id() -> String {
    URL_SAFE_NO_PAD.encode(random_bytes::<16>())
}

/// `digits` uniformly random decimal digits (rejection sampling: no modulo bias).
pub fn random_digits(digits: usize) -> String {
    (0..digits)
        .map(|_| {
            loop {
                let byte = random_bytes::<1>()[0];
                if byte < 250 {
                    break char::from(b'0' + byte % 10);
                }
            }
        })
        .collect()
}

pub fn sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

/// Hash of a secret with a context label, for storage (tokens, codes); never store the secret.
pub fn secret_hash(context: &str, secret: &str) -> Vec<u8> {
    let mut h = Sha256::new();
    h.update(context.as_bytes());
    h.update([0u8]);
    h.update(secret.as_bytes());
    h.finalize().to_vec()
}

/// Constant-time equality for secrets and their hashes.
pub fn secrets_equal(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

/// HKDF-SHA256 to a 256-bit key.
pub fn derive_key(ikm: &[u8], info: &str) -> [u8; 32] {
    let hk = hkdf::Hkdf::<Sha256>::new(Some(b"nubefirma-relay-v1"), ikm);
    let mut out = [0u8; 32];
    // 32 bytes is far below HKDF-SHA256's 8160-byte limit, so expand cannot fail.
    let _ = hk.expand(info.as_bytes(), &mut out);
    out
}

/// AES-256-GCM with a random nonce; output is nonce || ciphertext. `aad` binds the blob to its
/// owner (a credential id, a session), so a blob copied to another row does not open.
pub fn seal(key: &[u8; 32], aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, Error> {
    let cipher = Aes256Gcm::new(key.into());
    let nonce_bytes = random_bytes::<12>();
    let ct = cipher
        .encrypt(
            &Nonce::from(nonce_bytes),
            Payload {
                msg: plaintext,
                aad,
            },
        )
        .map_err(|_| Error::Internal("seal failed".into()))?;
    let mut out = nonce_bytes.to_vec();
    out.extend_from_slice(&ct);
    Ok(out)
}

pub fn open(key: &[u8; 32], aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>, Error> {
    if sealed.len() < 12 + 16 {
        return Err(Error::Internal("sealed blob too short".into()));
    }
    let (nonce, ct) = sealed.split_at(12);
    let nonce: [u8; 12] = nonce
        .try_into()
        .map_err(|_| Error::Internal("bad nonce".into()))?;
    Aes256Gcm::new(key.into())
        .decrypt(&Nonce::from(nonce), Payload { msg: ct, aad })
        .map_err(|_| Error::Internal("sealed blob does not open with this key".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_blob_opens_only_with_same_key_and_aad() {
        let key = [7u8; 32];
        let blob = seal(&key, b"owner-1", b"secret").expect("seal");
        assert_eq!(open(&key, b"owner-1", &blob).expect("open"), b"secret");
        assert!(open(&key, b"owner-2", &blob).is_err());
        assert!(open(&[8u8; 32], b"owner-1", &blob).is_err());
    }

    #[test]
    fn random_digits_are_digits_of_the_asked_length() {
        let code = random_digits(6);
        assert_eq!(code.len(), 6);
        assert!(code.chars().all(|c| c.is_ascii_digit()));
    }
}
