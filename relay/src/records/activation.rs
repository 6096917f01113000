//! Activations: the SMS step between the activation code and the first password.

use crate::identity::one_time::SecretState;

#[derive(Debug, Clone)]
pub struct Activation {
    pub id: String,
    pub citizen_id: String,
    pub sms_code_mac: Vec<u8>,
    pub state: SecretState,
    pub expires_at: i64,
}
