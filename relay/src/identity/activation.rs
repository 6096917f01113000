//! Activation (R12): identifier + activation code → SMS code → new password (+ terms) → active.
//! She can identify herself afterwards; her cloud certificate is generated at her first
//! signature (R15), not here.

use nubefirma_protocol::IdNumber;

use super::account::AccountStatus;
use super::codes::Purpose;
use super::one_time::{SecretEvent, SecretPolicy, SecretRefused};
use super::password;
use super::registration::normalize_activation_code;
use crate::audit::Event;
use crate::crypto::{random_bytes, random_digits, random_id, secret_hash, secrets_equal};
use crate::limits::{
    MAX_ACTIVATION_CODE_FAILURES, MAX_ACTIVATION_SMS_FAILURES, OTP_DIGITS, OTP_LIFETIME_SECONDS,
};
use crate::records::Activation;
use crate::store::SecretRow;
use crate::{Error, OtpFailure, Relay};
use nubefirma_protocol::Lang;

/// Her first password: the one she chose, or one the relay makes and sends by SMS, which she
/// must change at first use (R14).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FirstPassword {
    Chosen(String),
    BySms,
}

impl FirstPassword {
    /// From the request: exactly one of a password and `passwordBySms`.
    pub fn from_request(password: Option<&str>, by_sms: bool) -> Result<Self, Error> {
        match (password, by_sms) {
            (Some(p), false) => Ok(Self::Chosen(p.to_owned())),
            (None, true) => Ok(Self::BySms),
            (Some(_), true) => Err(Error::InvalidRequest(
                "password: either choose one or ask for it by SMS (passwordBySms), not both".into(),
            )),
            (None, false) => Err(Error::InvalidRequest(
                "password: choose one, or ask for a first password by SMS (passwordBySms)".into(),
            )),
        }
    }
}

/// Letters and digits that cannot be misread for each other, for a password read off an SMS.
const SMS_PASSWORD_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// 12 characters of the alphabet above (about 69 bits), drawn without modulo bias.
fn sms_password() -> String {
    let mut out = String::new();
    while out.len() < 12 {
        let byte = random_bytes::<1>()[0];
        let n = SMS_PASSWORD_ALPHABET.len();
        if usize::from(byte) >= 256 - 256 % n {
            continue;
        }
        out.push(char::from(SMS_PASSWORD_ALPHABET[usize::from(byte) % n]));
    }
    out
}

fn sms_context(activation_id: &str) -> String {
    super::codes::code_context(Purpose::Activation, activation_id)
}

impl Relay {
    /// Checks the activation code and sends the SMS code; returns the activation id.
    pub async fn start_activation(
        &self,
        identifier: &str,
        activation_code: &str,
        lang: Lang,
    ) -> Result<String, Error> {
        let wrong = |attempts_left| Error::InvalidActivationCode { attempts_left };
        let Ok(id_number) = identifier.parse::<IdNumber>() else {
            return Err(Error::InvalidRequest(
                "idNumber: not a valid DNI/NIE".into(),
            ));
        };
        let Some(citizen) = self.store.citizen_by_id_number(id_number.as_str()).await? else {
            return Err(wrong(MAX_ACTIVATION_CODE_FAILURES));
        };
        // An active or blocked account activates again only with a code an operator made
        // anew (the activation letter that resets her password, R10, R20).
        match citizen.state.status {
            AccountStatus::PendingActivation => {}
            AccountStatus::Active | AccountStatus::Blocked
                if citizen.activation_code_hash.is_some() => {}
            AccountStatus::Revoked => return Err(wrong(MAX_ACTIVATION_CODE_FAILURES)),
            AccountStatus::Active | AccountStatus::Blocked => {
                return Err(Error::Conflict("this account is already activated"));
            }
        }
        let now = self.now();
        let policy = SecretPolicy {
            expires_at: citizen.activation_expires_at,
            max_attempts: MAX_ACTIVATION_CODE_FAILURES,
        };
        let row = SecretRow::ActivationCode {
            citizen_id: &citizen.id,
        };
        // Reserve the entry before judging it: parallel guesses never judge more than 5.
        let reserved = match self
            .advance_secret(
                row,
                citizen.activation_code,
                policy,
                SecretEvent::Try { now },
            )
            .await?
        {
            Ok(state) => state,
            Err(SecretRefused::Used) => {
                return Err(Error::Conflict("this account is already activated"));
            }
            Err(SecretRefused::Expired | SecretRefused::Exhausted) => return Err(wrong(0)),
        };
        let given = secret_hash(
            "activation-code",
            &normalize_activation_code(activation_code),
        );
        let matches = citizen
            .activation_code_hash
            .as_deref()
            .is_some_and(|h| secrets_equal(h, &given));
        if !matches {
            return Err(wrong(reserved.attempts_left(policy)));
        }
        // A right code does not use up an entry: the code stays valid until activation ends.
        let _ = self
            .advance_secret(row, reserved, policy, SecretEvent::Refund)
            .await?;
        self.limit_sms(&citizen.id, Purpose::Activation).await?;
        let sms_code = random_digits(OTP_DIGITS);
        let activation_id = random_id();
        let activation = Activation {
            sms_code_mac: self
                .custody
                .code_mac(&sms_context(&activation_id), &sms_code)?
                .to_vec(),
            id: activation_id,
            citizen_id: citizen.id.clone(),
            state: super::one_time::SecretState::FRESH,
            expires_at: now + OTP_LIFETIME_SECONDS,
        };
        self.store.insert_activation(&activation).await?;
        self.store.set_lang(&citizen.id, lang.tag()).await?;
        let text = crate::notify::texts::activation(lang, &sms_code, OTP_LIFETIME_SECONDS);
        self.send_sms(&citizen, &text, now).await?;
        self.audit(
            Event::new("code_sent").citizen(&citizen.id).detail(
                serde_json::json!({ "purpose": "activation", "activationId": activation.id }),
            ),
        )
        .await?;
        Ok(activation.id)
    }

