//! The audit trail's table: appended at the end of the chain, read in pages to verify it.

use async_trait::async_trait;
use sqlx::Row;
use sqlx::sqlite::{SqliteConnection, SqliteRow};

use super::secrets::update_secret_on;
use super::{SqliteStore, is_unique_violation};
use crate::Error;
use crate::audit::{Entry, Event, GENESIS, link_hash};
use crate::identity::one_time::SecretState;
use crate::store::{AuditStore, SecretRow};

/// How many times an append retries when other writers took its place first.
const APPEND_TRIES: usize = 64;

fn entry_from_row(r: &SqliteRow) -> Result<Entry, Error> {
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
impl AuditStore for SqliteStore {
    async fn append_audit(&self, event: &Event, at: i64) -> Result<i64, Error> {
        // Within this relay appends queue one at a time; the place is taken by inserting its
        // `seq` (the primary key), so when another relay sharing the database took it first,
        // this one reads the new end and tries again.
        let _one_at_a_time = self.audit_append.lock().await;
        let mut conn = self.pool.acquire().await?;
        append_on(&mut conn, event, at).await
    }

    async fn consume_sad_audited(
        &self,
        sad_hash: &[u8],
        from: SecretState,
        to: SecretState,
        event: &Event,
        at: i64,
    ) -> Result<bool, Error> {
        let _one_at_a_time = self.audit_append.lock().await;
        let mut tx = self.pool.begin().await?;
        // The write comes first, so the transaction holds the database's write lock before
        // it reads the chain's end: no other writer can take that place meanwhile.
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
        sqlx::query("SELECT * FROM audit_events WHERE seq > ? ORDER BY seq LIMIT ?")
            .bind(after)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(entry_from_row)
            .collect()
    }

    async fn audit_of(&self, citizen_id: &str, limit: i64) -> Result<Vec<Entry>, Error> {
        sqlx::query("SELECT * FROM audit_events WHERE citizen_id = ? ORDER BY seq DESC LIMIT ?")
            .bind(citizen_id)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(entry_from_row)
            .collect()
    }
}

/// Appends `event` at the chain's end using `conn` (a pooled connection, or a transaction that
/// already holds the write lock).
async fn append_on(conn: &mut SqliteConnection, event: &Event, at: i64) -> Result<i64, Error> {
    let detail = event.detail.to_string();
    for _ in 0..APPEND_TRIES {
        let last = sqlx::query("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1")
            .fetch_optional(&mut *conn)
            .await?;
        let (seq, prev) = match last {
            Some(r) => (
                r.try_get::<i64, _>("seq")? + 1,
                r.try_get::<Vec<u8>, _>("hash")?,
            ),
            None => (1, GENESIS.to_vec()),
        };
        let hash = link_hash(
            &prev,
            seq,
            at,
            event.kind,
            event.citizen_id.as_deref(),
            event.operator.as_deref(),
            &detail,
        );
        let inserted = sqlx::query(
            "INSERT INTO audit_events (seq, at, kind, citizen_id, operator, detail, prev_hash, hash)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(seq)
        .bind(at)
        .bind(event.kind)
        .bind(event.citizen_id.as_deref())
        .bind(event.operator.as_deref())
        .bind(&detail)
        .bind(&prev)
        .bind(hash.as_slice())
        .execute(&mut *conn)
        .await;
        match inserted {
            Ok(_) => return Ok(seq),
            Err(e) if is_unique_violation(&e) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(Error::Internal(
        "the audit trail kept moving under us".into(),
    ))
}
