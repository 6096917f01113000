//! Storage. All SQL lives here, so a second backend (PostgreSQL) is one module to add.
//! State changes that race (attempt counters, single-use codes, credential status) are
//! compare-and-set updates: the `WHERE` names the state the caller read, and zero rows changed
//! means someone was first. Rows are read with `try_get`, never a panicking `get`.

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow};
use sqlx::{Row, SqlitePool};
use std::path::Path;
use std::str::FromStr;

use crate::Error;
use crate::domain::{CredentialId, Digests};
use crate::identity::account::{AccountState, AccountStatus};
use crate::identity::credential::StoredStatus;
use crate::identity::one_time::SecretState;

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
    /// The activation code as a single-use secret (used once activation completed).
    pub activation_code: SecretState,
    pub activation_expires_at: i64,
}

#[derive(Debug, Clone)]
pub struct Activation {
    pub id: String,
    pub citizen_id: String,
    pub sms_code_mac: Vec<u8>,
    pub state: SecretState,
    pub expires_at: i64,
}

#[derive(Debug, Clone)]
pub struct Session {
    pub citizen_id: String,
    pub sealed_kek: Vec<u8>,
    pub last_used_at: i64,
}

#[derive(Debug, Clone)]
pub struct Credential {
    pub id: CredentialId,
    pub citizen_id: String,
    pub cert_der: Vec<u8>,
    pub wrapped_key: Vec<u8>,
    pub status: StoredStatus,
    pub not_after: i64,
    pub serial_hex: Option<String>,
    pub revoked_at: Option<i64>,
    pub revocation_reason: Option<String>,
}

/// A one-time SMS code (signing OTP, certificate challenge).
#[derive(Debug, Clone)]
pub struct Code {
    pub id: String,
    pub citizen_id: String,
    pub purpose: String,
    pub credential_id: Option<CredentialId>,
    pub code_mac: Vec<u8>,
    pub hashes: Option<Digests>,
    pub state: SecretState,
    pub expires_at: i64,
}

#[derive(Debug, Clone)]
pub struct Sad {
    pub credential_id: CredentialId,
    pub digests: Digests,
    pub state: SecretState,
    pub expires_at: i64,
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

fn count(row: &SqliteRow, column: &str) -> Result<u32, Error> {
    let n: i64 = row.try_get(column)?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

fn flag(row: &SqliteRow, column: &str) -> Result<bool, Error> {
    let n: i64 = row.try_get(column)?;
    Ok(n != 0)
}

fn digests(text: &str) -> Result<Digests, Error> {
    Digests::from_canonical(text).ok_or_else(|| Error::Internal("stored digests unreadable".into()))
}

/// A row that holds a single-use secret's state (`identity::one_time`).
#[derive(Clone, Copy, Debug)]
pub enum SecretRow<'a> {
    /// The activation code handed out at the office, in the citizen's row.
    ActivationCode { citizen_id: &'a str },
    /// The SMS code of one activation.
    ActivationSms { id: &'a str },
    /// A signing OTP or certificate challenge.
    Code { id: &'a str },
    /// A SAD, found by its hash.
    Sad { hash: &'a [u8] },
}

impl SecretRow<'_> {
    fn select_sql(self) -> &'static str {
        match self {
            Self::ActivationCode { .. } => {
                "SELECT activation_failures AS attempts, activation_code_hash IS NULL AS used
                 FROM citizens WHERE id = ?"
            }
            Self::ActivationSms { .. } => "SELECT attempts, used FROM activations WHERE id = ?",
            Self::Code { .. } => "SELECT attempts, used FROM codes WHERE id = ?",
            Self::Sad { .. } => "SELECT 0 AS attempts, used FROM sads WHERE sad_hash = ?",
        }
    }

    /// Parameters: new attempts, new used, key, old attempts, old used.
    fn update_sql(self) -> &'static str {
        match self {
            // `used` of an activation code changes only when activation completes (in one
            // transaction with the account), never through this path (?2, ?5 unused).
            Self::ActivationCode { .. } => {
                "UPDATE citizens SET activation_failures = ?1
                 WHERE id = ?3 AND activation_failures = ?4 AND activation_code_hash IS NOT NULL
                   AND ?2 = ?5"
            }
            Self::ActivationSms { .. } => {
                "UPDATE activations SET attempts = ?1, used = ?2 WHERE id = ?3 AND attempts = ?4 AND used = ?5"
            }
            Self::Code { .. } => {
                "UPDATE codes SET attempts = ?1, used = ?2 WHERE id = ?3 AND attempts = ?4 AND used = ?5"
            }
            // A SAD has no attempts (?1, ?4): it is found by its own hash, then consumed.
            Self::Sad { .. } => "UPDATE sads SET used = ?2 WHERE sad_hash = ?3 AND used = ?5",
        }
    }

    /// Binds the row's key: text ids as text (SQLite never finds TEXT equal to a BLOB).
    fn bind_key<'q>(
        &self,
        query: sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments>,
    ) -> sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments>
    where
        Self: 'q,
    {
        match *self {
            Self::ActivationCode { citizen_id: id }
            | Self::ActivationSms { id }
            | Self::Code { id } => query.bind(id),
            Self::Sad { hash } => query.bind(hash),
        }
    }
}

impl Store {
    /// Opens (creating if needed) the SQLite database at `path` and applies migrations.
    pub async fn open(path: &Path) -> Result<Self, Error> {
        let options = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))
            .map_err(|e| Error::internal("database path", e))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .foreign_keys(true)
            .busy_timeout(std::time::Duration::from_secs(10));
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

