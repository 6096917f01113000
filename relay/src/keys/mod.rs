//! Custody of private keys (soft backend). A citizen's P-256 key is sealed with AES-256-GCM
//! under a key derived from the relay's master key AND her password-derived KEK, so a copy of
//! the database plus the master key still cannot sign. Keys are unsealed only for the moment of
//! signing and never leave this module.

use p256::ecdsa::signature::hazmat::PrehashSigner;
use p256::ecdsa::{DerSignature, SigningKey, VerifyingKey};
use rand_core::OsRng;

use crate::Error;
use crate::crypto::{derive_key, open, seal};

pub struct SoftCustody {
    master_key: [u8; 32],
}

impl SoftCustody {
    pub fn new(master_key: [u8; 32]) -> Self {
        Self { master_key }
    }

    fn citizen_wrapping_key(&self, kek: &[u8; 32]) -> [u8; 32] {
        let mut ikm = self.master_key.to_vec();
        ikm.extend_from_slice(kek);
        derive_key(&ikm, "citizen signing key")
    }

    /// A new citizen key: the public half, and the private half sealed for storage.
    pub fn generate_citizen_key(
        &self,
        credential_id: &str,
        kek: &[u8; 32],
    ) -> Result<(VerifyingKey, Vec<u8>), Error> {
        let key = SigningKey::random(&mut OsRng);
        let sealed = seal(
            &self.citizen_wrapping_key(kek),
            credential_id.as_bytes(),
            &key.to_bytes(),
        )?;
        Ok((*key.verifying_key(), sealed))
    }

    /// Signs each 32-byte digest with the citizen's key (ECDSA P-256, DER signatures).
    pub fn sign_digests(
        &self,
        credential_id: &str,
        wrapped_key: &[u8],
        kek: &[u8; 32],
        digests: &[[u8; 32]],
    ) -> Result<Vec<Vec<u8>>, Error> {
        let secret = open(
            &self.citizen_wrapping_key(kek),
            credential_id.as_bytes(),
            wrapped_key,
        )?;
        let key = SigningKey::from_slice(&secret).map_err(|e| Error::internal("citizen key", e))?;
        digests
            .iter()
            .map(|d| {
                let sig: DerSignature = key
                    .sign_prehash(d)
                    .map_err(|e| Error::internal("ecdsa sign", e))?;
                Ok(sig.as_bytes().to_vec())
            })
            .collect()
    }

    /// CA keys are sealed under the master key alone (they are not any citizen's).
    pub fn seal_ca_key(&self, name: &str, key: &SigningKey) -> Result<Vec<u8>, Error> {
        seal(
            &derive_key(&self.master_key, "ca signing key"),
            name.as_bytes(),
            &key.to_bytes(),
        )
    }

    pub fn open_ca_key(&self, name: &str, sealed: &[u8]) -> Result<SigningKey, Error> {
        let secret = open(
            &derive_key(&self.master_key, "ca signing key"),
            name.as_bytes(),
            sealed,
        )?;
        SigningKey::from_slice(&secret).map_err(|e| Error::internal("ca key", e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use p256::ecdsa::signature::hazmat::PrehashVerifier;

    #[test]
    fn sealed_key_signs_only_with_master_and_password_kek() {
        let custody = SoftCustody::new([1u8; 32]);
        let kek = [2u8; 32];
        let (public, sealed) = custody
            .generate_citizen_key("cred-1", &kek)
            .expect("generate");
        let digest = [9u8; 32];
        let sigs = custody
            .sign_digests("cred-1", &sealed, &kek, &[digest])
            .expect("sign");
        let sig = p256::ecdsa::Signature::from_der(&sigs[0]).expect("der");
        assert!(public.verify_prehash(&digest, &sig).is_ok());

        assert!(
            custody
                .sign_digests("cred-1", &sealed, &[3u8; 32], &[digest])
                .is_err(),
            "wrong password KEK"
        );
        let other_relay = SoftCustody::new([4u8; 32]);
        assert!(
            other_relay
                .sign_digests("cred-1", &sealed, &kek, &[digest])
                .is_err(),
            "wrong master key"
        );
        assert!(
            custody
                .sign_digests("cred-2", &sealed, &kek, &[digest])
                .is_err(),
            "blob moved to another credential"
        );
    }
}
