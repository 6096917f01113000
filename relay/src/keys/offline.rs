//! The root CA key, kept offline. It exists in this process only during `ca init`: it signs the
//! issuing CA's certificate, is written out once (PKCS#8 PEM) for the operator to keep off the
//! relay, and is dropped. The running relay never holds it; no custody backend stores it.

use std::sync::Arc;

use p256::ecdsa::signature::Signer;
use p256::ecdsa::{DerSignature, SigningKey};
use p256::pkcs8::{EncodePrivateKey, LineEnding};
use rand_core::OsRng;

use super::{CaKey, CaSign};
use crate::Error;

/// A root key for one signing ceremony.
pub struct OfflineRoot {
    key: SigningKey,
}

struct RootSigner(SigningKey);

impl CaSign for RootSigner {
    fn sign_message(&self, message: &[u8]) -> Result<DerSignature, Error> {
        self.0
            .try_sign(message)
            .map_err(|e| Error::internal("root sign", e))
    }
}

impl OfflineRoot {
    pub fn generate() -> Self {
        Self {
            key: SigningKey::random(&mut OsRng),
        }
    }

    /// A handle to sign the root and issuing certificates with, during the ceremony.
    pub fn ca_key(&self) -> CaKey {
        CaKey::new(
            *self.key.verifying_key(),
            Arc::new(RootSigner(self.key.clone())),
        )
    }

    /// The key as PKCS#8 PEM, for offline keeping (zeroized when dropped).
    pub fn to_pem(&self) -> Result<zeroize::Zeroizing<String>, Error> {
        self.key
            .to_pkcs8_pem(LineEnding::LF)
            .map_err(|e| Error::internal("root key pem", e))
    }
}
