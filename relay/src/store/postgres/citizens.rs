//! Citizens: the account row.

use async_trait::async_trait;
use sqlx::Row;
use sqlx::postgres::PgRow;

use super::{PgStore, count, flag, is_unique_violation, lock_email};
use crate::Error;
use crate::identity::account::{AccountState, AccountStatus};
use crate::identity::one_time::SecretState;
use crate::records::{Citizen, NewCitizen};
use crate::store::CitizenStore;

const ID_OR_PHONE_TAKEN: &str = "this ID number or mobile phone is already registered (one account per person, one phone per account)";

pub(super) fn citizen_from_row(row: &PgRow) -> Result<Citizen, Error> {
    let status: String = row.try_get("status")?;
    let activation_code_hash: Option<Vec<u8>> = row.try_get("activation_code_hash")?;
    Ok(Citizen {
        id: row.try_get("id")?,
        id_number: row.try_get("id_number")?,
        given_name: row.try_get("given_name")?,
        surname: row.try_get("surname")?,
        birth_date: row.try_get("birth_date")?,
        phone: row.try_get("phone")?,
        email: row.try_get("email")?,
        state: AccountState {
            status: AccountStatus::parse(&status)
                .ok_or_else(|| Error::Internal(format!("unknown account status {status}")))?,
            password_failures: count(row, "password_failures")?,
            otp_failures: count(row, "otp_failures")?,
        },
        password_hash: row.try_get("password_hash")?,
        kek_salt: row.try_get("kek_salt")?,
        activation_code: SecretState {
            attempts: count(row, "activation_failures")?,
            used: activation_code_hash.is_none(),
        },
        activation_code_hash,
        activation_expires_at: row.try_get("activation_expires_at")?,
        expires_at: row.try_get("expires_at")?,
        lang: row.try_get("lang")?,
        must_change_password: flag(row, "must_change_password")?,
        second_factor: row.try_get("second_factor")?,
    })
}

