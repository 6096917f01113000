//! The citizen's self-service panel (R26): what her account shows, a password change, and a
//! change of her phone or email.
//!
//! A password change knows the old password, unlike a reset: her cloud keys are opened with the
//! old KEK and sealed again under the new one in the same transaction that stores the new
//! verifier, so her certificates keep signing. Every other session ends; hers goes on with the
//! new KEK.
//!
//! A new phone or email must prove it reaches her (a code sent to it). A new phone must also be
//! asked for from her current phone (a second code sent there): the phone is the second factor
//! of every signature (R19), so a session alone — a stolen token, or a phished password — must
//! not be able to point the signing codes at another phone. A phone is on one account only
//! (R8: the UNIQUE constraint decides a race), an email too (R23); the old address is told.

use der::Decode;
use nubefirma_protocol::Lang;
use nubefirma_protocol::api::{AccountCertificate, AccountOverview, ContactKind};
use serde_json::json;
use x509_cert::Certificate;

use super::account::AccountEvent;
use super::codes::{Purpose, code_context, code_policy};
use super::credential::{CredentialStatus, StoredStatus};
use super::one_time::{SecretEvent, SecretState};
use super::password;
use super::registration::{check_email, normalize_phone};
use super::session::Session;
use crate::audit::Event;
use crate::crypto::{random_bytes, random_digits, random_id, secrets_equal};
use crate::keys::{PasswordKek, StoredKey};
use crate::limits::{OTP_DIGITS, OTP_LIFETIME_SECONDS, RENEWAL_WINDOW_SECONDS};
use crate::notify::{Channel, texts};
use crate::records::{ContactChange, Credential};
use crate::store::{ContactChanged, PasswordChanged, Rewrapped, SecretRow};
use crate::{Error, OtpFailure, Relay};

/// How many times a password change re-wraps her keys when a credential changed under it.
const RETRIES: usize = 16;

/// A phone as the panel shows it: the first digit and the last three (`6•••••233`); a Spanish
/// number without its +34, as she knows it; an international one keeps its `+`.
pub fn mask_phone(phone: &str) -> String {
    let (prefix, number) = match phone.strip_prefix("+34") {
        Some(national) if national.chars().count() == 9 => ("", national),
        _ => phone
            .strip_prefix('+')
            .map_or(("", phone), |rest| ("+", rest)),
    };
    let chars: Vec<char> = number.chars().collect();
    if chars.len() < 7 {
        // Too short to show anything and still hide most of it.
        return "•".repeat(chars.len().max(3));
    }
    let (first, last) = (chars[0], &chars[chars.len() - 3..]);
    format!(
        "{prefix}{first}{}{}",
        "•".repeat(chars.len() - 4),
        last.iter().collect::<String>()
    )
}

/// An email as the panel shows it: the first character of the mailbox and the domain
/// (`m•••@example.org`); three dots whatever the mailbox's length, which is not shown either.
pub fn mask_email(email: &str) -> String {
    match email.rsplit_once('@') {
        Some((local, domain)) if !domain.is_empty() => match local.chars().next() {
            Some(first) => format!("{first}•••@{domain}"),
            None => format!("•••@{domain}"),
        },
        _ => "•••".to_owned(),
    }
}

fn kind_name(kind: ContactKind) -> &'static str {
    match kind {
        ContactKind::Phone => "phone",
        ContactKind::Email => "email",
    }
}

fn mask(kind: ContactKind, value: &str) -> String {
    match kind {
        ContactKind::Phone => mask_phone(value),
        ContactKind::Email => mask_email(value),
    }
}

fn taken(kind: ContactKind) -> Error {
    match kind {
        ContactKind::Phone => Error::Conflict(
            "this mobile number is on another account; a number can belong to one ID number only (R8)",
        ),
        ContactKind::Email => Error::Conflict(
            "this email address is on another account; an address can belong to one person only (R23)",
        ),
    }
}

/// The first common name of the certificate's subject.
fn subject_cn(cert: &Certificate) -> String {
    cert.tbs_certificate
        .subject
        .0
        .iter()
        .flat_map(|rdn| rdn.0.iter())
        .find(|atv| atv.oid == const_oid::db::rfc4519::CN)
        .and_then(|atv| atv.value.decode_as::<String>().ok())
        .unwrap_or_default()
}

