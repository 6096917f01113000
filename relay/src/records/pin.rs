//! PIN keys (R4): a short-lived code by SMS, or a decoy for an ID and date that name no account
//! that may use one.

use crate::identity::one_time::SecretState;

#[derive(Debug, Clone)]
pub struct Pin {
    pub id: String,
    /// `None`: a decoy.
    pub citizen_id: Option<String>,
    pub code_mac: Vec<u8>,
    pub state: SecretState,
    pub expires_at: i64,
}
