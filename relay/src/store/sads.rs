//! SADs: single-use signing authorisations, bound to their digests.

use sqlx::Row;

use super::*;
use crate::Error;

impl Store {
    pub async fn insert_sad(
        &self,
        sad_hash: &[u8],
        credential_id: &CredentialId,
        digests: &Digests,
        expires_at: i64,
    ) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO sads (sad_hash, credential_id, hashes, expires_at, used) VALUES (?, ?, ?, ?, 0)",
        )
        .bind(sad_hash)
        .bind(credential_id.as_str())
        .bind(digests.to_canonical())
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn sad(&self, sad_hash: &[u8]) -> Result<Option<Sad>, Error> {
        let row = sqlx::query("SELECT * FROM sads WHERE sad_hash = ?")
            .bind(sad_hash)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| {
            let hashes: String = r.try_get("hashes")?;
            Ok(Sad {
                credential_id: CredentialId::from_stored(r.try_get("credential_id")?),
                digests: digests(&hashes)?,
                state: SecretState {
                    attempts: 0,
                    used: flag(&r, "used")?,
                },
                expires_at: r.try_get("expires_at")?,
            })
        })
        .transpose()
    }
}
