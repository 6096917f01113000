//! The soft custody backend. A citizen's P-256 key is sealed with AES-256-GCM under a key
//! derived from the relay's master key AND her password-derived KEK, so a copy of the database
//! plus the master key still cannot sign. CA keys are sealed under the master key alone. Keys
//! are unsealed only for the moment of signing and never leave this module.

use std::sync::Arc;

use hmac::{Hmac, Mac};
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{DerSignature, SigningKey, VerifyingKey};
use rand_core::OsRng;
use sha2::Sha256;

use super::{CaKey, CaSign, Custody, PasswordKek, StoredKey, sealed};
use crate::Error;
use crate::crypto::{derive_key, open, seal};
use crate::domain::CredentialId;
use crate::identity::sad::VerifiedSad;

pub struct SoftCustody {
    master_key: [u8; 32],
    /// HMAC key for codes at rest, derived once from the master key.
    code_key: [u8; 32],
}

impl SoftCustody {
    pub fn new(master_key: [u8; 32]) -> Self {
        Self {
            master_key,
            code_key: derive_key(&master_key, "code hmac"),
        }
    }

    fn citizen_wrapping_key(&self, kek: &PasswordKek) -> [u8; 32] {
        let mut ikm = self.master_key.to_vec();
        ikm.extend_from_slice(&kek.0);
        derive_key(&ikm, "citizen signing key")
    }

    fn ca_wrapping_key(&self) -> [u8; 32] {
        derive_key(&self.master_key, "ca signing key")
    }
}

struct SoftCaSigner(SigningKey);

impl CaSign for SoftCaSigner {
    fn sign_message(&self, message: &[u8]) -> Result<DerSignature, Error> {
        self.0
            .try_sign(message)
            .map_err(|e| Error::internal("ca sign", e))
    }
}

impl Custody for SoftCustody {
    fn generate_citizen_key(
        &self,
        credential: &CredentialId,
        kek: &PasswordKek,
    ) -> Result<(VerifyingKey, StoredKey), Error> {
        sealed::generate(&self.citizen_wrapping_key(kek), credential)
    }

    fn sign_citizen(
        &self,
        sad: VerifiedSad,
        key: &StoredKey,
        kek: &PasswordKek,
    ) -> Result<Vec<Vec<u8>>, Error> {
        sealed::sign(&self.citizen_wrapping_key(kek), sad, key)
    }

    fn rewrap_citizen_key(
        &self,
        credential: &CredentialId,
        key: &StoredKey,
        old_kek: &PasswordKek,
        new_kek: &PasswordKek,
    ) -> Result<StoredKey, Error> {
        sealed::rewrap(
            &self.citizen_wrapping_key(old_kek),
            &self.citizen_wrapping_key(new_kek),
            credential,
            key,
        )
    }

    fn generate_ca_key(&self, name: &str) -> Result<(VerifyingKey, StoredKey), Error> {
        let key = SigningKey::random(&mut OsRng);
        let sealed = seal(&self.ca_wrapping_key(), name.as_bytes(), &key.to_bytes())?;
        Ok((*key.verifying_key(), StoredKey(sealed)))
    }

    fn ca_key(&self, name: &str, key: &StoredKey) -> Result<CaKey, Error> {
        let secret = open(&self.ca_wrapping_key(), name.as_bytes(), &key.0)?;
        let key = SigningKey::from_slice(&secret).map_err(|e| Error::internal("ca key", e))?;
        Ok(CaKey::new(
            *key.verifying_key(),
            Arc::new(SoftCaSigner(key)),
        ))
    }

