//! Credentials: a cloud key and its certificate. Status as a pure state machine (tested as a
//! state × event table); expiry is not stored but read from the certificate's end against the
//! relay's clock. Generated on demand at the first signature, confirmed by SMS (R15, R16);
//! revoked by the citizen (token + password) or by an operator (R24).

use super::codes::Purpose;
use super::session::Session;
use crate::audit::Event;
use crate::domain::CredentialId;
use crate::keys::PasswordKek;
use crate::limits::CITIZEN_CERT_LIFETIME_SECONDS;
use crate::pki::CitizenSubject;
use crate::records::Credential;
use crate::{Error, Relay};
use nubefirma_protocol::Lang;
use serde_json::json;

/// The status kept in the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoredStatus {
    Active,
    /// Temporarily unusable (an operator's hold); can be resumed.
    Suspended,
    /// Final: nothing signs with this key again.
    Revoked,
}

/// The status a client sees: the stored one, or `Expired` once the certificate has ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialStatus {
    Active,
    Suspended,
    Revoked,
    Expired,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialEvent {
    Suspend,
    Resume,
    Revoke,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CredentialRefused;

impl StoredStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Suspended => "suspended",
            Self::Revoked => "revoked",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "active" => Some(Self::Active),
            "suspended" => Some(Self::Suspended),
            "revoked" => Some(Self::Revoked),
            _ => None,
        }
    }
}

impl CredentialStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Suspended => "suspended",
            Self::Revoked => "revoked",
            Self::Expired => "expired",
        }
    }
}

pub fn transition(
    status: StoredStatus,
    event: CredentialEvent,
) -> Result<StoredStatus, CredentialRefused> {
    use CredentialEvent::*;
    use StoredStatus::*;
    match (status, event) {
        (Active, Suspend) => Ok(Suspended),
        (Suspended, Resume) => Ok(Active),
        (Active | Suspended, Revoke) => Ok(Revoked),
        (Revoked, _) | (Active, Resume) | (Suspended, Suspend) => Err(CredentialRefused),
    }
}

/// What a credential is now, by the relay's clock. Revocation outranks expiry.
pub fn effective_status(stored: StoredStatus, not_after: i64, now: i64) -> CredentialStatus {
    match stored {
        StoredStatus::Revoked => CredentialStatus::Revoked,
        _ if now > not_after => CredentialStatus::Expired,
        StoredStatus::Suspended => CredentialStatus::Suspended,
        StoredStatus::Active => CredentialStatus::Active,
    }
}

impl Credential {
    pub fn status_at(&self, now: i64) -> CredentialStatus {
        effective_status(self.status, self.not_after, now)
    }

    /// Only an active, unexpired credential authorizes or signs.
    pub fn ensure_usable(&self, now: i64) -> Result<(), Error> {
        match self.status_at(now) {
            CredentialStatus::Active => Ok(()),
            CredentialStatus::Suspended => Err(Error::CredentialUnusable("it is suspended")),
            CredentialStatus::Revoked => Err(Error::CredentialUnusable("it is revoked")),
            CredentialStatus::Expired => {
                Err(Error::CredentialUnusable("its certificate has expired"))
            }
        }
    }
}

impl Relay {
    /// The credential, if it is the session's citizen's; otherwise the same answer as an
    /// unknown id (another citizen's ids are not confirmed to exist).
    pub(crate) async fn own_credential(
        &self,
        session: &Session,
        credential_id: &CredentialId,
    ) -> Result<Credential, Error> {
        match self.store.credential(credential_id).await? {
            Some(c) if c.citizen_id == session.citizen_id => Ok(c),
            _ => Err(Error::InvalidRequest(
                "credentialID: unknown credential".into(),
            )),
        }
    }

    /// The session's credentials, oldest first; with `only_valid`, the usable ones only.
    pub async fn list_credentials(
        &self,
        session: &Session,
        only_valid: bool,
    ) -> Result<Vec<Credential>, Error> {
        let now = self.now();
        let all = self.store.credentials_of(&session.citizen_id).await?;
        Ok(all
            .into_iter()
            .filter(|c| !only_valid || c.status_at(now) == CredentialStatus::Active)
            .collect())
    }

    pub async fn credential_info(
        &self,
        session: &Session,
        credential_id: &CredentialId,
    ) -> Result<Credential, Error> {
        self.own_credential(session, credential_id).await
    }

    /// `POST /api/v1/credentials`: starts generating a cloud certificate (R15); an SMS code
    /// confirms it (R16), or the number at a position of her coordinate card (R21).
    pub async fn start_credential(
        &self,
        session: &Session,
        lang: Lang,
    ) -> Result<super::codes::SentCode, Error> {
        let citizen = self.citizen_of(session).await?;
        let text = |code: &str| {
            crate::notify::texts::certificate(lang, code, crate::limits::OTP_LIFETIME_SECONDS)
        };
        self.send_code(&citizen, Purpose::Certificate, None, None, text)
            .await
    }

    /// `POST /api/v1/credentials/{challengeId}/confirm`: the right SMS code makes the key and
    /// the certificate, listed at once.
    pub async fn confirm_credential(
        &self,
        session: &Session,
        challenge_id: &str,
        sms_code: &str,
    ) -> Result<CredentialId, Error> {
        let citizen = self.citizen_of(session).await?;
        self.check_code(&citizen, Purpose::Certificate, Some(challenge_id), sms_code)
            .await?;
        let kek = session.kek()?;
        let credential = self.issue_credential(&citizen, &kek).await?;
        tracing::info!(citizen_id = %citizen.id, credential_id = %credential, "credential issued");
        Ok(credential)
    }

