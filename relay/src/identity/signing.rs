//! Signing (R19): an SMS one-time password per signature, traded by `credentials/authorize`
//! for a SAD bound to exactly the hashes it authorizes (SCAL2). The SMS names the number of
//! documents and repeats the verification code the signing page shows, so a page that swapped
//! the documents is caught by the citizen.

use nubefirma_protocol::verification::verification_code;

use super::codes::Purpose;
use super::session::Session;
use crate::crypto::{random_token, secret_hash};
use crate::domain::{CredentialId, Digests, IssuedSad};
use crate::limits::{OTP_LIFETIME_SECONDS, SAD_LIFETIME_SECONDS};
use crate::notify::texts;
use crate::{Error, Relay};
use nubefirma_protocol::Lang;

/// What the citizen is told she is signing when the code is sent.
pub enum DocumentBinding<'a> {
    /// The hashes to sign: the code works only for them, and the SMS shows their count and
    /// verification code.
    Hashes(&'a Digests),
    /// A CSC v1 client cannot send hashes with `sendOTP`: the SMS says so plainly. Refused
    /// unless the relay allows that path.
    NotGiven,
}

impl Relay {
    /// `credentials/sendOTP` for signing. For an account with a coordinate card no SMS goes:
    /// returns the position whose number is the code (R21).
    pub async fn send_signing_otp(
        &self,
        session: &Session,
        credential_id: &CredentialId,
        binding: DocumentBinding<'_>,
        lang: Lang,
    ) -> Result<Option<&'static str>, Error> {
        let credential = self.own_credential(session, credential_id).await?;
        credential.ensure_usable(self.now())?;
        let citizen = self.citizen_of(session).await?;
        // What the SMS can say about the documents: their count and verification code.
        let (hashes, shown) = match binding {
            DocumentBinding::Hashes(digests) => (
                Some(digests.clone()),
                Some((digests.len(), verification_code(digests.as_slice()))),
            ),
            DocumentBinding::NotGiven if self.options.allow_unbound_otp => (None, None),
            DocumentBinding::NotGiven => {
                return Err(Error::InvalidRequest(
                    "hashes: required, so that the code works only for these documents and the SMS can show them".into(),
                ));
            }
        };
        let text = move |code: &str| match &shown {
            Some((count, vc)) => texts::signing(lang, code, *count, vc, OTP_LIFETIME_SECONDS),
            None => texts::signing_unbound(lang, code, OTP_LIFETIME_SECONDS),
        };
        let sent = self
            .send_code(
                &citizen,
                Purpose::Signing,
                Some(credential.id),
                hashes,
                text,
            )
            .await?;
        Ok(sent.card_position)
    }

    /// `credentials/authorize` (explicit mode): OTP → SAD for exactly `digests`.
    pub async fn authorize(
        &self,
        session: &Session,
        credential_id: &CredentialId,
        digests: &Digests,
        otp: &str,
    ) -> Result<IssuedSad, Error> {
        let credential = self.own_credential(session, credential_id).await?;
        let now = self.now();
        credential.ensure_usable(now)?;
        let citizen = self.citizen_of(session).await?;
        let code = self.pending_code(&citizen, Purpose::Signing, None).await?;
        if code.credential_id.as_ref() != Some(&credential.id) {
            return Err(Error::InvalidRequest(
                "credentialID: the code was sent for another credential; ask for a new code".into(),
            ));
        }
        if let Some(bound) = &code.hashes
            && bound != digests
        {
            return Err(Error::InvalidRequest(
                "hashes: these are not the documents the code was sent for; ask for a new code"
                    .into(),
            ));
        }
        self.try_code(&citizen, Purpose::Signing, &code, otp)
            .await?;
        let sad = random_token();
        self.store
            .insert_sad(
                &secret_hash("sad", &sad),
                &credential.id,
                digests,
                now + SAD_LIFETIME_SECONDS,
            )
            .await?;
        Ok(IssuedSad {
            sad,
            expires_in: SAD_LIFETIME_SECONDS,
        })
    }
}
