//! SMS one-time passwords for signing (R19) and `credentials/authorize`, which trades a right
//! OTP for a SAD bound to exactly the hashes it authorizes (SCAL2).

use nubefirma_protocol::csc::{AuthorizeRequest, AuthorizeResponse, SendOtpRequest};
use nubefirma_protocol::verification::verification_code;

use super::account::AccountEvent;
use super::sad::parse_sha256_hashes;
use super::session::Session;
use crate::crypto::{random_digits, random_id, random_token, secret_hash, secrets_equal};
use crate::limits::{OTP_DIGITS, OTP_LIFETIME_SECONDS, SAD_LIFETIME_SECONDS};
use crate::notify::Channel;
use crate::store::{Credential, Otp};
use crate::{Error, Relay};

fn otp_hash(otp_id: &str, code: &str) -> Vec<u8> {
    secret_hash(&format!("otp:{otp_id}"), code)
}

impl Relay {
    /// The credential, if it is the session's citizen's.
    pub(crate) async fn own_credential(
        &self,
        session: &Session,
        credential_id: &str,
    ) -> Result<Credential, Error> {
        match self.store.credential(credential_id).await? {
            Some(c) if c.citizen_id == session.citizen_id => Ok(c),
            _ => Err(Error::InvalidRequest(
                "credentialID: unknown credential".into(),
            )),
        }
    }

    /// `credentials/sendOTP`. With `hashes` (our extension) the OTP is bound to those documents
    /// and the SMS shows their verification code.
    pub async fn send_otp(&self, session: &Session, req: &SendOtpRequest) -> Result<(), Error> {
        let credential = self.own_credential(session, &req.credential_id).await?;
        let bound = match &req.hashes {
            Some(hashes) => {
                let digests = parse_sha256_hashes(hashes, req.hash_algorithm_oid.as_deref())?;
                Some((hashes.clone(), verification_code(&digests)))
            }
            None => None,
        };
        let citizen = self.citizen_of(session).await?;
        let now = self.now();
        let code = random_digits(OTP_DIGITS);
        let otp_id = random_id();
        let text = match &bound {
            Some((hashes, vc)) => format!(
                "nubefirma: {code} is your code to sign {} document(s). Verification code {vc}: check it matches the screen. Valid 5 minutes. Never share it.",
                hashes.len()
            ),
            None => {
                format!("nubefirma: {code} is your signing code. Valid 5 minutes. Never share it.")
            }
        };
        self.store
            .replace_otp(
                &Otp {
                    id: otp_id.clone(),
                    credential_id: credential.id,
                    code_hash: otp_hash(&otp_id, &code),
                    hashes: bound.map(|(h, _)| h),
                    expires_at: now + OTP_LIFETIME_SECONDS,
                },
                now,
            )
            .await?;
        self.notifier
            .send(Channel::Sms, &citizen.phone, &text, now)
            .await
    }

    /// `credentials/authorize` (explicit mode): OTP → SAD for exactly `hashes`.
    pub async fn authorize(
        &self,
        session: &Session,
        req: &AuthorizeRequest,
    ) -> Result<AuthorizeResponse, Error> {
        let credential = self.own_credential(session, &req.credential_id).await?;
        parse_sha256_hashes(&req.hashes, Some(&req.hash_algorithm_oid))?;
        if usize::try_from(req.num_signatures).ok() != Some(req.hashes.len()) {
            return Err(Error::InvalidRequest(
                "numSignatures must equal the number of hashes".into(),
            ));
        }
        let citizen = self.citizen_of(session).await?;
        let now = self.now();
        let Some(otp) = self.store.pending_otp(&credential.id).await? else {
            return Err(Error::InvalidOtp {
                attempts_left: citizen.state.attempts_left(),
            });
        };
        if now > otp.expires_at {
            return Err(Error::InvalidOtp {
                attempts_left: citizen.state.attempts_left(),
            });
        }
        if let Some(bound) = &otp.hashes
            && bound != &req.hashes
        {
            return Err(Error::InvalidRequest(
                "hashes: these are not the documents the code was sent for; ask for a new code"
                    .into(),
            ));
        }
        if !secrets_equal(&otp.code_hash, &otp_hash(&otp.id, req.otp.trim())) {
            let after = self
                .apply_account_event(&citizen, AccountEvent::FactorRejected)
                .await?;
            tracing::info!(citizen_id = %citizen.id, failed = after.failed_attempts, "wrong OTP");
            return Err(Error::InvalidOtp {
                attempts_left: after.attempts_left(),
            });
        }
        if !self.store.consume_otp(&otp.id).await? {
            return Err(Error::InvalidOtp {
                attempts_left: citizen.state.attempts_left(),
            });
        }
        self.apply_account_event(&citizen, AccountEvent::FactorAccepted)
            .await?;
        let sad = random_token();
        self.store
            .insert_sad(
                &secret_hash("sad", &sad),
                &credential.id,
                &req.hashes,
                now + SAD_LIFETIME_SECONDS,
            )
            .await?;
        Ok(AuthorizeResponse {
            sad,
            expires_in: SAD_LIFETIME_SECONDS as u64,
        })
    }
}
