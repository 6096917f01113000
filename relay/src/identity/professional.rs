//! Professional certificates (R6, R13). An entity (an employer) is added by the registry office
//! on the server's command line, with its administrators; an administrator invites an employee
//! (email + mobile), and she goes through the six steps of `invitation` to get a certificate
//! that names the entity (O, organizationIdentifier) and her role (title), under a policy of
//! identification only: it gives her no power to act for the entity.
//!
//! One identity per person (R5): the certificate goes on her one account. When she has none, the
//! invitation registers her, pending, and step 6 activates the account with the password of
//! step 4; when she has one, the invitation must name its phone, and step 4 asks her current
//! password (an entry of R20's budget).
//!
//! Every step needs the token of the email's link; a wrong token answers as an unknown, expired
//! or finished invitation does. The token also seals her password-derived KEK between steps 4
//! and 6 (as a bearer token seals it in a session), so the key of step 6 is wrapped under her
//! password exactly as `credential` wraps a personal certificate's key, and it signs through
//! the same CSC flow (R19) and is listed with her other credentials (R17).

use nubefirma_protocol::api::{
    InvitationCreated, InvitationRequest, InvitationSummary, ProfessionalProgress,
};
use nubefirma_protocol::{IdNumber, Lang};
use serde_json::json;

use super::account::{AccountEvent, AccountStatus};
use super::codes::{Purpose, code_context};
use super::credential::StoredStatus;
use super::invitation::{InvitationEvent, InvitationRefused, InvitationState, Step, transition};
use super::password;
use super::registration::{check_birth_date, check_email, check_name, normalize_phone, parse_date};
use crate::audit::Event;
use crate::crypto::{
    derive_key, open, random_bytes, random_digits, random_id, random_token, seal, secret_hash,
    secrets_equal,
};
use crate::domain::CredentialId;
use crate::keys::PasswordKek;
use crate::limits::{
    ACCOUNT_LIFETIME_SECONDS, CITIZEN_CERT_LIFETIME_SECONDS, INVITATION_LIFETIME_SECONDS,
    OTP_DIGITS, OTP_LIFETIME_SECONDS,
};
use crate::notify::{Channel, texts};
use crate::pki::{CitizenSubject, ProfessionalSubject};
use crate::records::{Credential, Entity, Invitation, PendingCitizen};
use crate::store::{InvitationWrite, Issuance};
use crate::{Error, OtpFailure, Relay};

/// The one answer for an unknown invitation, a wrong token, an expired, issued or void one.
const UNKNOWN: &str = "invitation: unknown, expired or finished, or the link's token is wrong; ask your entity for a new invitation";

fn unknown() -> Error {
    Error::InvalidRequest(UNKNOWN.into())
}

/// An entity's administrator, as the entity endpoints know her.
pub struct AdminRef<'a> {
    pub operator_id: &'a str,
    pub name: &'a str,
    pub entity_id: &'a str,
}

/// ETSI EN 319 412-1 §5.1.4 semantics for organizationIdentifier: three letters naming the
/// register (`VAT`: a VAT number; `NTR`: a national trade register), the two-letter country,
/// `-`, the identifier: `VATES-P2000000J`.
fn check_org_identifier(value: &str) -> Result<String, Error> {
    let value = value.trim().to_ascii_uppercase();
    let ok = value.split_once('-').is_some_and(|(head, id)| {
        head.len() == 5
            && matches!(&head[..3], "VAT" | "NTR")
            && head[3..].bytes().all(|b| b.is_ascii_uppercase())
            && (1..=32).contains(&id.len())
            && id
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    });
    if ok {
        Ok(value)
    } else {
        Err(Error::InvalidRequest(
            "orgIdentifier: VAT or NTR, a two-letter country, '-' and the identifier (letters and digits), e.g. VATES-P2000000J".into(),
        ))
    }
}

/// An entity's name as it goes into O: letters, digits, spaces and plain punctuation, at most
/// 64 characters (X.520's upper bound); nothing that could be markup or reorder text.
fn check_entity_name(value: &str) -> Result<String, Error> {
    let value = value.trim();
    let allowed = |c: char| {
        c.is_alphanumeric()
            || ('\u{0300}'..='\u{036f}').contains(&c)
            || matches!(
                c,
                ' ' | '\'' | '’' | '-' | '.' | ',' | '·' | '&' | '(' | ')' | 'ª' | 'º'
            )
    };
    if value.is_empty() || value.chars().count() > 64 || !value.chars().all(allowed) {
        return Err(Error::InvalidRequest(
            "name: 1 to 64 letters, digits, spaces and . , ' - & ( )".into(),
        ));
    }
    Ok(value.to_owned())
}

