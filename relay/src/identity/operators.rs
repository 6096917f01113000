//! Registry-office operators (R7): named accounts made on the server's command line, which log
//! in with a password and then an SMS code, so the audit trail names the operator behind every
//! office action. The shared operator token stays for bootstrapping and development.

use nubefirma_protocol::Lang;
use serde_json::json;

use super::one_time::{SecretEvent, SecretPolicy, SecretState};
use super::password;
use super::registration::normalize_phone;
use crate::audit::Event;
use crate::crypto::{random_digits, random_id, random_token, secret_hash, secrets_equal};
use crate::limits::{
    MAX_CODE_ATTEMPTS, MAX_FAILED_ATTEMPTS, OTP_DIGITS, OTP_LIFETIME_SECONDS, SESSION_IDLE_SECONDS,
};
use crate::notify::{Channel, texts};
use crate::records::{Operator, OperatorLogin};
use crate::store::SecretRow;
use crate::{Error, OtpFailure, Relay};

/// Who called with an operator's bearer token.
#[derive(Debug, Clone)]
pub struct OfficeCaller {
    /// The operator's id; `None` for the shared operator token.
    pub id: Option<String>,
    /// What the audit trail records.
    pub name: String,
    /// `Some`: an entity's administrator (R6); `None`: the registry office.
    pub entity_id: Option<String>,
}

fn login_context(login_id: &str) -> String {
    format!("operator-login:{login_id}")
}

/// Operator names: 3 to 40 of `a-z`, `0-9`, `.`, `_`, `-` (what the audit trail shows).
fn check_name(name: &str) -> Result<String, Error> {
    let name = name.trim().to_lowercase();
    let ok = (3..=40).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if ok {
        Ok(name)
    } else {
        Err(Error::InvalidRequest(
            "name: 3 to 40 letters a-z, digits, '.', '_' or '-'".into(),
        ))
    }
}

impl Relay {
    /// `nubefirma-relay office add-operator`: a new named operator with her password (at least
    /// 12 characters) and the mobile phone her login codes go to.
    pub async fn add_operator(
        &self,
        name: &str,
        phone: &str,
        password_text: &str,
    ) -> Result<(), Error> {
        let name = self
            .insert_named_operator(name, phone, password_text, None)
            .await?;
        self.audit(
            Event::new("operator_added")
                .operator(crate::audit::COMMAND_LINE)
                .detail(json!({ "name": name })),
        )
        .await
    }

    /// A named operator (of the registry office, or of `entity_id` as its administrator);
    /// her checked name.
    pub(crate) async fn insert_named_operator(
        &self,
        name: &str,
        phone: &str,
        password_text: &str,
        entity_id: Option<&str>,
    ) -> Result<String, Error> {
        let name = check_name(name)?;
        let phone = normalize_phone(phone)?;
        if password_text.chars().count() < 12 {
            return Err(Error::WeakPassword(
                "an operator's password has at least 12 characters",
            ));
        }
        password::check_policy(password_text, "", &name, "")?;
        let given = password_text.to_owned();
        let password_hash = self.argon2(move |h| h.hash_password(&given)).await?;
        self.store
            .insert_operator(
                &Operator {
                    id: random_id(),
                    name: name.clone(),
                    password_hash,
                    phone,
                    failures: 0,
                    entity_id: entity_id.map(str::to_owned),
                },
                self.now(),
            )
            .await?;
        Ok(name)
    }

