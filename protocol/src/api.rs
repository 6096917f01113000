//! Bodies of our own endpoints: the registry office (`/office/v1`), activation and credential
//! issuance (`/api/v1`) and the development outbox (`/dev/outbox`).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RegisterCitizenRequest {
    pub id_number: String,
    pub given_name: String,
    pub surname: String,
    /// YYYY-MM-DD
    pub birth_date: String,
    /// Her mobile; empty or absent when she has none, and then what would go by SMS goes to
    /// her email (R11).
    #[serde(default)]
    pub phone: String,
    pub email: String,
    /// The ID document the officer checked (R7): `dni`, `nie` or `passport`. By default the
    /// one the ID number is (a DNI or an NIE).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_document: Option<String>,
    /// A Spanish passport's number (three letters and six digits), with `idDocument: passport`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passport_number: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RegisterCitizenResponse {
    pub citizen_id: String,
    /// Shown once to the officer, who hands it to the citizen (R7).
    pub activation_code: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ActivationStartRequest {
    pub id_number: String,
    pub activation_code: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ActivationStartResponse {
    pub activation_id: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ActivationCompleteRequest {
    pub activation_id: String,
    pub sms_code: String,
    /// The password she chose; or none, with `passwordBySms`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// Send her a first password by SMS instead, which she must change at first use (R14).
    #[serde(default)]
    pub password_by_sms: bool,
    pub accept_terms: bool,
}

/// One message in the development outbox (what a phone or mailbox would have received).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct OutboxMessage {
    pub to: String,
    /// "sms" or "email"
    pub channel: String,
    pub text: String,
    /// RFC 3339
    pub sent_at: String,
}

/// `POST /api/v1/credentials` body: empty (`{}`); anything else is refused.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StartCredentialRequest {}

/// `POST /api/v1/credentials` answer (202): an SMS code was sent to confirm the generation.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CredentialChallenge {
    pub challenge_id: String,
    /// For an account with a coordinate card: the position whose number confirms, instead of
    /// an SMS code (R21).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_position: Option<String>,
}

/// `credentials/sendOTP` for an account with a coordinate card (R21): no SMS went; the number
/// at this position of her card is the one-time code.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CardChallenge {
    pub card_position: String,
}

/// `POST /api/v1/credentials/{challengeId}/confirm`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ConfirmCredentialRequest {
    pub sms_code: String,
}

/// `POST /api/v1/credentials/{challengeId}/confirm` answer (201): the new credential, listed at once.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConfirmCredentialResponse {
    #[serde(rename = "credentialID")]
    pub credential_id: String,
}

/// `POST /api/v1/credentials/{credentialID}/revoke`: the citizen's password again.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RevokeOwnCredentialRequest {
    pub password: String,
}

/// `POST /office/v1/credentials/{credentialID}/revoke`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OperatorRevokeRequest {
    pub reason: String,
}

/// The answer to a revocation.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CredentialStatusResponse {
    pub status: String,
}

/// `POST /api/v1/account/revoke`: she revokes her whole account (R24) with her password again.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RevokeAccountRequest {
    pub password: String,
}

/// `POST /office/v1/accounts/revoke`: an operator revokes the account of the person in front
/// of her (R24); `reason` (an RFC 5280 name) goes to her certificates.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct OperatorRevokeAccountRequest {
    pub id_number: String,
    pub reason: String,
}

/// The account's status after a change (`revoked`, `active`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountStatusResponse {
    pub status: String,
}

/// `POST /api/v1/password-reset`: starts a forgotten password's reset (R20).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ResetStartRequest {
    pub id_number: String,
}

/// The reset's id: the same shape whether or not the ID has an account (nothing is told).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ResetStartResponse {
    pub reset_id: String,
}

/// `POST /api/v1/password-reset/{resetId}/complete`: the SMS code, the email code and the new
/// password.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ResetCompleteRequest {
    pub sms_code: String,
    pub email_code: String,
    pub new_password: String,
}

/// `POST /office/v1/citizens/activation-code`: a new activation code for this ID (R10).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RegenerateActivationCodeRequest {
    pub id_number: String,
}

/// `POST /office/v1/citizens/phone`: a new mobile for the person in front of the operator, ID
/// in hand — the way out for a lost phone, whose codes can no longer prove a change (R7, R26).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct OperatorPhoneChangeRequest {
    pub id_number: String,
    pub phone: String,
}

