//! Housekeeping: deleting what can no longer be used.

use async_trait::async_trait;

use super::SqliteStore;
use crate::Error;
use crate::store::Housekeeping;

#[async_trait]
impl Housekeeping for SqliteStore {
    async fn backup_into(&self, path: &std::path::Path) -> Result<(), Error> {
        // Made here first, new and readable by its owner only (the copy holds personal data
        // and password verifiers); VACUUM INTO then fills the empty file.
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        options.open(path).map_err(|e| {
            Error::InvalidRequest(if e.kind() == std::io::ErrorKind::AlreadyExists {
                format!("{} exists: a backup never overwrites", path.display())
            } else {
                format!("{}: {e}", path.display())
            })
        })?;
        let target = path
            .to_str()
            .ok_or_else(|| Error::InvalidRequest("the backup path is not UTF-8".into()))?;
        // VACUUM INTO: one read transaction, so the copy is one consistent moment, written
        // while other connections go on reading and writing (WAL).
        sqlx::query("VACUUM INTO ?")
            .bind(target)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn prune(&self, now: i64, session_idle: i64) -> Result<u64, Error> {
        let day = 24 * 3600;
        let statements: [(&str, i64); 10] = [
            (
                "DELETE FROM sessions WHERE last_used_at < ?",
                now - session_idle,
            ),
            ("DELETE FROM codes WHERE expires_at < ?", now - day),
            ("DELETE FROM sads WHERE expires_at < ?", now - day),
            ("DELETE FROM activations WHERE expires_at < ?", now - day),
            ("DELETE FROM resets WHERE expires_at < ?", now - day),
            ("DELETE FROM pins WHERE expires_at < ?", now - day),
            (
                "DELETE FROM contact_changes WHERE expires_at < ?",
                now - day,
            ),
            (
                "DELETE FROM operator_logins WHERE expires_at < ?",
                now - day,
            ),
            ("DELETE FROM rate_limits WHERE window_start < ?", now - day),
            ("DELETE FROM outbox WHERE sent_at < ?", now - 7 * day),
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
