//! Citizens' sessions.

use async_trait::async_trait;
use nubefirma_protocol::{AuthKey, Level};
use sqlx::Row;
use sqlx::postgres::PgRow;

use super::PgStore;
use super::citizens::citizen_from_row;
use crate::Error;
use crate::records::{Citizen, NewSession, Session};
use crate::store::SessionStore;

/// A session from `row`, its columns named with `prefix` (a join renames them).
fn session_from_row(r: &PgRow, prefix: &str) -> Result<Session, Error> {
    let column = |name: &str| format!("{prefix}{name}");
    let key: String = r.try_get(column("auth_key").as_str())?;
    let level: String = r.try_get(column("level").as_str())?;
    Ok(Session {
        citizen_id: r.try_get(column("citizen_id").as_str())?,
        sealed_kek: r.try_get(column("sealed_kek").as_str())?,
        last_used_at: r.try_get(column("last_used_at").as_str())?,
        key: AuthKey::from_name(&key)
            .ok_or_else(|| Error::Internal(format!("session key {key:?} unknown")))?,
        level: Level::from_name(&level)
            .ok_or_else(|| Error::Internal(format!("session level {level:?} unknown")))?,
    })
}

#[async_trait]
impl SessionStore for PgStore {
    async fn insert_session(&self, new: &NewSession<'_>, now: i64) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, citizen_id, sealed_kek, auth_key, level,
                last_used_at, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
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

    async fn session_with_citizen(
        &self,
        token_hash: &[u8],
    ) -> Result<Option<(Session, Citizen)>, Error> {
        // One query: a join, the session's columns renamed beside the citizen's.
        let row = sqlx::query(
            "SELECT c.*, s.citizen_id AS s_citizen_id, s.sealed_kek AS s_sealed_kek,
                s.last_used_at AS s_last_used_at, s.auth_key AS s_auth_key, s.level AS s_level
             FROM sessions s JOIN citizens c ON c.id = s.citizen_id WHERE s.token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| Ok((session_from_row(&r, "s_")?, citizen_from_row(&r)?)))
            .transpose()
    }

    async fn raise_session_level(&self, token_hash: &[u8], level: Level) -> Result<(), Error> {
        sqlx::query(
            "UPDATE sessions SET level = $1 WHERE token_hash = $2 AND auth_key = 'password'",
        )
        .bind(level.as_str())
        .bind(token_hash)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn touch_session(&self, token_hash: &[u8], now: i64) -> Result<(), Error> {
        sqlx::query("UPDATE sessions SET last_used_at = $1 WHERE token_hash = $2")
            .bind(now)
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn count_live_sessions(&self, idle_since: i64) -> Result<i64, Error> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM sessions WHERE last_used_at > $1")
            .bind(idle_since)
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get("n")?)
    }

    async fn delete_session(&self, token_hash: &[u8]) -> Result<(), Error> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
