//! Credentials: certificates and their wrapped keys, with status and revocation.

use async_trait::async_trait;

use crate::Error;
use crate::domain::CredentialId;
use crate::identity::credential::StoredStatus;
use crate::records::Credential;

#[async_trait]
pub trait CredentialStore: Send + Sync {
    /// Stores `c`, made at `now`.
    async fn insert_credential(&self, c: &Credential, now: i64) -> Result<(), Error>;

    /// A citizen's credentials, oldest first.
    async fn credentials_of(&self, citizen_id: &str) -> Result<Vec<Credential>, Error>;

    async fn credential(&self, id: &CredentialId) -> Result<Option<Credential>, Error>;

    async fn credential_by_serial(&self, serial_hex: &str) -> Result<Option<Credential>, Error>;

    /// Every revoked credential with a certificate serial (for the CRL), in revocation order.
    async fn revoked_credentials(&self) -> Result<Vec<Credential>, Error>;

    /// Compare-and-set of a credential's status; `revoked_at`/`reason` are recorded with it.
    async fn update_credential_status(
        &self,
        id: &CredentialId,
        from: StoredStatus,
        to: StoredStatus,
        revoked_at: Option<i64>,
        reason: Option<&str>,
    ) -> Result<bool, Error>;
}
