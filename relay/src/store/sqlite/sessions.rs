//! Citizens' sessions.

use async_trait::async_trait;
use nubefirma_protocol::{AuthKey, Level};
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

use super::SqliteStore;
use crate::Error;
use crate::records::{NewSession, Session};
use crate::store::SessionStore;

fn session_from_row(r: &SqliteRow) -> Result<Session, Error> {
    let key: String = r.try_get("auth_key")?;
    let level: String = r.try_get("level")?;
    Ok(Session {
        citizen_id: r.try_get("citizen_id")?,
        sealed_kek: r.try_get("sealed_kek")?,
        last_used_at: r.try_get("last_used_at")?,
        key: AuthKey::from_name(&key)
            .ok_or_else(|| Error::Internal(format!("session key {key:?} unknown")))?,
        level: Level::from_name(&level)
            .ok_or_else(|| Error::Internal(format!("session level {level:?} unknown")))?,
    })
}

#[async_trait]
impl SessionStore for SqliteStore {
    async fn insert_session(&self, new: &NewSession<'_>, now: i64) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, citizen_id, sealed_kek, auth_key, level,
                last_used_at, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(new.token_hash)
        .bind(new.citizen_id)
        .bind(new.sealed_kek)
        .bind(new.key.as_str())
        .bind(new.level.as_str())
        .bind(now)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn session(&self, token_hash: &[u8]) -> Result<Option<Session>, Error> {
        let row = sqlx::query("SELECT * FROM sessions WHERE token_hash = ?")
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(session_from_row).transpose()
    }

    async fn raise_session_level(&self, token_hash: &[u8], level: Level) -> Result<(), Error> {
        sqlx::query("UPDATE sessions SET level = ? WHERE token_hash = ? AND auth_key = 'password'")
            .bind(level.as_str())
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn touch_session(&self, token_hash: &[u8], now: i64) -> Result<(), Error> {
        sqlx::query("UPDATE sessions SET last_used_at = ? WHERE token_hash = ?")
            .bind(now)
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn delete_session(&self, token_hash: &[u8]) -> Result<(), Error> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = ?")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
