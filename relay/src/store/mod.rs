//! Storage. All SQL lives here, so a second backend (PostgreSQL) is one module to add.
//! State changes that race (attempt counters, single-use codes) are compare-and-set updates:
//! the `WHERE` names the state the caller read, and zero rows changed means someone was first.

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use sqlx::{Row, SqlitePool};
use std::path::Path;
use std::str::FromStr;

use crate::Error;
use crate::identity::account::{AccountState, AccountStatus};

#[derive(Clone)]
pub struct Store {
    pool: SqlitePool,
}

#[derive(Debug, Clone)]
pub struct NewCitizen {
    pub id: String,
    pub id_number: String,
    pub given_name: String,
    pub surname: String,
    pub birth_date: String,
    pub phone: String,
    pub email: String,
    pub activation_code_hash: Vec<u8>,
    pub activation_expires_at: i64,
    pub created_at: i64,
}

#[derive(Debug, Clone)]
pub struct Citizen {
    pub id: String,
    pub id_number: String,
    pub given_name: String,
    pub surname: String,
    pub phone: String,
    pub email: String,
    pub state: AccountState,
    pub password_hash: Option<String>,
    pub kek_salt: Option<Vec<u8>>,
    pub activation_code_hash: Option<Vec<u8>>,
    pub activation_failures: u32,
    pub activation_expires_at: i64,
}

#[derive(Debug, Clone)]
pub struct Activation {
    pub id: String,
    pub citizen_id: String,
    pub sms_code_hash: Vec<u8>,
    pub failures: u32,
    pub expires_at: i64,
    pub used: bool,
}

#[derive(Debug, Clone)]
pub struct Session {
    pub citizen_id: String,
    pub sealed_kek: Vec<u8>,
    pub last_used_at: i64,
}

#[derive(Debug, Clone)]
pub struct Credential {
    pub id: String,
    pub citizen_id: String,
    pub cert_der: Vec<u8>,
    pub wrapped_key: Vec<u8>,
    pub status: String,
    pub not_after: i64,
}

#[derive(Debug, Clone)]
pub struct Otp {
    pub id: String,
    pub credential_id: String,
    pub code_hash: Vec<u8>,
    pub hashes: Option<Vec<String>>,
    pub expires_at: i64,
}

#[derive(Debug, Clone)]
pub struct Sad {
    pub credential_id: String,
    pub hashes: Vec<String>,
    pub expires_at: i64,
    pub used: bool,
}

#[derive(Debug, Clone)]
pub struct OutboxRow {
    pub recipient: String,
    pub channel: String,
    pub text: String,
    pub sent_at: i64,
}

fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db) if db.is_unique_violation())
}

fn hashes_to_json(hashes: &[String]) -> Result<String, Error> {
    serde_json::to_string(hashes).map_err(|e| Error::internal("encode hashes", e))
}

fn hashes_from_json(json: &str) -> Result<Vec<String>, Error> {
    serde_json::from_str(json).map_err(|e| Error::internal("decode hashes", e))
}

