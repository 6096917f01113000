//! Login sessions. `auth/login` checks DNI/NIE + password and hands out a random bearer token;
//! the relay keeps only its hash, and keeps the password-derived KEK sealed under a key derived
//! from the token, which only the citizen's browser holds.
//!
//! Before the right password is given, nothing tells whether an identifier is registered:
//! unknown, pending, blocked and wrong-password answers are the same error after the same
//! argon2id work. A blocked account does not judge passwords at all, or it would become an
//! unlimited oracle for them.

use nubefirma_protocol::{AuthKey, IdNumber, Level};

use super::account::{AccountEvent, AccountState, AccountStatus, TransitionRefused, transition};
use crate::audit::Event;
use crate::crypto::{derive_key, open, random_token, seal, secret_hash};
use crate::domain::IssuedToken;
use crate::keys::PasswordKek;
use crate::limits::{SESSION_IDLE_SECONDS, SESSION_TOUCH_INTERVAL_SECONDS};
use crate::records::{Citizen, NewSession};
use crate::{Error, Relay};
use serde_json::json;

/// An authenticated request: whose it is, the key and level it reached, and the means to unseal
/// her KEK (a password session only).
pub struct Session {
    pub citizen_id: String,
    pub key: AuthKey,
    pub level: Level,
    /// Her first password came by SMS and is not changed yet (R14).
    pub must_change_password: bool,
    token: String,
    pub(crate) token_hash: Vec<u8>,
    sealed_kek: Vec<u8>,
}

fn session_key(token: &str) -> [u8; 32] {
    derive_key(token.as_bytes(), "session kek")
}

impl Session {
    /// The password-derived key-encryption key, unsealed for one operation.
    pub fn kek(&self) -> Result<PasswordKek, Error> {
        let kek = open(
            &session_key(&self.token),
            &self.token_hash,
            &self.sealed_kek,
        )?;
        kek.try_into()
            .map(PasswordKek)
            .map_err(|_| Error::Internal("sealed kek has the wrong length".into()))
    }

    /// This session's token hash and `kek` sealed under its token, as `login` seals it: a
    /// password change stores them so the session that made the change keeps signing with the
    /// re-wrapped keys.
    pub(crate) fn resealed(&self, kek: &PasswordKek) -> Result<(Vec<u8>, Vec<u8>), Error> {
        let sealed = seal(&session_key(&self.token), &self.token_hash, &kek.0)?;
        Ok((self.token_hash.clone(), sealed))
    }
}

impl Relay {
    /// Applies an account event with compare-and-set, re-reading when another request got
    /// there first. Lost races are bounded: each means another entry changed the counters.
    pub(crate) async fn apply_account_event(
        &self,
        citizen: &Citizen,
        event: AccountEvent,
    ) -> Result<AccountState, Error> {
        self.apply_account_event_from(&citizen.id, citizen.state, event)
            .await
    }

    pub(crate) async fn apply_account_event_from(
        &self,
        citizen_id: &str,
        mut current: AccountState,
        event: AccountEvent,
    ) -> Result<AccountState, Error> {
        for _ in 0..64 {
            let next = match transition(current, event) {
                Ok(next) => next,
                Err(TransitionRefused::Blocked) => return Err(Error::AccountBlocked),
                Err(TransitionRefused::NotActive) => return Err(Error::AccountNotActive),
                Err(TransitionRefused::AlreadyActive) => {
                    return Err(Error::Conflict("this account is already activated"));
                }
                Err(TransitionRefused::Revoked) => return Err(Error::AccountNotActive),
            };
            if next == current
                || self
                    .store
                    .update_account_state(citizen_id, current, next)
                    .await?
            {
                if next.status == AccountStatus::Blocked && current.status != AccountStatus::Blocked
                {
                    self.audit(Event::new("account_blocked").citizen(citizen_id))
                        .await?;
                }
                return Ok(next);
            }
            current = self
                .store
                .citizen_by_id(citizen_id)
                .await?
                .ok_or_else(|| Error::Internal("citizen vanished".into()))?
                .state;
        }
        Err(Error::Internal(
            "account state kept changing under us".into(),
        ))
    }

