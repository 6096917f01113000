//! A change of her phone or email (R26), waiting for its codes.

use crate::identity::one_time::SecretState;

/// A change of her phone or email waiting for its codes.
#[derive(Debug, Clone)]
pub struct ContactChange {
    pub id: String,
    pub citizen_id: String,
    /// "phone" or "email".
    pub kind: String,
    pub old_value: String,
    pub new_value: String,
    pub code_mac: Vec<u8>,
    /// The code sent to her current phone (phone changes only).
    pub current_code_mac: Option<Vec<u8>>,
    /// The account that holds the new phone now, when she proves it is hers (R22).
    pub takes_from: Option<String>,
    pub state: SecretState,
    pub expires_at: i64,
}
