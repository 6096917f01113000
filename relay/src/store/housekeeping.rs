//! Housekeeping: what can no longer be used is deleted.

use async_trait::async_trait;

use crate::Error;

#[async_trait]
pub trait Housekeeping: Send + Sync {
    /// Deletes what can no longer be used: sessions idle for `session_idle` seconds, codes,
    /// SADs, activations, resets, PINs, contact changes and operator logins a day past their
    /// expiry, rate windows opened more than a day ago, and week-old dev outbox rows. Returns
    /// the number of rows deleted.
    async fn prune(&self, now: i64, session_idle: i64) -> Result<u64, Error>;

    /// Writes a consistent copy of the whole database to `path` (which must not exist) while
    /// the relay keeps serving; a backend whose own tools do this better says which.
    async fn backup_into(&self, path: &std::path::Path) -> Result<(), Error>;
}
