//! Housekeeping: deleting what can no longer be used.

use async_trait::async_trait;

use super::PgStore;
use crate::Error;
use crate::store::Housekeeping;

#[async_trait]
impl Housekeeping for PgStore {
    async fn backup_into(&self, _path: &std::path::Path) -> Result<(), Error> {
        // The database's files are the server's, often on another machine: its own tools
        // make the consistent copy.
        Err(Error::InvalidRequest(
            "a PostgreSQL database is backed up with pg_dump while the relays serve \
             (docs/postgresql.md), not by the relay"
                .into(),
        ))
    }

    async fn prune(&self, now: i64, session_idle: i64) -> Result<u64, Error> {
        // Each statement alone: a row deleted here is dead whoever looks at it, so several
        // relays pruning at once only find less to delete.
        let day = 24 * 3600;
        let statements: [(&str, i64); 10] = [
            (
                "DELETE FROM sessions WHERE last_used_at < $1",
                now - session_idle,
            ),
            ("DELETE FROM codes WHERE expires_at < $1", now - day),
            ("DELETE FROM sads WHERE expires_at < $1", now - day),
            ("DELETE FROM activations WHERE expires_at < $1", now - day),
            ("DELETE FROM resets WHERE expires_at < $1", now - day),
            ("DELETE FROM pins WHERE expires_at < $1", now - day),
            (
                "DELETE FROM contact_changes WHERE expires_at < $1",
                now - day,
            ),
            (
                "DELETE FROM operator_logins WHERE expires_at < $1",
                now - day,
            ),
            ("DELETE FROM rate_limits WHERE window_start < $1", now - day),
            ("DELETE FROM outbox WHERE sent_at < $1", now - 7 * day),
        ];
        let mut deleted = 0;
        for (sql, before) in statements {
            deleted += sqlx::query(sql)
                .bind(before)
                .execute(&self.pool)
                .await?
                .rows_affected();
        }
        Ok(deleted)
    }
}
