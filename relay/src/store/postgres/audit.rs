//! The audit trail's table: appended at the end of the chain, read in pages to verify it.
//!
//! Every append holds a transaction-level advisory lock (`LOCK_AUDIT`) from before it reads
//! the chain's end until its commit. At READ COMMITTED each statement sees what was committed
//! before it began, and the previous holder released the lock only by committing, so the end
//! read is the true end: appends from any number of relays queue and never fork the chain. The
//! `seq` primary key stays as a second guard (a fork would be a unique violation, never a
//! silent branch). Unlike the SQLite backend, the end is not remembered between appends: read
//! under the lock it costs one index lookup, and it is never stale.

use async_trait::async_trait;
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, Row};

use super::secrets::update_secret_on;
use super::{LOCK_AUDIT, PgStore};
use crate::Error;
use crate::audit::{Entry, Event, GENESIS, link_hash};
use crate::identity::one_time::SecretState;
use crate::store::{AuditStore, SecretRow};

fn entry_from_row(r: &PgRow) -> Result<Entry, Error> {
    Ok(Entry {
        seq: r.try_get("seq")?,
        at: r.try_get("at")?,
        kind: r.try_get("kind")?,
        citizen_id: r.try_get("citizen_id")?,
        operator: r.try_get("operator")?,
        detail: r.try_get("detail")?,
        prev_hash: r.try_get("prev_hash")?,
        hash: r.try_get("hash")?,
    })
}

#[async_trait]
impl AuditStore for PgStore {
    async fn append_audit(&self, event: &Event, at: i64) -> Result<i64, Error> {
        let mut tx = self.pool.begin().await?;
        let seq = append_on(&mut tx, event, at).await?;
        tx.commit().await?;
        Ok(seq)
    }

    async fn consume_sad_audited(
        &self,
        sad_hash: &[u8],
        from: SecretState,
        to: SecretState,
        event: &Event,
        at: i64,
    ) -> Result<bool, Error> {
        let mut tx = self.pool.begin().await?;
        // The SAD first: its row lock makes parallel spenders wait for this commit, and then
        // find it spent. Only the winner queues for the chain's lock, so a refused SAD never
        // waits behind other relays' appends. (Order: SAD row, then the audit lock; appends
        // take only the audit lock, so no cycle.)
        let spent = update_secret_on(&mut tx, SecretRow::Sad { hash: sad_hash }, from, to).await?;
        if !spent {
            tx.rollback().await?;
            return Ok(false);
        }
        append_on(&mut tx, event, at).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn audit_page(&self, after: i64, limit: i64) -> Result<Vec<Entry>, Error> {
        sqlx::query("SELECT * FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT $2")
            .bind(after)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(entry_from_row)
            .collect()
    }

    async fn audit_of(&self, citizen_id: &str, limit: i64) -> Result<Vec<Entry>, Error> {
        sqlx::query("SELECT * FROM audit_events WHERE citizen_id = $1 ORDER BY seq DESC LIMIT $2")
            .bind(citizen_id)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(entry_from_row)
            .collect()
    }
}

/// Appends `event` at the chain's end inside the transaction `tx`, which holds the chain's
/// lock from here to its commit or rollback. Returns the new entry's `seq`.
async fn append_on(tx: &mut PgConnection, event: &Event, at: i64) -> Result<i64, Error> {
    sqlx::query("SELECT pg_advisory_xact_lock($1, 0)")
        .bind(LOCK_AUDIT)
        .execute(&mut *tx)
        .await?;
    let last = sqlx::query("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1")
        .fetch_optional(&mut *tx)
        .await?;
    let (seq, prev) = match last {
        Some(r) => (
            r.try_get::<i64, _>("seq")? + 1,
            r.try_get::<Vec<u8>, _>("hash")?,
        ),
        None => (1, GENESIS.to_vec()),
    };
    let detail = event.detail.to_string();
    let hash = link_hash(
        &prev,
        seq,
        at,
        event.kind,
        event.citizen_id.as_deref(),
        event.operator.as_deref(),
        &detail,
    );
    sqlx::query(
        "INSERT INTO audit_events (seq, at, kind, citizen_id, operator, detail, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(seq)
    .bind(at)
    .bind(event.kind)
    .bind(event.citizen_id.as_deref())
    .bind(event.operator.as_deref())
    .bind(&detail)
    .bind(&prev)
    .bind(hash.as_slice())
    .execute(&mut *tx)
    .await?;
    Ok(seq)
}
