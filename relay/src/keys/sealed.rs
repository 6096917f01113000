//! A citizen key sealed in software, shared by both backends: each derives the wrapping key its
//! own way (HKDF of the master key and her KEK, or an HSM's HMAC over her KEK); from there the
//! key is sealed with AES-256-GCM bound to the credential id, and opened only to sign what a
//! `VerifiedSad` carries.
//!
//! Signing uses AWS-LC (`aws-lc-rs`): its P-256 is constant-time and about ten times faster
//! than the pure-Rust `p256` here, which only makes keys. The sealed bytes are the same 32-byte
//! private scalar either way.

use aws_lc_rs::digest::{Digest, SHA256};
use aws_lc_rs::signature::{ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair};
use p256::ecdsa::{SigningKey, VerifyingKey};
use rand_core::OsRng;
use zeroize::Zeroizing;

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
    let secret: Zeroizing<[u8; 32]> = Zeroizing::new(key.to_bytes().into());
    let sealed = seal(
        wrapping_key,
        credential.as_str().as_bytes(),
        secret.as_slice(),
    )?;
    Ok((*key.verifying_key(), StoredKey(sealed)))
}

/// The key of `credential` sealed under `old_wrapping`, opened and sealed again under
/// `new_wrapping` (a password change: she gave the old password, so nothing is lost). The
/// scalar is checked to be a P-256 key before it is sealed again, so a damaged blob fails here
/// rather than at her next signature.
pub(crate) fn rewrap(
    old_wrapping: &[u8; 32],
    new_wrapping: &[u8; 32],
    credential: &CredentialId,
    key: &StoredKey,
) -> Result<StoredKey, Error> {
    let aad = credential.as_str().as_bytes();
    let secret = Zeroizing::new(open(old_wrapping, aad, &key.0)?);
    signing_key(&secret)?;
    Ok(StoredKey(seal(new_wrapping, aad, &secret)?))
}

/// RFC 5915 `ECPrivateKey` around a P-256 scalar, without the optional public key (AWS-LC
/// computes it): SEQUENCE { INTEGER 1, OCTET STRING (32), [0] OID prime256v1 }.
const EC_PRIVATE_KEY_HEAD: [u8; 7] = [0x30, 0x31, 0x02, 0x01, 0x01, 0x04, 0x20];
const EC_PRIVATE_KEY_TAIL: [u8; 12] = [
    0xa0, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07,
];

/// An AWS-LC signing key from the 32 private bytes. The DER copy is wiped on drop; AWS-LC
/// wipes its own copy when the key pair is freed.
fn signing_key(scalar: &[u8]) -> Result<EcdsaKeyPair, Error> {
    if scalar.len() != 32 {
        return Err(Error::Internal("citizen key has the wrong length".into()));
    }
    let mut der = Zeroizing::new([0u8; 51]);
    der[..7].copy_from_slice(&EC_PRIVATE_KEY_HEAD);
    der[7..39].copy_from_slice(scalar);
    der[39..].copy_from_slice(&EC_PRIVATE_KEY_TAIL);
    EcdsaKeyPair::from_private_key_der(&ECDSA_P256_SHA256_ASN1_SIGNING, der.as_slice())
        .map_err(|e| Error::internal("citizen key", e))
}

/// Opens the key of the credential `sad` names and signs exactly its digests (DER, in order).
pub(crate) fn sign(
    wrapping_key: &[u8; 32],
    sad: VerifiedSad,
    key: &StoredKey,
) -> Result<Vec<Vec<u8>>, Error> {
    let secret = Zeroizing::new(open(
        wrapping_key,
        sad.credential().as_str().as_bytes(),
        &key.0,
    )?);
    let key = signing_key(&secret)?;
    sad.digests()
        .iter()
        .map(|d| {
            let digest =
                Digest::import_less_safe(d, &SHA256).map_err(|e| Error::internal("digest", e))?;
            let sig = key
                .sign_digest(&digest)
                .map_err(|e| Error::internal("ecdsa sign", e))?;
            Ok(sig.as_ref().to_vec())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use p256::ecdsa::Signature;
    use p256::ecdsa::signature::hazmat::PrehashVerifier;

    #[test]
    fn aws_lc_signs_with_the_same_key_material_p256_made() {
        let wrapping = [3u8; 32];
        let credential = CredentialId::new_random();
        let (public, stored) = generate(&wrapping, &credential).expect("generate");
        let digests = [[1u8; 32], [2u8; 32], [0u8; 32], [0xffu8; 32]];
        let sigs = sign(
            &wrapping,
            VerifiedSad::for_tests(&credential, &digests),
            &stored,
        )
        .expect("sign");
        assert_eq!(sigs.len(), digests.len());
        for (digest, sig) in digests.iter().zip(&sigs) {
            let sig = Signature::from_der(sig).expect("DER ECDSA-Sig-Value");
            assert!(public.verify_prehash(digest, &sig).is_ok());
            assert!(public.verify_prehash(&[7u8; 32], &sig).is_err());
        }
        // Randomised nonces: the same digest twice gives two different valid signatures.
        let again = sign(
            &wrapping,
            VerifiedSad::for_tests(&credential, &digests),
            &stored,
        )
        .expect("sign");
        assert_ne!(sigs[0], again[0]);
    }

    #[test]
    fn a_rewrapped_key_is_the_same_key_and_opens_only_under_the_new_wrapping() {
        let (old, new) = ([3u8; 32], [4u8; 32]);
        let credential = CredentialId::new_random();
        let (public, stored) = generate(&old, &credential).expect("generate");
        let rewrapped = rewrap(&old, &new, &credential, &stored).expect("rewrap");
        assert_ne!(rewrapped, stored);
        let digest = [5u8; 32];
        let sad = || VerifiedSad::for_tests(&credential, &[digest]);
        let sig = sign(&new, sad(), &rewrapped).expect("sign with the new wrapping");
        let sig = Signature::from_der(&sig[0]).expect("DER");
        assert!(public.verify_prehash(&digest, &sig).is_ok(), "the same key");
        assert!(sign(&old, sad(), &rewrapped).is_err(), "the old wrapping");
        assert!(
            rewrap(&new, &old, &CredentialId::new_random(), &rewrapped).is_err(),
            "bound to its credential"
        );
        assert!(
            rewrap(&[9u8; 32], &new, &credential, &stored).is_err(),
            "a wrong old wrapping opens nothing"
        );
    }

    #[test]
    fn a_scalar_out_of_range_or_of_the_wrong_length_is_refused() {
        assert!(signing_key(&[0u8; 32]).is_err(), "zero");
        assert!(signing_key(&[0xffu8; 32]).is_err(), "above the group order");
        assert!(signing_key(&[1u8; 31]).is_err(), "short");
        assert!(signing_key(&[1u8; 32]).is_ok());
    }
}
