//! SADs: single-use signing authorisations, bound to their digests.

use crate::domain::{CredentialId, Digests};
use crate::identity::one_time::SecretState;

#[derive(Debug, Clone)]
pub struct Sad {
    pub credential_id: CredentialId,
    pub digests: Digests,
    pub state: SecretState,
    pub expires_at: i64,
}
