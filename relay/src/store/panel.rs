//! The citizen's self-service panel (R26): a password change that re-wraps her keys, and a
//! change of phone or email proved by codes. Each takes effect in one transaction with
//! compare-and-set on what was read, so a parallel change loses cleanly.

use sqlx::Row;
use sqlx::sqlite::SqliteRow;

use super::*;
use crate::Error;

fn contact_change_from_row(r: &SqliteRow) -> Result<ContactChange, Error> {
    Ok(ContactChange {
        id: r.try_get("id")?,
        citizen_id: r.try_get("citizen_id")?,
        kind: r.try_get("kind")?,
        old_value: r.try_get("old_value")?,
        new_value: r.try_get("new_value")?,
        code_mac: r.try_get("code_mac")?,
        current_code_mac: r.try_get("current_code_mac")?,
        takes_from: r.try_get("takes_from")?,
        state: SecretState {
            attempts: count(r, "attempts")?,
            used: flag(r, "used")?,
        },
        expires_at: r.try_get("expires_at")?,
    })
}

/// A credential's key before and after a password change.
#[derive(Debug, Clone)]
pub struct Rewrapped {
    pub id: CredentialId,
    pub old_key: Vec<u8>,
    pub new_key: Vec<u8>,
}

/// How a password change's transaction ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordChanged {
    /// Done: this many other sessions ended.
    Done { ended_sessions: u64 },
    /// Her password (or the account) changed since it was read: nothing was written.
    AccountMoved,
    /// A credential was made, revoked or changed since the keys were re-wrapped: nothing was
    /// written; re-wrap again.
    CredentialsMoved,
}

/// How a contact change's transaction ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactChanged {
    Done,
    /// The change was spent or retired meanwhile, or her contact or account changed.
    Lost,
    /// The new phone (R8) or email (R23) is on another live account.
    Taken,
}