/// Her role as it goes into title: validated as a name (letters, spaces, apostrophes, hyphens,
/// periods), at most 64 characters (X.520's upper bound for title).
fn check_role(value: &str) -> Result<String, Error> {
    let role = check_name("role", value)?;
    if role.chars().count() > 64 {
        return Err(Error::InvalidRequest("role: at most 64 characters".into()));
    }
    Ok(role)
}

/// The key that seals her KEK between steps 4 and 6: derived from the link's token, which the
/// relay stores only hashed.
fn token_key(token: &str) -> [u8; 32] {
    derive_key(token.as_bytes(), "invitation kek")
}

fn token_hash(token: &str) -> Vec<u8> {
    secret_hash("invitation", token.trim())
}

/// The answer to a refused transition.
fn refused(why: InvitationRefused) -> Error {
    match why {
        InvitationRefused::Finished => unknown(),
        InvitationRefused::OutOfOrder { step } => Error::Conflict(match step.next_call() {
            "start" => "not this step yet: the next step is start (the SMS registration code)",
            "sms" => "not this step: the next step is sms (the registration code she received)",
            "identity" => {
                "not this step: the next step is identity (the expiry date of her ID document)"
            }
            "password" => "not this step: the next step is password",
            "terms" => "not this step: the next step is terms (the terms of use)",
            "complete" => "not this step: the next step is complete (the final SMS code)",
            "confirm" => "not this step: the next step is confirm (the final SMS code)",
            _ => "this invitation is finished",
        }),
        InvitationRefused::NoEntriesLeft => Error::InvalidInvitationCode {
            why: OtpFailure::NoValidCode,
            attempts_left: 0,
        },
        InvitationRefused::NoCodesLeft => {
            Error::Conflict("no more SMS codes for this invitation: ask your entity for a new one")
        }
    }
}

fn progress(state: InvitationState) -> ProfessionalProgress {
    ProfessionalProgress {
        step: state.step.as_str().to_owned(),
        next: state.step.next_call().to_owned(),
        new_account: None,
        expires_in: None,
        credential_id: None,
    }
}

impl Relay {
    /// `nubefirma-relay office add-entity`: an employer whose employees may hold professional
    /// certificates, named as its certificates will name it.
    pub async fn add_entity(&self, name: &str, org_identifier: &str) -> Result<Entity, Error> {
        let entity = Entity {
            id: random_id(),
            name: check_entity_name(name)?,
            org_identifier: check_org_identifier(org_identifier)?,
        };
        self.store.insert_entity(&entity, self.now()).await?;
        self.audit(
            Event::new("entity_added")
                .operator(crate::audit::COMMAND_LINE)
                .detail(json!({ "orgIdentifier": entity.org_identifier })),
        )
        .await?;
        Ok(entity)
    }

    /// `nubefirma-relay office add-entity-admin`: an administrator of the entity whose
    /// organizationIdentifier is `org_identifier`. She logs in as operators do.
    pub async fn add_entity_admin(
        &self,
        org_identifier: &str,
        name: &str,
        phone: &str,
        password_text: &str,
    ) -> Result<(), Error> {
        let org = check_org_identifier(org_identifier)?;
        let entity = self
            .store
            .entity_by_org_identifier(&org)
            .await?
            .ok_or_else(|| {
                Error::InvalidRequest("entity: no entity with this identifier".into())
            })?;
        let name = self
            .insert_named_operator(name, phone, password_text, Some(&entity.id))
            .await?;
        self.audit(
            Event::new("entity_admin_added")
                .operator(crate::audit::COMMAND_LINE)
                .detail(json!({ "name": name, "entity": entity.org_identifier })),
        )
        .await
    }

    async fn admin_entity(&self, admin: &AdminRef<'_>) -> Result<Entity, Error> {
        self.store
            .entity(admin.entity_id)
            .await?
            .ok_or_else(|| Error::Internal("administrator without entity".into()))
    }

