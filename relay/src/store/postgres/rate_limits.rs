//! Rate limits counted in the database, so they hold across relays.

use async_trait::async_trait;
use sqlx::Row;

use super::{PgStore, count};
use crate::Error;
use crate::store::RateLimitStore;

#[async_trait]
impl RateLimitStore for PgStore {
    async fn count_event(&self, key: &str, window: i64, now: i64) -> Result<(u32, i64), Error> {
        // One statement: PostgreSQL's upsert either inserts the key or, when a parallel caller
        // (on any relay) inserted it first, waits for that row and updates the committed
        // version, so every event is counted exactly once.
        let row = sqlx::query(
            "INSERT INTO rate_limits (key, window_start, count) VALUES ($1, $2, 1)
             ON CONFLICT (key) DO UPDATE SET
                count = CASE WHEN rate_limits.window_start + $3 <= $2 THEN 1 ELSE rate_limits.count + 1 END,
                window_start = CASE WHEN rate_limits.window_start + $3 <= $2 THEN $2 ELSE rate_limits.window_start END
             RETURNING count, window_start",
        )
        .bind(key)
        .bind(now)
        .bind(window)
        .fetch_one(&self.pool)
        .await?;
        Ok((count(&row, "count")?, row.try_get("window_start")?))
    }
}
