//! The account after activation: revocation (R24), by her with her password again or by a
//! registry-office operator, and the forgotten password's reset (R20), proved by an SMS code
//! and an email code together, which unblocks the account.
//!
//! Either ends every session and revokes her certificates: after a reset their keys stay
//! wrapped under the old password, which no longer opens anything, so a new certificate is made
//! at her next signature (R15).

use nubefirma_protocol::{IdNumber, Lang};
use serde_json::json;

use super::account::{AccountEvent, AccountState, TransitionRefused, transition};
use super::codes::{Purpose, code_context};
use super::one_time::{SecretEvent, SecretPolicy};
use super::password;
use super::session::Session;
use crate::audit::Event;
use crate::crypto::{random_bytes, random_digits, random_id, secrets_equal};
use crate::limits::{
    ACCOUNT_LIFETIME_SECONDS, EXPIRY_NOTICE_SECONDS, MAX_RESET_ATTEMPTS, OTP_DIGITS,
    RENEWAL_WINDOW_SECONDS, RESET_LIFETIME_SECONDS,
};
use crate::notify::{Channel, texts};
use crate::pki::services::REVOCATION_REASONS;
use crate::records::{Citizen, Reset};
use crate::store::SecretRow;
use crate::{Error, OtpFailure, Relay};

/// The email half's MAC context (the SMS half's is `code_context(Purpose::Reset, id)`).
fn email_context(reset_id: &str) -> String {
    format!("reset-email:{reset_id}")
}

/// `YYYY-MM-DD` (UTC) of a Unix time: read alike in every language.
fn date_of(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .map(|t| t.date().to_string())
        .unwrap_or_default()
}

/// How many times an account change is tried again when the account changed under it.
const RETRIES: usize = 16;

impl Relay {
    /// `POST /api/v1/account/revoke`: she revokes her own account with her password again,
    /// which counts toward R20 like a login.
    pub async fn revoke_own_account(
        &self,
        session: &Session,
        password_text: &str,
        lang: Lang,
    ) -> Result<(), Error> {
        let citizen = self.citizen_of(session).await?;
        self.check_password_again(&citizen, password_text).await?;
        self.revoke_account(citizen, "cessationOfOperation", None, lang)
            .await
    }

    /// `POST /office/v1/accounts/revoke`: an operator revokes the account of the person in
    /// front of her, ID in hand (R24), with an RFC 5280 reason name for its certificates.
    pub async fn revoke_account_by_operator(
        &self,
        identifier: &str,
        reason: &str,
        operator: &str,
    ) -> Result<(), Error> {
        let id_number: IdNumber = identifier
            .parse()
            .map_err(|e| Error::InvalidRequest(format!("idNumber: {e}")))?;
        if !REVOCATION_REASONS.contains(&reason) {
            return Err(Error::InvalidRequest(format!(
                "reason: one of {}",
                REVOCATION_REASONS.join(", ")
            )));
        }
        let citizen = self
            .store
            .citizen_by_id_number(id_number.as_str())
            .await?
            .ok_or_else(|| Error::InvalidRequest("idNumber: no account with this ID".into()))?;
        // Told in the language she activated in: the operator's request names none of hers.
        let lang = citizen
            .lang
            .as_deref()
            .and_then(Lang::from_tag)
            .unwrap_or_default();
        self.revoke_account(citizen, reason, Some(operator), lang)
            .await
    }

    async fn revoke_account(
        &self,
        mut citizen: Citizen,
        reason: &str,
        operator: Option<&str>,
        lang: Lang,
    ) -> Result<(), Error> {
        let now = self.now();
        for _ in 0..RETRIES {
            if let Err(TransitionRefused::Revoked) = transition(citizen.state, AccountEvent::Revoke)
            {
                return Err(Error::Conflict("this account is already revoked"));
            }
            if let Some(credentials) = self
                .store
                .revoke_account(&citizen.id, citizen.state, now, reason)
                .await?
            {
                tracing::info!(citizen_id = %citizen.id, "account revoked");
                let mut event = Event::new("account_revoked")
                    .citizen(&citizen.id)
                    .detail(json!({ "reason": reason, "revokedCredentials": credentials }));
                if let Some(operator) = operator {
                    event = event.operator(operator);
                }
                self.audit(event).await?;
                let notice = texts::account_revoked(lang);
                self.notifier
                    .send(Channel::Email, &citizen.email, notice, now)
                    .await?;
                return self.send_sms(&citizen, notice, now).await;
            }
            citizen = self
                .store
                .citizen_by_id(&citizen.id)
                .await?
                .ok_or_else(|| Error::Internal("citizen vanished".into()))?;
        }
        Err(Error::Internal("the account kept changing under us".into()))
    }

