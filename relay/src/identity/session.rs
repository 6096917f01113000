//! Login sessions. `auth/login` checks DNI/NIE + password and hands out a random bearer token;
//! the relay keeps only its hash, and keeps the password-derived KEK sealed under a key derived
//! from the token, which only the citizen's browser holds.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use nubefirma_protocol::IdNumber;

use super::account::{AccountEvent, AccountStatus, TransitionRefused, transition};
use super::password;
use crate::crypto::{derive_key, open, random_token, seal, secret_hash};
use crate::limits::{MAX_FAILED_ATTEMPTS, SESSION_IDLE_SECONDS};
use crate::store::Citizen;
use crate::{Error, Relay};

/// An authenticated request: whose it is, and the means to unseal her KEK.
pub struct Session {
    pub citizen_id: String,
    token: String,
    token_hash: Vec<u8>,
    sealed_kek: Vec<u8>,
}

fn session_key(token: &str) -> [u8; 32] {
    derive_key(token.as_bytes(), "session kek")
}

impl Session {
    /// The password-derived key-encryption key, unsealed for one operation.
    pub fn kek(&self) -> Result<[u8; 32], Error> {
        let kek = open(
            &session_key(&self.token),
            &self.token_hash,
            &self.sealed_kek,
        )?;
        kek.try_into()
            .map_err(|_| Error::Internal("sealed kek has the wrong length".into()))
    }
}

/// Splits an `Authorization: Basic` value into identifier and password.
fn parse_basic(header: &str) -> Result<(String, String), Error> {
    let bad =
        || Error::InvalidRequest("Authorization: expected Basic with DNI/NIE and password".into());
    let encoded = header.strip_prefix("Basic ").ok_or_else(bad)?;
    let decoded = STANDARD.decode(encoded.trim()).map_err(|_| bad())?;
    let text = String::from_utf8(decoded).map_err(|_| bad())?;
    let (user, pass) = text.split_once(':').ok_or_else(bad)?;
    Ok((user.to_owned(), pass.to_owned()))
}

impl Relay {
    /// Applies an account event with compare-and-set, retrying if another request got there first.
    pub(crate) async fn apply_account_event(
        &self,
        citizen: &Citizen,
        event: AccountEvent,
    ) -> Result<super::account::AccountState, Error> {
        let mut current = citizen.state;
        for _ in 0..5 {
            let next = match transition(current, event) {
                Ok(next) => next,
                Err(TransitionRefused::Blocked) => return Err(Error::AccountBlocked),
                Err(TransitionRefused::NotActive) => return Err(Error::AccountNotActive),
                Err(TransitionRefused::AlreadyActive) => {
                    return Err(Error::Conflict("this account is already activated"));
                }
            };
            if next == current
                || self
                    .store
                    .update_account_state(&citizen.id, current, next)
                    .await?
            {
                return Ok(next);
            }
            current = self
                .store
                .citizen_by_id(&citizen.id)
                .await?
                .ok_or_else(|| Error::Internal("citizen vanished".into()))?
                .state;
        }
        Err(Error::Internal(
            "account state kept changing under us".into(),
        ))
    }

    /// `auth/login`: returns the bearer token.
    pub async fn login(&self, authorization: Option<&str>) -> Result<String, Error> {
        let (user, pass) = parse_basic(authorization.unwrap_or_default())?;
        let id_number: IdNumber = user
            .parse()
            .map_err(|e| Error::InvalidRequest(format!("identifier: {e}")))?;
        let Some(citizen) = self.store.citizen_by_id_number(id_number.as_str()).await? else {
            let pass = pass.clone();
            let _ =
                tokio::task::spawn_blocking(move || password::verify_against_nothing(&pass)).await;
            return Err(Error::AuthenticationFailed {
                attempts_left: MAX_FAILED_ATTEMPTS,
            });
        };
        match citizen.state.status {
            AccountStatus::PendingActivation => return Err(Error::AccountNotActive),
            AccountStatus::Blocked => return Err(Error::AccountBlocked),
            AccountStatus::Active => {}
        }
        let (Some(phc), Some(salt)) = (citizen.password_hash.clone(), citizen.kek_salt.clone())
        else {
            return Err(Error::Internal("active account without password".into()));
        };
        let pass_for_check = pass.clone();
        let kek = tokio::task::spawn_blocking(move || {
            if password::verify_password(&pass_for_check, &phc) {
                password::derive_kek(&pass_for_check, &salt).map(Some)
            } else {
                Ok(None)
            }
        })
        .await
        .map_err(|e| Error::internal("argon2 task", e))??;
        let Some(kek) = kek else {
            let after = self
                .apply_account_event(&citizen, AccountEvent::FactorRejected)
                .await?;
            tracing::info!(citizen_id = %citizen.id, failed = after.failed_attempts, "wrong password");
            return Err(Error::AuthenticationFailed {
                attempts_left: after.attempts_left(),
            });
        };
        self.apply_account_event(&citizen, AccountEvent::FactorAccepted)
            .await?;

        let token = random_token();
        let token_hash = secret_hash("bearer", &token);
        let sealed_kek = seal(&session_key(&token), &token_hash, &kek)?;
        self.store
            .insert_session(&token_hash, &citizen.id, &sealed_kek, self.now())
            .await?;
        Ok(token)
    }

    /// Checks a bearer token: known, used within the idle limit, account still active.
    pub async fn authenticate(&self, authorization: Option<&str>) -> Result<Session, Error> {
        let token = authorization
            .and_then(|h| h.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(Error::InvalidToken)?;
        let token_hash = secret_hash("bearer", token);
        let stored = self
            .store
            .session(&token_hash)
            .await?
            .ok_or(Error::InvalidToken)?;
        let now = self.now();
        if now - stored.last_used_at > SESSION_IDLE_SECONDS {
            self.store.delete_session(&token_hash).await?;
            return Err(Error::InvalidToken);
        }
        let citizen = self
            .store
            .citizen_by_id(&stored.citizen_id)
            .await?
            .ok_or(Error::InvalidToken)?;
        if citizen.state.status != AccountStatus::Active {
            return Err(Error::AccountBlocked);
        }
        self.store.touch_session(&token_hash, now).await?;
        Ok(Session {
            citizen_id: stored.citizen_id,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_header_parses_and_rejects_garbage() {
        let header = format!("Basic {}", STANDARD.encode("12345678Z:pass:with:colons"));
        assert_eq!(
            parse_basic(&header).ok(),
            Some(("12345678Z".into(), "pass:with:colons".into()))
        );
        assert!(parse_basic("Bearer abc").is_err());
        assert!(parse_basic("Basic !!!").is_err());
        assert!(parse_basic(&format!("Basic {}", STANDARD.encode("no-colon"))).is_err());
    }
}
