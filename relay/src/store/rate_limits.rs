//! Rate limits counted in the database, so they hold across relays.

use async_trait::async_trait;

use crate::Error;

#[async_trait]
pub trait RateLimitStore: Send + Sync {
    /// Counts one event under `key` in a fixed window of `window` seconds that opens at the
    /// key's first event (or at the first event after the window closed). Returns the count in
    /// the window (this event included) and when the window opened. Parallel callers on any
    /// number of relays count exactly.
    async fn count_event(&self, key: &str, window: i64, now: i64) -> Result<(u32, i64), Error>;
}
