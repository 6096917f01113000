//! Registration at a registry office (R7–R9): the officer has checked the ID in person; we
//! record the citizen and hand back an activation code, shown once and stored only hashed.

use nubefirma_protocol::IdNumber;
use nubefirma_protocol::api::{RegisterCitizenRequest, RegisterCitizenResponse};
use time::{Date, Month};

use crate::audit::Event;
use crate::crypto::{random_bytes, random_id, secret_hash};
use crate::limits::ACTIVATION_CODE_LIFETIME_SECONDS;
use crate::records::NewCitizen;
use crate::{Error, Relay};
use serde_json::json;

/// Letters and digits that cannot be misread for each other (no 0/O, 1/I/L).
const ACTIVATION_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
const MIN_AGE_YEARS: i32 = 16;

/// `XXXX-XXXX-XXXX`: 60 bits from an unambiguous alphabet, easy to read out and type.
fn new_activation_code() -> String {
    let mut out = String::new();
    let mut n = 0;
    while n < 12 {
        let byte = random_bytes::<1>()[0];
        // 31 symbols: reject the top of the byte range to avoid modulo bias.
        if usize::from(byte) >= 248 {
            continue;
        }
        if n > 0 && n % 4 == 0 {
            out.push('-');
        }
        out.push(char::from(
            ACTIVATION_ALPHABET[usize::from(byte) % ACTIVATION_ALPHABET.len()],
        ));
        n += 1;
    }
    out
}

/// Canonical form of an activation code as a citizen may type it.
pub fn normalize_activation_code(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Mobile number in international form. A 9-digit Spanish mobile gets +34.
pub fn normalize_phone(phone: &str) -> Result<String, Error> {
    let compact: String = phone
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
        .collect();
    let digits = compact.strip_prefix('+').unwrap_or(&compact);
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(Error::InvalidRequest(
            "phone: only digits, optionally with a leading +".into(),
        ));
    }
    let international = if !compact.starts_with('+')
        && digits.len() == 9
        && matches!(digits.as_bytes()[0], b'6' | b'7')
    {
        format!("+34{digits}")
    } else if compact.starts_with('+') && (8..=15).contains(&digits.len()) {
        compact.clone()
    } else {
        return Err(Error::InvalidRequest(
            "phone: a Spanish mobile (9 digits starting with 6 or 7) or an international number starting with +".into(),
        ));
    };
    Ok(international)
}

pub(crate) fn check_email(email: &str) -> Result<String, Error> {
    let email = email.trim();
    let valid = email.len() <= 254
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
        })
        && !email.chars().any(|c| {
            c.is_whitespace() || c.is_control() || is_bidi_control(c) || "<>\"(),;:[]\\".contains(c)
        });
    if valid {
        Ok(email.to_owned())
    } else {
        Err(Error::InvalidRequest("email: not a valid address".into()))
    }
}

/// Marks that reorder text on screen (a name could then read differently than it is stored).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// A name as it goes into her certificate: letters of any script (with combining accents),
/// spaces, apostrophes, hyphens and periods; nothing that could be markup or reorder text.
pub(crate) fn check_name(field: &str, value: &str) -> Result<String, Error> {
    let value = value.trim();
    let allowed = |c: char| {
        c.is_alphabetic()
            || ('\u{0300}'..='\u{036f}').contains(&c)
            || matches!(c, ' ' | '\'' | '’' | '-' | '.' | '·' | 'ª' | 'º')
    };
    if value.is_empty() || value.chars().count() > 100 || !value.chars().all(allowed) {
        return Err(Error::InvalidRequest(format!(
            "{field}: 1 to 100 letters, spaces, apostrophes, hyphens or periods"
        )));
    }
    Ok(value.to_owned())
}

/// The ID document an officer checked at the desk (R7), as the audit trail records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdDocument {
    Dni,
    Nie,
    /// A Spanish passport, with its number. Spanish nationals hold a DNI too, whose number is
    /// her identifier (R1); the passport only proves who she is at the desk.
    Passport(String),
}

impl IdDocument {
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Dni => "dni",
            Self::Nie => "nie",
            Self::Passport(_) => "passport",
        }
    }
}

