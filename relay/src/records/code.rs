//! One-time SMS codes (signing OTPs, certificate challenges), one live code per purpose.

use crate::domain::{CredentialId, Digests};
use crate::identity::one_time::SecretState;

/// A one-time SMS code (signing OTP, certificate challenge).
#[derive(Debug, Clone)]
pub struct Code {
    pub id: String,
    pub citizen_id: String,
    pub purpose: String,
    pub credential_id: Option<CredentialId>,
    pub code_mac: Vec<u8>,
    pub hashes: Option<Digests>,
    /// The coordinate card position this code asks for instead of an SMS code (R21).
    pub card_position: Option<String>,
    pub state: SecretState,
    pub expires_at: i64,
}