impl Store {
    /// Whether another live account (not revoked, not expired at `now`) has this email, in any
    /// letter case (R23).
    pub async fn email_on_another_account(
        &self,
        citizen_id: &str,
        email: &str,
        now: i64,
    ) -> Result<bool, Error> {
        let row = sqlx::query(
            "SELECT EXISTS (SELECT 1 FROM citizens WHERE lower(email) = lower(?) AND id <> ?
               AND status <> 'revoked' AND (expires_at IS NULL OR expires_at > ?)) AS taken",
        )
        .bind(email)
        .bind(citizen_id)
        .bind(now)
        .fetch_one(&self.pool)
        .await?;
        flag(&row, "taken")
    }

    /// The other account that holds this phone, if one does (R8; revoked accounts gave
    /// theirs up).
    pub async fn phone_on_another_account(
        &self,
        citizen_id: &str,
        phone: &str,
    ) -> Result<Option<String>, Error> {
        let row = sqlx::query("SELECT id FROM citizens WHERE phone = ? AND id <> ?")
            .bind(phone)
            .bind(citizen_id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| r.try_get("id")).transpose().map_err(Into::into)
    }

    /// A new contact change; the ones she had pending die with it (one at a time, as codes).
    pub async fn insert_contact_change(&self, c: &ContactChange, now: i64) -> Result<(), Error> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE contact_changes SET used = 1 WHERE citizen_id = ? AND used = 0")
            .bind(&c.citizen_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO contact_changes (id, citizen_id, kind, old_value, new_value, code_mac,
                current_code_mac, takes_from, expires_at, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&c.id)
        .bind(&c.citizen_id)
        .bind(&c.kind)
        .bind(&c.old_value)
        .bind(&c.new_value)
        .bind(&c.code_mac)
        .bind(&c.current_code_mac)
        .bind(&c.takes_from)
        .bind(c.expires_at)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn contact_change(&self, id: &str) -> Result<Option<ContactChange>, Error> {
        let row = sqlx::query("SELECT * FROM contact_changes WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(contact_change_from_row).transpose()
    }

    /// Applies a contact change whose entry was reserved (`change` holds the reserved state):
    /// the change spent, her phone or email replaced while it is still `old_value` on an active
    /// account, and for a phone her live codes retired (they went to the old phone) — all or
    /// nothing. The phone's UNIQUE constraint decides a race for the same number (R8); for an
    /// email the check is inside the same statement as the write (R23).
    pub async fn apply_contact_change(
        &self,
        change: &ContactChange,
        now: i64,
    ) -> Result<ContactChanged, Error> {
        let mut tx = self.pool.begin().await?;
        // A write first, so the transaction holds the write lock before it reads anything.
        let spent = sqlx::query(
            "UPDATE contact_changes SET used = 1 WHERE id = ? AND used = 0 AND attempts = ?",
        )
        .bind(&change.id)
        .bind(i64::from(change.state.attempts))
        .execute(&mut *tx)
        .await?;
        if spent.rows_affected() != 1 {
            return Ok(ContactChanged::Lost);
        }
        // She proved the phone is hers (R22): the account that held it is revoked first, so
        // the number is free; the phone's check makes sure it still held this one.
        if let Some(other) = &change.takes_from {
            let revoked = sqlx::query(
                "UPDATE citizens SET status = 'revoked', password_failures = 0, otp_failures = 0,
                    retired_id_number = id_number, id_number = 'revoked:' || id,
                    retired_phone = phone, phone = 'revoked:' || id,
                    activation_code_hash = NULL, revoked_at = ?
                 WHERE id = ? AND phone = ? AND status <> 'revoked'",
            )
            .bind(now)
            .bind(other)
            .bind(&change.new_value)
            .execute(&mut *tx)
            .await?;
            if revoked.rows_affected() == 1 {
                super::life_cycle::revoke_credentials_of(&mut tx, other, now, "superseded").await?;
                super::life_cycle::end_sessions_and_codes(&mut tx, other).await?;
            }
        }
        let updated = match change.kind.as_str() {
            "phone" => sqlx::query(
                "UPDATE citizens SET phone = ? WHERE id = ? AND phone = ? AND status = 'active'",
            )
            .bind(&change.new_value)
            .bind(&change.citizen_id)
            .bind(&change.old_value)
            .execute(&mut *tx)
            .await,
            "email" => sqlx::query(
                "UPDATE citizens SET email = ?1 WHERE id = ?2 AND email = ?3 AND status = 'active'
                       AND NOT EXISTS (SELECT 1 FROM citizens WHERE lower(email) = lower(?1)
                         AND id <> ?2 AND status <> 'revoked'
                         AND (expires_at IS NULL OR expires_at > ?4))",
            )
            .bind(&change.new_value)
            .bind(&change.citizen_id)
            .bind(&change.old_value)
            .bind(now)
            .execute(&mut *tx)
            .await,
            other => return Err(Error::Internal(format!("unknown contact kind {other}"))),
        };
        let updated = match updated {
            Ok(done) => done.rows_affected() == 1,
            Err(e) if is_unique_violation(&e) => return Ok(ContactChanged::Taken),
            Err(e) => return Err(e.into()),
        };
        if !updated {
            // Her contact or account moved, or (email) another account holds it now.
            let taken = change.kind == "email"
                && sqlx::query(
                    "SELECT EXISTS (SELECT 1 FROM citizens WHERE lower(email) = lower(?)
                       AND id <> ? AND status <> 'revoked'
                       AND (expires_at IS NULL OR expires_at > ?)) AS taken",
                )
                .bind(&change.new_value)
                .bind(&change.citizen_id)
                .bind(now)
                .fetch_one(&mut *tx)
                .await
                .and_then(|r| r.try_get::<i64, _>("taken"))?
                    != 0;
            return Ok(if taken {
                ContactChanged::Taken
            } else {
                ContactChanged::Lost
            });
        }
        if change.kind == "phone" {
            sqlx::query("UPDATE codes SET used = 1 WHERE citizen_id = ? AND used = 0")
                .bind(&change.citizen_id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(ContactChanged::Done)
    }

    /// A password change (R26): the new verifier and key salt while her verifier is still
    /// `old_hash` on an active account, every live credential's key re-wrapped (each while it
    /// is still the key that was read, and no live credential left out), every other session
    /// ended and `keep` (her token hash, her KEK sealed anew) kept — all or nothing.
    pub async fn change_password(
        &self,
        citizen_id: &str,
        old_hash: &str,
        new_hash: &str,
        kek_salt: &[u8],
        rewrapped: &[Rewrapped],
        keep: (&[u8], &[u8]),
    ) -> Result<PasswordChanged, Error> {
        let mut tx = self.pool.begin().await?;
        // A write first, so the transaction holds the write lock before it reads anything.
        let done = sqlx::query(
            "UPDATE citizens SET password_hash = ?, kek_salt = ?, must_change_password = 0
             WHERE id = ? AND password_hash = ? AND status = 'active'",
        )
        .bind(new_hash)
        .bind(kek_salt)
        .bind(citizen_id)
        .bind(old_hash)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(PasswordChanged::AccountMoved);
        }
        let live = sqlx::query(
            "SELECT id, wrapped_key FROM credentials WHERE citizen_id = ? AND status <> 'revoked'",
        )
        .bind(citizen_id)
        .fetch_all(&mut *tx)
        .await?;
        for row in &live {
            let id: String = row.try_get("id")?;
            let key: Vec<u8> = row.try_get("wrapped_key")?;
            if !rewrapped
                .iter()
                .any(|r| r.id.as_str() == id && r.old_key == key)
            {
                return Ok(PasswordChanged::CredentialsMoved);
            }
        }
        for r in rewrapped {
            // A credential revoked meanwhile keeps its old key: it never signs again anyway.
            sqlx::query(
                "UPDATE credentials SET wrapped_key = ?
                 WHERE id = ? AND citizen_id = ? AND wrapped_key = ? AND status <> 'revoked'",
            )
            .bind(&r.new_key)
            .bind(r.id.as_str())
            .bind(citizen_id)
            .bind(&r.old_key)
            .execute(&mut *tx)
            .await?;
        }
        let (token_hash, sealed_kek) = keep;
        let ended = sqlx::query("DELETE FROM sessions WHERE citizen_id = ? AND token_hash <> ?")
            .bind(citizen_id)
            .bind(token_hash)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        sqlx::query("UPDATE sessions SET sealed_kek = ? WHERE token_hash = ? AND citizen_id = ?")
            .bind(sealed_kek)
            .bind(token_hash)
            .bind(citizen_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(PasswordChanged::Done {
            ended_sessions: ended,
        })
    }
}
