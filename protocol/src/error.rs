//! Error codes on the wire: `{"error": "...", "error_description": "..."}` as the CSC API does.
//! A closed set, so the SDK can map each to a message in the citizen's language.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorCode {
    /// The request is malformed: missing or bad fields, body too large, unknown id.
    InvalidRequest,
    /// The bearer token is missing, unknown or expired.
    InvalidToken,
    /// Wrong identifier or password.
    AuthenticationFailed,
    /// The account is blocked after too many failed attempts (R20); reset the password.
    AccountBlocked,
    /// The account exists but is not active yet (R12).
    AccountNotActive,
    /// The caller may not do this (wrong operator token, another citizen's credential, ...).
    AccessDenied,
    /// Wrong, expired or already used one-time password.
    InvalidOtp,
    /// The SAD is wrong, expired, used, or does not cover these hashes.
    InvalidSad,
    /// Wrong or blocked activation code.
    InvalidActivationCode,
    /// The password does not meet the policy.
    WeakPassword,
    /// The resource already exists (ID number or phone already registered, R5, R8).
    Conflict,
    /// The credential is revoked, suspended or expired: it can neither authorize nor sign.
    CredentialUnusable,
    /// The session's key or level does not allow this: a PIN session cannot sign or open the
    /// panel, and a service asked for a higher level than the session reached (R2–R4).
    InsufficientLevel,
    /// Her email is also on another account: she changes it before renewing (R23).
    EmailShared,
    /// Her password came by SMS at activation and must be changed before anything else (R14).
    PasswordChangeRequired,
    /// Too many requests (SMS per account, calls per address); see `Retry-After`.
    RateLimited,
    /// The SMS or email with her code could not be delivered (the gateway or mail server
    /// refused it or was unreachable); asking again later may work.
    DeliveryFailed,
    /// Something failed on the server; details are in the server log only.
    ServerError,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidRequest => "invalid_request",
            Self::InvalidToken => "invalid_token",
            Self::AuthenticationFailed => "authentication_failed",
            Self::AccountBlocked => "account_blocked",
            Self::AccountNotActive => "account_not_active",
            Self::AccessDenied => "access_denied",
            Self::InvalidOtp => "invalid_otp",
            Self::InvalidSad => "invalid_sad",
            Self::InvalidActivationCode => "invalid_activation_code",
            Self::WeakPassword => "weak_password",
            Self::Conflict => "conflict",
            Self::CredentialUnusable => "credential_unusable",
            Self::InsufficientLevel => "insufficient_level",
            Self::PasswordChangeRequired => "password_change_required",
            Self::EmailShared => "email_shared",
            Self::RateLimited => "rate_limited",
            Self::DeliveryFailed => "delivery_failed",
            Self::ServerError => "server_error",
        }
    }
}

/// The JSON body of every error answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub error: ErrorCode,
    pub error_description: String,
    /// For wrong passwords, OTPs and activation codes: entries left before the block.
    #[serde(
        rename = "attemptsLeft",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub attempts_left: Option<u32>,
    /// For a refused SMS code: whether that same code still takes entries (`false`: ask for a
    /// new one), so clients need not read the description.
    #[serde(rename = "codeLive", default, skip_serializing_if = "Option::is_none")]
    pub code_live: Option<bool>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_name_equals_as_str() {
        for code in [
            ErrorCode::InvalidRequest,
            ErrorCode::InvalidToken,
            ErrorCode::AuthenticationFailed,
            ErrorCode::AccountBlocked,
            ErrorCode::AccountNotActive,
            ErrorCode::AccessDenied,
            ErrorCode::InvalidOtp,
            ErrorCode::InvalidSad,
            ErrorCode::InvalidActivationCode,
            ErrorCode::WeakPassword,
            ErrorCode::Conflict,
            ErrorCode::CredentialUnusable,
            ErrorCode::InsufficientLevel,
            ErrorCode::PasswordChangeRequired,
            ErrorCode::EmailShared,
            ErrorCode::RateLimited,
            ErrorCode::DeliveryFailed,
            ErrorCode::ServerError,
        ] {
            let json = serde_json::to_string(&code).expect("serialize");
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
    }
}
