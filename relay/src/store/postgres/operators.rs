//! Registry-office operators and entity administrators, and their sessions.

use async_trait::async_trait;
use sqlx::Row;
use sqlx::postgres::PgRow;

use super::{PgStore, count, is_unique_violation};
use crate::Error;
use crate::records::Operator;
use crate::store::OperatorStore;

fn operator_from_row(r: &PgRow) -> Result<Operator, Error> {
    Ok(Operator {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        password_hash: r.try_get("password_hash")?,
        phone: r.try_get("phone")?,
        failures: count(r, "failures")?,
        entity_id: r.try_get("entity_id")?,
    })
}

#[async_trait]
impl OperatorStore for PgStore {
    async fn insert_operator(&self, o: &Operator, now: i64) -> Result<(), Error> {
        let done = sqlx::query(
            "INSERT INTO operators (id, name, password_hash, phone, entity_id, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&o.id)
        .bind(&o.name)
        .bind(&o.password_hash)
        .bind(&o.phone)
        .bind(&o.entity_id)
        .bind(now)
        .execute(&self.pool)
        .await;
        match done {
            Ok(_) => Ok(()),
            Err(e) if is_unique_violation(&e) => {
                Err(Error::Conflict("an operator with this name exists"))
            }
            Err(e) => Err(e.into()),
        }
    }

    async fn operator_by_name(&self, name: &str) -> Result<Option<Operator>, Error> {
        let row = sqlx::query("SELECT * FROM operators WHERE name = $1")
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(operator_from_row).transpose()
    }

    async fn operator_by_id(&self, id: &str) -> Result<Option<Operator>, Error> {
        let row = sqlx::query("SELECT * FROM operators WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(operator_from_row).transpose()
    }

    async fn reserve_operator_entry(&self, id: &str, budget: u32) -> Result<bool, Error> {
        let done = sqlx::query(
            "UPDATE operators SET failures = failures + 1 WHERE id = $1 AND failures < $2",
        )
        .bind(id)
        .bind(i64::from(budget))
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn clear_operator_failures(&self, id: &str) -> Result<(), Error> {
        sqlx::query("UPDATE operators SET failures = 0 WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn insert_operator_session(
        &self,
        token_hash: &[u8],
        operator_id: &str,
        now: i64,
    ) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO operator_sessions (token_hash, operator_id, last_used_at, created_at)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash)
        .bind(operator_id)
        .bind(now)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn operator_of_session(
        &self,
        token_hash: &[u8],
        now: i64,
        idle: i64,
    ) -> Result<Option<Operator>, Error> {
        let row = sqlx::query(
            "UPDATE operator_sessions SET last_used_at = $1
             WHERE token_hash = $2 AND last_used_at >= $3 RETURNING operator_id",
        )
        .bind(now)
        .bind(token_hash)
        .bind(now - idle)
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some(r) => {
                self.operator_by_id(&r.try_get::<String, _>("operator_id")?)
                    .await
            }
            None => Ok(None),
        }
    }
}