    /// `POST /entity/v1/invitations` (R13, step 1): checks the employee's data, registers her
    /// pending when she has no account, and emails her the link with a single-use token.
    pub async fn invite_employee(
        &self,
        admin: &AdminRef<'_>,
        req: &InvitationRequest,
        lang: Lang,
    ) -> Result<InvitationCreated, Error> {
        let entity = self.admin_entity(admin).await?;
        let now = self.now();
        let id_number: IdNumber = req
            .id_number
            .parse()
            .map_err(|e| Error::InvalidRequest(format!("idNumber: {e}")))?;
        let given_name = check_name("givenName", &req.given_name)?;
        let surname = check_name("surname", &req.surname)?;
        let birth_date = check_birth_date(&req.birth_date, now)?;
        let expiry = parse_date(&req.id_document_expiry).ok_or_else(|| {
            Error::InvalidRequest("idDocumentExpiry: a date as YYYY-MM-DD".into())
        })?;
        let today = time::OffsetDateTime::from_unix_timestamp(now)
            .map_err(|e| Error::internal("clock", e))?
            .date();
        if expiry < today {
            return Err(Error::InvalidRequest(
                "idDocumentExpiry: the ID document has expired; she needs one in force".into(),
            ));
        }
        let email = check_email(&req.email)?;
        let phone = normalize_phone(&req.phone)?;
        let role = check_role(&req.role)?;
        let lang = req.lang.as_deref().and_then(Lang::from_tag).unwrap_or(lang);

        let mut existing = self.store.citizen_by_id_number(id_number.as_str()).await?;
        // An expired account gives up its ID number (R25), as at the office's registration.
        if let Some(old) = existing.as_ref().filter(|c| c.expired(now)) {
            if let Some(credentials) = self
                .store
                .revoke_account(&old.id, old.state, now, "cessationOfOperation")
                .await?
            {
                self.audit(
                    Event::new("expired_account_retired")
                        .citizen(&old.id)
                        .operator(admin.name)
                        .detail(json!({ "revokedCredentials": credentials })),
                )
                .await?;
            }
            existing = None;
        }
        let (citizen_id, new_citizen, new_account) = match existing {
            Some(c) if c.phone != phone => {
                return Err(Error::Conflict(
                    "this person already has an account, with another mobile phone: the invitation must name her account's mobile phone (one identity per person)",
                ));
            }
            Some(c) if c.state.status == AccountStatus::Revoked => {
                return Err(Error::Conflict("this account is revoked"));
            }
            Some(c) => {
                let pending = c.state.status == AccountStatus::PendingActivation;
                (c.id, None, pending)
            }
            None => {
                let citizen = PendingCitizen {
                    id: random_id(),
                    id_number: id_number.to_string(),
                    given_name,
                    surname,
                    birth_date,
                    phone,
                    email: email.clone(),
                    created_at: now,
                };
                (citizen.id.clone(), Some(citizen), true)
            }
        };
        let token = random_token();
        let invitation = Invitation {
            id: random_id(),
            entity_id: entity.id.clone(),
            invited_by: admin.operator_id.to_owned(),
            citizen_id: citizen_id.clone(),
            new_account,
            token_hash: token_hash(&token),
            id_document_expiry: expiry.to_string(),
            role,
            email,
            lang: lang.tag().to_owned(),
            state: InvitationState::FRESH,
            code_mac: None,
            code_expires_at: None,
            password_hash: None,
            kek_salt: None,
            sealed_kek: None,
            kek_of: None,
            credential_id: None,
            expires_at: now + INVITATION_LIFETIME_SECONDS,
            created_at: now,
            finished_at: None,
        };
        self.store
            .insert_invitation(&invitation, new_citizen.as_ref())
            .await?;
        if let Some(c) = &new_citizen {
            tracing::info!(citizen_id = %c.id, "citizen registered by an invitation");
            self.audit(
                Event::new("citizen_registered")
                    .citizen(&c.id)
                    .operator(admin.name)
                    .detail(json!({
                        "idNumber": c.id_number,
                        "by": "professional invitation",
                        "entity": entity.org_identifier,
                        "invitationId": invitation.id,
                    })),
            )
            .await?;
        }
        self.audit(
            Event::new("professional_invited")
                .citizen(&citizen_id)
                .operator(admin.name)
                .detail(json!({
                    "invitationId": invitation.id,
                    "entity": entity.org_identifier,
                    "newAccount": new_account,
                })),
        )
        .await?;
        // The token rides in the fragment: browsers do not send it to any server or in a
        // Referer, so only the page that reads it does (in a request body).
        let link = format!(
            "{}#invitation={}&token={token}",
            self.professional_page(),
            invitation.id
        );
        self.notifier
            .send(
                Channel::Email,
                &invitation.email,
                &texts::invitation_email(lang, &entity.name, &link, INVITATION_LIFETIME_SECONDS),
                now,
            )
            .await?;
        Ok(InvitationCreated {
            invitation_id: invitation.id,
            expires_at: invitation.expires_at,
        })
    }

