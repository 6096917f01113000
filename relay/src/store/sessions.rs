//! Sessions: bearer tokens (stored hashed) and their sealed key-encryption key.

use sqlx::Row;

use super::*;
use crate::Error;

#[derive(Debug, Clone)]
pub struct Session {
    pub citizen_id: String,
    pub sealed_kek: Vec<u8>,
    pub last_used_at: i64,
}

impl Store {
    pub async fn insert_session(
        &self,
        token_hash: &[u8],
        citizen_id: &str,
        sealed_kek: &[u8],
        now: i64,
    ) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, citizen_id, sealed_kek, last_used_at, created_at)
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(token_hash)
        .bind(citizen_id)
        .bind(sealed_kek)
        .bind(now)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn session(&self, token_hash: &[u8]) -> Result<Option<Session>, Error> {
        let row = sqlx::query("SELECT * FROM sessions WHERE token_hash = ?")
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| {
            Ok(Session {
                citizen_id: r.try_get("citizen_id")?,
                sealed_kek: r.try_get("sealed_kek")?,
                last_used_at: r.try_get("last_used_at")?,
            })
        })
        .transpose()
    }

    pub async fn touch_session(&self, token_hash: &[u8], now: i64) -> Result<(), Error> {
        sqlx::query("UPDATE sessions SET last_used_at = ? WHERE token_hash = ?")
            .bind(now)
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn delete_session(&self, token_hash: &[u8]) -> Result<(), Error> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = ?")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
