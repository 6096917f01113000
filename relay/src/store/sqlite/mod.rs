//! The SQLite backend: all SQL for SQLite, a file per entity, each an `impl …Store for
//! SqliteStore`; migrations in `relay/migrations/`. State changes that race are compare-and-set
//! updates: the `WHERE` names the state the caller read, and zero rows changed means someone
//! was first. A transaction that reads before it writes starts with a write, so it holds the
//! database's write lock before it reads. Rows are read with `try_get`, never a panicking
//! `get`, each record by one `…_from_row` function.

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow};
use sqlx::{Row, SqlitePool};
use std::path::Path;
use std::str::FromStr;

use crate::Error;
use crate::domain::Digests;
use crate::identity::one_time::SecretState;

mod accounts;
mod audit;
mod ca;
mod citizens;
mod credentials;
mod housekeeping;
mod operators;
mod outbox;
mod professional;
mod rate_limits;
mod secrets;
mod sessions;

/// The audit chain's last entry: its `seq` and hash.
type ChainEnd = (i64, Vec<u8>);

/// A SQLite database: a file (WAL, four connections) or a private one in memory.
pub struct SqliteStore {
    pool: SqlitePool,
    /// One audit append at a time from this process: its requests queue here instead of
    /// racing each other for the chain's next place (other relays on the database still race,
    /// and retry; see `audit::append_on`). It holds the chain's end as this relay last
    /// committed it (`seq`, hash), so an append need not read it first; `None` when unknown.
    audit_head: tokio::sync::Mutex<Option<ChainEnd>>,
}

impl SqliteStore {
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
}

impl crate::store::Storage for SqliteStore {}

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

/// A single-use secret's state from its `attempts` and `used` columns.
fn secret_state_of(row: &SqliteRow) -> Result<SecretState, Error> {
    Ok(SecretState {
        attempts: count(row, "attempts")?,
        used: flag(row, "used")?,
    })
}