    /// `GET /entity/v1/invitations`: her entity's invitations only.
    pub async fn list_invitations(
        &self,
        admin: &AdminRef<'_>,
    ) -> Result<Vec<InvitationSummary>, Error> {
        let now = self.now();
        let mut out = Vec::new();
        for i in self.store.invitations_of_entity(admin.entity_id).await? {
            let id_number = self
                .store
                .citizen_by_id(&i.citizen_id)
                .await?
                .map(|c| c.id_number)
                .unwrap_or_default();
            let status = match i.state.step {
                Step::Issued => "issued",
                Step::Void => "void",
                _ if now > i.expires_at => "expired",
                _ => "pending",
            };
            out.push(InvitationSummary {
                invitation_id: i.id,
                id_number,
                role: i.role,
                status: status.to_owned(),
                step: i.state.step.as_str().to_owned(),
                created_at: i.created_at,
                expires_at: i.expires_at,
                credential_id: i.credential_id,
            });
        }
        Ok(out)
    }

    /// `POST /entity/v1/invitations/{id}/withdraw`: her entity takes back an invitation not yet
    /// issued. Another entity's invitation answers as an unknown one.
    pub async fn withdraw_invitation(
        &self,
        admin: &AdminRef<'_>,
        invitation_id: &str,
    ) -> Result<(), Error> {
        let not_ours = || Error::InvalidRequest("invitationId: unknown invitation".into());
        if invitation_id.len() > 64 {
            return Err(not_ours());
        }
        let invitation = self
            .store
            .invitation(invitation_id)
            .await?
            .filter(|i| i.entity_id == admin.entity_id)
            .ok_or_else(not_ours)?;
        self.step(
            &invitation,
            invitation.state,
            InvitationEvent::Withdraw,
            |_| InvitationWrite::Finished { at: self.now() },
        )
        .await?
        .map_err(|why| match why {
            InvitationRefused::Finished => {
                Error::Conflict("this invitation is already issued or void")
            }
            other => refused(other),
        })?;
        self.audit(
            Event::new("professional_invitation_void")
                .citizen(&invitation.citizen_id)
                .operator(admin.name)
                .detail(json!({ "invitationId": invitation.id, "why": "withdrawn" })),
        )
        .await
    }

    /// The invitation `id` if `token` is its link's token and it is live (not expired, issued
    /// or void); otherwise the one answer for all of those.
    async fn live_invitation(&self, id: &str, token: &str) -> Result<Invitation, Error> {
        if id.len() > 64 || token.len() > 128 {
            return Err(unknown());
        }
        let invitation = self.store.invitation(id).await?.ok_or_else(unknown)?;
        if !secrets_equal(&invitation.token_hash, &token_hash(token)) {
            return Err(unknown());
        }
        if self.now() > invitation.expires_at
            || matches!(invitation.state.step, Step::Issued | Step::Void)
        {
            return Err(unknown());
        }
        Ok(invitation)
    }

