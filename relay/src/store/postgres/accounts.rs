//! An account's changes that span tables, each one transaction: activation, reactivation,
//! revocation (R24), password reset (R20), the office's new phone, and the panel's contact
//! and password changes (R26).
//!
//! Each transaction locks her `citizens` row first (`lock_citizen`, or an `UPDATE` of it as
//! its first statement), then the rows that hang off it: two operations on one account queue
//! on that row as they would on SQLite's write lock, and no two take rows in opposite orders.

use async_trait::async_trait;
use sqlx::{PgConnection, Row};

use super::{PgStore, is_unique_violation, lock_citizen, lock_email};
use crate::Error;
use crate::identity::account::{AccountState, AccountStatus};
use crate::records::{Activation, ContactChange, Reset};
use crate::store::{AccountStore, ContactChanged, PasswordChanged, Rewrapped};

/// Revokes every credential of `citizen_id` not yet revoked, inside `tx`; returns their ids,
/// oldest first. One statement, so the list is exactly the rows it revoked.
async fn revoke_credentials_of(
    tx: &mut PgConnection,
    citizen_id: &str,
    now: i64,
    reason: &str,
) -> Result<Vec<String>, Error> {
    sqlx::query(
        "WITH revoked AS (
            UPDATE credentials SET status = 'revoked', revoked_at = $1, revocation_reason = $2
            WHERE citizen_id = $3 AND status <> 'revoked' RETURNING id, created_at)
         SELECT id FROM revoked ORDER BY created_at, id",
    )
    .bind(now)
    .bind(reason)
    .bind(citizen_id)
    .fetch_all(&mut *tx)
    .await?
    .iter()
    .map(|r| r.try_get("id").map_err(Error::from))
    .collect()
}

