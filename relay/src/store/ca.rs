//! The CA material (certificates, sealed keys), written once in one transaction.

use sqlx::Row;

use super::*;
use crate::Error;

impl Store {
    pub async fn ca_material(&self, name: &str) -> Result<Option<Vec<u8>>, Error> {
        let row = sqlx::query("SELECT value FROM ca_material WHERE name = ?")
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get("value")).transpose()?)
    }

    /// Stores all CA items in one transaction, so a crash never leaves half a CA.
    pub async fn save_ca_material(&self, items: &[(&str, Vec<u8>)]) -> Result<(), Error> {
        let mut tx = self.pool.begin().await?;
        for (name, value) in items {
            sqlx::query("INSERT INTO ca_material (name, value) VALUES (?, ?)")
                .bind(*name)
                .bind(value)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
