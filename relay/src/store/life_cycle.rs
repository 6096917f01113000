//! The account after activation: revocation (R24) and password reset (R20), each one
//! transaction that changes the account, its credentials and its sessions together.

use sqlx::Row;
use sqlx::sqlite::SqliteRow;

use super::*;
use crate::Error;

fn reset_from_row(r: &SqliteRow) -> Result<Reset, Error> {
    Ok(Reset {
        id: r.try_get("id")?,
        citizen_id: r.try_get("citizen_id")?,
        sms_code_mac: r.try_get("sms_code_mac")?,
        email_code_mac: r.try_get("email_code_mac")?,
        state: SecretState {
            attempts: count(r, "attempts")?,
            used: flag(r, "used")?,
        },
        expires_at: r.try_get("expires_at")?,
    })
}

/// Revokes every credential of `citizen_id` not yet revoked, inside `tx`; returns their ids.
pub(super) async fn revoke_credentials_of(
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
pub(super) async fn end_sessions_and_codes(
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

impl Store {
    /// Revokes the account whose state is still `from`: status revoked, its ID number and phone
    /// retired (she may register again), every credential revoked with `reason`, every session
    /// ended and every live code retired — all or nothing. `None`: the state changed meanwhile.
    pub async fn revoke_account(
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

    /// A new activation code for the account (R10): the old one stops working, its failures
    /// are forgotten, and an activation in progress with the old code dies. False: no such
    /// account, or it is revoked.
    pub async fn replace_activation_code(
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

    /// An active or blocked account activated again with a code from the office (the
    /// activation letter, R10, R20): spends the activation SMS code and the activation code,
    /// sets the new password (unblocked), revokes the credentials the old password wrapped,
    /// ends every session — all or nothing. `None`: someone was first.
    pub async fn reactivate_citizen(
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

    /// Accounts (active or blocked) that expire by `until` and were not told yet (R25).
    pub async fn accounts_to_notify(&self, now: i64, until: i64) -> Result<Vec<Citizen>, Error> {
        sqlx::query(
            "SELECT * FROM citizens WHERE status IN ('active', 'blocked') AND expiry_notice_at IS NULL
               AND expires_at > ? AND expires_at <= ? ORDER BY expires_at LIMIT 1000",
        )
        .bind(now)
        .bind(until)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(Self::citizen_from_row)
        .collect()
    }

    /// Records that the notice went out for this expiry; false if someone else sent it first.
    pub async fn mark_expiry_notice(
        &self,
        citizen_id: &str,
        expires_at: i64,
        now: i64,
    ) -> Result<bool, Error> {
        let done = sqlx::query(
            "UPDATE citizens SET expiry_notice_at = ?
             WHERE id = ? AND expires_at = ? AND expiry_notice_at IS NULL",
        )
        .bind(now)
        .bind(citizen_id)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Renewal (R25): a new expiry, the notice to send again before it. False if the expiry
    /// changed meanwhile.
    pub async fn renew_account(
        &self,
        citizen_id: &str,
        from_expires_at: i64,
        expires_at: i64,
    ) -> Result<bool, Error> {
        let done = sqlx::query(
            "UPDATE citizens SET expires_at = ?, expiry_notice_at = NULL
             WHERE id = ? AND expires_at = ? AND status IN ('active', 'blocked')",
        )
        .bind(expires_at)
        .bind(citizen_id)
        .bind(from_expires_at)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Remembers the language she activated in.
    pub async fn set_lang(&self, citizen_id: &str, lang: &str) -> Result<(), Error> {
        sqlx::query("UPDATE citizens SET lang = ? WHERE id = ?")
            .bind(lang)
            .bind(citizen_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn insert_reset(&self, r: &Reset) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO resets (id, citizen_id, sms_code_mac, email_code_mac, expires_at)
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(&r.id)
        .bind(&r.citizen_id)
        .bind(&r.sms_code_mac)
        .bind(&r.email_code_mac)
        .bind(r.expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn reset(&self, id: &str) -> Result<Option<Reset>, Error> {
        let row = sqlx::query("SELECT * FROM resets WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(reset_from_row).transpose()
    }

    /// Completes a reset whose entry was reserved (`reset` holds the reserved state): the new
    /// password and key salt, the account active with clean counters (unblocked), the reset
    /// spent, the credentials whose keys the old password wrapped revoked as superseded, every
    /// session ended — all or nothing. `None`: the account or the reset changed meanwhile.
    pub async fn complete_reset(
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
}
