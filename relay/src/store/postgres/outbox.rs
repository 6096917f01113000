//! The development SMS/email outbox (`--dev` only). In the database, so any relay sharing it
//! shows the messages every other relay sent.

use async_trait::async_trait;
use sqlx::Row;
use sqlx::postgres::PgRow;

use super::PgStore;
use crate::Error;
use crate::records::OutboxRow;
use crate::store::OutboxStore;

fn outbox_from_row(r: &PgRow) -> Result<OutboxRow, Error> {
    Ok(OutboxRow {
        recipient: r.try_get("recipient")?,
        channel: r.try_get("channel")?,
        text: r.try_get("text")?,
        sent_at: r.try_get("sent_at")?,
    })
}

#[async_trait]
impl OutboxStore for PgStore {
    async fn push_outbox(&self, msg: &OutboxRow) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO outbox (recipient, channel, text, sent_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(&msg.recipient)
        .bind(&msg.channel)
        .bind(&msg.text)
        .bind(msg.sent_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn outbox(&self, recipient: Option<&str>) -> Result<Vec<OutboxRow>, Error> {
        let rows = match recipient {
            Some(to) => {
                sqlx::query("SELECT * FROM outbox WHERE recipient = $1 ORDER BY id")
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
        rows.iter().map(outbox_from_row).collect()
    }
}
