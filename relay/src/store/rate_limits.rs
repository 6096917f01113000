//! Rate limits counted in the database, so they hold across relays.

use sqlx::Row;

use super::*;
use crate::Error;

impl Store {
    /// Counts one event under `key` in a fixed window of `window` seconds that opens at the
    /// key's first event. Returns the count in the window (this event included) and when the
    /// window opened. One statement, so parallel callers on any number of relays count exactly.
    pub async fn count_event(&self, key: &str, window: i64, now: i64) -> Result<(u32, i64), Error> {
        let row = sqlx::query(
            "INSERT INTO rate_limits (key, window_start, count) VALUES (?1, ?2, 1)
             ON CONFLICT(key) DO UPDATE SET
                count = CASE WHEN rate_limits.window_start + ?3 <= ?2 THEN 1 ELSE rate_limits.count + 1 END,
                window_start = CASE WHEN rate_limits.window_start + ?3 <= ?2 THEN ?2 ELSE rate_limits.window_start END
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