    /// `auth/login`: DNI/NIE + password → bearer token. Counted for the metrics: a refusal is
    /// a failed login, an error of the relay's own is neither.
    pub async fn login(&self, identifier: &str, password_text: &str) -> Result<IssuedToken, Error> {
        let result = self.check_login(identifier, password_text).await;
        match &result {
            Ok(_) => self.metrics.login(true),
            Err(Error::Internal(_)) => {}
            Err(_) => self.metrics.login(false),
        }
        result
    }

    async fn check_login(
        &self,
        identifier: &str,
        password_text: &str,
    ) -> Result<IssuedToken, Error> {
        let id_number: IdNumber = identifier
            .parse()
            .map_err(|e| Error::InvalidRequest(format!("identifier: {e}")))?;
        let citizen = self.store.citizen_by_id_number(id_number.as_str()).await?;
        // Reserve one entry of the budget before judging, so parallel guesses cannot outrun it.
        let now = self.now();
        let reserved = match &citizen {
            Some(c) if c.state.status == AccountStatus::Active && !c.expired(now) => {
                match self.apply_account_event(c, AccountEvent::PasswordTry).await {
                    Ok(state) => Some(state),
                    Err(Error::AccountBlocked | Error::AccountNotActive) => None,
                    Err(other) => return Err(other),
                }
            }
            _ => None,
        };
        // For the audit trail only (the answer is the same whatever the reason).
        let refused = citizen.as_ref().map(|c| {
            let why = match c.state.status {
                _ if c.expired(now) => "expired",
                AccountStatus::PendingActivation => "not active",
                AccountStatus::Revoked => "revoked",
                // Blocked before, or by the entry that reserving this one would have been.
                AccountStatus::Active | AccountStatus::Blocked => "blocked",
            };
            (c.id.clone(), why)
        });
        let (Some(citizen), Some(reserved)) = (citizen, reserved) else {
            let why = refused.as_ref().map_or("unknown", |(_, why)| *why);
            let mut event = Event::new("login_failed")
                .detail(json!({ "idNumber": id_number.as_str(), "why": why }));
            if let Some((id, _)) = &refused {
                event = event.citizen(id);
            }
            self.audit(event).await?;
            // Unknown, pending, blocked or out of budget: the same answer after the same work.
            let given = password_text.to_owned();
            self.argon2(move |h| {
                h.verify_against_nothing(&given);
                Ok(())
            })
            .await?;
            return Err(Error::AuthenticationFailed);
        };
        let (Some(phc), Some(salt)) = (citizen.password_hash.clone(), citizen.kek_salt.clone())
        else {
            return Err(Error::Internal("active account without password".into()));
        };
        let given = password_text.to_owned();
        let kek = self
            .argon2(move |h| h.verify_and_derive_kek(&given, &phc, &salt))
            .await?;
        let Some(kek) = kek else {
            let after = self
                .apply_account_event_from(&citizen.id, reserved, AccountEvent::PasswordRejected)
                .await;
            tracing::info!(citizen_id = %citizen.id, blocked = matches!(after, Ok(s) if s.status == AccountStatus::Blocked), "wrong password");
            self.audit(
                Event::new("login_failed")
                    .citizen(&citizen.id)
                    .detail(json!({ "idNumber": id_number.as_str(), "why": "wrong password" })),
            )
            .await?;
            return Err(Error::AuthenticationFailed);
        };
        self.apply_account_event_from(&citizen.id, reserved, AccountEvent::PasswordAccepted)
            .await?;

        let token = random_token();
        let token_hash = secret_hash("bearer", &token);
        let sealed_kek = seal(&session_key(&token), &token_hash, &kek)?;
        self.store
            .insert_session(
                &NewSession {
                    token_hash: &token_hash,
                    citizen_id: &citizen.id,
                    sealed_kek: &sealed_kek,
                    key: AuthKey::Password,
                    level: Level::Low,
                },
                self.now(),
            )
            .await?;
        self.audit(Event::new("login_succeeded").citizen(&citizen.id))
            .await?;
        Ok(IssuedToken {
            access_token: token,
            expires_in: SESSION_IDLE_SECONDS,
            must_change_password: citizen.must_change_password,
        })
    }