/// `POST /api/v1/account/renew`: her password again, before the account expires (R25).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RenewAccountRequest {
    pub password: String,
}

/// The renewed account: its new expiry (Unix seconds).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RenewAccountResponse {
    pub status: String,
    pub expires_at: i64,
}

/// `POST /office/v1/login`: a registry-office operator's name and password.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OperatorLoginRequest {
    pub name: String,
    pub password: String,
}

/// The login waiting for its SMS code.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct OperatorLoginStarted {
    pub login_id: String,
}

/// `POST /office/v1/login/{loginId}/confirm`: the SMS code.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct OperatorLoginConfirm {
    pub sms_code: String,
}

/// An operator's bearer token for `/office/v1/*` (15 minutes idle).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OperatorSession {
    pub access_token: String,
    pub expires_in: i64,
}

/// `POST /api/v1/pin`: asks for a PIN key by SMS (R4), proving a second datum of her identity.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PinRequest {
    pub id_number: String,
    /// YYYY-MM-DD, as recorded at the registry office.
    pub birth_date: String,
}

/// The PIN's id, in the same shape whether or not the ID and date named an account (nothing is
/// told), and how long the PIN lives.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PinStarted {
    pub pin_id: String,
    pub expires_in: i64,
}

/// `POST /api/v1/pin/{pinId}/login`: the PIN from the SMS.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PinLoginRequest {
    pub pin: String,
}

/// A session's bearer token, with the key it was opened with and the level it has reached.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LevelSession {
    pub access_token: String,
    pub expires_in: i64,
    pub key: crate::AuthKey,
    pub level: crate::Level,
}

/// `POST /api/v1/session/otp`: an SMS one-time code to raise a password session to the
/// reinforced level (R1).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SessionOtpSent {
    pub expires_in: i64,
    /// For an account with a coordinate card: the position asked instead of an SMS (R21).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_position: Option<String>,
}

/// `POST /api/v1/account/second-factor`: she drops her coordinate card for SMS codes (R21),
/// with her password again.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SwitchToSmsRequest {
    pub password: String,
}

/// Her second factor now: "sms".
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SecondFactorResponse {
    pub second_factor: String,
}

/// `POST /api/v1/session/reinforce`: the SMS code.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReinforceRequest {
    pub otp: String,
}

/// The session's level now.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SessionLevel {
    pub key: crate::AuthKey,
    pub level: crate::Level,
    /// Her first password came by SMS: she must change it before anything else (R14).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub must_change_password: bool,
}

/// `POST /api/v1/identity/assertion`: a signed statement of who she is, for the portal whose
/// page asks (its `Origin` is the audience), at the level the portal asked for (R3, R27).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssertionRequest {
    pub level: crate::Level,
    /// The portal server's one-time value for this login, echoed in the assertion so it
    /// cannot be replayed into another session: 16 to 128 characters of `A-Za-z0-9-_.~`.
    pub nonce: String,
}

/// A compact JWS (ES256) the portal's server checks with the relay's keys at
/// `/.well-known/jwks.json`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AssertionResponse {
    pub assertion: String,
    pub expires_in: i64,
}
/// `GET /api/v1/account`: what her self-service panel shows (R26). Her phone and email are
/// masked (`6•••••233`, `m•••@example.org`): a stolen session must not read them in full.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AccountOverview {
    pub given_name: String,
    pub surname: String,
    pub id_number: String,
    /// Masked.
    pub phone: String,
    /// Masked.
    pub email: String,
    /// "active" (a blocked, revoked or expired account has no session to ask with).
    pub status: String,
    /// When the account expires (Unix seconds, R25).
    pub expires_at: Option<i64>,
    /// From when `POST /api/v1/account/renew` renews it (Unix seconds).
    pub renewable_from: Option<i64>,
    /// "sms", or "card" for a legacy coordinate card she can switch from (R21).
    pub second_factor: String,
    /// Her certificates, oldest first, revoked and expired ones included.
    pub certificates: Vec<AccountCertificate>,
}

/// One of her certificates as the panel lists it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AccountCertificate {
    /// The credential id (as in `credentials/list`).
    pub id: String,
    /// "valid", "suspended", "revoked" or "expired" (as in `credentials/info`).
    pub status: String,
    /// The certificate's end (Unix seconds).
    pub not_after: i64,
    /// The certificate's serial number, upper-case hex.
    pub serial: String,
    /// The subject's common name.
    pub subject_cn: String,
}

