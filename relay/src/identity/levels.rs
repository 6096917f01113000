//! The keys below and above a password login (R1–R4): the **PIN key**, a short-lived code sent
//! by SMS after her ID number and birth date, which opens a session that can only identify her;
//! and the **SMS step** that raises a password session to the reinforced level.
//!
//! A PIN asked for with an ID and date that name no account able to use one is a decoy, as a
//! reset is: the same answer, limits counted by the ID asked about, the same wrong-PIN answers.
//! Wrong PINs spend the PIN's own entries, not the account's (R20 counts password and SMS-code
//! entries of the permanent key); at most `MAX_PINS_PER_HOUR` × `MAX_PIN_ATTEMPTS` guesses an
//! hour per ID at one in a million each.

use nubefirma_protocol::{AuthKey, IdNumber, Lang, Level};
use serde_json::json;

use super::account::AccountStatus;
use super::codes::Purpose;
use super::one_time::{SecretEvent, SecretPolicy, SecretState};
use super::session::Session;
use crate::audit::Event;
use crate::crypto::{
    random_bytes, random_digits, random_id, random_token, secret_hash, secrets_equal,
};
use crate::limits::{
    MAX_PIN_ATTEMPTS, MAX_PINS_PER_HOUR, OTP_DIGITS, OTP_LIFETIME_SECONDS, PIN_LIFETIME_SECONDS,
    SESSION_IDLE_SECONDS, SMS_SAME_PURPOSE_INTERVAL_SECONDS,
};
use crate::notify::texts;
use crate::records::{NewSession, Pin};
use crate::store::SecretRow;
use crate::{Error, OtpFailure, Relay};

fn pin_context(pin_id: &str) -> String {
    format!("pin:{pin_id}")
}

/// A session just opened, with its key and level.
pub struct LeveledToken {
    pub access_token: String,
    pub expires_in: i64,
    pub key: AuthKey,
    pub level: Level,
}

/// The birth date as the office recorded it (`YYYY-MM-DD`), for comparing.
fn parse_birth_date(text: &str) -> Result<String, Error> {
    super::registration::parse_date(text)
        .map(|d| d.to_string())
        .ok_or_else(|| Error::InvalidRequest("birthDate: a date as YYYY-MM-DD".into()))
}

impl Relay {
    /// PINs for one ID number: one every 30 s and `MAX_PINS_PER_HOUR` an hour, counted by the
    /// ID asked about, so a 429 tells nothing about which IDs exist.
    async fn limit_pin(&self, id_number: &str) -> Result<(), Error> {
        self.limit(
            &format!("pin:{id_number}"),
            SMS_SAME_PURPOSE_INTERVAL_SECONDS,
            1,
        )
        .await?;
        self.limit(&format!("pin-hour:{id_number}"), 3600, MAX_PINS_PER_HOUR)
            .await
    }

    /// `POST /api/v1/pin`: a PIN by SMS to the phone of the account that this ID number and
    /// birth date name, if it is active; otherwise a decoy. Returns the PIN's id.
    pub async fn start_pin(
        &self,
        identifier: &str,
        birth_date: &str,
        lang: Lang,
    ) -> Result<String, Error> {
        let id_number: IdNumber = identifier
            .parse()
            .map_err(|e| Error::InvalidRequest(format!("idNumber: {e}")))?;
        let birth_date = parse_birth_date(birth_date)?;
        self.limit_pin(id_number.as_str()).await?;
        let now = self.now();
        let found = self.store.citizen_by_id_number(id_number.as_str()).await?;
        let why_not = match &found {
            None => Some("unknown"),
            Some(c) if !secrets_equal(c.birth_date.as_bytes(), birth_date.as_bytes()) => {
                Some("wrong birth date")
            }
            Some(c) if c.expired(now) => Some("expired"),
            Some(c) => match c.state.status {
                AccountStatus::Active => None,
                AccountStatus::Blocked => Some("blocked"),
                AccountStatus::PendingActivation => Some("not active"),
                AccountStatus::Revoked => Some("revoked"),
            },
        };
        let id = random_id();
        let (Some(citizen), None) = (found.as_ref(), why_not) else {
            let mut event = Event::new("pin_refused")
                .detail(json!({ "idNumber": id_number.as_str(), "why": why_not }));
            if let Some(c) = &found {
                event = event.citizen(&c.id);
            }
            self.audit(event).await?;
            // A PIN nobody is sent: every entry is wrong, and counted like a real one's.
            self.store
                .insert_pin(&Pin {
                    id: id.clone(),
                    citizen_id: None,
                    code_mac: random_bytes::<32>().to_vec(),
                    state: SecretState::FRESH,
                    expires_at: now + PIN_LIFETIME_SECONDS,
                })
                .await?;
            return Ok(id);
        };
        let pin = random_digits(OTP_DIGITS);
        self.store
            .insert_pin(&Pin {
                id: id.clone(),
                citizen_id: Some(citizen.id.clone()),
                code_mac: self.custody.code_mac(&pin_context(&id), &pin)?.to_vec(),
                state: SecretState::FRESH,
                expires_at: now + PIN_LIFETIME_SECONDS,
            })
            .await?;
        self.send_sms(citizen, &texts::pin(lang, &pin, PIN_LIFETIME_SECONDS), now)
            .await?;
        self.audit(
            Event::new("code_sent")
                .citizen(&citizen.id)
                .detail(json!({ "purpose": "pin", "pinId": id })),
        )
        .await?;
        Ok(id)
    }