    /// A password asked again inside a session (before an irreversible act): reserved and
    /// counted like a login entry (R20).
    pub(crate) async fn check_password_again(
        &self,
        citizen: &Citizen,
        password_text: &str,
    ) -> Result<(), Error> {
        let reserved = self
            .apply_account_event(citizen, AccountEvent::PasswordTry)
            .await?;
        let phc = citizen
            .password_hash
            .clone()
            .ok_or_else(|| Error::Internal("active account without password".into()))?;
        let given = password_text.to_owned();
        let right = self
            .argon2(move |h| Ok(h.verify_password(&given, &phc)))
            .await?;
        let event = if right {
            AccountEvent::PasswordAccepted
        } else {
            AccountEvent::PasswordRejected
        };
        let after = self
            .apply_account_event_from(&citizen.id, reserved, event)
            .await?;
        if right {
            Ok(())
        } else {
            Err(Error::WrongPassword {
                attempts_left: after.attempts_left(),
            })
        }
    }

    /// Checks a bearer token of the permanent key (password): what signing, certificates and
    /// the panel need. A PIN session is refused here (R4: identification only).
    /// A session whose first password came by SMS is refused too, until she changes it (R14).
    pub async fn authenticate(&self, token: &str) -> Result<Session, Error> {
        let session = self.authenticate_for_password_change(token).await?;
        if session.must_change_password {
            return Err(Error::PasswordChangeRequired);
        }
        Ok(session)
    }

    /// A password session, even one that must change its first password: what changing the
    /// password needs (R14, R26).
    pub async fn authenticate_for_password_change(&self, token: &str) -> Result<Session, Error> {
        let session = self.authenticate_any_key(token).await?;
        if session.key != AuthKey::Password {
            return Err(Error::InsufficientLevel(
                "a PIN key only identifies you: sign in with your password to do this",
            ));
        }
        Ok(session)
    }

    /// Checks a bearer token of any key: known, used within the idle limit, account still
    /// active. For identification only.
    pub async fn authenticate_any_key(&self, token: &str) -> Result<Session, Error> {
        let token = token.trim();
        if token.is_empty() {
            return Err(Error::InvalidToken);
        }
        let token_hash = secret_hash("bearer", token);
        let (stored, citizen) = self
            .store
            .session_with_citizen(&token_hash)
            .await?
            .ok_or(Error::InvalidToken)?;
        let now = self.now();
        if now - stored.last_used_at > SESSION_IDLE_SECONDS {
            self.store.delete_session(&token_hash).await?;
            return Err(Error::InvalidToken);
        }
        if citizen.state.status != AccountStatus::Active {
            return Err(Error::AccountBlocked);
        }
        if citizen.expired(now) {
            self.store.delete_session(&token_hash).await?;
            return Err(Error::AccountNotActive);
        }
        if now - stored.last_used_at >= SESSION_TOUCH_INTERVAL_SECONDS {
            self.store.touch_session(&token_hash, now).await?;
        }
        Ok(Session {
            citizen_id: stored.citizen_id,
            key: stored.key,
            level: stored.level,
            must_change_password: citizen.must_change_password,
            token: token.to_owned(),
            token_hash,
            sealed_kek: stored.sealed_kek,
        })
    }

    /// The citizen a session belongs to.
    pub(crate) async fn citizen_of(&self, session: &Session) -> Result<Citizen, Error> {
        self.store
            .citizen_by_id(&session.citizen_id)
            .await?
            .ok_or_else(|| Error::Internal("session without citizen".into()))
    }

    /// `auth/revoke`: the token stops working at once.
    pub async fn logout(&self, session: &Session) -> Result<(), Error> {
        self.store.delete_session(&session.token_hash).await
    }
}