    pub async fn complete_activation(
        &self,
        activation_id: &str,
        sms_code: &str,
        first_password: FirstPassword,
        accept_terms: bool,
        lang: Lang,
    ) -> Result<(), Error> {
        if !accept_terms {
            return Err(Error::InvalidRequest(
                "acceptTerms: the terms of use must be accepted".into(),
            ));
        }
        let now = self.now();
        let dead = || Error::InvalidOtp {
            why: OtpFailure::NoValidCode,
            attempts_left: 0,
        };
        let activation = self.store.activation(activation_id).await?.ok_or_else(|| {
            Error::InvalidRequest("activationId: unknown; start the activation again".into())
        })?;
        let citizen = self
            .store
            .citizen_by_id(&activation.citizen_id)
            .await?
            .ok_or_else(|| Error::Internal("activation without citizen".into()))?;
        // The password policy is checked first: a weak password costs no SMS-code entry.
        let (password_text, by_sms) = match first_password {
            FirstPassword::Chosen(text) => (text, false),
            FirstPassword::BySms => (sms_password(), true),
        };
        password::check_policy(
            &password_text,
            &citizen.id_number,
            &citizen.given_name,
            &citizen.surname,
        )?;
        let policy = SecretPolicy {
            expires_at: activation.expires_at,
            max_attempts: MAX_ACTIVATION_SMS_FAILURES,
        };
        let row = SecretRow::ActivationSms { id: &activation.id };
        let Ok(reserved) = self
            .advance_secret(row, activation.state, policy, SecretEvent::Try { now })
            .await?
        else {
            return Err(dead());
        };
        let expected = self
            .custody
            .code_mac(&sms_context(&activation.id), sms_code.trim())?;
        if !secrets_equal(&activation.sms_code_mac, &expected) {
            let left = reserved.attempts_left(policy);
            return Err(Error::InvalidOtp {
                why: if left == 0 {
                    OtpFailure::WrongAndDead
                } else {
                    OtpFailure::Wrong
                },
                attempts_left: left,
            });
        }

        let given = password_text.clone();
        let kek_salt = random_bytes::<16>();
        let password_hash = self.argon2(move |h| h.hash_password(&given)).await?;
        let reserved_activation = Activation {
            state: reserved,
            ..activation
        };
        if citizen.state.status != AccountStatus::PendingActivation && by_sms {
            // The letter's reset sets a password she chooses: an SMS must not carry one to
            // whoever holds her phone now.
            return Err(Error::InvalidRequest(
                "passwordBySms: a reset by activation letter needs a password you choose".into(),
            ));
        }
        if citizen.state.status != AccountStatus::PendingActivation {
            // The letter's reset: like a forgotten password's, certificates and sessions go.
            let Some(credentials) = self
                .store
                .reactivate_citizen(
                    &citizen.id,
                    citizen.state,
                    &password_hash,
                    &kek_salt,
                    &reserved_activation,
                    now,
                )
                .await?
            else {
                return Err(dead());
            };
            tracing::info!(citizen_id = %citizen.id, "password reset by activation letter");
            return self
                .audit(Event::new("password_reset").citizen(&citizen.id).detail(
                    serde_json::json!({
                        "method": "activation letter",
                        "wasBlocked": citizen.state.status == AccountStatus::Blocked,
                        "revokedCredentials": credentials,
                    }),
                ))
                .await;
        }
        if !self
            .store
            .activate_citizen(
                &citizen.id,
                &password_hash,
                &kek_salt,
                &reserved_activation,
                now + crate::limits::ACCOUNT_LIFETIME_SECONDS,
                by_sms,
            )
            .await?
        {
            return Err(dead());
        }
        tracing::info!(citizen_id = %citizen.id, "citizen activated");
        self.audit(
            Event::new("citizen_activated")
                .citizen(&citizen.id)
                .detail(serde_json::json!({ "passwordBySms": by_sms })),
        )
        .await?;
        if by_sms {
            self.send_sms(
                &citizen,
                &crate::notify::texts::first_password(lang, &password_text),
                now,
            )
            .await?;
        }
        Ok(())
    }
}
