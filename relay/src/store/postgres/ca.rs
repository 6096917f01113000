//! The CA material (certificates, sealed keys).

use async_trait::async_trait;
use sqlx::Row;

use super::PgStore;
use crate::Error;
use crate::store::CaStore;

#[async_trait]
impl CaStore for PgStore {
    async fn ca_material(&self, name: &str) -> Result<Option<Vec<u8>>, Error> {
        let row = sqlx::query("SELECT value FROM ca_material WHERE name = $1")
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get("value")).transpose()?)
    }

    async fn save_ca_material(&self, items: &[(&str, Vec<u8>)]) -> Result<(), Error> {
        // One transaction: an item already there (another relay made the CA first) fails the
        // insert, and the rollback leaves none of these items.
        let mut tx = self.pool.begin().await?;
        for (name, value) in items {
            sqlx::query("INSERT INTO ca_material (name, value) VALUES ($1, $2)")
                .bind(*name)
                .bind(value)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
