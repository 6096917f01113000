//! Single-use secrets: signing OTPs and certificate challenges (codes), SADs, PIN keys,
//! password resets, activations, contact changes, operator logins, coordinate cards; and the
//! one compare-and-set every attempt at one of them goes through (`update_secret`).

use async_trait::async_trait;

use crate::Error;
use crate::domain::{CredentialId, Digests};
use crate::identity::one_time::SecretState;
use crate::records::{Activation, Code, ContactChange, OperatorLogin, Pin, Reset, Sad, StoredCard};

/// A record that holds a single-use secret's state (`identity::one_time`).
#[derive(Clone, Copy, Debug)]
pub enum SecretRow<'a> {
    /// The activation code handed out at the office, in the citizen's record. Its `used`
    /// changes only when activation completes (`AccountStore`), never through `update_secret`.
    ActivationCode { citizen_id: &'a str },
    /// The SMS code of one activation.
    ActivationSms { id: &'a str },
    /// A signing OTP or certificate challenge.
    Code { id: &'a str },
    /// A SAD, found by its hash. It has no attempts: it is found by its own hash, then
    /// consumed.
    Sad { hash: &'a [u8] },
    /// A password reset's pair of codes (one entry judges both).
    Reset { id: &'a str },
    /// An operator's login SMS code.
    OperatorLogin { id: &'a str },
    /// A PIN key (R4).
    Pin { id: &'a str },
    /// A change of her phone or email (R26): its codes, judged together.
    ContactChange { id: &'a str },
}

#[async_trait]
pub trait SecretStore: Send + Sync {
    /// The current state of a single-use secret, if the record exists.
    async fn secret_state(&self, row: SecretRow<'_>) -> Result<Option<SecretState>, Error>;

    /// Compare-and-set of a single-use secret's state: true if it was still `from` and is now
    /// `to`; of parallel calls from one state, exactly one wins.
    async fn update_secret(
        &self,
        row: SecretRow<'_>,
        from: SecretState,
        to: SecretState,
    ) -> Result<bool, Error>;

    // --- codes ---

    /// Stores a new code and retires any earlier live code of the same citizen and purpose:
    /// only the newest SMS is valid.
    async fn replace_code(&self, code: &Code, now: i64) -> Result<(), Error>;

    /// The newest unused code of a citizen for a purpose (expired or exhausted ones included:
    /// the state machine judges them).
    async fn live_code(&self, citizen_id: &str, purpose: &str) -> Result<Option<Code>, Error>;

    async fn code(&self, id: &str) -> Result<Option<Code>, Error>;

    // --- SADs (consumed with their audit entry: `AuditStore::consume_sad_audited`) ---

    async fn insert_sad(
        &self,
        sad_hash: &[u8],
        credential_id: &CredentialId,
        digests: &Digests,
        expires_at: i64,
    ) -> Result<(), Error>;

    async fn sad(&self, sad_hash: &[u8]) -> Result<Option<Sad>, Error>;

    // --- PIN keys, resets, activations ---

    async fn insert_pin(&self, pin: &Pin) -> Result<(), Error>;

    async fn pin(&self, id: &str) -> Result<Option<Pin>, Error>;

    async fn insert_reset(&self, r: &Reset) -> Result<(), Error>;

    async fn reset(&self, id: &str) -> Result<Option<Reset>, Error>;

    async fn insert_activation(&self, a: &Activation) -> Result<(), Error>;

    async fn activation(&self, id: &str) -> Result<Option<Activation>, Error>;

    // --- contact changes (applied by `AccountStore::apply_contact_change`) ---

    /// A new contact change; the ones she had pending die with it (one at a time, as codes).
    async fn insert_contact_change(&self, c: &ContactChange, now: i64) -> Result<(), Error>;

    async fn contact_change(&self, id: &str) -> Result<Option<ContactChange>, Error>;

    // --- operator logins ---

    async fn insert_operator_login(&self, l: &OperatorLogin) -> Result<(), Error>;

    async fn operator_login(&self, id: &str) -> Result<Option<OperatorLogin>, Error>;

    // --- coordinate cards (R21) ---

    /// Gives her this card (replacing any earlier one) and makes it her second factor; her
    /// live codes (asked from an earlier card, or sent by SMS) stop working — one transaction.
    /// False: no such active account.
    async fn save_card(&self, citizen_id: &str, card: &StoredCard, now: i64)
    -> Result<bool, Error>;

    async fn card(&self, citizen_id: &str) -> Result<Option<StoredCard>, Error>;

    /// Drops her card for SMS codes (her choice, or renewal); codes asked from the card stop
    /// working — one transaction. False: she had no card.
    async fn drop_card(&self, citizen_id: &str) -> Result<bool, Error>;
}