    fn code_mac(&self, context: &str, code: &str) -> Result<[u8; 32], Error> {
        // HMAC accepts keys of any length, so new_from_slice cannot fail for 32 bytes.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.code_key)
            .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
        mac.update(context.as_bytes());
        mac.update(&[0]);
        mac.update(code.as_bytes());
        Ok(mac.finalize().into_bytes().into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use p256::ecdsa::signature::Verifier;
    use p256::ecdsa::signature::hazmat::PrehashVerifier;

    #[test]
    fn a_citizen_key_signs_only_with_master_and_password_kek_and_its_credential() {
        let custody = SoftCustody::new([1u8; 32]);
        let kek = PasswordKek([2u8; 32]);
        let credential = CredentialId::new_random();
        let (public, sealed) = custody
            .generate_citizen_key(&credential, &kek)
            .expect("generate");
        let digest = [9u8; 32];
        let sigs = custody
            .sign_citizen(
                VerifiedSad::for_tests(&credential, &[digest]),
                &sealed,
                &kek,
            )
            .expect("sign");
        let sig = p256::ecdsa::Signature::from_der(&sigs[0]).expect("der");
        assert!(public.verify_prehash(&digest, &sig).is_ok());

        let sad = || VerifiedSad::for_tests(&credential, &[digest]);
        assert!(
            custody
                .sign_citizen(sad(), &sealed, &PasswordKek([3u8; 32]))
                .is_err(),
            "wrong password KEK"
        );
        assert!(
            SoftCustody::new([4u8; 32])
                .sign_citizen(sad(), &sealed, &kek)
                .is_err(),
            "wrong master key"
        );
        let other = CredentialId::new_random();
        assert!(
            custody
                .sign_citizen(VerifiedSad::for_tests(&other, &[digest]), &sealed, &kek)
                .is_err(),
            "blob moved to another credential"
        );
    }

    #[test]
    fn a_rewrapped_citizen_key_signs_as_before_with_the_new_kek_only() {
        let custody = SoftCustody::new([1u8; 32]);
        let (old_kek, new_kek) = (PasswordKek([2u8; 32]), PasswordKek([3u8; 32]));
        let credential = CredentialId::new_random();
        let (public, sealed) = custody
            .generate_citizen_key(&credential, &old_kek)
            .expect("generate");
        let rewrapped = custody
            .rewrap_citizen_key(&credential, &sealed, &old_kek, &new_kek)
            .expect("rewrap");
        let digest = [9u8; 32];
        let sad = || VerifiedSad::for_tests(&credential, &[digest]);
        let sigs = custody
            .sign_citizen(sad(), &rewrapped, &new_kek)
            .expect("sign with the new KEK");
        let sig = p256::ecdsa::Signature::from_der(&sigs[0]).expect("der");
        assert!(public.verify_prehash(&digest, &sig).is_ok(), "the same key");
        assert!(
            custody.sign_citizen(sad(), &rewrapped, &old_kek).is_err(),
            "the old KEK no longer opens it"
        );
        assert!(
            custody
                .rewrap_citizen_key(&credential, &sealed, &PasswordKek([4u8; 32]), &new_kek)
                .is_err(),
            "a wrong old KEK rewraps nothing"
        );
        assert!(
            SoftCustody::new([5u8; 32])
                .rewrap_citizen_key(&credential, &sealed, &old_kek, &new_kek)
                .is_err(),
            "another master key rewraps nothing"
        );
        assert!(
            custody
                .rewrap_citizen_key(&CredentialId::new_random(), &sealed, &old_kek, &new_kek)
                .is_err(),
            "bound to its credential"
        );
    }

    #[test]
    fn a_ca_key_handle_signs_and_its_blob_opens_only_under_the_same_name_and_master() {
        let custody = SoftCustody::new([1u8; 32]);
        let (public, stored) = custody.generate_ca_key("issuing").expect("generate");
        let handle = custody.ca_key("issuing", &stored).expect("open");
        assert_eq!(handle.public_key(), &public);
        let sig = handle.sign(b"tbs").expect("sign");
        let sig = p256::ecdsa::Signature::from_der(sig.as_bytes()).expect("der");
        assert!(public.verify(b"tbs", &sig).is_ok());
        assert!(custody.ca_key("root", &stored).is_err());
        assert!(
            SoftCustody::new([5u8; 32])
                .ca_key("issuing", &stored)
                .is_err()
        );
    }

    #[test]
    fn code_macs_depend_on_the_master_key_and_the_context() {
        let a = SoftCustody::new([1u8; 32]);
        let b = SoftCustody::new([2u8; 32]);
        assert_eq!(
            a.code_mac("otp", "123456").expect("mac"),
            a.code_mac("otp", "123456").expect("mac")
        );
        assert_ne!(
            a.code_mac("otp", "123456").expect("mac"),
            b.code_mac("otp", "123456").expect("mac")
        );
        assert_ne!(
            a.code_mac("otp", "123456").expect("mac"),
            a.code_mac("sms", "123456").expect("mac")
        );
    }
}
