//! Coordinate cards (R21): the MAC of each position's number, never the numbers.

use sqlx::Row;

use super::*;
use crate::Error;

impl Store {
    /// Gives her this card (replacing any earlier one) and makes it her second factor.
    pub async fn save_card(
        &self,
        citizen_id: &str,
        card: &StoredCard,
        now: i64,
    ) -> Result<bool, Error> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE citizens SET second_factor = 'card' WHERE id = ? AND status = 'active'",
        )
        .bind(citizen_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO coordinate_cards (citizen_id, serial, value_macs, created_at)
             VALUES (?, ?, ?, ?)
             ON CONFLICT (citizen_id) DO UPDATE SET serial = excluded.serial,
                value_macs = excluded.value_macs, created_at = excluded.created_at",
        )
        .bind(citizen_id)
        .bind(&card.serial)
        .bind(&card.value_macs)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        // Codes asked from an earlier card, or sent by SMS, stop working.
        sqlx::query("UPDATE codes SET used = 1 WHERE citizen_id = ? AND used = 0")
            .bind(citizen_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    pub async fn card(&self, citizen_id: &str) -> Result<Option<StoredCard>, Error> {
        let row =
            sqlx::query("SELECT serial, value_macs FROM coordinate_cards WHERE citizen_id = ?")
                .bind(citizen_id)
                .fetch_optional(&self.pool)
                .await?;
        row.map(|r| {
            Ok(StoredCard {
                serial: r.try_get("serial")?,
                value_macs: r.try_get("value_macs")?,
            })
        })
        .transpose()
    }

    /// Drops her card for SMS codes (her choice, or renewal); codes asked from the card stop
    /// working. False: she had no card.
    pub async fn drop_card(&self, citizen_id: &str) -> Result<bool, Error> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE citizens SET second_factor = 'sms' WHERE id = ? AND second_factor = 'card'",
        )
        .bind(citizen_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM coordinate_cards WHERE citizen_id = ?")
            .bind(citizen_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE codes SET used = 1 WHERE citizen_id = ? AND used = 0 AND card_position IS NOT NULL",
        )
        .bind(citizen_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }
}