/// The document the officer names, checked against the ID number: a DNI number goes with a
/// DNI or a Spanish passport (three letters and six digits), an NIE with an NIE card.
pub fn check_id_document(
    id_number: &IdNumber,
    kind: Option<&str>,
    passport_number: Option<&str>,
) -> Result<IdDocument, Error> {
    let bad = |why: &str| Error::InvalidRequest(why.to_owned());
    let kind = kind
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .unwrap_or(if id_number.is_nie() { "nie" } else { "dni" });
    let passport = passport_number.map(str::trim).filter(|p| !p.is_empty());
    match (kind, id_number.is_nie(), passport) {
        ("dni", false, None) => Ok(IdDocument::Dni),
        ("nie", true, None) => Ok(IdDocument::Nie),
        ("dni" | "nie", _, Some(_)) => Err(bad("passportNumber: only with idDocument passport")),
        ("dni", true, _) => Err(bad(
            "idDocument: an NIE number goes with an NIE card, not a DNI",
        )),
        ("nie", false, _) => Err(bad(
            "idDocument: a DNI number goes with a DNI, not an NIE card",
        )),
        ("passport", true, _) => Err(bad(
            "idDocument: a Spanish passport belongs to a Spanish national, whose identifier is her DNI number, not an NIE",
        )),
        ("passport", false, None) => Err(bad(
            "passportNumber: a Spanish passport's number is required with idDocument passport",
        )),
        ("passport", false, Some(number)) => {
            let number = number.to_ascii_uppercase();
            let b = number.as_bytes();
            if b.len() == 9
                && b[..3].iter().all(u8::is_ascii_uppercase)
                && b[3..].iter().all(u8::is_ascii_digit)
            {
                Ok(IdDocument::Passport(number))
            } else {
                Err(bad(
                    "passportNumber: a Spanish passport's number is three letters and six digits (PAA123456)",
                ))
            }
        }
        _ => Err(bad("idDocument: dni, nie or passport")),
    }
}

/// `YYYY-MM-DD` as a calendar date (also the shape a PIN request's birth date is compared in).
pub(crate) fn parse_date(text: &str) -> Option<Date> {
    let mut parts = text.trim().splitn(3, '-');
    let (Some(y), Some(m), Some(d)) = (parts.next(), parts.next(), parts.next()) else {
        return None;
    };
    let year: i32 = y.parse().ok()?;
    let month: u8 = m.parse().ok()?;
    let day: u8 = d.parse().ok()?;
    Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()
}

/// `YYYY-MM-DD`, and at least 16 years before `now` (R9).
pub(crate) fn check_birth_date(birth_date: &str, now: i64) -> Result<String, Error> {
    let bad = || Error::InvalidRequest("birthDate: a date as YYYY-MM-DD".into());
    let born = parse_date(birth_date).ok_or_else(bad)?;
    let today = time::OffsetDateTime::from_unix_timestamp(now)
        .map_err(|_| bad())?
        .date();
    let sixteenth = Date::from_calendar_date(born.year() + MIN_AGE_YEARS, born.month(), born.day())
        .or_else(|_| Date::from_calendar_date(born.year() + MIN_AGE_YEARS, Month::March, 1))
        .map_err(|_| bad())?;
    if sixteenth > today {
        return Err(Error::InvalidRequest(
            "birthDate: the citizen must be at least 16 years old".into(),
        ));
    }
    Ok(born.to_string())
}

