//! Registry-office operators and their logins (password, then an SMS code).

use crate::identity::one_time::SecretState;

#[derive(Debug, Clone)]
pub struct Operator {
    pub id: String,
    pub name: String,
    pub password_hash: String,
    pub phone: String,
    /// Wrong passwords in a row; at `MAX_FAILED_ATTEMPTS` the operator is locked out.
    pub failures: u32,
    /// `Some`: an entity's administrator (R6), who may only invite its employees; `None`: a
    /// registry-office operator.
    pub entity_id: Option<String>,
}

/// An operator's login between the right password and the SMS code.
#[derive(Debug, Clone)]
pub struct OperatorLogin {
    pub id: String,
    pub operator_id: String,
    pub code_mac: Vec<u8>,
    pub state: SecretState,
    pub expires_at: i64,
}