/// `POST /api/v1/account/password`: her current password (counted toward R20) and the new one.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ChangePasswordRequest {
    pub current_password: String,
    pub new_password: String,
}

/// Which of her contact addresses a change is for.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum ContactKind {
    Phone,
    Email,
}

/// `POST /api/v1/account/contact`: her new phone or email (R26).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContactChangeRequest {
    pub kind: ContactKind,
    pub value: String,
}

/// A contact change waiting for its codes: one went to the new address, and for a phone one
/// more to her current phone.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ContactChangeStarted {
    pub change_id: String,
    /// Seconds the codes stay valid.
    pub expires_in: i64,
    /// The new phone is on another account (R22): confirming proves it is hers, and that
    /// account is then revoked and its holder told by email.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub taken_from_another_account: bool,
}

/// `POST /api/v1/account/contact/{changeId}/confirm`: the code sent to the new address and,
/// for a phone, the code sent to her current phone.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ContactChangeConfirm {
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_phone_code: Option<String>,
}

/// The change took effect: the new address, masked.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContactChangeDone {
    pub kind: ContactKind,
    pub value: String,
}

/// `POST /entity/v1/invitations`: an entity's administrator invites an employee to a
/// professional certificate (R6, R13). The names and birth date make her account when she has
/// none (one account per person, R5: when she has one, its own names go into the certificate
/// and `phone` must be its phone); `idDocumentExpiry` is what step 3 asks her.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct InvitationRequest {
    /// DNI or NIE.
    pub id_number: String,
    pub given_name: String,
    pub surname: String,
    /// YYYY-MM-DD.
    pub birth_date: String,
    /// The expiry date of her DNI/NIE, YYYY-MM-DD.
    pub id_document_expiry: String,
    /// Where the invitation's link goes (may differ from her account's email).
    pub email: String,
    /// Her mobile: her account's, when she has one.
    pub phone: String,
    /// Her role, the certificate's title (e.g. "Técnica de urbanismo"): identification only.
    pub role: String,
    /// The email's language (es, ca, eu, gl, en); the request's `Accept-Language` otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
}

/// The invitation made: its email went out with the link.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct InvitationCreated {
    pub invitation_id: String,
    /// When the link stops working (Unix seconds).
    pub expires_at: i64,
}

/// One of the entity's invitations, as its administrator sees it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct InvitationSummary {
    pub invitation_id: String,
    pub id_number: String,
    pub role: String,
    /// "pending", "issued", "void" or "expired".
    pub status: String,
    /// The last step done (`invited`, `registration_code_sent`, … `issued`, `void`).
    pub step: String,
    pub created_at: i64,
    pub expires_at: i64,
    /// The certificate issued, once issued.
    #[serde(
        rename = "credentialID",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub credential_id: Option<String>,
}

/// `GET /entity/v1/invitations`: the administrator's entity's invitations, newest first.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvitationList {
    pub invitations: Vec<InvitationSummary>,
}

/// A step of a professional certificate's issuance (R13) that asks nothing but the link's
/// token: `start` (step 2's SMS code) and `complete` (step 6's).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProfessionalToken {
    /// The token from the invitation's link.
    pub token: String,
}

/// Steps 2 and 6: the SMS code.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProfessionalCode {
    pub token: String,
    pub code: String,
}

/// Step 3: the expiry date of her DNI/NIE.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ProfessionalIdentity {
    pub token: String,
    /// YYYY-MM-DD.
    pub id_document_expiry: String,
}

/// Step 4: a new account's password, or her account's current password.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProfessionalPassword {
    pub token: String,
    pub password: String,
}

/// Step 5: the terms of use.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProfessionalTerms {
    pub token: String,
    pub accepted: bool,
}

/// Where the issuance stands after a step: the step done and the call that comes next.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ProfessionalProgress {
    /// The step now done (`registration_code_sent`, `registration_code_checked`,
    /// `identity_checked`, `password_set`, `terms_accepted`, `issuance_code_sent`, `issued`).
    pub step: String,
    /// The next call under `/api/v1/professional/{id}/` (`sms`, `identity`, …), or `nothing`.
    pub next: String,
    /// Whether step 4 asks for a new password (no account yet) or her current one. Only in
    /// the answer of step 3.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_account: Option<bool>,
    /// Seconds the SMS code just sent stays valid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in: Option<i64>,
    /// The professional certificate issued (step 6): it signs over the CSC API like any other.
    #[serde(
        rename = "credentialID",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub credential_id: Option<String>,
}