impl Relay {
    pub async fn register_citizen(
        &self,
        req: &RegisterCitizenRequest,
        operator: &str,
    ) -> Result<RegisterCitizenResponse, Error> {
        let id_number: IdNumber = req
            .id_number
            .parse()
            .map_err(|e| Error::InvalidRequest(format!("idNumber: {e}")))?;
        let document = check_id_document(
            &id_number,
            req.id_document.as_deref(),
            req.passport_number.as_deref(),
        )?;
        let now = self.now();
        let activation_code = new_activation_code();
        let id = random_id();
        // No mobile number: what would go by SMS goes to her email (R11).
        let phone = if req.phone.trim().is_empty() {
            format!("{}{id}", crate::notify::NO_MOBILE)
        } else {
            normalize_phone(&req.phone)?
        };
        let citizen = NewCitizen {
            id,
            id_number: id_number.to_string(),
            given_name: check_name("givenName", &req.given_name)?,
            surname: check_name("surname", &req.surname)?,
            birth_date: check_birth_date(&req.birth_date, now)?,
            phone,
            email: check_email(&req.email)?,
            activation_code_hash: secret_hash(
                "activation-code",
                &normalize_activation_code(&activation_code),
            ),
            activation_expires_at: now + ACTIVATION_CODE_LIFETIME_SECONDS,
            created_at: now,
        };
        // After expiry she registers again as the first time (R25): the expired account gives up
        // its ID number (and keeps its history), as a revoked one does.
        if let Some(old) = self.store.citizen_by_id_number(&citizen.id_number).await?
            && old.expired(now)
            && let Some(credentials) = self
                .store
                .revoke_account(&old.id, old.state, now, "cessationOfOperation")
                .await?
        {
            self.audit(
                Event::new("expired_account_retired")
                    .citizen(&old.id)
                    .operator(operator)
                    .detail(json!({ "revokedCredentials": credentials })),
            )
            .await?;
        }
        self.store.insert_citizen(&citizen).await?;
        tracing::info!(citizen_id = %citizen.id, "citizen registered");
        self.audit(
            Event::new("citizen_registered")
                .citizen(&citizen.id)
                .operator(operator)
                .detail(json!({
                    "idNumber": citizen.id_number,
                    "idDocument": document.kind(),
                    "passportNumber": match &document {
                        IdDocument::Passport(number) => Some(number.as_str()),
                        _ => None,
                    },
                })),
        )
        .await?;
        Ok(RegisterCitizenResponse {
            citizen_id: citizen.id,
            activation_code,
        })
    }
}

impl Relay {
    /// `POST /office/v1/citizens/phone`: a new mobile for the person in front of the operator,
    /// ID in hand (R7): a lost phone cannot receive the code her panel would ask of it (R26).
    /// Her email is told, and the new phone too; codes sent to the old one stop working.
    pub async fn change_phone_by_operator(
        &self,
        identifier: &str,
        phone: &str,
        operator: &str,
    ) -> Result<(), Error> {
        let id_number: IdNumber = identifier
            .parse()
            .map_err(|e| Error::InvalidRequest(format!("idNumber: {e}")))?;
        let phone = normalize_phone(phone)?;
        let citizen = self
            .store
            .citizen_by_id_number(id_number.as_str())
            .await?
            .ok_or_else(|| Error::InvalidRequest("idNumber: no account with this ID".into()))?;
        if citizen.phone == phone {
            return Err(Error::InvalidRequest(
                "phone: this is already her mobile".into(),
            ));
        }
        if !self.store.set_phone(&citizen.id, &phone).await? {
            return Err(Error::Conflict("this account is revoked"));
        }
        self.audit(
            Event::new("contact_changed")
                .citizen(&citizen.id)
                .operator(operator)
                .detail(json!({
                    "kind": "phone",
                    "by": "office",
                    "to": crate::identity::panel::mask_phone(&phone),
                })),
        )
        .await?;
        let lang = citizen
            .lang
            .as_deref()
            .and_then(nubefirma_protocol::Lang::from_tag)
            .unwrap_or_default();
        let now = self.now();
        let notice = crate::notify::texts::phone_changed(lang);
        self.notifier
            .send(crate::notify::Channel::Email, &citizen.email, notice, now)
            .await?;
        self.notifier
            .send(crate::notify::Channel::Sms, &phone, notice, now)
            .await
    }

