//! Professional certificates (R6, R13): entities, and the invitations whose six steps live in
//! one record.

use crate::identity::invitation::InvitationState;

/// An employer whose employees may hold a professional certificate.
#[derive(Debug, Clone)]
pub struct Entity {
    pub id: String,
    /// O in the certificate.
    pub name: String,
    /// organizationIdentifier in the certificate (`VATES-P2000000J`).
    pub org_identifier: String,
}

/// A person the invitation registers, pending activation (she had no account).
#[derive(Debug, Clone)]
pub struct PendingCitizen {
    pub id: String,
    pub id_number: String,
    pub given_name: String,
    pub surname: String,
    pub birth_date: String,
    pub phone: String,
    pub email: String,
    pub created_at: i64,
}

#[derive(Debug, Clone)]
pub struct Invitation {
    pub id: String,
    pub entity_id: String,
    /// The administrator's operator id.
    pub invited_by: String,
    pub citizen_id: String,
    /// Her account was made (or was still pending) when invited: step 4 chooses its password
    /// and step 6 activates it.
    pub new_account: bool,
    pub token_hash: Vec<u8>,
    pub id_document_expiry: String,
    pub role: String,
    pub email: String,
    pub lang: String,
    pub state: InvitationState,
    pub code_mac: Option<Vec<u8>>,
    pub code_expires_at: Option<i64>,
    pub password_hash: Option<String>,
    pub kek_salt: Option<Vec<u8>>,
    pub sealed_kek: Option<Vec<u8>>,
    pub kek_of: Option<String>,
    pub credential_id: Option<String>,
    pub expires_at: i64,
    pub created_at: i64,
    pub finished_at: Option<i64>,
}
