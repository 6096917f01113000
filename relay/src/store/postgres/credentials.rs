//! Credentials: certificates and their wrapped keys, with status and revocation.

use async_trait::async_trait;
use sqlx::Row;
use sqlx::postgres::PgRow;

use super::PgStore;
use crate::Error;
use crate::domain::CredentialId;
use crate::identity::credential::StoredStatus;
use crate::records::Credential;
use crate::store::CredentialStore;

/// Inserts `c`, made at `now`, through `conn` (the pool, or a transaction it belongs to).
pub(super) async fn insert_credential_on(
    conn: &mut sqlx::PgConnection,
    c: &Credential,
    now: i64,
) -> Result<(), Error> {
    sqlx::query(
        "INSERT INTO credentials (id, citizen_id, cert_der, wrapped_key, status, not_after,
            created_at, serial_hex)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(c.id.as_str())
    .bind(&c.citizen_id)
    .bind(&c.cert_der)
    .bind(&c.wrapped_key)
    .bind(c.status.as_str())
    .bind(c.not_after)
    .bind(now)
    .bind(&c.serial_hex)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

fn credential_from_row(r: &PgRow) -> Result<Credential, Error> {
    let status: String = r.try_get("status")?;
    Ok(Credential {
        id: CredentialId::from_stored(r.try_get("id")?),
        citizen_id: r.try_get("citizen_id")?,
        cert_der: r.try_get("cert_der")?,
        wrapped_key: r.try_get("wrapped_key")?,
        status: StoredStatus::parse(&status)
            .ok_or_else(|| Error::Internal(format!("unknown credential status {status}")))?,
        not_after: r.try_get("not_after")?,
        serial_hex: r.try_get("serial_hex")?,
        revoked_at: r.try_get("revoked_at")?,
        revocation_reason: r.try_get("revocation_reason")?,
    })
}

#[async_trait]
impl CredentialStore for PgStore {
    async fn insert_credential(&self, c: &Credential, now: i64) -> Result<(), Error> {
        let mut conn = self.pool.acquire().await?;
        insert_credential_on(&mut conn, c, now).await
    }

    async fn credentials_of(&self, citizen_id: &str) -> Result<Vec<Credential>, Error> {
        let rows =
            sqlx::query("SELECT * FROM credentials WHERE citizen_id = $1 ORDER BY created_at, id")
                .bind(citizen_id)
                .fetch_all(&self.pool)
                .await?;
        rows.iter().map(credential_from_row).collect()
    }

    async fn credential(&self, id: &CredentialId) -> Result<Option<Credential>, Error> {
        let row = sqlx::query("SELECT * FROM credentials WHERE id = $1")
            .bind(id.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(credential_from_row).transpose()
    }

    async fn credential_by_serial(&self, serial_hex: &str) -> Result<Option<Credential>, Error> {
        let row = sqlx::query("SELECT * FROM credentials WHERE serial_hex = $1")
            .bind(serial_hex)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(credential_from_row).transpose()
    }

    async fn revoked_credentials(&self) -> Result<Vec<Credential>, Error> {
        let rows = sqlx::query(
            "SELECT * FROM credentials WHERE status = 'revoked' AND serial_hex IS NOT NULL
             ORDER BY revoked_at, id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(credential_from_row).collect()
    }

    async fn update_credential_status(
        &self,
        id: &CredentialId,
        from: StoredStatus,
        to: StoredStatus,
        revoked_at: Option<i64>,
        reason: Option<&str>,
    ) -> Result<bool, Error> {
        let done = sqlx::query(
            "UPDATE credentials SET status = $1, revoked_at = COALESCE($2, revoked_at),
                revocation_reason = COALESCE($3, revocation_reason)
             WHERE id = $4 AND status = $5",
        )
        .bind(to.as_str())
        .bind(revoked_at)
        .bind(reason)
        .bind(id.as_str())
        .bind(from.as_str())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }
}