    /// `POST /api/v1/pin/{id}/login`: the PIN opens a session at the low level that can only
    /// identify her (R4).
    pub async fn pin_login(&self, pin_id: &str, given: &str) -> Result<LeveledToken, Error> {
        let unknown = || Error::InvalidRequest("pinId: unknown; ask for a new PIN".into());
        let dead = || Error::InvalidPin {
            why: OtpFailure::NoValidCode,
            attempts_left: 0,
        };
        if pin_id.len() > 64 {
            return Err(unknown());
        }
        let pin = self.store.pin(pin_id).await?.ok_or_else(unknown)?;
        let policy = SecretPolicy {
            expires_at: pin.expires_at,
            max_attempts: MAX_PIN_ATTEMPTS,
        };
        let row = SecretRow::Pin { id: &pin.id };
        let Ok(reserved) = self
            .advance_secret(row, pin.state, policy, SecretEvent::Try { now: self.now() })
            .await?
        else {
            return Err(dead());
        };
        let right = secrets_equal(
            &pin.code_mac,
            &self.custody.code_mac(&pin_context(&pin.id), given.trim())?,
        );
        let (true, Some(citizen_id)) = (right, pin.citizen_id.as_deref()) else {
            let left = reserved.attempts_left(policy);
            return Err(Error::InvalidPin {
                why: if left == 0 {
                    OtpFailure::WrongAndDead
                } else {
                    OtpFailure::Wrong
                },
                attempts_left: left,
            });
        };
        if self
            .advance_secret(row, reserved, policy, SecretEvent::Accept)
            .await?
            .is_err()
        {
            return Err(dead());
        }
        // Blocked, revoked or expired since the PIN went out: it opens nothing.
        let citizen = self
            .store
            .citizen_by_id(citizen_id)
            .await?
            .ok_or_else(|| Error::Internal("PIN without citizen".into()))?;
        if citizen.state.status != AccountStatus::Active || citizen.expired(self.now()) {
            return Err(Error::AccountNotActive);
        }
        let token = random_token();
        let token_hash = secret_hash("bearer", &token);
        self.store
            .insert_session(
                &NewSession {
                    token_hash: &token_hash,
                    citizen_id: &citizen.id,
                    sealed_kek: &[],
                    key: AuthKey::Pin,
                    level: Level::Low,
                },
                self.now(),
            )
            .await?;
        self.audit(
            Event::new("login_succeeded")
                .citizen(&citizen.id)
                .detail(json!({ "key": "pin" })),
        )
        .await?;
        Ok(LeveledToken {
            access_token: token,
            expires_in: SESSION_IDLE_SECONDS,
            key: AuthKey::Pin,
            level: Level::Low,
        })
    }

    /// `POST /api/v1/session/otp`: an SMS code to raise this password session to the
    /// reinforced level. Returns the code's lifetime.
    pub async fn send_session_otp(
        &self,
        session: &Session,
        lang: Lang,
    ) -> Result<(i64, Option<&'static str>), Error> {
        let citizen = self.citizen_of(session).await?;
        let sent = self
            .send_code(&citizen, Purpose::Login, None, None, |code| {
                texts::login_code(lang, code, OTP_LIFETIME_SECONDS)
            })
            .await?;
        Ok((OTP_LIFETIME_SECONDS, sent.card_position))
    }

    /// `POST /api/v1/session/reinforce`: the SMS code raises the session to the reinforced
    /// level (R1). A wrong code counts toward the account's five entries (R20).
    pub async fn reinforce_session(&self, session: &Session, otp: &str) -> Result<Level, Error> {
        let citizen = self.citizen_of(session).await?;
        self.check_code(&citizen, Purpose::Login, None, otp).await?;
        self.store
            .raise_session_level(&session.token_hash, Level::Reinforced)
            .await?;
        self.audit(
            Event::new("session_reinforced")
                .citizen(&citizen.id)
                .detail(json!({ "level": Level::Reinforced.as_str() })),
        )
        .await?;
        Ok(Level::Reinforced)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn birth_dates_are_read_in_one_shape_only() {
        assert_eq!(
            parse_birth_date(" 1990-02-03 ").ok().as_deref(),
            Some("1990-02-03")
        );
        assert_eq!(
            parse_birth_date("1990-2-3").ok().as_deref(),
            Some("1990-02-03")
        );
        for bad in ["03/02/1990", "1990-02-30", "", "1990-02-03T00:00"] {
            assert!(parse_birth_date(bad).is_err(), "{bad}");
        }
    }
}