#[async_trait]
impl CitizenStore for PgStore {
    async fn insert_citizen(&self, c: &NewCitizen) -> Result<(), Error> {
        // R23: the email's check and the insert happen under the address's lock, so of two
        // registrations with one address (on any relays) the second sees the first. The ID
        // number and phone are UNIQUE columns: a parallel insert of the same waits for the
        // first to commit, then fails.
        let mut tx = self.pool.begin().await?;
        lock_email(&mut tx, &c.email).await?;
        let result = sqlx::query(
            "INSERT INTO citizens (id, id_number, given_name, surname, birth_date, phone, email, status,
                activation_code_hash, activation_expires_at, created_at)
             SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11
             WHERE NOT EXISTS (SELECT 1 FROM citizens WHERE lower(email) = lower($7)
                 AND status <> 'revoked' AND (expires_at IS NULL OR expires_at > $11))",
        )
        .bind(&c.id)
        .bind(&c.id_number)
        .bind(&c.given_name)
        .bind(&c.surname)
        .bind(&c.birth_date)
        .bind(&c.phone)
        .bind(&c.email)
        .bind(AccountStatus::PendingActivation.as_str())
        .bind(&c.activation_code_hash)
        .bind(c.activation_expires_at)
        .bind(c.created_at)
        .execute(&mut *tx)
        .await;
        match result {
            Ok(done) if done.rows_affected() == 1 => {
                tx.commit().await?;
                return Ok(());
            }
            Ok(_) => tx.rollback().await?,
            Err(e) if is_unique_violation(&e) => return Err(Error::Conflict(ID_OR_PHONE_TAKEN)),
            Err(e) => return Err(e.into()),
        }
        // The email stopped it; but a person registering twice is told that first (R5, R8).
        let row = sqlx::query(
            "SELECT EXISTS (SELECT 1 FROM citizens WHERE id_number = $1 OR phone = $2) AS taken",
        )
        .bind(&c.id_number)
        .bind(&c.phone)
        .fetch_one(&self.pool)
        .await?;
        if flag(&row, "taken")? {
            return Err(Error::Conflict(ID_OR_PHONE_TAKEN));
        }
        Err(Error::Conflict(
            "this email address is on another account; an address can belong to one person only (R23)",
        ))
    }

    async fn citizen_by_id_number(&self, id_number: &str) -> Result<Option<Citizen>, Error> {
        let row = sqlx::query("SELECT * FROM citizens WHERE id_number = $1")
            .bind(id_number)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(citizen_from_row).transpose()
    }

    async fn citizen_by_id(&self, id: &str) -> Result<Option<Citizen>, Error> {
        let row = sqlx::query("SELECT * FROM citizens WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(citizen_from_row).transpose()
    }

    async fn update_account_state(
        &self,
        citizen_id: &str,
        from: AccountState,
        to: AccountState,
    ) -> Result<bool, Error> {
        // Compare-and-set in one statement: a parallel writer of the row waits, then finds
        // the counters moved and changes nothing.
        let done = sqlx::query(
            "UPDATE citizens SET status = $1, password_failures = $2, otp_failures = $3
             WHERE id = $4 AND status = $5 AND password_failures = $6 AND otp_failures = $7",
        )
        .bind(to.status.as_str())
        .bind(i64::from(to.password_failures))
        .bind(i64::from(to.otp_failures))
        .bind(citizen_id)
        .bind(from.status.as_str())
        .bind(i64::from(from.password_failures))
        .bind(i64::from(from.otp_failures))
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn accounts_to_notify(&self, now: i64, until: i64) -> Result<Vec<Citizen>, Error> {
        sqlx::query(
            "SELECT * FROM citizens WHERE status IN ('active', 'blocked') AND expiry_notice_at IS NULL
               AND expires_at > $1 AND expires_at <= $2 ORDER BY expires_at LIMIT 1000",
        )
        .bind(now)
        .bind(until)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(citizen_from_row)
        .collect()
    }

    async fn mark_expiry_notice(
        &self,
        citizen_id: &str,
        expires_at: i64,
        now: i64,
    ) -> Result<bool, Error> {
        let done = sqlx::query(
            "UPDATE citizens SET expiry_notice_at = $1
             WHERE id = $2 AND expires_at = $3 AND expiry_notice_at IS NULL",
        )
        .bind(now)
        .bind(citizen_id)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn renew_account(
        &self,
        citizen_id: &str,
        from_expires_at: i64,
        expires_at: i64,
    ) -> Result<bool, Error> {
        let done = sqlx::query(
            "UPDATE citizens SET expires_at = $1, expiry_notice_at = NULL
             WHERE id = $2 AND expires_at = $3 AND status IN ('active', 'blocked')",
        )
        .bind(expires_at)
        .bind(citizen_id)
        .bind(from_expires_at)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn set_lang(&self, citizen_id: &str, lang: &str) -> Result<(), Error> {
        sqlx::query("UPDATE citizens SET lang = $1 WHERE id = $2")
            .bind(lang)
            .bind(citizen_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn email_on_another_account(
        &self,
        citizen_id: &str,
        email: &str,
        now: i64,
    ) -> Result<bool, Error> {
        let row = sqlx::query(
            "SELECT EXISTS (SELECT 1 FROM citizens WHERE lower(email) = lower($1) AND id <> $2
               AND status <> 'revoked' AND (expires_at IS NULL OR expires_at > $3)) AS taken",
        )
        .bind(email)
        .bind(citizen_id)
        .bind(now)
        .fetch_one(&self.pool)
        .await?;
        flag(&row, "taken")
    }

    async fn phone_on_another_account(
        &self,
        citizen_id: &str,
        phone: &str,
    ) -> Result<Option<String>, Error> {
        let row = sqlx::query("SELECT id FROM citizens WHERE phone = $1 AND id <> $2")
            .bind(phone)
            .bind(citizen_id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| r.try_get("id")).transpose().map_err(Into::into)
    }
}