    /// The daily task (R25): an email to every account that expires within 30 days and was not
    /// told yet, in the language she activated in, saying how to renew. Returns how many went.
    pub async fn send_expiry_notices(&self) -> Result<usize, Error> {
        let now = self.now();
        let mut sent = 0;
        for citizen in self
            .store
            .accounts_to_notify(now, now + EXPIRY_NOTICE_SECONDS)
            .await?
        {
            let Some(expires_at) = citizen.expires_at else {
                continue;
            };
            // Marked first: two relays running the task send one notice.
            if !self
                .store
                .mark_expiry_notice(&citizen.id, expires_at, now)
                .await?
            {
                continue;
            }
            let lang = citizen
                .lang
                .as_deref()
                .and_then(Lang::from_tag)
                .unwrap_or(Lang::Es);
            self.notifier
                .send(
                    Channel::Email,
                    &citizen.email,
                    &texts::expiry_notice(lang, &date_of(expires_at)),
                    now,
                )
                .await?;
            self.audit(
                Event::new("expiry_notice_sent")
                    .citizen(&citizen.id)
                    .detail(json!({ "expiresAt": expires_at })),
            )
            .await?;
            sent += 1;
        }
        Ok(sent)
    }

    /// `POST /api/v1/account/renew`: before it expires, her password again renews the account
    /// for another `ACCOUNT_LIFETIME_SECONDS` (R25). Returns the new expiry.
    pub async fn renew_account(
        &self,
        session: &Session,
        password_text: &str,
    ) -> Result<i64, Error> {
        let citizen = self.citizen_of(session).await?;
        let now = self.now();
        let Some(expires_at) = citizen.expires_at else {
            return Err(Error::AccountNotActive);
        };
        if expires_at - now > RENEWAL_WINDOW_SECONDS {
            return Err(Error::Conflict(
                "renewal opens 90 days before the account expires",
            ));
        }
        // An address shared with another account (from before addresses were checked) must be
        // changed first (R23); asked before her password, so it costs no entry.
        if self
            .store
            .email_on_another_account(&citizen.id, &citizen.email, now)
            .await?
        {
            return Err(Error::EmailShared);
        }
        self.check_password_again(&citizen, password_text).await?;
        let renewed = now + ACCOUNT_LIFETIME_SECONDS;
        if !self
            .store
            .renew_account(&citizen.id, expires_at, renewed)
            .await?
        {
            return Err(Error::Conflict("the account changed meanwhile; try again"));
        }
        // Renewal replaces a coordinate card with SMS codes (R21).
        if citizen.second_factor == "card" && self.store.drop_card(&citizen.id).await? {
            self.audit(
                Event::new("second_factor_changed")
                    .citizen(&citizen.id)
                    .detail(json!({ "from": "card", "to": "sms", "why": "renewal" })),
            )
            .await?;
        }
        self.audit(
            Event::new("account_renewed")
                .citizen(&citizen.id)
                .detail(json!({ "expiresAt": renewed, "was": expires_at })),
        )
        .await?;
        Ok(renewed)
    }

    /// `POST /api/v1/password-reset`: sends one code by SMS and one by email. For an ID
    /// without an account that can be reset it sends nothing but makes a decoy reset, so the
    /// answer, the limits and the completion's answers are the same: nobody learns which IDs
    /// exist.
    pub async fn start_reset(&self, identifier: &str, lang: Lang) -> Result<String, Error> {
        let id_number: IdNumber = identifier
            .parse()
            .map_err(|e| Error::InvalidRequest(format!("idNumber: {e}")))?;
        self.limit_reset(id_number.as_str()).await?;
        let now = self.now();
        // An expired account is not reset: she registers again (R25).
        let citizen = self
            .store
            .citizen_by_id_number(id_number.as_str())
            .await?
            .filter(|c| {
                transition(c.state, AccountEvent::PasswordReset).is_ok() && !c.expired(now)
            });
        let id = random_id();
        let Some(citizen) = citizen else {
            // Codes nobody is sent: every completion is wrong, and counted like a real one.
            self.store
                .insert_reset(&Reset {
                    id: id.clone(),
                    citizen_id: None,
                    sms_code_mac: random_bytes::<32>().to_vec(),
                    email_code_mac: random_bytes::<32>().to_vec(),
                    state: super::one_time::SecretState::FRESH,
                    expires_at: now + RESET_LIFETIME_SECONDS,
                })
                .await?;
            return Ok(id);
        };
        let sms_code = random_digits(OTP_DIGITS);
        let email_code = random_digits(OTP_DIGITS);
        self.store
            .insert_reset(&Reset {
                sms_code_mac: self
                    .custody
                    .code_mac(&code_context(Purpose::Reset, &id), &sms_code)?
                    .to_vec(),
                email_code_mac: self
                    .custody
                    .code_mac(&email_context(&id), &email_code)?
                    .to_vec(),
                id: id.clone(),
                citizen_id: Some(citizen.id.clone()),
                state: super::one_time::SecretState::FRESH,
                expires_at: now + RESET_LIFETIME_SECONDS,
            })
            .await?;
        self.send_sms(
            &citizen,
            &texts::reset_sms(lang, &sms_code, RESET_LIFETIME_SECONDS),
            now,
        )
        .await?;
        self.notifier
            .send(
                Channel::Email,
                &citizen.email,
                &texts::reset_email(lang, &email_code, RESET_LIFETIME_SECONDS),
                now,
            )
            .await?;
        self.audit(
            Event::new("code_sent")
                .citizen(&citizen.id)
                .detail(json!({ "purpose": "reset", "resetId": id, "channels": ["sms", "email"] })),
        )
        .await?;
        Ok(id)
    }

