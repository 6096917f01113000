//! The development SMS/email outbox (`--dev` only).

use sqlx::Row;

use super::*;
use crate::Error;

impl Store {
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
