//! One-time SMS codes (signing OTPs, certificate challenges), one live code per purpose.

use sqlx::Row;
use sqlx::sqlite::SqliteRow;

use super::*;
use crate::Error;

impl Store {
    /// Stores a new code and retires any earlier live code of the same citizen and purpose:
    /// only the newest SMS is valid.
    pub async fn replace_code(&self, code: &Code, now: i64) -> Result<(), Error> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE codes SET used = 1 WHERE citizen_id = ? AND purpose = ? AND used = 0")
            .bind(&code.citizen_id)
            .bind(&code.purpose)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO codes (id, citizen_id, purpose, credential_id, code_mac, hashes, attempts,
                used, expires_at, created_at, card_position)
             VALUES (?, ?, ?, ?, ?, ?, 0, 0, ?, ?, ?)",
        )
        .bind(&code.id)
        .bind(&code.citizen_id)
        .bind(&code.purpose)
        .bind(code.credential_id.as_ref().map(CredentialId::as_str))
        .bind(&code.code_mac)
        .bind(code.hashes.as_ref().map(Digests::to_canonical))
        .bind(code.expires_at)
        .bind(now)
        .bind(&code.card_position)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    fn code_from_row(r: &SqliteRow) -> Result<Code, Error> {
        let credential_id: Option<String> = r.try_get("credential_id")?;
        let hashes: Option<String> = r.try_get("hashes")?;
        Ok(Code {
            id: r.try_get("id")?,
            citizen_id: r.try_get("citizen_id")?,
            purpose: r.try_get("purpose")?,
            credential_id: credential_id.map(CredentialId::from_stored),
            code_mac: r.try_get("code_mac")?,
            hashes: hashes.as_deref().map(digests).transpose()?,
            card_position: r.try_get("card_position")?,
            state: SecretState {
                attempts: count(r, "attempts")?,
                used: flag(r, "used")?,
            },
            expires_at: r.try_get("expires_at")?,
        })
    }

    /// The newest unused code of a citizen for a purpose (expired or exhausted ones included:
    /// the state machine judges them).
    pub async fn live_code(&self, citizen_id: &str, purpose: &str) -> Result<Option<Code>, Error> {
        let row = sqlx::query(
            "SELECT * FROM codes WHERE citizen_id = ? AND purpose = ? AND used = 0
             ORDER BY created_at DESC, rowid DESC LIMIT 1",
        )
        .bind(citizen_id)
        .bind(purpose)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(Self::code_from_row).transpose()
    }

    pub async fn code(&self, id: &str) -> Result<Option<Code>, Error> {
        let row = sqlx::query("SELECT * FROM codes WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(Self::code_from_row).transpose()
    }
}
