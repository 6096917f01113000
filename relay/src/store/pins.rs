//! PIN keys (R4): a short-lived code by SMS, or a decoy for an ID and date that name no account
//! that may use one.

use sqlx::Row;

use super::*;
use crate::Error;

impl Store {
    pub async fn insert_pin(&self, pin: &Pin) -> Result<(), Error> {
        sqlx::query("INSERT INTO pins (id, citizen_id, code_mac, expires_at) VALUES (?, ?, ?, ?)")
            .bind(&pin.id)
            .bind(&pin.citizen_id)
            .bind(&pin.code_mac)
            .bind(pin.expires_at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn pin(&self, id: &str) -> Result<Option<Pin>, Error> {
        let row = sqlx::query("SELECT * FROM pins WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| {
            Ok(Pin {
                id: r.try_get("id")?,
                citizen_id: r.try_get("citizen_id")?,
                code_mac: r.try_get("code_mac")?,
                state: SecretState {
                    attempts: count(&r, "attempts")?,
                    used: flag(&r, "used")?,
                },
                expires_at: r.try_get("expires_at")?,
            })
        })
        .transpose()
    }
}