impl Store {
    /// Opens (creating if needed) the SQLite database at `path` and applies migrations.
    pub async fn open(path: &Path) -> Result<Self, Error> {
        let options = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))
            .map_err(|e| Error::internal("database path", e))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .foreign_keys(true)
            .busy_timeout(std::time::Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await?;
        Self::migrate(pool).await
    }

    /// A private in-memory database (tests): one connection, so every query sees the same data.
    pub async fn in_memory() -> Result<Self, Error> {
        let options = SqliteConnectOptions::from_str("sqlite::memory:")
            .map_err(|e| Error::internal("database path", e))?
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await?;
        Self::migrate(pool).await
    }

    async fn migrate(pool: SqlitePool) -> Result<Self, Error> {
        sqlx::migrate!("./migrations")
            .run(&pool)
            .await
            .map_err(|e| Error::internal("migrations", e))?;
        Ok(Self { pool })
    }

    // --- CA material ---

    pub async fn ca_material(&self, name: &str) -> Result<Option<Vec<u8>>, Error> {
        let row = sqlx::query("SELECT value FROM ca_material WHERE name = ?")
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.get("value")))
    }

    /// Stores all CA items in one transaction, so a crash never leaves half a CA.
    pub async fn save_ca_material(&self, items: &[(&str, Vec<u8>)]) -> Result<(), Error> {
        let mut tx = self.pool.begin().await?;
        for (name, value) in items {
            sqlx::query("INSERT INTO ca_material (name, value) VALUES (?, ?)")
                .bind(*name)
                .bind(value)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    // --- citizens ---

    pub async fn insert_citizen(&self, c: &NewCitizen) -> Result<(), Error> {
        let result = sqlx::query(
            "INSERT INTO citizens (id, id_number, given_name, surname, birth_date, phone, email, status,
                activation_code_hash, activation_expires_at, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
        .execute(&self.pool)
        .await;
        match result {
            Ok(_) => Ok(()),
            Err(e) if is_unique_violation(&e) => Err(Error::Conflict(
                "this ID number or mobile phone is already registered (one account per person, one phone per account)",
            )),
            Err(e) => Err(e.into()),
        }
    }

    fn citizen_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<Citizen, Error> {
        let status: String = row.get("status");
        let failed: i64 = row.get("failed_attempts");
        let activation_failures: i64 = row.get("activation_failures");
        Ok(Citizen {
            id: row.get("id"),
            id_number: row.get("id_number"),
            given_name: row.get("given_name"),
            surname: row.get("surname"),
            phone: row.get("phone"),
            email: row.get("email"),
            state: AccountState {
                status: AccountStatus::parse(&status)
                    .ok_or_else(|| Error::Internal(format!("unknown account status {status}")))?,
                failed_attempts: u32::try_from(failed).unwrap_or(u32::MAX),
            },
            password_hash: row.get("password_hash"),
            kek_salt: row.get("kek_salt"),
            activation_code_hash: row.get("activation_code_hash"),
            activation_failures: u32::try_from(activation_failures).unwrap_or(u32::MAX),
            activation_expires_at: row.get("activation_expires_at"),
        })
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
            "UPDATE citizens SET status = ?, failed_attempts = ?
             WHERE id = ? AND status = ? AND failed_attempts = ?",
        )
        .bind(to.status.as_str())
        .bind(i64::from(to.failed_attempts))
        .bind(citizen_id)
        .bind(from.status.as_str())
        .bind(i64::from(from.failed_attempts))
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Counts a wrong activation code; returns the new count.
    pub async fn record_activation_code_failure(&self, citizen_id: &str) -> Result<u32, Error> {
        let row = sqlx::query(
            "UPDATE citizens SET activation_failures = activation_failures + 1 WHERE id = ?
             RETURNING activation_failures",
        )
        .bind(citizen_id)
        .fetch_one(&self.pool)
        .await?;
        let n: i64 = row.get(0);
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }

    /// Activation: sets the password and moves the account from pending to active, with its
    /// first credential, in one transaction. False if the account was no longer pending.
    pub async fn activate_citizen(
        &self,
        citizen_id: &str,
        password_hash: &str,
        kek_salt: &[u8],
        activation_id: &str,
        credential: &Credential,
        now: i64,
    ) -> Result<bool, Error> {
        let mut tx = self.pool.begin().await?;
        let used = sqlx::query("UPDATE activations SET used = 1 WHERE id = ? AND used = 0")
            .bind(activation_id)
            .execute(&mut *tx)
            .await?;
        let activated = sqlx::query(
            "UPDATE citizens SET status = ?, failed_attempts = 0, password_hash = ?, kek_salt = ?,
                activation_code_hash = NULL
             WHERE id = ? AND status = ?",
        )
        .bind(AccountStatus::Active.as_str())
        .bind(password_hash)
        .bind(kek_salt)
        .bind(citizen_id)
        .bind(AccountStatus::PendingActivation.as_str())
        .execute(&mut *tx)
        .await?;
        if used.rows_affected() != 1 || activated.rows_affected() != 1 {
            return Ok(false);
        }
        Self::insert_credential_in(&mut tx, credential, now).await?;
        tx.commit().await?;
        Ok(true)
    }

    // --- activations ---

    pub async fn insert_activation(&self, a: &Activation) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO activations (id, citizen_id, sms_code_hash, failures, expires_at, used)
             VALUES (?, ?, ?, 0, ?, 0)",
        )
        .bind(&a.id)
        .bind(&a.citizen_id)
        .bind(&a.sms_code_hash)
        .bind(a.expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn activation(&self, id: &str) -> Result<Option<Activation>, Error> {
        let row = sqlx::query("SELECT * FROM activations WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| {
            let failures: i64 = r.get("failures");
            let used: i64 = r.get("used");
            Activation {
                id: r.get("id"),
                citizen_id: r.get("citizen_id"),
                sms_code_hash: r.get("sms_code_hash"),
                failures: u32::try_from(failures).unwrap_or(u32::MAX),
                expires_at: r.get("expires_at"),
                used: used != 0,
            }
        }))
    }

    pub async fn record_activation_sms_failure(&self, id: &str) -> Result<u32, Error> {
        let row = sqlx::query(
            "UPDATE activations SET failures = failures + 1 WHERE id = ? RETURNING failures",
        )
        .bind(id)
        .fetch_one(&self.pool)
        .await?;
        let n: i64 = row.get(0);
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }

    // --- sessions ---

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
        Ok(row.map(|r| Session {
            citizen_id: r.get("citizen_id"),
            sealed_kek: r.get("sealed_kek"),
            last_used_at: r.get("last_used_at"),
        }))
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

    // --- credentials ---

    async fn insert_credential_in(
        tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
        c: &Credential,
        now: i64,
    ) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO credentials (id, citizen_id, cert_der, wrapped_key, status, not_after, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&c.id)
        .bind(&c.citizen_id)
        .bind(&c.cert_der)
        .bind(&c.wrapped_key)
        .bind(&c.status)
        .bind(c.not_after)
        .bind(now)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    fn credential_from_row(r: &sqlx::sqlite::SqliteRow) -> Credential {
        Credential {
            id: r.get("id"),
            citizen_id: r.get("citizen_id"),
            cert_der: r.get("cert_der"),
            wrapped_key: r.get("wrapped_key"),
            status: r.get("status"),
            not_after: r.get("not_after"),
        }
    }

    pub async fn credentials_of(&self, citizen_id: &str) -> Result<Vec<Credential>, Error> {
        let rows =
            sqlx::query("SELECT * FROM credentials WHERE citizen_id = ? ORDER BY created_at")
                .bind(citizen_id)
                .fetch_all(&self.pool)
                .await?;
        Ok(rows.iter().map(Self::credential_from_row).collect())
    }

    pub async fn credential(&self, id: &str) -> Result<Option<Credential>, Error> {
        let row = sqlx::query("SELECT * FROM credentials WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().map(Self::credential_from_row))
    }

    // --- OTPs ---

    /// Stores a new OTP and retires any earlier unused one for the credential: only the newest
    /// SMS is valid.
    pub async fn replace_otp(&self, otp: &Otp, now: i64) -> Result<(), Error> {
        let hashes = otp.hashes.as_deref().map(hashes_to_json).transpose()?;
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE otps SET used = 1 WHERE credential_id = ? AND used = 0")
            .bind(&otp.credential_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO otps (id, credential_id, code_hash, hashes, expires_at, used, created_at)
             VALUES (?, ?, ?, ?, ?, 0, ?)",
        )
        .bind(&otp.id)
        .bind(&otp.credential_id)
        .bind(&otp.code_hash)
        .bind(hashes)
        .bind(otp.expires_at)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The unused OTP of a credential, if any (expired ones included: the caller checks).
    pub async fn pending_otp(&self, credential_id: &str) -> Result<Option<Otp>, Error> {
        let row = sqlx::query(
            "SELECT * FROM otps WHERE credential_id = ? AND used = 0 ORDER BY created_at DESC LIMIT 1",
        )
        .bind(credential_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            let hashes: Option<String> = r.get("hashes");
            Ok(Otp {
                id: r.get("id"),
                credential_id: r.get("credential_id"),
                code_hash: r.get("code_hash"),
                hashes: hashes.as_deref().map(hashes_from_json).transpose()?,
                expires_at: r.get("expires_at"),
            })
        })
        .transpose()
    }

    /// Single use: true only for the caller that flipped it.
    pub async fn consume_otp(&self, otp_id: &str) -> Result<bool, Error> {
        let done = sqlx::query("UPDATE otps SET used = 1 WHERE id = ? AND used = 0")
            .bind(otp_id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    // --- SADs ---

    pub async fn insert_sad(
        &self,
        sad_hash: &[u8],
        credential_id: &str,
        hashes: &[String],
        expires_at: i64,
    ) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO sads (sad_hash, credential_id, hashes, expires_at, used) VALUES (?, ?, ?, ?, 0)",
        )
        .bind(sad_hash)
        .bind(credential_id)
        .bind(hashes_to_json(hashes)?)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn sad(&self, sad_hash: &[u8]) -> Result<Option<Sad>, Error> {
        let row = sqlx::query("SELECT * FROM sads WHERE sad_hash = ?")
            .bind(sad_hash)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| {
            let hashes: String = r.get("hashes");
            let used: i64 = r.get("used");
            Ok(Sad {
                credential_id: r.get("credential_id"),
                hashes: hashes_from_json(&hashes)?,
                expires_at: r.get("expires_at"),
                used: used != 0,
            })
        })
        .transpose()
    }

    pub async fn consume_sad(&self, sad_hash: &[u8]) -> Result<bool, Error> {
        let done = sqlx::query("UPDATE sads SET used = 1 WHERE sad_hash = ? AND used = 0")
            .bind(sad_hash)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    // --- outbox ---

    pub async fn push_outbox(&self, msg: &OutboxRow) -> Result<(), Error> {
        sqlx::query("INSERT INTO outbox (recipient, channel, text, sent_at) VALUES (?, ?, ?, ?)")
            .bind(&msg.recipient)
            .bind(&msg.channel)
            .bind(&msg.text)
            .bind(msg.sent_at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Messages to `recipient` (all when `None`), oldest first.
    pub async fn outbox(&self, recipient: Option<&str>) -> Result<Vec<OutboxRow>, Error> {
        let rows = match recipient {
            Some(to) => {
                sqlx::query("SELECT * FROM outbox WHERE recipient = ? ORDER BY id")
                    .bind(to)
                    .fetch_all(&self.pool)
                    .await?
            }
            None => sqlx::query("SELECT * FROM outbox ORDER BY id DESC LIMIT 200")
                .fetch_all(&self.pool)
                .await?
                .into_iter()
                .rev()
                .collect(),
        };
        Ok(rows
            .iter()
            .map(|r| OutboxRow {
                recipient: r.get("recipient"),
                channel: r.get("channel"),
                text: r.get("text"),
                sent_at: r.get("sent_at"),
            })
            .collect())
    }
}
