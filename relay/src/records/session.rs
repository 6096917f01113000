//! Sessions: bearer tokens (stored hashed) and their sealed key-encryption key.

use nubefirma_protocol::{AuthKey, Level};

#[derive(Debug, Clone)]
pub struct Session {
    pub citizen_id: String,
    /// Empty for a PIN session, which has no key-encryption key.
    pub sealed_kek: Vec<u8>,
    pub last_used_at: i64,
    pub key: AuthKey,
    pub level: Level,
}

/// A new session's row.
pub struct NewSession<'a> {
    pub token_hash: &'a [u8],
    pub citizen_id: &'a str,
    pub sealed_kek: &'a [u8],
    pub key: AuthKey,
    pub level: Level,
}
