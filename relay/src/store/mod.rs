//! Storage. All SQL lives in this folder, a file per entity (each an `impl Store` block), so a
//! second backend (PostgreSQL) is one folder to add.
//! State changes that race (attempt counters, single-use codes, credential status) are
//! compare-and-set updates: the `WHERE` names the state the caller read, and zero rows changed
//! means someone was first. Rows are read with `try_get`, never a panicking `get`.

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow};
use sqlx::{Row, SqlitePool};
use std::path::Path;
use std::str::FromStr;

mod activations;
mod audit;
mod ca;
mod cards;
mod citizens;
mod codes;
mod credentials;
mod life_cycle;
mod operators;
mod outbox;
mod panel;
mod pins;
mod professional;
mod rate_limits;
mod sads;
mod sessions;

pub use activations::Activation;
pub use cards::StoredCard;
pub use citizens::{Citizen, NewCitizen};
pub use codes::Code;
pub use credentials::Credential;
pub use life_cycle::Reset;
pub use operators::{Operator, OperatorLogin};
pub use outbox::OutboxRow;
pub use panel::{ContactChange, ContactChanged, PasswordChanged, Rewrapped};
pub use pins::Pin;
pub use professional::{Entity, Invitation, InvitationWrite, Issuance, PendingCitizen};
pub use sads::Sad;
pub use sessions::{NewSession, Session};

use crate::Error;
use crate::domain::{CredentialId, Digests};
use crate::identity::account::{AccountState, AccountStatus};
use crate::identity::credential::StoredStatus;
use crate::identity::one_time::SecretState;

/// The audit chain's last entry: its `seq` and hash.
type ChainEnd = (i64, Vec<u8>);

#[derive(Clone)]
pub struct Store {
    pool: SqlitePool,
    /// One audit append at a time from this process: its requests queue here instead of
    /// racing each other for the chain's next place (other relays on the database still race,
    /// and retry; see `append_audit`). It holds the chain's end as this relay last committed
    /// it (`seq`, hash), so an append need not read it first; `None` when unknown.
    audit_head: std::sync::Arc<tokio::sync::Mutex<Option<ChainEnd>>>,
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
    /// A password reset's pair of codes (one entry judges both).
    Reset { id: &'a str },
    /// An operator's login SMS code.
    OperatorLogin { id: &'a str },
    /// A PIN key (R4).
    Pin { id: &'a str },
    /// A change of her phone or email (R26): its codes, judged together.
    ContactChange { id: &'a str },
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
            Self::Reset { .. } => "SELECT attempts, used FROM resets WHERE id = ?",
            Self::OperatorLogin { .. } => "SELECT attempts, used FROM operator_logins WHERE id = ?",
            Self::Pin { .. } => "SELECT attempts, used FROM pins WHERE id = ?",
            Self::ContactChange { .. } => "SELECT attempts, used FROM contact_changes WHERE id = ?",
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
            Self::Reset { .. } => {
                "UPDATE resets SET attempts = ?1, used = ?2 WHERE id = ?3 AND attempts = ?4 AND used = ?5"
            }
            Self::OperatorLogin { .. } => {
                "UPDATE operator_logins SET attempts = ?1, used = ?2 WHERE id = ?3 AND attempts = ?4 AND used = ?5"
            }
            Self::Pin { .. } => {
                "UPDATE pins SET attempts = ?1, used = ?2 WHERE id = ?3 AND attempts = ?4 AND used = ?5"
            }
            Self::ContactChange { .. } => {
                "UPDATE contact_changes SET attempts = ?1, used = ?2 WHERE id = ?3 AND attempts = ?4 AND used = ?5"
            }
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
            | Self::Code { id }
            | Self::Reset { id }
            | Self::OperatorLogin { id }
            | Self::Pin { id }
            | Self::ContactChange { id } => query.bind(id),
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
        Ok(Self {
            pool,
            audit_head: Default::default(),
        })
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

    // --- housekeeping ---

    /// Deletes what can no longer be used: idle sessions, dead codes, SADs and activations,
    /// closed rate windows, and week-old dev outbox rows. Returns the number of rows deleted.
    pub async fn prune(&self, now: i64, session_idle: i64) -> Result<u64, Error> {
        let day = 24 * 3600;
        let statements: [(&str, i64); 10] = [
            (
                "DELETE FROM sessions WHERE last_used_at < ?",
                now - session_idle,
            ),
            ("DELETE FROM codes WHERE expires_at < ?", now - day),
            ("DELETE FROM sads WHERE expires_at < ?", now - day),
            ("DELETE FROM activations WHERE expires_at < ?", now - day),
            ("DELETE FROM resets WHERE expires_at < ?", now - day),
            ("DELETE FROM pins WHERE expires_at < ?", now - day),
            (
                "DELETE FROM contact_changes WHERE expires_at < ?",
                now - day,
            ),
            (
                "DELETE FROM operator_logins WHERE expires_at < ?",
                now - day,
            ),
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
}