fn certificate_view(credential: &Credential, now: i64) -> Result<AccountCertificate, Error> {
    let cert = Certificate::from_der(&credential.cert_der)
        .map_err(|e| Error::internal("stored certificate", e))?;
    // The words credentials/info uses.
    let status = match credential.status_at(now) {
        CredentialStatus::Active => "valid",
        CredentialStatus::Suspended => "suspended",
        CredentialStatus::Revoked => "revoked",
        CredentialStatus::Expired => "expired",
    };
    Ok(AccountCertificate {
        id: credential.id.to_string(),
        status: status.into(),
        not_after: credential.not_after,
        serial: hex::encode_upper(cert.tbs_certificate.serial_number.as_bytes()),
        subject_cn: subject_cn(&cert),
    })
}

impl Relay {
    /// `GET /api/v1/account`: what her panel shows, her contact addresses masked.
    pub async fn account_overview(&self, session: &Session) -> Result<AccountOverview, Error> {
        let citizen = self.citizen_of(session).await?;
        let now = self.now();
        let certificates = self
            .store
            .credentials_of(&citizen.id)
            .await?
            .iter()
            .map(|c| certificate_view(c, now))
            .collect::<Result<_, _>>()?;
        Ok(AccountOverview {
            // No mobile (R11): nothing to show.
            phone: if citizen.phone.starts_with(crate::notify::NO_MOBILE) {
                String::new()
            } else {
                mask_phone(&citizen.phone)
            },
            email: mask_email(&citizen.email),
            status: citizen.state.status.as_str().into(),
            renewable_from: citizen.expires_at.map(|at| at - RENEWAL_WINDOW_SECONDS),
            expires_at: citizen.expires_at,
            second_factor: citizen.second_factor.clone(),
            certificates,
            given_name: citizen.given_name,
            surname: citizen.surname,
            id_number: citizen.id_number,
        })
    }

    /// `POST /api/v1/account/password`: her current password (an entry of R20's budget) and a
    /// new one. Her live keys are re-wrapped under the new KEK, so her certificates keep
    /// signing; every other session ends.
    pub async fn change_password(
        &self,
        session: &Session,
        current: &str,
        new: &str,
        lang: Lang,
    ) -> Result<(), Error> {
        let citizen = self.citizen_of(session).await?;
        // Judged before any entry is spent: neither tells anything about the stored password.
        password::check_policy(
            new,
            &citizen.id_number,
            &citizen.given_name,
            &citizen.surname,
        )?;
        if new == current {
            return Err(Error::WeakPassword(
                "it must differ from the current password",
            ));
        }
        self.check_password_again(&citizen, current).await?;
        let old_hash = citizen
            .password_hash
            .clone()
            .ok_or_else(|| Error::Internal("active account without password".into()))?;
        // The session's KEK is the one the current password gives: any other password change
        // or reset would have ended this session (and fails the compare-and-set below).
        let old_kek = session.kek()?;
        let kek_salt = random_bytes::<16>();
        let (given, salt) = (new.to_owned(), kek_salt.to_vec());
        let (new_hash, new_kek) = self
            .argon2(move |h| h.hash_password_and_kek(&given, &salt))
            .await?;
        let new_kek = PasswordKek(new_kek);
        let (token_hash, sealed_kek) = session.resealed(&new_kek)?;
        let now = self.now();
        let moved = || {
            Error::Conflict(
                "the password or the account changed meanwhile (another change, a reset or a revocation); nothing was changed",
            )
        };
        for _ in 0..RETRIES {
            let rewrapped = self
                .store
                .credentials_of(&citizen.id)
                .await?
                .into_iter()
                // A revoked key never signs again: it stays as it was.
                .filter(|c| c.status != StoredStatus::Revoked)
                .map(|c| {
                    let key = self.custody.rewrap_citizen_key(
                        &c.id,
                        &StoredKey(c.wrapped_key.clone()),
                        &old_kek,
                        &new_kek,
                    )?;
                    Ok(Rewrapped {
                        id: c.id,
                        old_key: c.wrapped_key,
                        new_key: key.0,
                    })
                })
                .collect::<Result<Vec<_>, Error>>();
            let rewrapped = match rewrapped {
                Ok(rewrapped) => rewrapped,
                // A parallel change that won re-wrapped the keys under its own KEK: this one
                // lost, as its compare-and-set would have.
                Err(err) => {
                    let now_hash = self.citizen_of(session).await?.password_hash;
                    return Err(if now_hash.as_deref() == Some(old_hash.as_str()) {
                        err
                    } else {
                        moved()
                    });
                }
            };
            match self
                .store
                .change_password(
                    &citizen.id,
                    &old_hash,
                    &new_hash,
                    &kek_salt,
                    &rewrapped,
                    (&token_hash, &sealed_kek),
                )
                .await?
            {
                PasswordChanged::Done { ended_sessions } => {
                    tracing::info!(citizen_id = %citizen.id, "password changed");
                    let ids: Vec<String> = rewrapped.iter().map(|r| r.id.to_string()).collect();
                    self.audit(
                        Event::new("password_changed")
                            .citizen(&citizen.id)
                            .detail(json!({
                                "rewrappedCredentials": ids,
                                "endedSessions": ended_sessions,
                            })),
                    )
                    .await?;
                    return self
                        .send_sms(&citizen, texts::password_changed_by_her(lang), now)
                        .await;
                }
                PasswordChanged::AccountMoved => return Err(moved()),
                // A certificate was made or revoked meanwhile: re-wrap what is there now.
                PasswordChanged::CredentialsMoved => {}
            }
        }
        Err(Error::Internal(
            "her credentials kept changing under us".into(),
        ))
    }