    /// `POST /office/v1/login`: name and password; the right ones send an SMS code. Unknown
    /// names, locked-out operators and wrong passwords get one answer after one argon2id each.
    /// Five wrong passwords in a row lock the operator out until another is added in her place.
    pub async fn start_operator_login(
        &self,
        name: &str,
        password_text: &str,
        lang: Lang,
    ) -> Result<String, Error> {
        let operator = match check_name(name) {
            Ok(name) => self.store.operator_by_name(&name).await?,
            Err(_) => None,
        };
        let reserved = match &operator {
            Some(o) => {
                self.store
                    .reserve_operator_entry(&o.id, MAX_FAILED_ATTEMPTS)
                    .await?
            }
            None => false,
        };
        let given = password_text.to_owned();
        let (Some(operator), true) = (operator, reserved) else {
            self.argon2(move |h| {
                h.verify_against_nothing(&given);
                Ok(())
            })
            .await?;
            self.audit(Event::new("operator_login_failed").detail(json!({ "name": name.trim() })))
                .await?;
            return Err(Error::AuthenticationFailed);
        };
        let phc = operator.password_hash.clone();
        if !self
            .argon2(move |h| Ok(h.verify_password(&given, &phc)))
            .await?
        {
            self.audit(
                Event::new("operator_login_failed")
                    .operator(&operator.name)
                    .detail(json!({ "name": operator.name })),
            )
            .await?;
            return Err(Error::AuthenticationFailed);
        }
        self.store.clear_operator_failures(&operator.id).await?;
        let now = self.now();
        let id = random_id();
        let code = random_digits(OTP_DIGITS);
        self.store
            .insert_operator_login(&OperatorLogin {
                code_mac: self.custody.code_mac(&login_context(&id), &code)?.to_vec(),
                id: id.clone(),
                operator_id: operator.id.clone(),
                state: SecretState::FRESH,
                expires_at: now + OTP_LIFETIME_SECONDS,
            })
            .await?;
        self.notifier
            .send(
                Channel::Sms,
                &operator.phone,
                &texts::operator_login(lang, &code, OTP_LIFETIME_SECONDS),
                now,
            )
            .await?;
        Ok(id)
    }

    /// `POST /office/v1/login/{id}/confirm`: the SMS code → an operator bearer token (15
    /// minutes idle).
    pub async fn confirm_operator_login(
        &self,
        login_id: &str,
        code: &str,
    ) -> Result<String, Error> {
        let dead = || Error::InvalidOtp {
            why: OtpFailure::NoValidCode,
            attempts_left: 0,
        };
        if login_id.len() > 64 {
            return Err(dead());
        }
        let login = self
            .store
            .operator_login(login_id)
            .await?
            .ok_or_else(dead)?;
        let now = self.now();
        let policy = SecretPolicy {
            expires_at: login.expires_at,
            max_attempts: MAX_CODE_ATTEMPTS,
        };
        let row = SecretRow::OperatorLogin { id: &login.id };
        let Ok(reserved) = self
            .advance_secret(row, login.state, policy, SecretEvent::Try { now })
            .await?
        else {
            return Err(dead());
        };
        let expected = self
            .custody
            .code_mac(&login_context(&login.id), code.trim())?;
        if !secrets_equal(&login.code_mac, &expected) {
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
        if self
            .advance_secret(row, reserved, policy, SecretEvent::Accept)
            .await?
            .is_err()
        {
            return Err(dead());
        }
        let operator = self
            .store
            .operator_by_id(&login.operator_id)
            .await?
            .ok_or_else(|| Error::Internal("login without operator".into()))?;
        let token = random_token();
        self.store
            .insert_operator_session(&secret_hash("operator-session", &token), &operator.id, now)
            .await?;
        self.audit(Event::new("operator_logged_in").operator(&operator.name))
            .await?;
        Ok(token)
    }

    /// Who a bearer token belongs to at the office: an operator's session (of the registry
    /// office or an entity's administrator), or the shared token.
    pub async fn operator_for_token(&self, token: &str) -> Result<Option<OfficeCaller>, Error> {
        if self.is_operator_token(token) {
            return Ok(Some(OfficeCaller {
                id: None,
                name: crate::audit::SHARED_OPERATOR_TOKEN.to_owned(),
                entity_id: None,
            }));
        }
        Ok(self
            .store
            .operator_of_session(
                &secret_hash("operator-session", token.trim()),
                self.now(),
                SESSION_IDLE_SECONDS,
            )
            .await?
            .map(|o| OfficeCaller {
                id: Some(o.id),
                name: o.name,
                entity_id: o.entity_id,
            }))
    }
}
