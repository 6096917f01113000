//! The PostgreSQL backend: all SQL for PostgreSQL, a file per entity like `store/sqlite/`, each
//! an `impl …Store for PgStore`; migrations in `relay/migrations-postgres/`. Rows are read
//! with `try_get`, never a panicking `get`, each record by one `…_from_row` function.
//!
//! Several relay processes share one database, so every guarantee SQLite gets from its single
//! writer is given here by PostgreSQL itself. Transactions run at READ COMMITTED (the
//! default) with row locks, not SERIALIZABLE, so no operation ever needs a retry loop:
//! - A compare-and-set is one `UPDATE … WHERE <the state read>`: a second writer of the row
//!   waits for the first to commit, then re-checks the `WHERE` on the new row version and
//!   changes nothing. Of parallel calls from one state exactly one wins; counters are reserved
//!   the same way (`attempts = attempts + 1 WHERE attempts < budget`).
//! - A rate window is one `INSERT … ON CONFLICT DO UPDATE … RETURNING`, atomic per key.
//! - A transaction that reads before it writes, or spans several tables for one account,
//!   first locks that account's `citizens` row (`SELECT … FOR UPDATE`, `lock_citizen`), as
//!   SQLite's transaction holds the write lock: two such operations on one account queue, and
//!   every operation takes the account row before its other rows, so they cannot deadlock.
//! - What no row can guard takes a transaction-level advisory lock, released at commit: the
//!   audit chain's end (`audit.rs`: appends queue and each reads the end committed before it,
//!   so two relays never fork the chain) and an email address (R23: unique among live
//!   accounts, which no unique index can say, since liveness depends on the clock).
//!
//! Times are Unix seconds in BIGINT, counters BIGINT, flags BOOLEAN.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgRow};
use sqlx::{PgConnection, PgPool, Row};

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

#[cfg(test)]
pub(crate) mod test_cluster;

/// The first key of the relay's advisory locks ("nf" and a number), so they cannot collide
/// with another application's locks on a shared server.
const LOCK_AUDIT: i32 = 0x6e66_0001;
const LOCK_EMAIL: i32 = 0x6e66_0002;

/// Connections each relay keeps open to the database.
const POOL_SIZE: u32 = 10;

/// A PostgreSQL database several relays may share.
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    /// Connects to `url` (`postgres://` or `postgresql://`, as libpq reads it; a socket folder
    /// with `?host=/path`) and applies the migrations (sqlx takes an advisory lock for them,
    /// so relays starting together migrate once).
    pub async fn connect(url: &str) -> Result<Self, Error> {
        // The URL may hold a password: the error names neither.
        let options = PgConnectOptions::from_str(url).map_err(|e| {
            Error::InvalidConfig(format!("database.url: not a PostgreSQL URL: {e}"))
        })?;
        let pool = PgPoolOptions::new()
            .max_connections(POOL_SIZE)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations-postgres")
            .run(&pool)
            .await
            .map_err(|e| Error::internal("migrations", e))?;
        Ok(Self { pool })
    }
}

impl crate::store::Storage for PgStore {}

fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db) if db.is_unique_violation())
}

fn count(row: &PgRow, column: &str) -> Result<u32, Error> {
    let n: i64 = row.try_get(column)?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

fn flag(row: &PgRow, column: &str) -> Result<bool, Error> {
    Ok(row.try_get(column)?)
}

fn digests(text: &str) -> Result<Digests, Error> {
    Digests::from_canonical(text).ok_or_else(|| Error::Internal("stored digests unreadable".into()))
}

/// A single-use secret's state from its `attempts` and `used` columns.
fn secret_state_of(row: &PgRow) -> Result<SecretState, Error> {
    Ok(SecretState {
        attempts: count(row, "attempts")?,
        used: flag(row, "used")?,
    })
}

/// Locks her account row until the transaction ends: the PostgreSQL counterpart of the write
/// lock a SQLite transaction holds, taken first by every transaction that changes her account
/// beside other rows. False when there is no such account.
async fn lock_citizen(conn: &mut PgConnection, citizen_id: &str) -> Result<bool, Error> {
    let row = sqlx::query("SELECT id FROM citizens WHERE id = $1 FOR UPDATE")
        .bind(citizen_id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.is_some())
}

/// Holds the lock of one email address (in any letter case) until the transaction ends: every
/// write that gives an account an email checks R23 under it, so two cannot both pass.
async fn lock_email(conn: &mut PgConnection, email: &str) -> Result<(), Error> {
    sqlx::query("SELECT pg_advisory_xact_lock($1, hashtext(lower($2)))")
        .bind(LOCK_EMAIL)
        .bind(email)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
