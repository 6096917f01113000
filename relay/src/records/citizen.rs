//! Citizens: their identity data, account state (R20 counters) and activation code.

use crate::identity::account::AccountState;
use crate::identity::one_time::SecretState;

#[derive(Debug, Clone)]
pub struct NewCitizen {
    pub id: String,
    pub id_number: String,
    pub given_name: String,
    pub surname: String,
    pub birth_date: String,
    pub phone: String,
    pub email: String,
    pub activation_code_hash: Vec<u8>,
    pub activation_expires_at: i64,
    pub created_at: i64,
}

#[derive(Debug, Clone)]
pub struct Citizen {
    pub id: String,
    pub id_number: String,
    pub given_name: String,
    pub surname: String,
    /// YYYY-MM-DD: the second datum that asks for a PIN key (R4).
    pub birth_date: String,
    pub phone: String,
    pub email: String,
    pub state: AccountState,
    pub password_hash: Option<String>,
    pub kek_salt: Option<Vec<u8>>,
    pub activation_code_hash: Option<Vec<u8>>,
    /// The activation code as a single-use secret (used once activation completed).
    pub activation_code: SecretState,
    pub activation_expires_at: i64,
    /// When the account expires (R25); `None` before activation.
    pub expires_at: Option<i64>,
    /// The language she activated in, for notices she is sent unasked.
    pub lang: Option<String>,
    /// Her password came by SMS (R14): she must change it before anything else.
    pub must_change_password: bool,
    /// Her second factor: "sms", or "card" for a legacy coordinate card (R21).
    pub second_factor: String,
}

impl Citizen {
    /// Expired at `now` (R25): she can no longer log in, and registers again.
    pub fn expired(&self, now: i64) -> bool {
        self.expires_at.is_some_and(|at| at <= now)
    }
}
