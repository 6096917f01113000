//! Citizens' sessions: bearer tokens (stored hashed) and their sealed key-encryption key.

use async_trait::async_trait;
use nubefirma_protocol::Level;

use crate::Error;
use crate::records::{Citizen, NewSession, Session};

#[async_trait]
pub trait SessionStore: Send + Sync {
    /// A new session, last used at `now`.
    async fn insert_session(&self, new: &NewSession<'_>, now: i64) -> Result<(), Error>;

    /// A session and its citizen, read together: every authenticated request needs both.
    async fn session_with_citizen(
        &self,
        token_hash: &[u8],
    ) -> Result<Option<(Session, Citizen)>, Error>;

    /// Raises a password session to `level` (after its SMS code); a PIN session stays as it is.
    async fn raise_session_level(&self, token_hash: &[u8], level: Level) -> Result<(), Error>;

    /// Records the session's last use.
    async fn touch_session(&self, token_hash: &[u8], now: i64) -> Result<(), Error>;

    async fn delete_session(&self, token_hash: &[u8]) -> Result<(), Error>;

    /// Sessions used after `idle_since` (alive: not idle too long), for the metrics.
    async fn count_live_sessions(&self, idle_since: i64) -> Result<i64, Error>;
}
