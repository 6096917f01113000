//! Citizens: their identity data, account state (R20 counters) and activation code.

use sqlx::Row;
use sqlx::sqlite::SqliteRow;

use super::*;
use crate::Error;

impl Store {
    /// A new pending account. Refused when the ID number or phone is taken (R5, R8), or when
    /// another live account has the email in any letter case (R23): checked in the statement
    /// that writes, so two registrations with one address cannot both pass.
    pub async fn insert_citizen(&self, c: &NewCitizen) -> Result<(), Error> {
        let result = sqlx::query(
            "INSERT INTO citizens (id, id_number, given_name, surname, birth_date, phone, email, status,
                activation_code_hash, activation_expires_at, created_at)
             SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
             WHERE NOT EXISTS (SELECT 1 FROM citizens WHERE lower(email) = lower(?)
                 AND status <> 'revoked' AND (expires_at IS NULL OR expires_at > ?))",
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
        .bind(&c.email)
        .bind(c.created_at)
        .execute(&self.pool)
        .await;
        let taken_id_or_phone = || async {
            let row = sqlx::query(
                "SELECT EXISTS (SELECT 1 FROM citizens WHERE id_number = ? OR phone = ?) AS taken",
            )
            .bind(&c.id_number)
            .bind(&c.phone)
            .fetch_one(&self.pool)
            .await?;
            flag(&row, "taken")
        };
        match result {
            Ok(done) if done.rows_affected() == 1 => Ok(()),
            // The email stopped it; but a person registering twice is told that first (R5, R8).
            Ok(_) if taken_id_or_phone().await? => Err(Error::Conflict(
                "this ID number or mobile phone is already registered (one account per person, one phone per account)",
            )),
            Ok(_) => Err(Error::Conflict(
                "this email address is on another account; an address can belong to one person only (R23)",
            )),
            Err(e) if is_unique_violation(&e) => Err(Error::Conflict(
                "this ID number or mobile phone is already registered (one account per person, one phone per account)",
            )),
            Err(e) => Err(e.into()),
        }
    }

    pub(super) fn citizen_from_row(row: &SqliteRow) -> Result<Citizen, Error> {
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

    /// A new phone for a live account, set at the office; the codes that went to the old one
    /// stop working. `Ok(false)`: no such live account. A phone another account holds is a
    /// conflict (R8).
    pub async fn set_phone(&self, citizen_id: &str, phone: &str) -> Result<bool, Error> {
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

    pub async fn citizen_by_id_number(&self, id_number: &str) -> Result<Option<Citizen>, Error> {
        let row = sqlx::query("SELECT * FROM citizens WHERE id_number = ?")
            .bind(id_number)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(Self::citizen_from_row).transpose()
    }

    pub async fn citizen_by_id(&self, id: &str) -> Result<Option<Citizen>, Error> {
        let row = sqlx::query("SELECT * FROM citizens WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(Self::citizen_from_row).transpose()
    }

    /// Compare-and-set of the account state: true if `from` was still current and is now `to`.
    pub async fn update_account_state(
        &self,
        citizen_id: &str,
        from: AccountState,
        to: AccountState,
    ) -> Result<bool, Error> {
        let done = sqlx::query(
            "UPDATE citizens SET status = ?, password_failures = ?, otp_failures = ?
             WHERE id = ? AND status = ? AND password_failures = ? AND otp_failures = ?",
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

    /// Activation: spends the activation SMS code and the activation code, sets the password and
    /// moves the account from pending to active, in one transaction. False if someone was first.
    pub async fn activate_citizen(
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
}