    /// The current state of a single-use secret, if the row exists.
    pub async fn secret_state(&self, row: SecretRow<'_>) -> Result<Option<SecretState>, Error> {
        let found = row
            .bind_key(sqlx::query(row.select_sql()))
            .fetch_optional(&self.pool)
            .await?;
        found
            .map(|r| {
                Ok(SecretState {
                    attempts: count(&r, "attempts")?,
                    used: flag(&r, "used")?,
                })
            })
            .transpose()
    }

    /// Compare-and-set of a single-use secret's state.
    pub async fn update_secret(
        &self,
        row: SecretRow<'_>,
        from: SecretState,
        to: SecretState,
    ) -> Result<bool, Error> {
        let query = sqlx::query(row.update_sql())
            .bind(i64::from(to.attempts))
            .bind(i64::from(to.used));
        let done = row
            .bind_key(query)
            .bind(i64::from(from.attempts))
            .bind(i64::from(from.used))
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    // --- CA material ---

    pub async fn ca_material(&self, name: &str) -> Result<Option<Vec<u8>>, Error> {
        let row = sqlx::query("SELECT value FROM ca_material WHERE name = ?")
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get("value")).transpose()?)
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

    fn citizen_from_row(row: &SqliteRow) -> Result<Citizen, Error> {
        let status: String = row.try_get("status")?;
        let activation_code_hash: Option<Vec<u8>> = row.try_get("activation_code_hash")?;
        Ok(Citizen {
            id: row.try_get("id")?,
            id_number: row.try_get("id_number")?,
            given_name: row.try_get("given_name")?,
            surname: row.try_get("surname")?,
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
                password_hash = ?, kek_salt = ?, activation_code_hash = NULL
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
        tx.commit().await?;
        Ok(true)
    }

    // --- activations ---

    pub async fn insert_activation(&self, a: &Activation) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO activations (id, citizen_id, sms_code_mac, attempts, expires_at, used)
             VALUES (?, ?, ?, 0, ?, 0)",
        )
        .bind(&a.id)
        .bind(&a.citizen_id)
        .bind(&a.sms_code_mac)
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
        row.map(|r| {
            Ok(Activation {
                id: r.try_get("id")?,
                citizen_id: r.try_get("citizen_id")?,
                sms_code_mac: r.try_get("sms_code_mac")?,
                state: SecretState {
                    attempts: count(&r, "attempts")?,
                    used: flag(&r, "used")?,
                },
                expires_at: r.try_get("expires_at")?,
            })
        })
        .transpose()
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

    // --- credentials ---

    pub async fn insert_credential(&self, c: &Credential, now: i64) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO credentials (id, citizen_id, cert_der, wrapped_key, status, not_after,
                created_at, serial_hex)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(c.id.as_str())
        .bind(&c.citizen_id)
        .bind(&c.cert_der)
        .bind(&c.wrapped_key)
        .bind(c.status.as_str())
        .bind(c.not_after)
        .bind(now)
        .bind(&c.serial_hex)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    fn credential_from_row(r: &SqliteRow) -> Result<Credential, Error> {
        let status: String = r.try_get("status")?;
        Ok(Credential {
            id: CredentialId::from_stored(r.try_get("id")?),
            citizen_id: r.try_get("citizen_id")?,
            cert_der: r.try_get("cert_der")?,
            wrapped_key: r.try_get("wrapped_key")?,
            status: StoredStatus::parse(&status)
                .ok_or_else(|| Error::Internal(format!("unknown credential status {status}")))?,
            not_after: r.try_get("not_after")?,
            serial_hex: r.try_get("serial_hex")?,
            revoked_at: r.try_get("revoked_at")?,
            revocation_reason: r.try_get("revocation_reason")?,
        })
    }

    pub async fn credentials_of(&self, citizen_id: &str) -> Result<Vec<Credential>, Error> {
        let rows =
            sqlx::query("SELECT * FROM credentials WHERE citizen_id = ? ORDER BY created_at, id")
                .bind(citizen_id)
                .fetch_all(&self.pool)
                .await?;
        rows.iter().map(Self::credential_from_row).collect()
    }

    pub async fn credential(&self, id: &CredentialId) -> Result<Option<Credential>, Error> {
        let row = sqlx::query("SELECT * FROM credentials WHERE id = ?")
            .bind(id.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(Self::credential_from_row).transpose()
    }

    pub async fn credential_by_serial(
        &self,
        serial_hex: &str,
    ) -> Result<Option<Credential>, Error> {
        let row = sqlx::query("SELECT * FROM credentials WHERE serial_hex = ?")
            .bind(serial_hex)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(Self::credential_from_row).transpose()
    }

    /// Every revoked credential's certificate serial, revocation time and reason (for the CRL).
    pub async fn revoked_credentials(&self) -> Result<Vec<Credential>, Error> {
        let rows = sqlx::query(
            "SELECT * FROM credentials WHERE status = 'revoked' AND serial_hex IS NOT NULL
             ORDER BY revoked_at, id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(Self::credential_from_row).collect()
    }

    /// Compare-and-set of a credential's status; `revoked_at`/`reason` are recorded with it.
    pub async fn update_credential_status(
        &self,
        id: &CredentialId,
        from: StoredStatus,
        to: StoredStatus,
        revoked_at: Option<i64>,
        reason: Option<&str>,
    ) -> Result<bool, Error> {
        let done = sqlx::query(
            "UPDATE credentials SET status = ?, revoked_at = COALESCE(?, revoked_at),
                revocation_reason = COALESCE(?, revocation_reason)
             WHERE id = ? AND status = ?",
        )
        .bind(to.as_str())
        .bind(revoked_at)
        .bind(reason)
        .bind(id.as_str())
        .bind(from.as_str())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    // --- one-time SMS codes ---

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
                used, expires_at, created_at)
             VALUES (?, ?, ?, ?, ?, ?, 0, 0, ?, ?)",
        )
        .bind(&code.id)
        .bind(&code.citizen_id)
        .bind(&code.purpose)
        .bind(code.credential_id.as_ref().map(CredentialId::as_str))
        .bind(&code.code_mac)
        .bind(code.hashes.as_ref().map(Digests::to_canonical))
        .bind(code.expires_at)
        .bind(now)
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

    // --- SADs ---

    pub async fn insert_sad(
        &self,
        sad_hash: &[u8],
        credential_id: &CredentialId,
        digests: &Digests,
        expires_at: i64,
    ) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO sads (sad_hash, credential_id, hashes, expires_at, used) VALUES (?, ?, ?, ?, 0)",
        )
        .bind(sad_hash)
        .bind(credential_id.as_str())
        .bind(digests.to_canonical())
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
            let hashes: String = r.try_get("hashes")?;
            Ok(Sad {
                credential_id: CredentialId::from_stored(r.try_get("credential_id")?),
                digests: digests(&hashes)?,
                state: SecretState {
                    attempts: 0,
                    used: flag(&r, "used")?,
                },
                expires_at: r.try_get("expires_at")?,
            })
        })
        .transpose()
    }

    // --- rate limits ---

    /// Counts one event under `key` in a fixed window of `window` seconds that opens at the
    /// key's first event. Returns the count in the window (this event included) and when the
    /// window opened. One statement, so parallel callers on any number of relays count exactly.
    pub async fn count_event(&self, key: &str, window: i64, now: i64) -> Result<(u32, i64), Error> {
        let row = sqlx::query(
            "INSERT INTO rate_limits (key, window_start, count) VALUES (?1, ?2, 1)
             ON CONFLICT(key) DO UPDATE SET
                count = CASE WHEN rate_limits.window_start + ?3 <= ?2 THEN 1 ELSE rate_limits.count + 1 END,
                window_start = CASE WHEN rate_limits.window_start + ?3 <= ?2 THEN ?2 ELSE rate_limits.window_start END
             RETURNING count, window_start",
        )
        .bind(key)
        .bind(now)
        .bind(window)
        .fetch_one(&self.pool)
        .await?;
        Ok((count(&row, "count")?, row.try_get("window_start")?))
    }

    // --- housekeeping ---

    /// Deletes what can no longer be used: idle sessions, dead codes, SADs and activations,
    /// closed rate windows, and week-old dev outbox rows. Returns the number of rows deleted.
    pub async fn prune(&self, now: i64, session_idle: i64) -> Result<u64, Error> {
        let day = 24 * 3600;
        let statements: [(&str, i64); 6] = [
            (
                "DELETE FROM sessions WHERE last_used_at < ?",
                now - session_idle,
            ),
            ("DELETE FROM codes WHERE expires_at < ?", now - day),
            ("DELETE FROM sads WHERE expires_at < ?", now - day),
            ("DELETE FROM activations WHERE expires_at < ?", now - day),
            ("DELETE FROM rate_limits WHERE window_start < ?", now - day),
            ("DELETE FROM outbox WHERE sent_at < ?", now - 7 * day),
        ];
        let mut deleted = 0;
        for (sql, before) in statements {
            deleted += sqlx::query(sql)
                .bind(before)
                .execute(&self.pool)
                .await?
                .rows_affected();
        }
        Ok(deleted)
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
        rows.iter()
            .map(|r| {
                Ok(OutboxRow {
                    recipient: r.try_get("recipient")?,
                    channel: r.try_get("channel")?,
                    text: r.try_get("text")?,
                    sent_at: r.try_get("sent_at")?,
                })
            })
            .collect()
    }
}
