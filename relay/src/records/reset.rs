//! A password reset in progress (R20): one code by SMS, one by email.

use crate::identity::one_time::SecretState;

/// A password reset in progress: one code by SMS, one by email.
#[derive(Debug, Clone)]
pub struct Reset {
    pub id: String,
    /// `None`: a decoy, for an ID without an account that can be reset.
    pub citizen_id: Option<String>,
    pub sms_code_mac: Vec<u8>,
    pub email_code_mac: Vec<u8>,
    pub state: SecretState,
    pub expires_at: i64,
}