    /// Applies `event` to the invitation from `current` with compare-and-set, re-reading when a
    /// parallel call changed it first (each lost race is someone else's transition, and an
    /// invitation admits few). `write` gives what the step stores beside the state.
    async fn step<'w>(
        &self,
        invitation: &Invitation,
        mut current: InvitationState,
        event: InvitationEvent,
        write: impl Fn(InvitationState) -> InvitationWrite<'w>,
    ) -> Result<Result<InvitationState, InvitationRefused>, Error> {
        for _ in 0..64 {
            let next = match transition(current, event) {
                Ok(next) => next,
                Err(why) => return Ok(Err(why)),
            };
            if self
                .store
                .advance_invitation(&invitation.id, current, next, write(next))
                .await?
            {
                return Ok(Ok(next));
            }
            current = match self.store.invitation(&invitation.id).await? {
                Some(fresh) => fresh.state,
                None => return Ok(Err(InvitationRefused::Finished)),
            };
        }
        Err(Error::Internal(
            "an invitation kept changing under us".into(),
        ))
    }

    /// A right entry at this step: the step is done, unless a parallel call moved the
    /// invitation past it or sent a new code meanwhile (then the entry judged is stale).
    async fn step_right(
        &self,
        invitation: &Invitation,
        reserved: InvitationState,
    ) -> Result<Option<InvitationState>, Error> {
        let mut current = reserved;
        for _ in 0..64 {
            if current.step != reserved.step || current.codes_sent != reserved.codes_sent {
                return Ok(None);
            }
            let Ok(next) = transition(current, InvitationEvent::Right) else {
                return Ok(None);
            };
            if self
                .store
                .advance_invitation(&invitation.id, current, next, InvitationWrite::State)
                .await?
            {
                return Ok(Some(next));
            }
            current = match self.store.invitation(&invitation.id).await? {
                Some(fresh) => fresh.state,
                None => return Ok(None),
            };
        }
        Err(Error::Internal(
            "an invitation kept changing under us".into(),
        ))
    }

    async fn audit_step(
        &self,
        invitation: &Invitation,
        step: &str,
        passed: bool,
    ) -> Result<(), Error> {
        self.audit(
            Event::new(if passed {
                "professional_step_passed"
            } else {
                "professional_step_failed"
            })
            .citizen(&invitation.citizen_id)
            .detail(json!({ "invitationId": invitation.id, "step": step })),
        )
        .await
    }

    /// Steps 2 and 6: a new SMS code to her account's mobile (the invitation's, R5).
    async fn send_invitation_code(
        &self,
        invitation_id: &str,
        token: &str,
        lang: Lang,
        issuance: bool,
    ) -> Result<ProfessionalProgress, Error> {
        let invitation = self.live_invitation(invitation_id, token).await?;
        let (event, purpose) = if issuance {
            (
                InvitationEvent::SendIssuanceCode,
                Purpose::ProfessionalIssuance,
            )
        } else {
            (
                InvitationEvent::SendRegistrationCode,
                Purpose::ProfessionalRegistration,
            )
        };
        // Out of order costs no SMS.
        transition(invitation.state, event).map_err(refused)?;
        let citizen = self
            .store
            .citizen_by_id(&invitation.citizen_id)
            .await?
            .ok_or_else(|| Error::Internal("invitation without citizen".into()))?;
        self.limit_sms(&citizen.id, purpose).await?;
        let now = self.now();
        let code = random_digits(OTP_DIGITS);
        let mac = self
            .custody
            .code_mac(&code_context(purpose, &invitation.id), &code)?
            .to_vec();
        let expires_at = now + OTP_LIFETIME_SECONDS;
        let state = self
            .step(&invitation, invitation.state, event, |_| {
                InvitationWrite::Code {
                    mac: &mac,
                    expires_at,
                }
            })
            .await?
            .map_err(refused)?;
        let text = if issuance {
            texts::professional_issuance(lang, &code, OTP_LIFETIME_SECONDS)
        } else {
            texts::professional_registration(lang, &code, OTP_LIFETIME_SECONDS)
        };
        self.send_sms(&citizen, &text, now).await?;
        self.audit(
            Event::new("code_sent")
                .citizen(&citizen.id)
                .detail(json!({ "purpose": purpose.as_str(), "invitationId": invitation.id })),
        )
        .await?;
        Ok(ProfessionalProgress {
            expires_in: Some(OTP_LIFETIME_SECONDS),
            ..progress(state)
        })
    }

    /// Steps 2 and 6: judges `given` against the live code, an entry reserved first. The
    /// invitation (re-read) and the reserved state when right.
    async fn judge_invitation_code(
        &self,
        invitation: &Invitation,
        purpose: Purpose,
        expected_step: Step,
        given: &str,
    ) -> Result<InvitationState, Error> {
        if invitation.state.step != expected_step {
            return Err(refused(InvitationRefused::OutOfOrder {
                step: invitation.state.step,
            }));
        }
        let dead = || Error::InvalidInvitationCode {
            why: OtpFailure::NoValidCode,
            attempts_left: 0,
        };
        let (Some(mac), Some(code_expires_at)) = (&invitation.code_mac, invitation.code_expires_at)
        else {
            return Err(dead());
        };
        if self.now() > code_expires_at {
            return Err(dead());
        }
        let reserved = self
            .step(invitation, invitation.state, InvitationEvent::Try, |_| {
                InvitationWrite::State
            })
            .await?
            .map_err(refused)?;
        // A code sent meanwhile replaced the one read: judge nothing against a stale MAC.
        if reserved.codes_sent != invitation.state.codes_sent {
            return Err(dead());
        }
        let expected = self
            .custody
            .code_mac(&code_context(purpose, &invitation.id), given.trim())?;
        if !secrets_equal(mac, &expected) {
            self.audit_step(invitation, expected_step.next_call(), false)
                .await?;
            let left = reserved.attempts_left();
            return Err(Error::InvalidInvitationCode {
                why: if left == 0 {
                    OtpFailure::WrongAndDead
                } else {
                    OtpFailure::Wrong
                },
                attempts_left: left,
            });
        }
        Ok(reserved)
    }

    /// `POST /api/v1/professional/{id}/start` (step 2): sends the SMS registration code.
    pub async fn professional_start(
        &self,
        invitation_id: &str,
        token: &str,
        lang: Lang,
    ) -> Result<ProfessionalProgress, Error> {
        self.send_invitation_code(invitation_id, token, lang, false)
            .await
    }

    /// `POST /api/v1/professional/{id}/sms` (step 2): the registration code she received.
    pub async fn professional_sms(
        &self,
        invitation_id: &str,
        token: &str,
        code: &str,
    ) -> Result<ProfessionalProgress, Error> {
        let invitation = self.live_invitation(invitation_id, token).await?;
        let reserved = self
            .judge_invitation_code(
                &invitation,
                Purpose::ProfessionalRegistration,
                Step::RegistrationCodeSent,
                code,
            )
            .await?;
        let state =
            self.step_right(&invitation, reserved)
                .await?
                .ok_or(Error::InvalidInvitationCode {
                    why: OtpFailure::NoValidCode,
                    attempts_left: 0,
                })?;
        self.audit_step(&invitation, "sms", true).await?;
        Ok(progress(state))
    }

    /// `POST /api/v1/professional/{id}/identity` (step 3): the expiry date of her ID document,
    /// as her entity entered it. The third wrong date makes the invitation void.
    pub async fn professional_identity(
        &self,
        invitation_id: &str,
        token: &str,
        id_document_expiry: &str,
    ) -> Result<ProfessionalProgress, Error> {
        let invitation = self.live_invitation(invitation_id, token).await?;
        // A malformed date is no entry.
        let given = parse_date(id_document_expiry).ok_or_else(|| {
            Error::InvalidRequest("idDocumentExpiry: a date as YYYY-MM-DD".into())
        })?;
        if invitation.state.step != Step::RegistrationCodeChecked {
            return Err(refused(InvitationRefused::OutOfOrder {
                step: invitation.state.step,
            }));
        }
        let reserved = self
            .step(&invitation, invitation.state, InvitationEvent::Try, |_| {
                InvitationWrite::State
            })
            .await?
            .map_err(|why| match why {
                InvitationRefused::NoEntriesLeft => Error::WrongIdentity { attempts_left: 0 },
                other => refused(other),
            })?;
        if !secrets_equal(
            given.to_string().as_bytes(),
            invitation.id_document_expiry.as_bytes(),
        ) {
            self.audit_step(&invitation, "identity", false).await?;
            let after = self
                .step(&invitation, reserved, InvitationEvent::Wrong, |next| {
                    if next.step == Step::Void {
                        InvitationWrite::Finished { at: self.now() }
                    } else {
                        InvitationWrite::State
                    }
                })
                .await?;
            if let Ok(InvitationState {
                step: Step::Void, ..
            }) = after
            {
                self.audit(
                    Event::new("professional_invitation_void")
                        .citizen(&invitation.citizen_id)
                        .detail(json!({ "invitationId": invitation.id, "why": "identity check failed" })),
                )
                .await?;
            }
            return Err(Error::WrongIdentity {
                attempts_left: reserved.attempts_left(),
            });
        }
        let state = self
            .step_right(&invitation, reserved)
            .await?
            .ok_or_else(unknown)?;
        self.audit_step(&invitation, "identity", true).await?;
        Ok(ProfessionalProgress {
            new_account: Some(invitation.new_account),
            ..progress(state)
        })
    }

    /// `POST /api/v1/professional/{id}/password` (step 4): a new account's password (the
    /// policy of `password`), or her account's current password (an entry of R20's budget).
    /// Either gives her KEK, kept sealed under the link's token until step 6.
    pub async fn professional_password(
        &self,
        invitation_id: &str,
        token: &str,
        password_text: &str,
    ) -> Result<ProfessionalProgress, Error> {
        let invitation = self.live_invitation(invitation_id, token).await?;
        transition(invitation.state, InvitationEvent::Password).map_err(refused)?;
        let citizen = self
            .store
            .citizen_by_id(&invitation.citizen_id)
            .await?
            .ok_or_else(|| Error::Internal("invitation without citizen".into()))?;
        let given = password_text.to_owned();
        let (password_hash, kek_salt, kek, kek_of) = if invitation.new_account {
            password::check_policy(
                password_text,
                &citizen.id_number,
                &citizen.given_name,
                &citizen.surname,
            )?;
            let salt = random_bytes::<16>().to_vec();
            let for_hash = salt.clone();
            let (phc, kek) = self
                .argon2(move |h| h.hash_password_and_kek(&given, &for_hash))
                .await?;
            (Some(phc), Some(salt), kek, None)
        } else {
            // Her one account (R5): her password, counted like a login's (R20).
            let reserved = self
                .apply_account_event(&citizen, AccountEvent::PasswordTry)
                .await?;
            let (Some(phc), Some(salt)) = (citizen.password_hash.clone(), citizen.kek_salt.clone())
            else {
                return Err(Error::Internal("active account without password".into()));
            };
            let for_check = phc.clone();
            let kek = self
                .argon2(move |h| h.verify_and_derive_kek(&given, &for_check, &salt))
                .await?;
            let event = if kek.is_some() {
                AccountEvent::PasswordAccepted
            } else {
                AccountEvent::PasswordRejected
            };
            let after = self
                .apply_account_event_from(&citizen.id, reserved, event)
                .await?;
            let Some(kek) = kek else {
                self.audit_step(&invitation, "password", false).await?;
                return Err(Error::WrongPassword {
                    attempts_left: after.attempts_left(),
                });
            };
            (None, None, kek, Some(phc))
        };
        let sealed = seal(&token_key(token.trim()), invitation.id.as_bytes(), &kek)?;
        let state = self
            .step(
                &invitation,
                invitation.state,
                InvitationEvent::Password,
                |_| InvitationWrite::Password {
                    password_hash: password_hash.as_deref(),
                    kek_salt: kek_salt.as_deref(),
                    sealed_kek: &sealed,
                    kek_of: kek_of.as_deref(),
                },
            )
            .await?
            .map_err(refused)?;
        self.audit_step(&invitation, "password", true).await?;
        Ok(progress(state))
    }

    /// `POST /api/v1/professional/{id}/terms` (step 5).
    pub async fn professional_terms(
        &self,
        invitation_id: &str,
        token: &str,
        accepted: bool,
    ) -> Result<ProfessionalProgress, Error> {
        let invitation = self.live_invitation(invitation_id, token).await?;
        if !accepted {
            return Err(Error::InvalidRequest(
                "accepted: the terms of use must be accepted".into(),
            ));
        }
        let state = self
            .step(
                &invitation,
                invitation.state,
                InvitationEvent::Terms,
                |_| InvitationWrite::State,
            )
            .await?
            .map_err(refused)?;
        self.audit_step(&invitation, "terms", true).await?;
        Ok(progress(state))
    }

    /// `POST /api/v1/professional/{id}/complete` (step 6): sends the final SMS code.
    pub async fn professional_complete(
        &self,
        invitation_id: &str,
        token: &str,
        lang: Lang,
    ) -> Result<ProfessionalProgress, Error> {
        self.send_invitation_code(invitation_id, token, lang, true)
            .await
    }

    /// `POST /api/v1/professional/{id}/confirm` (step 6): the final code. The key is made
    /// under her KEK and the certificate issued in the transaction that spends the invitation
    /// (and activates her new account): of parallel right codes, one issues.
    pub async fn professional_confirm(
        &self,
        invitation_id: &str,
        token: &str,
        code: &str,
    ) -> Result<ProfessionalProgress, Error> {
        let invitation = self.live_invitation(invitation_id, token).await?;
        let reserved = self
            .judge_invitation_code(
                &invitation,
                Purpose::ProfessionalIssuance,
                Step::IssuanceCodeSent,
                code,
            )
            .await?;
        let sealed = invitation
            .sealed_kek
            .as_deref()
            .ok_or_else(|| Error::Internal("step 6 without a sealed KEK".into()))?;
        let kek = open(&token_key(token.trim()), invitation.id.as_bytes(), sealed)?;
        let kek = PasswordKek(
            kek.try_into()
                .map_err(|_| Error::Internal("sealed kek has the wrong length".into()))?,
        );
        let entity = self
            .store
            .entity(&invitation.entity_id)
            .await?
            .ok_or_else(|| Error::Internal("invitation without entity".into()))?;
        let citizen = self
            .store
            .citizen_by_id(&invitation.citizen_id)
            .await?
            .ok_or_else(|| Error::Internal("invitation without citizen".into()))?;
        let now = self.now();
        let make = || -> Result<Credential, Error> {
            let id = CredentialId::new_random();
            let (public_key, wrapped_key) = self.custody.generate_citizen_key(&id, &kek)?;
            let subject = ProfessionalSubject {
                citizen: CitizenSubject {
                    id_number: &citizen.id_number,
                    given_name: &citizen.given_name,
                    surname: &citizen.surname,
                },
                organization: &entity.name,
                organization_identifier: &entity.org_identifier,
                role: &invitation.role,
            };
            let issued = self.ca.issue_professional(
                &subject,
                &public_key,
                now,
                CITIZEN_CERT_LIFETIME_SECONDS,
            )?;
            Ok(Credential {
                id,
                citizen_id: citizen.id.clone(),
                cert_der: issued.der,
                wrapped_key: wrapped_key.0,
                status: StoredStatus::Active,
                not_after: now + CITIZEN_CERT_LIFETIME_SECONDS,
                serial_hex: Some(issued.serial_hex),
                revoked_at: None,
                revocation_reason: None,
            })
        };
        // Right code: win the invitation (re-reading while parallel entries only moved its
        // count), then issue inside that transaction.
        let mut current = reserved;
        let mut issued = None;
        for _ in 0..64 {
            if current.step != reserved.step || current.codes_sent != reserved.codes_sent {
                break;
            }
            let Ok(next) = transition(current, InvitationEvent::Right) else {
                break;
            };
            match self
                .store
                .issue_professional(
                    &invitation,
                    current,
                    next,
                    now + ACCOUNT_LIFETIME_SECONDS,
                    now,
                    Box::new(make),
                )
                .await?
            {
                Issuance::Issued(credential) => {
                    issued = Some(credential);
                    break;
                }
                Issuance::AccountMoved => {
                    return Err(Error::Conflict(
                        "her account changed after step 4 (activated, its password changed, blocked or revoked): ask your entity for a new invitation",
                    ));
                }
                Issuance::Lost => {}
            }
            current = match self.store.invitation(&invitation.id).await? {
                Some(fresh) => fresh.state,
                None => break,
            };
        }
        let Some(credential) = issued else {
            return Err(Error::InvalidInvitationCode {
                why: OtpFailure::NoValidCode,
                attempts_left: 0,
            });
        };
        self.audit_step(&invitation, "confirm", true).await?;
        if invitation.new_account {
            tracing::info!(citizen_id = %citizen.id, "citizen activated by a professional invitation");
            self.audit(
                Event::new("citizen_activated").citizen(&citizen.id).detail(
                    json!({ "by": "professional invitation", "invitationId": invitation.id }),
                ),
            )
            .await?;
        }
        tracing::info!(citizen_id = %citizen.id, credential_id = %credential.id, "professional certificate issued");
        self.audit(
            Event::new("credential_issued")
                .citizen(&citizen.id)
                .detail(json!({
                    "credentialID": credential.id.as_str(),
                    "serial": credential.serial_hex,
                    "professional": true,
                    "entity": entity.org_identifier,
                    "invitationId": invitation.id,
                })),
        )
        .await?;
        Ok(ProfessionalProgress {
            credential_id: Some(credential.id.to_string()),
            ..progress(InvitationState {
                step: Step::Issued,
                attempts: 0,
                codes_sent: reserved.codes_sent,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn organization_identifiers_take_the_etsi_form() {
        for good in [
            "VATES-P2000000J",
            "vates-b12345678",
            "NTRES-12345",
            "VATFR-12345678901",
        ] {
            assert!(check_org_identifier(good).is_ok(), "{good}");
        }
        assert_eq!(
            check_org_identifier(" vates-p2000000j ").ok().as_deref(),
            Some("VATES-P2000000J")
        );
        for bad in [
            "P2000000J",
            "VAT-P2000000J",
            "VATESP2000000J",
            "XYZES-P2000000J",
            "VATES-",
            "VATES-P20 0000J",
            "VATES-P2000000J<",
            "VATE1-P2000000J",
        ] {
            assert!(check_org_identifier(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn entity_names_and_roles_carry_no_markup() {
        assert!(check_entity_name("Ayuntamiento de Ejemplo").is_ok());
        assert!(check_entity_name("Servicios Informáticos, S.A. (Bilbao) & Cía.").is_ok());
        for bad in ["", "<b>X</b>", "Ayto\u{202e}", "a\nb", &"x".repeat(65)] {
            assert!(check_entity_name(bad).is_err(), "{bad:?}");
        }
        assert!(check_role("Técnica de urbanismo").is_ok());
        for bad in [
            "Apoderada <script>",
            "Jefa\u{202e}",
            "Tesorera; DROP",
            &"a".repeat(65),
        ] {
            assert!(check_role(bad).is_err(), "{bad:?}");
        }
    }
}
