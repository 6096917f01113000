//! The CA material (certificates, sealed keys).

use async_trait::async_trait;
use sqlx::Row;

use super::SqliteStore;
use crate::Error;
use crate::store::CaStore;

#[async_trait]
impl CaStore for SqliteStore {
    async fn ca_material(&self, name: &str) -> Result<Option<Vec<u8>>, Error> {
        let row = sqlx::query("SELECT value FROM ca_material WHERE name = ?")
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get("value")).transpose()?)
    }

    async fn save_ca_material(&self, items: &[(&str, Vec<u8>)]) -> Result<(), Error> {
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
