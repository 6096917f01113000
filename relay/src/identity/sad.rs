//! Signature activation data. The custody backend signs a citizen's digests only with a
//! `VerifiedSad`, and the only way to get one is `verify_sad`, which consumes the SAD: single
//! use, unexpired, same credential, exactly the authorized hashes, credential still usable.
//! The SAD is spent in the same transaction that writes its "signature" entry to the audit
//! trail, so a signing call commits once.

use super::one_time::{SecretEvent, SecretPolicy, SecretRefused, transition};
use super::session::Session;
use crate::audit::Event;
use crate::crypto::secret_hash;
use crate::domain::{CredentialId, Digests};
use crate::keys::StoredKey;
use crate::{Error, Relay};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::json;

/// Proof that a SAD was checked and consumed for these digests. Only `verify_sad` builds it.
pub struct VerifiedSad {
    credential: CredentialId,
    digests: Digests,
}

impl VerifiedSad {
    pub fn credential(&self) -> &CredentialId {
        &self.credential
    }

    pub fn digests(&self) -> &[[u8; 32]] {
        self.digests.as_slice()
    }

    #[cfg(test)]
    pub(crate) fn for_tests(credential: &CredentialId, digests: &[[u8; 32]]) -> Self {
        Self {
            credential: credential.clone(),
            digests: Digests::new(digests.to_vec()).unwrap_or_else(|| unreachable!()),
        }
    }
}

/// A spent SAD and the citizen key it unlocks, read once when the SAD was checked: what
/// `sign_hashes` needs.
pub struct SpentSad {
    sad: VerifiedSad,
    key: StoredKey,
}

impl Relay {
    pub async fn verify_sad(
        &self,
        session: &Session,
        credential_id: &CredentialId,
        sad: &str,
        digests: &Digests,
    ) -> Result<SpentSad, Error> {
        let credential = self.own_credential(session, credential_id).await?;
        let now = self.now();
        credential.ensure_usable(now)?;
        let sad_hash = secret_hash("sad", sad);
        let stored = self
            .store
            .sad(&sad_hash)
            .await?
            .ok_or(Error::InvalidSad("unknown"))?;
        if stored.credential_id != credential.id {
            return Err(Error::InvalidSad("issued for another credential"));
        }
        if &stored.digests != digests {
            return Err(Error::InvalidSad("it does not authorize these hashes"));
        }
        let policy = SecretPolicy {
            expires_at: stored.expires_at,
            max_attempts: 1,
        };
        let spent = match transition(stored.state, policy, SecretEvent::Consume { now }) {
            Ok(spent) => spent,
            Err(SecretRefused::Expired) => return Err(Error::InvalidSad("expired")),
            Err(_) => return Err(Error::InvalidSad("already used")),
        };
        // Spent and recorded in one commit: the trail names every SAD spent, with its hashes,
        // before a signature is made (a failure to sign after this is recorded too).
        let event = Event::new("signature")
            .citizen(&credential.citizen_id)
            .detail(json!({
                "credentialID": credential.id.as_str(),
                "hashes": stored.digests.as_slice().iter().map(|d| STANDARD.encode(d)).collect::<Vec<_>>(),
            }));
        if !self
            .store
            .consume_sad_audited(&sad_hash, stored.state, spent, &event, now)
            .await?
        {
            return Err(Error::InvalidSad("already used"));
        }
        Ok(SpentSad {
            sad: VerifiedSad {
                credential: credential.id,
                digests: stored.digests,
            },
            key: StoredKey(credential.wrapped_key),
        })
    }

    /// Signs the digests a spent SAD authorized, with the citizen's key.
    pub async fn sign_hashes(
        &self,
        session: &Session,
        spent: SpentSad,
    ) -> Result<Vec<Vec<u8>>, Error> {
        let credential_id = spent.sad.credential().clone();
        let signed = self.sign_spent(session, spent).await;
        if let Ok(signatures) = &signed {
            self.metrics.signed(signatures.len());
        }
        if let Err(e) = &signed {
            // The trail already holds the SAD's "signature" entry: say that none was made.
            self.audit(
                Event::new("signature-failed")
                    .citizen(&session.citizen_id)
                    .detail(
                        json!({ "credentialID": credential_id.as_str(), "error": e.to_string() }),
                    ),
            )
            .await?;
        }
        signed
    }

    /// The credential was usable when its SAD was spent, in the commit that recorded it: that
    /// is the moment the signature was authorized, so it is not read again here.
    async fn sign_spent(&self, session: &Session, spent: SpentSad) -> Result<Vec<Vec<u8>>, Error> {
        let kek = session.kek()?;
        let custody = self.custody.clone();
        let SpentSad { sad, key } = spent;
        // ECDSA is CPU work: keep it off the async workers.
        tokio::task::spawn_blocking(move || custody.sign_citizen(sad, &key, &kek))
            .await
            .map_err(|e| Error::internal("signing task", e))?
    }
}