    /// `POST /api/v1/account/contact`: a code to the new phone or email; for a phone, one more
    /// to her current phone. Returns the change's id, how long its codes live, and whether the
    /// new phone is on another account (R22: the code to it proves it is hers, and that account
    /// is revoked when she confirms). An email on another account is refused (R23).
    pub async fn start_contact_change(
        &self,
        session: &Session,
        kind: ContactKind,
        value: &str,
        lang: Lang,
    ) -> Result<(String, i64, bool), Error> {
        let citizen = self.citizen_of(session).await?;
        let (new_value, old_value) = match kind {
            ContactKind::Phone => (normalize_phone(value)?, citizen.phone.clone()),
            ContactKind::Email => (check_email(value)?, citizen.email.clone()),
        };
        if new_value == old_value {
            return Err(Error::InvalidRequest(format!(
                "value: this is already your {}",
                kind_name(kind)
            )));
        }
        // Counted before the check, so asking which addresses are taken costs as a code does.
        self.limit_sms(&citizen.id, Purpose::Contact).await?;
        let now = self.now();
        let takes_from = match kind {
            ContactKind::Phone => {
                self.store
                    .phone_on_another_account(&citizen.id, &new_value)
                    .await?
            }
            ContactKind::Email => {
                if self
                    .store
                    .email_on_another_account(&citizen.id, &new_value, now)
                    .await?
                {
                    return Err(taken(kind));
                }
                None
            }
        };
        if kind == ContactKind::Phone {
            self.limit_sms(&citizen.id, Purpose::ReplacePhone).await?;
        }
        let id = random_id();
        let code = random_digits(OTP_DIGITS);
        let current_code = (kind == ContactKind::Phone).then(|| random_digits(OTP_DIGITS));
        let current_code_mac = match &current_code {
            Some(c) => Some(
                self.custody
                    .code_mac(&code_context(Purpose::ReplacePhone, &id), c)?
                    .to_vec(),
            ),
            None => None,
        };
        self.store
            .insert_contact_change(
                &ContactChange {
                    id: id.clone(),
                    citizen_id: citizen.id.clone(),
                    kind: kind_name(kind).into(),
                    old_value,
                    new_value: new_value.clone(),
                    code_mac: self
                        .custody
                        .code_mac(&code_context(Purpose::Contact, &id), &code)?
                        .to_vec(),
                    current_code_mac,
                    takes_from: takes_from.clone(),
                    state: SecretState::FRESH,
                    expires_at: now + OTP_LIFETIME_SECONDS,
                },
                now,
            )
            .await?;
        match kind {
            ContactKind::Phone => {
                self.notifier
                    .send(
                        Channel::Sms,
                        &new_value,
                        &texts::new_phone_code(lang, &code, OTP_LIFETIME_SECONDS),
                        now,
                    )
                    .await?;
                if let Some(current_code) = &current_code {
                    self.send_sms(
                        &citizen,
                        &texts::replace_phone_code(lang, current_code, OTP_LIFETIME_SECONDS),
                        now,
                    )
                    .await?;
                }
            }
            ContactKind::Email => {
                self.notifier
                    .send(
                        Channel::Email,
                        &new_value,
                        &texts::new_email_code(lang, &code, OTP_LIFETIME_SECONDS),
                        now,
                    )
                    .await?;
            }
        }
        self.audit(Event::new("code_sent").citizen(&citizen.id).detail(json!({
            "purpose": Purpose::Contact.as_str(),
            "changeId": id,
            "kind": kind_name(kind),
            "to": mask(kind, &new_value),
            "heldByAnotherAccount": takes_from.is_some(),
        })))
        .await?;
        Ok((id, OTP_LIFETIME_SECONDS, takes_from.is_some()))
    }

