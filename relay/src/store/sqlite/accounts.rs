//! An account's changes that span tables, each one transaction: activation, reactivation,
//! revocation (R24), password reset (R20), the office's new phone, and the panel's contact
//! and password changes (R26).

use async_trait::async_trait;
use sqlx::Row;

use super::{SqliteStore, is_unique_violation};
use crate::Error;
use crate::identity::account::{AccountState, AccountStatus};
use crate::records::{Activation, ContactChange, Reset};
use crate::store::{AccountStore, ContactChanged, PasswordChanged, Rewrapped};

/// Revokes every credential of `citizen_id` not yet revoked, inside `tx`; returns their ids.
async fn revoke_credentials_of(
    tx: &mut sqlx::SqliteConnection,
    citizen_id: &str,
    now: i64,
    reason: &str,
) -> Result<Vec<String>, Error> {
    let ids: Vec<String> = sqlx::query(
        "SELECT id FROM credentials WHERE citizen_id = ? AND status <> 'revoked' ORDER BY created_at",
    )
    .bind(citizen_id)
    .fetch_all(&mut *tx)
    .await?
    .iter()
    .map(|r| r.try_get("id"))
    .collect::<Result<_, _>>()?;
    sqlx::query(
        "UPDATE credentials SET status = 'revoked', revoked_at = ?, revocation_reason = ?
         WHERE citizen_id = ? AND status <> 'revoked'",
    )
    .bind(now)
    .bind(reason)
    .bind(citizen_id)
    .execute(&mut *tx)
    .await?;
    Ok(ids)
}