    /// `POST /api/v1/password-reset/{id}/complete`: both codes and a new password. Unblocks the
    /// account (R20), revokes the certificates the old password wrapped, ends every session.
    pub async fn complete_reset(
        &self,
        reset_id: &str,
        sms_code: &str,
        email_code: &str,
        new_password: &str,
        lang: Lang,
    ) -> Result<(), Error> {
        let dead = || Error::InvalidResetCodes {
            why: OtpFailure::NoValidCode,
            attempts_left: 0,
        };
        let unknown = || Error::InvalidRequest("resetId: unknown; start the reset again".into());
        if reset_id.len() > 64 {
            return Err(unknown());
        }
        let reset = self.store.reset(reset_id).await?.ok_or_else(unknown)?;
        let citizen = match &reset.citizen_id {
            Some(id) => Some(
                self.store
                    .citizen_by_id(id)
                    .await?
                    .ok_or_else(|| Error::Internal("reset without citizen".into()))?,
            ),
            None => None,
        };
        // The policy first: a weak password costs no entry (a decoy checks what it can).
        match &citizen {
            Some(c) => {
                password::check_policy(new_password, &c.id_number, &c.given_name, &c.surname)?
            }
            // No ID or name to compare with.
            None => password::check_policy(new_password, "", "", "")?,
        }
        let now = self.now();
        let policy = SecretPolicy {
            expires_at: reset.expires_at,
            max_attempts: MAX_RESET_ATTEMPTS,
        };
        let row = SecretRow::Reset { id: &reset.id };
        let Ok(reserved) = self
            .advance_secret(row, reset.state, policy, SecretEvent::Try { now })
            .await?
        else {
            return Err(dead());
        };
        // Both compared in full, whatever the first says.
        let sms_ok = secrets_equal(
            &reset.sms_code_mac,
            &self
                .custody
                .code_mac(&code_context(Purpose::Reset, &reset.id), sms_code.trim())?,
        );
        let email_ok = secrets_equal(
            &reset.email_code_mac,
            &self
                .custody
                .code_mac(&email_context(&reset.id), email_code.trim())?,
        );
        let (true, Some(mut citizen)) = (sms_ok & email_ok, citizen) else {
            let left = reserved.attempts_left(policy);
            return Err(Error::InvalidResetCodes {
                why: if left == 0 {
                    OtpFailure::WrongAndDead
                } else {
                    OtpFailure::Wrong
                },
                attempts_left: left,
            });
        };
        let given = new_password.to_owned();
        let kek_salt = random_bytes::<16>();
        let password_hash = self.argon2(move |h| h.hash_password(&given)).await?;
        let reserved_reset = Reset {
            state: reserved,
            ..reset
        };
        for _ in 0..RETRIES {
            let from: AccountState = citizen.state;
            match transition(from, AccountEvent::PasswordReset) {
                Ok(_) => {}
                Err(TransitionRefused::Revoked | TransitionRefused::NotActive) => {
                    return Err(Error::AccountNotActive);
                }
                Err(_) => return Err(dead()),
            }
            if let Some(credentials) = self
                .store
                .complete_reset(
                    &reserved_reset,
                    &citizen.id,
                    from,
                    &password_hash,
                    &kek_salt,
                    now,
                )
                .await?
            {
                tracing::info!(citizen_id = %citizen.id, "password reset");
                self.audit(
                    Event::new("password_reset")
                        .citizen(&citizen.id)
                        .detail(json!({
                            "method": "sms+email",
                            "wasBlocked": from.status == super::account::AccountStatus::Blocked,
                            "revokedCredentials": credentials,
                        })),
                )
                .await?;
                return self
                    .send_sms(&citizen, texts::password_changed(lang), now)
                    .await;
            }
            // The reset was spent by a parallel completion, or the account moved: re-read.
            if self
                .store
                .reset(&reserved_reset.id)
                .await?
                .is_none_or(|r| r.state.used)
            {
                return Err(dead());
            }
            citizen = self
                .store
                .citizen_by_id(&citizen.id)
                .await?
                .ok_or_else(|| Error::Internal("citizen vanished".into()))?;
        }
        Err(Error::Internal("the account kept changing under us".into()))
    }
}