    /// `POST /api/v1/account/contact/{changeId}/confirm`: the right code(s) make the change;
    /// the old address is told. Each entry counts toward the change's three and, as every
    /// code entered in a session, toward R20's five. Returns the kind and the new value masked.
    pub async fn confirm_contact_change(
        &self,
        session: &Session,
        change_id: &str,
        code: &str,
        current_phone_code: Option<&str>,
        lang: Lang,
    ) -> Result<(ContactKind, String), Error> {
        let citizen = self.citizen_of(session).await?;
        let no_code = || Error::InvalidOtp {
            why: OtpFailure::NoValidCode,
            attempts_left: citizen.state.attempts_left(),
        };
        if change_id.len() > 64 {
            return Err(no_code());
        }
        // Another citizen's change answers as an unknown one.
        let change = self
            .store
            .contact_change(change_id)
            .await?
            .filter(|c| c.citizen_id == citizen.id)
            .ok_or_else(no_code)?;
        let kind = match change.kind.as_str() {
            "phone" => ContactKind::Phone,
            "email" => ContactKind::Email,
            other => return Err(Error::Internal(format!("unknown contact kind {other}"))),
        };
        if change.current_code_mac.is_some() && current_phone_code.is_none() {
            return Err(Error::InvalidRequest(
                "currentPhoneCode: a new phone also needs the code sent to your current phone"
                    .into(),
            ));
        }
        let policy = code_policy(change.expires_at);
        let row = SecretRow::ContactChange { id: &change.id };
        let Ok(reserved) = self
            .advance_secret(
                row,
                change.state,
                policy,
                SecretEvent::Try { now: self.now() },
            )
            .await?
        else {
            return Err(no_code());
        };
        let account = self
            .apply_account_event(&citizen, AccountEvent::OtpTry)
            .await?;
        // Both compared in full, whatever the first says.
        let new_ok = secrets_equal(
            &change.code_mac,
            &self
                .custody
                .code_mac(&code_context(Purpose::Contact, &change.id), code.trim())?,
        );
        let current_ok = match &change.current_code_mac {
            Some(mac) => secrets_equal(
                mac,
                &self.custody.code_mac(
                    &code_context(Purpose::ReplacePhone, &change.id),
                    current_phone_code.unwrap_or_default().trim(),
                )?,
            ),
            None => true,
        };
        if !(new_ok & current_ok) {
            let after = self
                .apply_account_event_from(&citizen.id, account, AccountEvent::OtpRejected)
                .await?;
            tracing::info!(citizen_id = %citizen.id, "wrong contact change code");
            return Err(Error::InvalidOtp {
                why: if reserved.attempts_left(policy) == 0 {
                    OtpFailure::WrongAndDead
                } else {
                    OtpFailure::Wrong
                },
                attempts_left: after.attempts_left(),
            });
        }
        self.apply_account_event_from(&citizen.id, account, AccountEvent::OtpAccepted)
            .await?;
        let now = self.now();
        let change = ContactChange {
            state: reserved,
            ..change
        };
        // Who held the phone she proves is hers (R22), read before it is revoked, to tell them.
        let previous_holder = match &change.takes_from {
            Some(other) => self.store.citizen_by_id(other).await?,
            None => None,
        };
        match self.store.apply_contact_change(&change, now).await? {
            ContactChanged::Done => {}
            ContactChanged::Taken => return Err(taken(kind)),
            ContactChanged::Lost => {
                return Err(Error::Conflict(
                    "this change no longer applies: a newer one replaced it, or your account changed meanwhile; start again",
                ));
            }
        }
        tracing::info!(citizen_id = %citizen.id, kind = kind_name(kind), "contact changed");
        self.audit(
            Event::new("contact_changed")
                .citizen(&citizen.id)
                .detail(json!({
                    "kind": kind_name(kind),
                    "changeId": change.id,
                    "from": mask(kind, &change.old_value),
                    "to": mask(kind, &change.new_value),
                })),
        )
        .await?;
        if let Some(other) = previous_holder
            .as_ref()
            .filter(|o| o.phone == change.new_value)
        {
            tracing::info!(citizen_id = %other.id, "account revoked: its phone was proved by another holder");
            self.audit(
                Event::new("account_revoked")
                    .citizen(&other.id)
                    .detail(json!({
                        "reason": "superseded",
                        "why": "its phone was proved to be another person's (R22)",
                        "provedBy": citizen.id,
                    })),
            )
            .await?;
            let other_lang = other
                .lang
                .as_deref()
                .and_then(Lang::from_tag)
                .unwrap_or_default();
            self.notifier
                .send(
                    Channel::Email,
                    &other.email,
                    texts::phone_taken_over(other_lang),
                    now,
                )
                .await?;
        }
        // The old address is told; an old "no mobile" (R11) means her email.
        let (channel, to, notice) = match kind {
            ContactKind::Phone => {
                let (channel, to) = crate::notify::sms_route(&change.old_value, &citizen.email);
                (channel, to, texts::phone_changed(lang))
            }
            ContactKind::Email => (
                Channel::Email,
                change.old_value.as_str(),
                texts::email_changed(lang),
            ),
        };
        self.notifier.send(channel, to, notice, now).await?;
        Ok((kind, mask(kind, &change.new_value)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spanish_phone_shows_its_first_digit_and_last_three() {
        assert_eq!(mask_phone("+34600112233"), "6•••••233");
        assert_eq!(mask_phone("+34712345678"), "7•••••678");
    }

    #[test]
    fn an_international_phone_keeps_its_plus_and_hides_the_middle() {
        assert_eq!(mask_phone("+447700900123"), "+4••••••••123");
        // +34 but not a 9-digit national number: read as international.
        assert_eq!(mask_phone("+3460011223"), "+3••••••223");
    }

    #[test]
    fn a_short_or_odd_phone_is_hidden_whole() {
        assert_eq!(mask_phone("+123456"), "••••••");
        assert_eq!(mask_phone(""), "•••");
        assert_eq!(mask_phone("revoked:abc"), "r•••••••abc");
    }

    #[test]
    fn an_email_shows_the_first_character_and_the_domain_only() {
        assert_eq!(mask_email("maria@example.org"), "m•••@example.org");
        assert_eq!(mask_email("m@example.org"), "m•••@example.org");
        assert_eq!(
            mask_email("ñandú.pérez@correo.es"),
            "ñ•••@correo.es",
            "characters, not bytes"
        );
        assert_eq!(mask_email("@example.org"), "•••@example.org");
        assert_eq!(mask_email("not an address"), "•••");
        assert_eq!(mask_email("x@"), "•••");
    }

    #[test]
    fn masks_never_show_the_whole_value() {
        for phone in ["+34600112233", "+447700900123", "+12025550143"] {
            let masked = mask_phone(phone);
            assert!(!masked.contains(&phone[phone.len() - 6..]), "{masked}");
        }
        assert!(!mask_email("lucia@example.es").contains("lucia"));
    }
}
