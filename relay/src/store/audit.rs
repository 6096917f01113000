//! The hash-chained audit trail (`crate::audit`): appended at the end of the chain, read in
//! pages to verify it.

use async_trait::async_trait;

use crate::Error;
use crate::audit::{Entry, Event};
use crate::identity::one_time::SecretState;

#[async_trait]
pub trait AuditStore: Send + Sync {
    /// Appends `event` after the last entry (seq one more, `prev_hash` the last entry's hash)
    /// and returns its seq. Parallel appends, from this relay or others on the same database,
    /// each get their own place in the chain.
    async fn append_audit(&self, event: &Event, at: i64) -> Result<i64, Error>;

    /// Consumes a SAD (compare-and-set from `from` to `to`) and appends its `event` in one
    /// transaction: the hot path of signing pays one commit, and a SAD is never spent without
    /// its entry in the trail nor recorded without being spent. `false`: it was not in state
    /// `from` any more (another call spent it first); nothing is written.
    async fn consume_sad_audited(
        &self,
        sad_hash: &[u8],
        from: SecretState,
        to: SecretState,
        event: &Event,
        at: i64,
    ) -> Result<bool, Error>;

    /// Up to `limit` entries after `after`, in order.
    async fn audit_page(&self, after: i64, limit: i64) -> Result<Vec<Entry>, Error>;

    /// A citizen's events, newest first (her panel, an operator's inquiry).
    async fn audit_of(&self, citizen_id: &str, limit: i64) -> Result<Vec<Entry>, Error>;
}