    async fn issue_credential(
        &self,
        citizen: &crate::records::Citizen,
        kek: &PasswordKek,
    ) -> Result<CredentialId, Error> {
        let now = self.now();
        let id = CredentialId::new_random();
        let (public_key, wrapped_key) = self.custody.generate_citizen_key(&id, kek)?;
        let subject = CitizenSubject {
            id_number: &citizen.id_number,
            given_name: &citizen.given_name,
            surname: &citizen.surname,
        };
        let issued =
            self.ca
                .issue_citizen(&subject, &public_key, now, CITIZEN_CERT_LIFETIME_SECONDS)?;
        let credential = Credential {
            id: id.clone(),
            citizen_id: citizen.id.clone(),
            cert_der: issued.der,
            wrapped_key: wrapped_key.0,
            status: StoredStatus::Active,
            not_after: now + CITIZEN_CERT_LIFETIME_SECONDS,
            serial_hex: Some(issued.serial_hex),
            revoked_at: None,
            revocation_reason: None,
        };
        self.store.insert_credential(&credential, now).await?;
        self.audit(
            Event::new("credential_issued")
                .citizen(&citizen.id)
                .detail(json!({ "credentialID": id.as_str(), "serial": credential.serial_hex })),
        )
        .await?;
        Ok(id)
    }

    /// Revocation by the citizen herself (R24): her session and her password again, because
    /// revocation cannot be undone. The password entry counts toward R20 like a login, so a
    /// stolen token is no way around the lockout.
    pub async fn revoke_own_credential(
        &self,
        session: &Session,
        credential_id: &CredentialId,
        password_text: &str,
    ) -> Result<(), Error> {
        let credential = self.own_credential(session, credential_id).await?;
        let citizen = self.citizen_of(session).await?;
        self.check_password_again(&citizen, password_text).await?;
        self.revoke(&credential, "unspecified", None).await
    }

    /// Revocation by a registry-office operator (R24: in person, with ID), with an RFC 5280
    /// reason name (`pki::services::REVOCATION_REASONS`).
    pub async fn revoke_credential_by_operator(
        &self,
        credential_id: &CredentialId,
        reason: &str,
        operator: &str,
    ) -> Result<(), Error> {
        let credential = self
            .store
            .credential(credential_id)
            .await?
            .ok_or_else(|| Error::InvalidRequest("credentialID: unknown credential".into()))?;
        self.revoke(&credential, reason, Some(operator)).await
    }

    /// Revokes `credential`; `operator`: who, when not the citizen herself.
    async fn revoke(
        &self,
        credential: &Credential,
        reason: &str,
        operator: Option<&str>,
    ) -> Result<(), Error> {
        let next = transition(credential.status, CredentialEvent::Revoke)
            .map_err(|_| Error::Conflict("the credential is already revoked"))?;
        let now = self.now();
        if !self
            .store
            .update_credential_status(
                &credential.id,
                credential.status,
                next,
                Some(now),
                Some(reason),
            )
            .await?
        {
            return Err(Error::Conflict(
                "the credential changed meanwhile; read it again",
            ));
        }
        tracing::info!(credential_id = %credential.id, "credential revoked");
        let mut event = Event::new("credential_revoked")
            .citizen(&credential.citizen_id)
            .detail(json!({ "credentialID": credential.id.as_str(), "reason": reason }));
        if let Some(operator) = operator {
            event = event.operator(operator);
        }
        self.audit(event).await
    }
}

#[cfg(test)]
mod tests {
    use super::CredentialEvent::*;
    use super::StoredStatus::*;
    use super::*;

    #[test]
    fn full_state_event_table() {
        let table = [
            (Active, Suspend, Ok(Suspended)),
            (Active, Resume, Err(CredentialRefused)),
            (Active, Revoke, Ok(Revoked)),
            (Suspended, Suspend, Err(CredentialRefused)),
            (Suspended, Resume, Ok(Active)),
            (Suspended, Revoke, Ok(Revoked)),
            (Revoked, Suspend, Err(CredentialRefused)),
            (Revoked, Resume, Err(CredentialRefused)),
            (Revoked, Revoke, Err(CredentialRefused)),
        ];
        for (from, event, expected) in table {
            assert_eq!(transition(from, event), expected, "{from:?} + {event:?}");
        }
    }

    #[test]
    fn expiry_is_read_from_the_clock_and_revocation_outranks_it() {
        assert_eq!(effective_status(Active, 100, 100), CredentialStatus::Active);
        assert_eq!(
            effective_status(Active, 100, 101),
            CredentialStatus::Expired
        );
        assert_eq!(
            effective_status(Suspended, 100, 101),
            CredentialStatus::Expired
        );
        assert_eq!(
            effective_status(Revoked, 100, 101),
            CredentialStatus::Revoked
        );
        assert_eq!(
            effective_status(Suspended, 100, 50),
            CredentialStatus::Suspended
        );
    }

    #[test]
    fn status_names_round_trip() {
        for s in [Active, Suspended, Revoked] {
            assert_eq!(StoredStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(StoredStatus::parse("enabled"), None);
    }
}
