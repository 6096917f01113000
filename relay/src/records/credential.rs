//! Credentials: certificates and their wrapped keys, with status and revocation.

use crate::domain::CredentialId;
use crate::identity::credential::StoredStatus;

#[derive(Debug, Clone)]
pub struct Credential {
    pub id: CredentialId,
    pub citizen_id: String,
    pub cert_der: Vec<u8>,
    pub wrapped_key: Vec<u8>,
    pub status: StoredStatus,
    pub not_after: i64,
    pub serial_hex: Option<String>,
    pub revoked_at: Option<i64>,
    pub revocation_reason: Option<String>,
}