/// Ends every session of `citizen_id` and retires her live codes, inside `tx`.
async fn end_sessions_and_codes(
    tx: &mut sqlx::SqliteConnection,
    citizen_id: &str,
) -> Result<(), Error> {
    sqlx::query("DELETE FROM sessions WHERE citizen_id = ?")
        .bind(citizen_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE codes SET used = 1 WHERE citizen_id = ?")
        .bind(citizen_id)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// Sets her new password and key salt on the account still in state `from`, unblocked with
/// clean counters, inside `tx`; with `spend_letter` the activation code it was proved with is
/// spent too. False: the account changed meanwhile.
async fn set_new_password(
    tx: &mut sqlx::SqliteConnection,
    citizen_id: &str,
    from: AccountState,
    password_hash: &str,
    kek_salt: &[u8],
    spend_letter: bool,
) -> Result<bool, Error> {
    let sql = if spend_letter {
        "UPDATE citizens SET status = 'active', password_failures = 0, otp_failures = 0,
            password_hash = ?, kek_salt = ?, activation_code_hash = NULL, must_change_password = 0
         WHERE id = ? AND status = ? AND password_failures = ? AND otp_failures = ?
           AND activation_code_hash IS NOT NULL"
    } else {
        "UPDATE citizens SET status = 'active', password_failures = 0, otp_failures = 0,
            password_hash = ?, kek_salt = ?, must_change_password = 0
         WHERE id = ? AND status = ? AND password_failures = ? AND otp_failures = ?"
    };
    let done = sqlx::query(sql)
        .bind(password_hash)
        .bind(kek_salt)
        .bind(citizen_id)
        .bind(from.status.as_str())
        .bind(i64::from(from.password_failures))
        .bind(i64::from(from.otp_failures))
        .execute(&mut *tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

#[async_trait]
impl AccountStore for SqliteStore {
    async fn activate_citizen(
        &self,
        citizen_id: &str,
        password_hash: &str,
        kek_salt: &[u8],
        activation: &Activation,
        expires_at: i64,
        must_change_password: bool,
    ) -> Result<bool, Error> {
        let mut tx = self.pool.begin().await?;
        let used = sqlx::query(
            "UPDATE activations SET used = 1 WHERE id = ? AND used = 0 AND attempts = ?",
        )
        .bind(&activation.id)
        .bind(i64::from(activation.state.attempts))
        .execute(&mut *tx)
        .await?;
        let activated = sqlx::query(
            "UPDATE citizens SET status = ?, password_failures = 0, otp_failures = 0,
                password_hash = ?, kek_salt = ?, activation_code_hash = NULL, expires_at = ?,
                must_change_password = ?
             WHERE id = ? AND status = ?",
        )
        .bind(AccountStatus::Active.as_str())
        .bind(password_hash)
        .bind(kek_salt)
        .bind(expires_at)
        .bind(i64::from(must_change_password))
        .bind(citizen_id)
        .bind(AccountStatus::PendingActivation.as_str())
        .execute(&mut *tx)
        .await?;
        if used.rows_affected() != 1 || activated.rows_affected() != 1 {
            return Ok(false);
        }
        tx.commit().await?;
        Ok(true)
    }

    async fn reactivate_citizen(
        &self,
        citizen_id: &str,
        from: AccountState,
        password_hash: &str,
        kek_salt: &[u8],
        activation: &Activation,
        now: i64,
    ) -> Result<Option<Vec<String>>, Error> {
        let mut tx = self.pool.begin().await?;
        let used = sqlx::query(
            "UPDATE activations SET used = 1 WHERE id = ? AND used = 0 AND attempts = ?",
        )
        .bind(&activation.id)
        .bind(i64::from(activation.state.attempts))
        .execute(&mut *tx)
        .await?;
        let account =
            set_new_password(&mut tx, citizen_id, from, password_hash, kek_salt, true).await?;
        if used.rows_affected() != 1 || !account {
            return Ok(None);
        }
        let revoked = revoke_credentials_of(&mut tx, citizen_id, now, "superseded").await?;
        end_sessions_and_codes(&mut tx, citizen_id).await?;
        tx.commit().await?;
        Ok(Some(revoked))
    }

    async fn replace_activation_code(
        &self,
        citizen_id: &str,
        code_hash: &[u8],
        expires_at: i64,
    ) -> Result<bool, Error> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE citizens SET activation_code_hash = ?, activation_failures = 0,
                activation_expires_at = ?
             WHERE id = ? AND status <> 'revoked'",
        )
        .bind(code_hash)
        .bind(expires_at)
        .bind(citizen_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        sqlx::query("UPDATE activations SET used = 1 WHERE citizen_id = ? AND used = 0")
            .bind(citizen_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn revoke_account(
        &self,
        citizen_id: &str,
        from: AccountState,
        now: i64,
        reason: &str,
    ) -> Result<Option<Vec<String>>, Error> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE citizens SET status = 'revoked', password_failures = 0, otp_failures = 0,
                retired_id_number = id_number, id_number = 'revoked:' || id,
                retired_phone = phone, phone = 'revoked:' || id,
                activation_code_hash = NULL, revoked_at = ?
             WHERE id = ? AND status = ? AND password_failures = ? AND otp_failures = ?",
        )
        .bind(now)
        .bind(citizen_id)
        .bind(from.status.as_str())
        .bind(i64::from(from.password_failures))
        .bind(i64::from(from.otp_failures))
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(None);
        }
        let revoked = revoke_credentials_of(&mut tx, citizen_id, now, reason).await?;
        end_sessions_and_codes(&mut tx, citizen_id).await?;
        tx.commit().await?;
        Ok(Some(revoked))
    }

    async fn complete_reset(
        &self,
        reset: &Reset,
        citizen_id: &str,
        from: AccountState,
        password_hash: &str,
        kek_salt: &[u8],
        now: i64,
    ) -> Result<Option<Vec<String>>, Error> {
        let mut tx = self.pool.begin().await?;
        let spent =
            sqlx::query("UPDATE resets SET used = 1 WHERE id = ? AND used = 0 AND attempts = ?")
                .bind(&reset.id)
                .bind(i64::from(reset.state.attempts))
                .execute(&mut *tx)
                .await?;
        let account =
            set_new_password(&mut tx, citizen_id, from, password_hash, kek_salt, false).await?;
        if spent.rows_affected() != 1 || !account {
            return Ok(None);
        }
        let revoked = revoke_credentials_of(&mut tx, citizen_id, now, "superseded").await?;
        end_sessions_and_codes(&mut tx, citizen_id).await?;
        tx.commit().await?;
        Ok(Some(revoked))
    }

    async fn set_phone(&self, citizen_id: &str, phone: &str) -> Result<bool, Error> {
        let mut tx = self.pool.begin().await?;
        let done =
            sqlx::query("UPDATE citizens SET phone = ? WHERE id = ? AND status <> 'revoked'")
                .bind(phone)
                .bind(citizen_id)
                .execute(&mut *tx)
                .await;
        let done = match done {
            Ok(done) => done.rows_affected() == 1,
            Err(e) if is_unique_violation(&e) => {
                return Err(Error::Conflict(
                    "this mobile phone is on another account (one phone per account, R8)",
                ));
            }
            Err(e) => return Err(e.into()),
        };
        if !done {
            return Ok(false);
        }
        sqlx::query("UPDATE codes SET used = 1 WHERE citizen_id = ? AND used = 0")
            .bind(citizen_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn apply_contact_change(
        &self,
        change: &ContactChange,
        now: i64,
    ) -> Result<ContactChanged, Error> {
        // The phone's UNIQUE constraint decides a race for the same number (R8); for an email
        // the check is inside the same statement as the write (R23).
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
                revoke_credentials_of(&mut tx, other, now, "superseded").await?;
                end_sessions_and_codes(&mut tx, other).await?;
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

    async fn change_password(
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
