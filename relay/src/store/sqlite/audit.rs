//! The audit trail's table: appended at the end of the chain, read in pages to verify it.

use async_trait::async_trait;
use sqlx::Row;
use sqlx::sqlite::{SqliteConnection, SqliteRow};

use super::secrets::update_secret_on;
use super::{ChainEnd, SqliteStore, is_unique_violation};
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
        let mut head = self.audit_head.lock().await;
        let mut conn = self.pool.acquire().await?;
        let appended = append_on(&mut conn, head.take(), event, at).await?;
        let seq = appended.0;
        *head = Some(appended);
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
        let mut head = self.audit_head.lock().await;
        let known_head = head.take();
        let mut tx = self.pool.begin().await?;
        // The write comes first, so the transaction holds the database's write lock before
        // it reads the chain's end: no other writer can take that place meanwhile.
        let spent = update_secret_on(&mut tx, SecretRow::Sad { hash: sad_hash }, from, to).await?;
        if !spent {
            tx.rollback().await?;
            *head = known_head;
            return Ok(false);
        }
        let appended = append_on(&mut tx, known_head, event, at).await?;
        tx.commit().await?;
        // Only a committed entry becomes the known end (an error above leaves it unknown).
        *head = Some(appended);
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
/// already holds the write lock). `known_head` is the end this relay last wrote, which saves
/// reading it: if another relay has appended since, its `seq` is taken, the insert fails, and
/// the end is read. Returns the new entry's `seq` and hash.
async fn append_on(
    conn: &mut SqliteConnection,
    mut known_head: Option<ChainEnd>,
    event: &Event,
    at: i64,
) -> Result<ChainEnd, Error> {
    let detail = event.detail.to_string();
    for _ in 0..APPEND_TRIES {
        let (seq, prev) = match known_head.take() {
            Some((last, hash)) => (last + 1, hash),
            None => {
                let last =
                    sqlx::query("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1")
                        .fetch_optional(&mut *conn)
                        .await?;
                match last {
                    Some(r) => (
                        r.try_get::<i64, _>("seq")? + 1,
                        r.try_get::<Vec<u8>, _>("hash")?,
                    ),
                    None => (1, GENESIS.to_vec()),
                }
            }
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
            Ok(_) => return Ok((seq, hash.to_vec())),
            Err(e) if is_unique_violation(&e) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(Error::Internal(
        "the audit trail kept moving under us".into(),
    ))
}
