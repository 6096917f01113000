//! One error type for the relay's domain. `http::error` maps it to the wire in exactly one place;
//! `Internal` details are logged there and never sent to a client.

use std::fmt;

use crate::limits::{MAX_FAILED_ATTEMPTS, human_bytes};

/// Why a one-time code was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OtpFailure {
    /// Wrong, and the code still takes entries.
    Wrong,
    /// Wrong, and that was the code's last entry.
    WrongAndDead,
    /// No live code: never sent, expired, used, retired by a newer one, or out of entries.
    NoValidCode,
}

#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    InvalidRequest(String),
    InvalidToken,
    /// Login refused. The same for an unknown identifier, a pending or blocked account and a
    /// wrong password, so that nothing tells who is registered.
    AuthenticationFailed,
    AccountBlocked,
    AccountNotActive,
    /// A wrong password inside a session (she proved it once already, so the count is told).
    WrongPassword {
        attempts_left: u32,
    },
    AccessDenied(&'static str),
    InvalidOtp {
        why: OtpFailure,
        /// Wrong entries left before the account blocks (R20); told only after the password.
        attempts_left: u32,
    },
    /// A password reset's codes were wrong: entries left for this reset (its own budget; the
    /// account is not blocked by them), or none when the reset is dead.
    InvalidResetCodes {
        why: OtpFailure,
        attempts_left: u32,
    },
    /// A PIN key was wrong: entries left for this PIN (its own budget), or none when it is dead.
    InvalidPin {
        why: OtpFailure,
        attempts_left: u32,
    },
    /// A professional invitation's SMS code was wrong (R13): entries left for this code (the
    /// invitation's own budget, not the account's), or none when it is dead.
    InvalidInvitationCode {
        why: OtpFailure,
        attempts_left: u32,
    },
    /// A professional invitation's ID document expiry date was wrong (R13, step 3): entries
    /// left before the invitation is void.
    WrongIdentity {
        attempts_left: u32,
    },
    /// The session's key or level does not allow this (R2–R4).
    InsufficientLevel(&'static str),
    /// Her first password came by SMS: she changes it before anything else (R14).
    PasswordChangeRequired,
    /// Her email is also another account's: she changes it before renewing (R23).
    EmailShared,
    InvalidSad(&'static str),
    InvalidActivationCode {
        attempts_left: u32,
    },
    WeakPassword(&'static str),
    Conflict(&'static str),
    /// The credential is revoked, suspended or expired.
    CredentialUnusable(&'static str),
    /// Too many calls; try again after this many seconds.
    RateLimited {
        retry_after: i64,
    },
    /// The body is larger than the limit.
    TooLarge,
    /// No such endpoint (or resource).
    NotFound(&'static str),
    /// The endpoint exists, with another method.
    MethodNotAllowed,
    /// The relay's own configuration is not acceptable (at start).
    InvalidConfig(String),
    /// A service the relay relies on (the outside TSA) failed or answered something unusable;
    /// the detail is logged, never sent.
    Upstream(String),
    /// The SMS gateway or the mail server did not take a message after every try: she is told,
    /// and may ask again.
    DeliveryFailed(crate::notify::Channel),
    Internal(String),
}

impl Error {
    pub fn internal(context: &str, err: impl fmt::Display) -> Self {
        Self::Internal(format!("{context}: {err}"))
    }

    /// A bad setting, named by its key (`server.tls.key: …`).
    pub fn config(key: &str, why: impl fmt::Display) -> Self {
        Self::InvalidConfig(format!("{key}: {why}"))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidRequest(why) => write!(f, "invalid request: {why}"),
            Self::InvalidToken => f.write_str("missing, unknown or expired access token"),
            Self::AuthenticationFailed => write!(
                f,
                "wrong identifier or password. After {MAX_FAILED_ATTEMPTS} wrong entries in a row the account is blocked; to unblock it, or if you forgot your password, reset it"
            ),
            Self::AccountBlocked => f.write_str(
                "the account is blocked after too many failed attempts; reset the password to unblock it",
            ),
            Self::AccountNotActive => f.write_str("the account has not been activated yet"),
            Self::WrongPassword { attempts_left } => write!(
                f,
                "the password is not right; {attempts_left} wrong entries left before the account is blocked"
            ),
            Self::AccessDenied(why) => write!(f, "access denied: {why}"),
            Self::InvalidOtp { why, attempts_left } => {
                let what = match why {
                    OtpFailure::Wrong => "wrong code",
                    OtpFailure::WrongAndDead => {
                        "wrong code; it can no longer be used: ask for a new one"
                    }
                    OtpFailure::NoValidCode => {
                        "no valid code: it expired, was used, was replaced by a newer one or had too many wrong entries; ask for a new one"
                    }
                };
                write!(
                    f,
                    "{what}. {attempts_left} wrong entries left before the account is blocked"
                )
            }
            Self::InvalidResetCodes { why, attempts_left } => match why {
                OtpFailure::Wrong => write!(
                    f,
                    "a code is wrong; {attempts_left} entries left for this reset"
                ),
                OtpFailure::WrongAndDead | OtpFailure::NoValidCode => write!(
                    f,
                    "no valid codes: they expired, were used or had too many wrong entries; start the reset again"
                ),
            },
            Self::InvalidPin { why, attempts_left } => match why {
                OtpFailure::Wrong => write!(
                    f,
                    "the PIN is wrong; {attempts_left} entries left for this PIN"
                ),
                OtpFailure::WrongAndDead | OtpFailure::NoValidCode => write!(
                    f,
                    "no valid PIN: it expired, was used or had too many wrong entries; ask for a new one"
                ),
            },
            Self::InvalidInvitationCode { why, attempts_left } => match why {
                OtpFailure::Wrong => write!(
                    f,
                    "wrong code; {attempts_left} entries left for this code"
                ),
                OtpFailure::WrongAndDead | OtpFailure::NoValidCode => write!(
                    f,
                    "no valid code: it expired, was used, was replaced by a newer one or had too many wrong entries; ask for a new one"
                ),
            },
            Self::WrongIdentity { attempts_left: 0 } => f.write_str(
                "the ID document's expiry date is not the one your entity gave; the invitation is now void: ask your entity for a new one",
            ),
            Self::WrongIdentity { attempts_left } => write!(
                f,
                "the ID document's expiry date is not the one your entity gave; {attempts_left} entries left before the invitation is void"
            ),
            Self::InsufficientLevel(why) => write!(f, "{why}"),
            Self::EmailShared => f.write_str(
                "your email address is also on another account; an address belongs to one person only (R23): change it in your panel, then renew",
            ),
            Self::PasswordChangeRequired => f.write_str(
                "your first password came by SMS: change it (POST /api/v1/account/password) before anything else",
            ),
            Self::InvalidSad(why) => write!(f, "invalid SAD: {why}"),
            Self::InvalidActivationCode { attempts_left } => write!(
                f,
                "wrong or blocked activation code; {attempts_left} attempts left"
            ),
            Self::WeakPassword(why) => write!(f, "the password is not acceptable: {why}"),
            Self::Conflict(why) => write!(f, "{why}"),
            Self::CredentialUnusable(why) => {
                write!(f, "this credential cannot authorize or sign: {why}")
            }
            Self::RateLimited { retry_after } => {
                write!(f, "too many requests; try again in {retry_after} s")
            }
            Self::TooLarge => write!(
                f,
                "the request body is larger than {}",
                human_bytes(crate::limits::MAX_JSON_BODY_BYTES)
            ),
            Self::NotFound(what) => write!(f, "{what}"),
            Self::MethodNotAllowed => f.write_str("this endpoint does not take that method"),
            Self::InvalidConfig(why) => write!(f, "configuration: {why}"),
            Self::DeliveryFailed(crate::notify::Channel::Sms) => f.write_str(
                "the SMS could not be sent; try again in a moment",
            ),
            Self::DeliveryFailed(crate::notify::Channel::Email) => f.write_str(
                "the email could not be sent; try again in a moment",
            ),
            Self::Upstream(_) => f.write_str(
                "the time-stamping authority is unreachable or gave no acceptable timestamp; try again later",
            ),
            Self::Internal(_) => f.write_str("internal error"),
        }
    }
}

impl std::error::Error for Error {}

impl From<sqlx::Error> for Error {
    fn from(err: sqlx::Error) -> Self {
        Self::internal("database", err)
    }
}