    /// `POST /office/v1/citizens/activation-code`: a new activation code for the person in
    /// front of the operator, ID in hand (R10): a lost letter before activation, or — for an
    /// active or blocked account — the letter that resets her password (R20). The old code
    /// stops working. Shown once, like at registration.
    pub async fn regenerate_activation_code(
        &self,
        identifier: &str,
        operator: &str,
    ) -> Result<RegisterCitizenResponse, Error> {
        let id_number: IdNumber = identifier
            .parse()
            .map_err(|e| Error::InvalidRequest(format!("idNumber: {e}")))?;
        let citizen = self
            .store
            .citizen_by_id_number(id_number.as_str())
            .await?
            .ok_or_else(|| Error::InvalidRequest("idNumber: no account with this ID".into()))?;
        let activation_code = new_activation_code();
        let hash = secret_hash(
            "activation-code",
            &normalize_activation_code(&activation_code),
        );
        if !self
            .store
            .replace_activation_code(
                &citizen.id,
                &hash,
                self.now() + ACTIVATION_CODE_LIFETIME_SECONDS,
            )
            .await?
        {
            return Err(Error::Conflict("this account is revoked"));
        }
        self.audit(
            Event::new("activation_code_regenerated")
                .citizen(&citizen.id)
                .operator(operator)
                .detail(json!({ "accountStatus": citizen.state.status.as_str() })),
        )
        .await?;
        Ok(RegisterCitizenResponse {
            citizen_id: citizen.id,
            activation_code,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn activation_codes_are_grouped_and_unambiguous() {
        let code = new_activation_code();
        assert_eq!(code.len(), 14);
        assert_eq!(code.matches('-').count(), 2);
        assert!(
            normalize_activation_code(&code)
                .bytes()
                .all(|b| ACTIVATION_ALPHABET.contains(&b))
        );
        assert_eq!(normalize_activation_code(" abcd-efgh "), "ABCDEFGH");
    }

    #[test]
    fn phones_normalize_to_international_form() {
        assert_eq!(
            normalize_phone("600 11 22 33").ok(),
            Some("+34600112233".into())
        );
        assert_eq!(
            normalize_phone("+34 600112233").ok(),
            Some("+34600112233".into())
        );
        assert!(normalize_phone("912345678").is_err(), "landline");
        assert!(normalize_phone("6001122x3").is_err());
    }

    #[test]
    fn names_take_letters_of_any_script_but_no_markup_or_reordering() {
        for good in [
            "María José",
            "O'Brien",
            "Núñez-Goñi",
            "Aitor Etxeberria",
            "Çelik",
            "Lúcia",
        ] {
            assert!(check_name("n", good).is_ok(), "{good}");
        }
        for bad in [
            "<b>Ana</b>",
            "Ana\u{202e}",
            "Ana\nX",
            "Robert'); DROP",
            "Ana1",
            "",
        ] {
            assert!(check_name("n", bad).is_err(), "{bad:?}");
        }
        assert!(check_email("ana@example.org").is_ok());
        for bad in [
            "ana@ex ample.org",
            "ana@example.org\r\nBcc: x@y.z",
            "<a>@b.c",
            "a@b",
        ] {
            assert!(check_email(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn r7_the_checked_document_must_fit_the_id_number() {
        let dni: IdNumber = "12345678Z".parse().expect("dni");
        let nie: IdNumber = "X1234567L".parse().expect("nie");
        assert_eq!(
            check_id_document(&dni, None, None).ok(),
            Some(IdDocument::Dni)
        );
        assert_eq!(
            check_id_document(&nie, None, None).ok(),
            Some(IdDocument::Nie)
        );
        assert_eq!(
            check_id_document(&dni, Some("passport"), Some(" paa123456 ")).ok(),
            Some(IdDocument::Passport("PAA123456".into()))
        );
        for (id, kind, passport) in [
            (&dni, Some("passport"), None),
            (&dni, Some("passport"), Some("PA123456")),
            (&dni, Some("passport"), Some("PAA12345X")),
            (&nie, Some("passport"), Some("PAA123456")),
            (&dni, Some("nie"), None),
            (&nie, Some("dni"), None),
            (&dni, Some("dni"), Some("PAA123456")),
            (&dni, Some("driving licence"), None),
        ] {
            assert!(
                check_id_document(id, kind, passport).is_err(),
                "{id:?} {kind:?} {passport:?}"
            );
        }
    }

    #[test]
    fn birth_date_requires_sixteen_years() {
        let now = 1_780_000_000; // 2026-05-28
        assert!(check_birth_date("1990-02-03", now).is_ok());
        assert!(check_birth_date("2010-05-28", now).is_ok(), "16 today");
        assert!(check_birth_date("2010-05-29", now).is_err(), "16 tomorrow");
        assert!(check_birth_date("1990-02-30", now).is_err());
        assert!(check_birth_date("yesterday", now).is_err());
    }
}
