//! An account's changes that span tables (activation, reset, revocation, password and contact
//! changes): each method is one transaction with compare-and-set on the state read, so a
//! parallel change loses cleanly and nothing is ever half done.

use async_trait::async_trait;

use crate::Error;
use crate::domain::CredentialId;
use crate::identity::account::AccountState;
use crate::records::{Activation, ContactChange, Reset};

/// A credential's key before and after a password change.
#[derive(Debug, Clone)]
pub struct Rewrapped {
    pub id: CredentialId,
    pub old_key: Vec<u8>,
    pub new_key: Vec<u8>,
}

/// How a password change's transaction ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordChanged {
    /// Done: this many other sessions ended.
    Done { ended_sessions: u64 },
    /// Her password (or the account) changed since it was read: nothing was written.
    AccountMoved,
    /// A credential was made, revoked or changed since the keys were re-wrapped: nothing was
    /// written; re-wrap again.
    CredentialsMoved,
}

/// How a contact change's transaction ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactChanged {
    Done,
    /// The change was spent or retired meanwhile, or her contact or account changed.
    Lost,
    /// The new phone (R8) or email (R23) is on another live account.
    Taken,
}

#[async_trait]
pub trait AccountStore: Send + Sync {
    /// Activation: spends the activation SMS code and the activation code, sets the password and
    /// moves the account from pending to active, in one transaction. False if someone was first.
    async fn activate_citizen(
        &self,
        citizen_id: &str,
        password_hash: &str,
        kek_salt: &[u8],
        activation: &Activation,
        expires_at: i64,
        must_change_password: bool,
    ) -> Result<bool, Error>;

    /// An active or blocked account activated again with a code from the office (the
    /// activation letter, R10, R20): spends the activation SMS code and the activation code,
    /// sets the new password (unblocked), revokes the credentials the old password wrapped,
    /// ends every session — all or nothing. `None`: someone was first.
    async fn reactivate_citizen(
        &self,
        citizen_id: &str,
        from: AccountState,
        password_hash: &str,
        kek_salt: &[u8],
        activation: &Activation,
        now: i64,
    ) -> Result<Option<Vec<String>>, Error>;

    /// A new activation code for the account (R10): the old one stops working, its failures
    /// are forgotten, and an activation in progress with the old code dies. False: no such
    /// account, or it is revoked.
    async fn replace_activation_code(
        &self,
        citizen_id: &str,
        code_hash: &[u8],
        expires_at: i64,
    ) -> Result<bool, Error>;

    /// Revokes the account whose state is still `from`: status revoked, its ID number and phone
    /// retired (she may register again), every credential revoked with `reason`, every session
    /// ended and every live code retired — all or nothing. `None`: the state changed meanwhile.
    async fn revoke_account(
        &self,
        citizen_id: &str,
        from: AccountState,
        now: i64,
        reason: &str,
    ) -> Result<Option<Vec<String>>, Error>;

    /// Completes a reset whose entry was reserved (`reset` holds the reserved state): the new
    /// password and key salt, the account active with clean counters (unblocked), the reset
    /// spent, the credentials whose keys the old password wrapped revoked as superseded, every
    /// session ended — all or nothing. `None`: the account or the reset changed meanwhile.
    async fn complete_reset(
        &self,
        reset: &Reset,
        citizen_id: &str,
        from: AccountState,
        password_hash: &str,
        kek_salt: &[u8],
        now: i64,
    ) -> Result<Option<Vec<String>>, Error>;

    /// A new phone for a live account, set at the office; the codes that went to the old one
    /// stop working. `Ok(false)`: no such live account. A phone another account holds is a
    /// conflict (R8).
    async fn set_phone(&self, citizen_id: &str, phone: &str) -> Result<bool, Error>;

    /// Applies a contact change whose entry was reserved (`change` holds the reserved state):
    /// the change spent, her phone or email replaced while it is still `old_value` on an active
    /// account, and for a phone her live codes retired (they went to the old phone) — all or
    /// nothing. A phone she proved hers (R22, `takes_from`) is first taken from the account
    /// that held it, which is revoked in the same transaction. A race for the same phone (R8)
    /// or email (R23) is decided inside the transaction: one wins, the other is `Taken`.
    async fn apply_contact_change(
        &self,
        change: &ContactChange,
        now: i64,
    ) -> Result<ContactChanged, Error>;

    /// A password change (R26): the new verifier and key salt while her verifier is still
    /// `old_hash` on an active account, every live credential's key re-wrapped (each while it
    /// is still the key that was read, and no live credential left out), every other session
    /// ended and `keep` (her token hash, her KEK sealed anew) kept — all or nothing.
    async fn change_password(
        &self,
        citizen_id: &str,
        old_hash: &str,
        new_hash: &str,
        kek_salt: &[u8],
        rewrapped: &[Rewrapped],
        keep: (&[u8], &[u8]),
    ) -> Result<PasswordChanged, Error>;
}