/// Ends every session of `citizen_id` and retires her live codes, inside `tx`.
async fn end_sessions_and_codes(tx: &mut PgConnection, citizen_id: &str) -> Result<(), Error> {
    sqlx::query("DELETE FROM sessions WHERE citizen_id = $1")
        .bind(citizen_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE codes SET used = TRUE WHERE citizen_id = $1 AND NOT used")
        .bind(citizen_id)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// Sets her new password and key salt on the account still in state `from`, unblocked with
/// clean counters, inside `tx`; with `spend_letter` the activation code it was proved with is
/// spent too. False: the account changed meanwhile.
async fn set_new_password(
    tx: &mut PgConnection,
    citizen_id: &str,
    from: AccountState,
    password_hash: &str,
    kek_salt: &[u8],
    spend_letter: bool,
) -> Result<bool, Error> {
    let sql = if spend_letter {
        "UPDATE citizens SET status = 'active', password_failures = 0, otp_failures = 0,
            password_hash = $1, kek_salt = $2, activation_code_hash = NULL,
            must_change_password = FALSE
         WHERE id = $3 AND status = $4 AND password_failures = $5 AND otp_failures = $6
           AND activation_code_hash IS NOT NULL"
    } else {
        "UPDATE citizens SET status = 'active', password_failures = 0, otp_failures = 0,
            password_hash = $1, kek_salt = $2, must_change_password = FALSE
         WHERE id = $3 AND status = $4 AND password_failures = $5 AND otp_failures = $6"
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

/// Spends a single-use secret whose last entry was reserved (`attempts` read), inside `tx`.
/// `sql` is one of the literal statements below.
async fn spend(
    tx: &mut PgConnection,
    sql: &'static str,
    id: &str,
    attempts: u32,
) -> Result<bool, Error> {
    let done = sqlx::query(sql)
        .bind(id)
        .bind(i64::from(attempts))
        .execute(&mut *tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

const SPEND_ACTIVATION: &str =
    "UPDATE activations SET used = TRUE WHERE id = $1 AND NOT used AND attempts = $2";
const SPEND_RESET: &str =
    "UPDATE resets SET used = TRUE WHERE id = $1 AND NOT used AND attempts = $2";
const SPEND_CONTACT_CHANGE: &str =
    "UPDATE contact_changes SET used = TRUE WHERE id = $1 AND NOT used AND attempts = $2";

/// Revokes the account that holds `phone` (R22: she proved it hers), inside `tx`.
async fn revoke_holder_of_phone(
    tx: &mut PgConnection,
    other: &str,
    phone: &str,
    now: i64,
) -> Result<(), Error> {
    let revoked = sqlx::query(
        "UPDATE citizens SET status = 'revoked', password_failures = 0, otp_failures = 0,
            retired_id_number = id_number, id_number = 'revoked:' || id,
            retired_phone = phone, phone = 'revoked:' || id,
            activation_code_hash = NULL, revoked_at = $1
         WHERE id = $2 AND phone = $3 AND status <> 'revoked'",
    )
    .bind(now)
    .bind(other)
    .bind(phone)
    .execute(&mut *tx)
    .await?;
    if revoked.rows_affected() == 1 {
        revoke_credentials_of(tx, other, now, "superseded").await?;
        end_sessions_and_codes(tx, other).await?;
    }
    Ok(())
}

#[async_trait]
impl AccountStore for PgStore {
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
        // The account first, then its activation (the order of every account transaction).
        let activated = sqlx::query(
            "UPDATE citizens SET status = $1, password_failures = 0, otp_failures = 0,
                password_hash = $2, kek_salt = $3, activation_code_hash = NULL, expires_at = $4,
                must_change_password = $5
             WHERE id = $6 AND status = $7",
        )
        .bind(AccountStatus::Active.as_str())
        .bind(password_hash)
        .bind(kek_salt)
        .bind(expires_at)
        .bind(must_change_password)
        .bind(citizen_id)
        .bind(AccountStatus::PendingActivation.as_str())
        .execute(&mut *tx)
        .await?;
        let used = spend(
            &mut tx,
            SPEND_ACTIVATION,
            &activation.id,
            activation.state.attempts,
        )
        .await?;
        if activated.rows_affected() != 1 || !used {
            tx.rollback().await?;
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
        let account =
            set_new_password(&mut tx, citizen_id, from, password_hash, kek_salt, true).await?;
        let used = spend(
            &mut tx,
            SPEND_ACTIVATION,
            &activation.id,
            activation.state.attempts,
        )
        .await?;
        if !account || !used {
            tx.rollback().await?;
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
            "UPDATE citizens SET activation_code_hash = $1, activation_failures = 0,
                activation_expires_at = $2
             WHERE id = $3 AND status <> 'revoked'",
        )
        .bind(code_hash)
        .bind(expires_at)
        .bind(citizen_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            tx.rollback().await?;
            return Ok(false);
        }
        sqlx::query("UPDATE activations SET used = TRUE WHERE citizen_id = $1 AND NOT used")
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
                activation_code_hash = NULL, revoked_at = $1
             WHERE id = $2 AND status = $3 AND password_failures = $4 AND otp_failures = $5",
        )
        .bind(now)
        .bind(citizen_id)
        .bind(from.status.as_str())
        .bind(i64::from(from.password_failures))
        .bind(i64::from(from.otp_failures))
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            tx.rollback().await?;
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
        let account =
            set_new_password(&mut tx, citizen_id, from, password_hash, kek_salt, false).await?;
        let spent = spend(&mut tx, SPEND_RESET, &reset.id, reset.state.attempts).await?;
        if !account || !spent {
            tx.rollback().await?;
            return Ok(None);
        }
        let revoked = revoke_credentials_of(&mut tx, citizen_id, now, "superseded").await?;
        end_sessions_and_codes(&mut tx, citizen_id).await?;
        tx.commit().await?;
        Ok(Some(revoked))
    }

    async fn set_phone(&self, citizen_id: &str, phone: &str) -> Result<bool, Error> {
        let mut tx = self.pool.begin().await?;
        // The phone's UNIQUE constraint decides a race for one number (R8): the second writer
        // waits for the first's commit, then fails.
        let done =
            sqlx::query("UPDATE citizens SET phone = $1 WHERE id = $2 AND status <> 'revoked'")
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
            tx.rollback().await?;
            return Ok(false);
        }
        sqlx::query("UPDATE codes SET used = TRUE WHERE citizen_id = $1 AND NOT used")
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
        let mut tx = self.pool.begin().await?;
        // Her row first, then the change: the same order as every other account transaction.
        // Taking another account's phone (R22) touches its row too: both are locked, in id
        // order, so two accounts taking each other's phone at once queue instead of deadlocking.
        let mut accounts = vec![change.citizen_id.as_str()];
        if change.kind == "phone"
            && let Some(other) = &change.takes_from
        {
            accounts.push(other.as_str());
        }
        accounts.sort_unstable();
        for account in accounts {
            lock_citizen(&mut tx, account).await?;
        }
        if !spend(
            &mut tx,
            SPEND_CONTACT_CHANGE,
            &change.id,
            change.state.attempts,
        )
        .await?
        {
            tx.rollback().await?;
            return Ok(ContactChanged::Lost);
        }
        let updated = match change.kind.as_str() {
            "phone" => {
                // She proved the phone is hers (R22): the account that held it is revoked
                // first, so the number is free; the phone's check makes sure it still held it.
                if let Some(other) = &change.takes_from {
                    revoke_holder_of_phone(&mut tx, other, &change.new_value, now).await?;
                }
                // The phone's UNIQUE constraint decides a race for the same number (R8).
                sqlx::query(
                    "UPDATE citizens SET phone = $1
                     WHERE id = $2 AND phone = $3 AND status = 'active'",
                )
                .bind(&change.new_value)
                .bind(&change.citizen_id)
                .bind(&change.old_value)
                .execute(&mut *tx)
                .await
            }
            "email" => {
                // R23: checked and written under the address's lock, which every write of an
                // email takes, so two accounts cannot both take one address.
                lock_email(&mut tx, &change.new_value).await?;
                sqlx::query(
                    "UPDATE citizens SET email = $1 WHERE id = $2 AND email = $3 AND status = 'active'
                       AND NOT EXISTS (SELECT 1 FROM citizens WHERE lower(email) = lower($1)
                         AND id <> $2 AND status <> 'revoked'
                         AND (expires_at IS NULL OR expires_at > $4))",
                )
                .bind(&change.new_value)
                .bind(&change.citizen_id)
                .bind(&change.old_value)
                .bind(now)
                .execute(&mut *tx)
                .await
            }
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
                    "SELECT EXISTS (SELECT 1 FROM citizens WHERE lower(email) = lower($1)
                       AND id <> $2 AND status <> 'revoked'
                       AND (expires_at IS NULL OR expires_at > $3)) AS taken",
                )
                .bind(&change.new_value)
                .bind(&change.citizen_id)
                .bind(now)
                .fetch_one(&mut *tx)
                .await
                .and_then(|r| r.try_get::<bool, _>("taken"))?;
            tx.rollback().await?;
            return Ok(if taken {
                ContactChanged::Taken
            } else {
                ContactChanged::Lost
            });
        }
        if change.kind == "phone" {
            sqlx::query("UPDATE codes SET used = TRUE WHERE citizen_id = $1 AND NOT used")
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
        // The account row first: its lock holds off every other change of her account (a new
        // credential's issuing, a revocation) until this commits.
        let done = sqlx::query(
            "UPDATE citizens SET password_hash = $1, kek_salt = $2, must_change_password = FALSE
             WHERE id = $3 AND password_hash = $4 AND status = 'active'",
        )
        .bind(new_hash)
        .bind(kek_salt)
        .bind(citizen_id)
        .bind(old_hash)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            tx.rollback().await?;
            return Ok(PasswordChanged::AccountMoved);
        }
        // Her live credentials, locked: none changes between this check and the re-wrap.
        let live = sqlx::query(
            "SELECT id, wrapped_key FROM credentials
             WHERE citizen_id = $1 AND status <> 'revoked' FOR UPDATE",
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
                tx.rollback().await?;
                return Ok(PasswordChanged::CredentialsMoved);
            }
        }
        for r in rewrapped {
            // A credential revoked meanwhile keeps its old key: it never signs again anyway.
            sqlx::query(
                "UPDATE credentials SET wrapped_key = $1
                 WHERE id = $2 AND citizen_id = $3 AND wrapped_key = $4 AND status <> 'revoked'",
            )
            .bind(&r.new_key)
            .bind(r.id.as_str())
            .bind(citizen_id)
            .bind(&r.old_key)
            .execute(&mut *tx)
            .await?;
        }
        let (token_hash, sealed_kek) = keep;
        let ended = sqlx::query("DELETE FROM sessions WHERE citizen_id = $1 AND token_hash <> $2")
            .bind(citizen_id)
            .bind(token_hash)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        sqlx::query(
            "UPDATE sessions SET sealed_kek = $1 WHERE token_hash = $2 AND citizen_id = $3",
        )
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
