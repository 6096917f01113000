//! One error type for the relay's domain. `http::error` maps it to the wire in exactly one place;
//! `Internal` details are logged there and never sent to a client.

use std::fmt;

#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    InvalidRequest(String),
    InvalidToken,
    AuthenticationFailed {
        attempts_left: u32,
    },
    AccountBlocked,
    AccountNotActive,
    AccessDenied(&'static str),
    InvalidOtp {
        attempts_left: u32,
    },
    InvalidSad(&'static str),
    InvalidActivationCode {
        attempts_left: u32,
    },
    WeakPassword(&'static str),
    Conflict(&'static str),
    /// The body is larger than the limit.
    TooLarge,
    Internal(String),
}

impl Error {
    pub fn internal(context: &str, err: impl fmt::Display) -> Self {
        Self::Internal(format!("{context}: {err}"))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidRequest(why) => write!(f, "invalid request: {why}"),
            Self::InvalidToken => f.write_str("missing, unknown or expired access token"),
            Self::AuthenticationFailed { attempts_left } => write!(
                f,
                "wrong identifier or password; {attempts_left} attempts left before the account is blocked"
            ),
            Self::AccountBlocked => f.write_str(
                "the account is blocked after too many failed attempts; reset the password to unblock it",
            ),
            Self::AccountNotActive => f.write_str("the account has not been activated yet"),
            Self::AccessDenied(why) => write!(f, "access denied: {why}"),
            Self::InvalidOtp { attempts_left } => write!(
                f,
                "wrong, expired or already used one-time password; {attempts_left} attempts left before the account is blocked"
            ),
            Self::InvalidSad(why) => write!(f, "invalid SAD: {why}"),
            Self::InvalidActivationCode { attempts_left } => write!(
                f,
                "wrong or blocked activation code; {attempts_left} attempts left"
            ),
            Self::WeakPassword(why) => write!(f, "the password is not acceptable: {why}"),
            Self::Conflict(why) => write!(f, "{why}"),
            Self::TooLarge => f.write_str("the request body is larger than 64 KiB"),
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
