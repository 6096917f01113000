//! One-time SMS codes (the signing OTP, the certificate challenge): sent under the SMS limits,
//! stored as an HMAC, tried under two budgets at once: the code's own (it dies after 3 wrong
//! entries) and the account's (R20: 5 wrong entries, passwords and codes together). Both are
//! reserved before the code is judged.

use super::account::AccountEvent;
use super::one_time::{SecretEvent, SecretPolicy, SecretRefused, SecretState, transition};
use crate::audit::Event;
use crate::crypto::{random_digits, random_id, secrets_equal};
use crate::domain::{CredentialId, Digests};
use crate::limits::{MAX_CODE_ATTEMPTS, OTP_DIGITS, OTP_LIFETIME_SECONDS};
use crate::records::{Citizen, Code};
use crate::store::SecretRow;
use crate::{Error, OtpFailure, Relay};
use serde_json::json;

/// What a code is for; codes of one purpose never open another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Activation,
    Certificate,
    Signing,
    /// A forgotten password's reset (its SMS half; the email half has its own context).
    Reset,
    /// Raising a password session to the reinforced level (R1).
    Login,
    /// A change of her phone or email (R26): the code sent to the new address.
    Contact,
    /// A change of her phone: the code sent to her current phone, the second factor (R19).
    ReplacePhone,
    /// A professional certificate's SMS registration code (R13, step 2).
    ProfessionalRegistration,
    /// A professional certificate's final SMS code (R13, step 6).
    ProfessionalIssuance,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Activation => "activation",
            Self::Certificate => "certificate",
            Self::Signing => "signing",
            Self::Reset => "reset",
            Self::Login => "login",
            Self::Contact => "contact",
            Self::ReplacePhone => "replace-phone",
            Self::ProfessionalRegistration => "professional-registration",
            Self::ProfessionalIssuance => "professional-issuance",
        }
    }
}

/// A code just sent: its id, and the coordinate card position it asks when there was no SMS.
pub struct SentCode {
    pub id: String,
    pub card_position: Option<&'static str>,
}

/// The MAC context of a code: its purpose and its row, so a code is bound to both.
pub(crate) fn code_context(purpose: Purpose, id: &str) -> String {
    format!("{}:{id}", purpose.as_str())
}

pub(crate) fn code_policy(expires_at: i64) -> SecretPolicy {
    SecretPolicy {
        expires_at,
        max_attempts: MAX_CODE_ATTEMPTS,
    }
}

impl Relay {
    /// Applies `event` to a single-use secret with compare-and-set, re-reading when another
    /// request changed it first. Each lost race means someone else's transition succeeded, and
    /// a secret admits only a few, so the loop is short.
    pub(crate) async fn advance_secret(
        &self,
        row: SecretRow<'_>,
        mut current: SecretState,
        policy: SecretPolicy,
        event: SecretEvent,
    ) -> Result<Result<SecretState, SecretRefused>, Error> {
        for _ in 0..64 {
            let next = match transition(current, policy, event) {
                Ok(next) => next,
                Err(refused) => return Ok(Err(refused)),
            };
            if self.store.update_secret(row, current, next).await? {
                return Ok(Ok(next));
            }
            current = match self.store.secret_state(row).await? {
                Some(state) => state,
                None => return Ok(Err(SecretRefused::Used)),
            };
        }
        Err(Error::Internal("a secret kept changing under us".into()))
    }

