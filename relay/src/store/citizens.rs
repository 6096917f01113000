//! Citizens: the account row itself (identity data, state, expiry).

use async_trait::async_trait;

use crate::Error;
use crate::identity::account::AccountState;
use crate::records::{Citizen, NewCitizen};

#[async_trait]
pub trait CitizenStore: Send + Sync {
    /// A new pending account. Refused when the ID number or phone is taken (R5, R8), or when
    /// another live account has the email in any letter case (R23): checked in the statement
    /// that writes, so two registrations with one address cannot both pass.
    async fn insert_citizen(&self, c: &NewCitizen) -> Result<(), Error>;

    async fn citizen_by_id_number(&self, id_number: &str) -> Result<Option<Citizen>, Error>;

    async fn citizen_by_id(&self, id: &str) -> Result<Option<Citizen>, Error>;

    /// Compare-and-set of the account state: true if `from` was still current and is now `to`.
    async fn update_account_state(
        &self,
        citizen_id: &str,
        from: AccountState,
        to: AccountState,
    ) -> Result<bool, Error>;

    /// Accounts (active or blocked) that expire by `until` and were not told yet (R25).
    async fn accounts_to_notify(&self, now: i64, until: i64) -> Result<Vec<Citizen>, Error>;

    /// Records that the notice went out for this expiry; false if someone else sent it first.
    async fn mark_expiry_notice(
        &self,
        citizen_id: &str,
        expires_at: i64,
        now: i64,
    ) -> Result<bool, Error>;

    /// Renewal (R25): a new expiry, the notice to send again before it. False if the expiry
    /// changed meanwhile.
    async fn renew_account(
        &self,
        citizen_id: &str,
        from_expires_at: i64,
        expires_at: i64,
    ) -> Result<bool, Error>;

    /// Remembers the language she activated in.
    async fn set_lang(&self, citizen_id: &str, lang: &str) -> Result<(), Error>;

    /// Whether another live account (not revoked, not expired at `now`) has this email, in any
    /// letter case (R23).
    async fn email_on_another_account(
        &self,
        citizen_id: &str,
        email: &str,
        now: i64,
    ) -> Result<bool, Error>;

    /// The other account that holds this phone, if one does (R8; revoked accounts gave
    /// theirs up).
    async fn phone_on_another_account(
        &self,
        citizen_id: &str,
        phone: &str,
    ) -> Result<Option<String>, Error>;
}
