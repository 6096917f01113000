//! Activations: the SMS step between the activation code and the first password.

use sqlx::Row;

use super::*;
use crate::Error;

impl Store {
    pub async fn insert_activation(&self, a: &Activation) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO activations (id, citizen_id, sms_code_mac, attempts, expires_at, used)
             VALUES (?, ?, ?, 0, ?, 0)",
        )
        .bind(&a.id)
        .bind(&a.citizen_id)
        .bind(&a.sms_code_mac)
        .bind(a.expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn activation(&self, id: &str) -> Result<Option<Activation>, Error> {
        let row = sqlx::query("SELECT * FROM activations WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| {
            Ok(Activation {
                id: r.try_get("id")?,
                citizen_id: r.try_get("citizen_id")?,
                sms_code_mac: r.try_get("sms_code_mac")?,
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