    /// Sends a new code for `purpose` (retiring the previous one); returns its id, and for an
    /// account with a coordinate card the position asked instead of an SMS (R21).
    pub(crate) async fn send_code(
        &self,
        citizen: &Citizen,
        purpose: Purpose,
        credential_id: Option<CredentialId>,
        hashes: Option<Digests>,
        text: impl FnOnce(&str) -> String,
    ) -> Result<SentCode, Error> {
        self.limit_sms(&citizen.id, purpose).await?;
        let now = self.now();
        let id = random_id();
        if citizen.second_factor == "card" {
            let (code_mac, position) = self.card_challenge(citizen).await?;
            self.store
                .replace_code(
                    &Code {
                        code_mac,
                        id: id.clone(),
                        citizen_id: citizen.id.clone(),
                        purpose: purpose.as_str().to_owned(),
                        credential_id,
                        hashes,
                        card_position: Some(position.to_owned()),
                        state: SecretState::FRESH,
                        expires_at: now + OTP_LIFETIME_SECONDS,
                    },
                    now,
                )
                .await?;
            self.audit(Event::new("code_sent").citizen(&citizen.id).detail(
                json!({ "purpose": purpose.as_str(), "codeId": id, "cardPosition": position }),
            ))
            .await?;
            return Ok(SentCode {
                id,
                card_position: Some(position),
            });
        }
        let code = random_digits(OTP_DIGITS);
        self.store
            .replace_code(
                &Code {
                    code_mac: self
                        .custody
                        .code_mac(&code_context(purpose, &id), &code)?
                        .to_vec(),
                    id: id.clone(),
                    citizen_id: citizen.id.clone(),
                    purpose: purpose.as_str().to_owned(),
                    credential_id,
                    hashes,
                    card_position: None,
                    state: SecretState::FRESH,
                    expires_at: now + OTP_LIFETIME_SECONDS,
                },
                now,
            )
            .await?;
        self.send_sms(citizen, &text(&code), now).await?;
        self.audit(
            Event::new("code_sent")
                .citizen(&citizen.id)
                .detail(json!({ "purpose": purpose.as_str(), "codeId": id })),
        )
        .await?;
        Ok(SentCode {
            id,
            card_position: None,
        })
    }

    /// The code a citizen is answering: the newest live one for `purpose`, or exactly `id`.
    pub(crate) async fn pending_code(
        &self,
        citizen: &Citizen,
        purpose: Purpose,
        id: Option<&str>,
    ) -> Result<Code, Error> {
        let no_code = || Error::InvalidOtp {
            why: OtpFailure::NoValidCode,
            attempts_left: citizen.state.attempts_left(),
        };
        let code = match id {
            Some(id) => self.store.code(id).await?,
            None => self.store.live_code(&citizen.id, purpose.as_str()).await?,
        };
        code.filter(|c| c.citizen_id == citizen.id && c.purpose == purpose.as_str())
            .ok_or_else(no_code)
    }

    /// Tries `given` against `code`: reserves an entry of the code and of the account, judges,
    /// then spends the code (right) or leaves the failure counted (wrong).
    pub(crate) async fn try_code(
        &self,
        citizen: &Citizen,
        purpose: Purpose,
        code: &Code,
        given: &str,
    ) -> Result<(), Error> {
        let policy = code_policy(code.expires_at);
        let row = SecretRow::Code { id: &code.id };
        let dead = |attempts_left| Error::InvalidOtp {
            why: OtpFailure::NoValidCode,
            attempts_left,
        };
        let Ok(reserved) = self
            .advance_secret(
                row,
                code.state,
                policy,
                SecretEvent::Try { now: self.now() },
            )
            .await?
        else {
            // Her state as read at the request's start may be stale by now (parallel entries):
            // the count she is told is read again.
            let fresh = self.store.citizen_by_id(&citizen.id).await?;
            let state = fresh.as_ref().map_or(&citizen.state, |c| &c.state);
            return Err(dead(state.attempts_left()));
        };
        let account = self
            .apply_account_event(citizen, AccountEvent::OtpTry)
            .await?;
        let context = match &code.card_position {
            Some(position) => super::card::card_context(&citizen.id, position),
            None => code_context(purpose, &code.id),
        };
        let expected = self.custody.code_mac(&context, given.trim())?;
        if !secrets_equal(&code.code_mac, &expected) {
            let after = self
                .apply_account_event_from(&citizen.id, account, AccountEvent::OtpRejected)
                .await?;
            tracing::info!(citizen_id = %citizen.id, purpose = purpose.as_str(), "wrong code");
            return Err(Error::InvalidOtp {
                why: if reserved.attempts_left(policy) == 0 {
                    OtpFailure::WrongAndDead
                } else {
                    OtpFailure::Wrong
                },
                attempts_left: after.attempts_left(),
            });
        }
        if self
            .advance_secret(row, reserved, policy, SecretEvent::Accept)
            .await?
            .is_err()
        {
            return Err(dead(account.attempts_left()));
        }
        self.apply_account_event_from(&citizen.id, account, AccountEvent::OtpAccepted)
            .await?;
        Ok(())
    }

    /// `pending_code` then `try_code`.
    pub(crate) async fn check_code(
        &self,
        citizen: &Citizen,
        purpose: Purpose,
        id: Option<&str>,
        given: &str,
    ) -> Result<Code, Error> {
        let code = self.pending_code(citizen, purpose, id).await?;
        self.try_code(citizen, purpose, &code, given).await?;
        Ok(code)
    }
}
