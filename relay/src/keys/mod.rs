//! Custody of private keys: an interface that signs and never exports a key.
//!
//! Two kinds of key live here. A citizen's P-256 signing key is usable only with her
//! password-derived key-encryption key (`PasswordKek`) *and* a `VerifiedSad`, which only SAD
//! verification builds: there is no other way to have a citizen key sign. The CA keys (issuing
//! CA, later the OCSP responder and the TSA) sign certificates, CRLs, OCSP answers and
//! timestamps through a `CaKey` handle, which implements the RustCrypto `Signer` traits so the
//! x509-cert and cms builders accept it, while the private half stays in the backend.
//!
//! `soft` keeps keys sealed with AES-256-GCM under the master key; `pkcs11` keeps the master
//! key and the CA keys in an HSM, behind the same `Custody` trait. `offline` is the root CA
//! key, alive only during the key ceremony.

pub mod offline;
pub mod pkcs11;
mod sealed;
pub mod soft;

use std::sync::Arc;

use der::asn1::AnyRef;
use p256::ecdsa::{DerSignature, VerifyingKey};
use spki::{AlgorithmIdentifier, SignatureAlgorithmIdentifier};

use crate::Error;
use crate::domain::CredentialId;
use crate::identity::sad::VerifiedSad;

pub use pkcs11::{Pkcs11Config, Pkcs11Custody};
pub use soft::SoftCustody;

/// The key-encryption key derived from a citizen's password (argon2id). The relay holds it only
/// sealed under her bearer token, and unseals it for one operation.
pub struct PasswordKek(pub(crate) [u8; 32]);

/// What the store keeps for a key: for the soft backend the sealed private key, for an HSM the
/// object's label. Opaque outside the backend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredKey(pub Vec<u8>);

/// A key custody backend.
pub trait Custody: Send + Sync {
    /// A new citizen key for `credential`, usable later only with the same `kek`.
    fn generate_citizen_key(
        &self,
        credential: &CredentialId,
        kek: &PasswordKek,
    ) -> Result<(VerifyingKey, StoredKey), Error>;

    /// Signs exactly the digests `sad` authorized, with the key of the credential `sad` names.
    /// DER `ECDSA-Sig-Value`s, in order.
    fn sign_citizen(
        &self,
        sad: VerifiedSad,
        key: &StoredKey,
        kek: &PasswordKek,
    ) -> Result<Vec<Vec<u8>>, Error>;

    /// The key of `credential`, usable with `old_kek`, sealed again for `new_kek` (her password
    /// changed and she gave the old one): the same key, so her certificate keeps signing.
    fn rewrap_citizen_key(
        &self,
        credential: &CredentialId,
        key: &StoredKey,
        old_kek: &PasswordKek,
        new_kek: &PasswordKek,
    ) -> Result<StoredKey, Error>;

    /// A new CA key called `name` (e.g. "issuing").
    fn generate_ca_key(&self, name: &str) -> Result<(VerifyingKey, StoredKey), Error>;

    /// A signing handle for a CA key made by `generate_ca_key`.
    fn ca_key(&self, name: &str, key: &StoredKey) -> Result<CaKey, Error>;

    /// HMAC-SHA256 of a short secret (an OTP, an SMS code) under a key that never leaves the
    /// backend, so a copy of the database alone cannot reverse six digits by brute force.
    fn code_mac(&self, context: &str, code: &str) -> Result<[u8; 32], Error>;
}

/// The backend's half of a CA key: signs a message with ECDSA P-256 / SHA-256.
pub(crate) trait CaSign: Send + Sync {
    fn sign_message(&self, message: &[u8]) -> Result<DerSignature, Error>;
}

/// A handle to a CA key: its public half, and the means to ask the backend for a signature.
#[derive(Clone)]
pub struct CaKey {
    public: VerifyingKey,
    signer: Arc<dyn CaSign>,
}

impl CaKey {
    pub(crate) fn new(public: VerifyingKey, signer: Arc<dyn CaSign>) -> Self {
        Self { public, signer }
    }

    pub fn public_key(&self) -> &VerifyingKey {
        &self.public
    }

    /// ecdsa-with-SHA256 over `message` (the backend hashes it), DER encoded.
    pub fn sign(&self, message: &[u8]) -> Result<DerSignature, Error> {
        self.signer.sign_message(message)
    }
}

impl signature::Keypair for CaKey {
    type VerifyingKey = VerifyingKey;

    fn verifying_key(&self) -> VerifyingKey {
        self.public
    }
}

impl SignatureAlgorithmIdentifier for CaKey {
    type Params = AnyRef<'static>;

    const SIGNATURE_ALGORITHM_IDENTIFIER: AlgorithmIdentifier<Self::Params> =
        <p256::ecdsa::SigningKey as SignatureAlgorithmIdentifier>::SIGNATURE_ALGORITHM_IDENTIFIER;
}

impl signature::Signer<DerSignature> for CaKey {
    fn try_sign(&self, message: &[u8]) -> Result<DerSignature, signature::Error> {
        self.signer
            .sign_message(message)
            .map_err(signature::Error::from_source)
    }
}
