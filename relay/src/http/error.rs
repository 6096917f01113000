//! The one place where domain errors become wire errors. Internal details are logged here and
//! never sent to the client.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use nubefirma_protocol::{ErrorBody, ErrorCode};

use crate::{Error, OtpFailure};

/// A domain error on its way out as an HTTP answer.
pub struct ApiError(pub Error);

impl From<Error> for ApiError {
    fn from(err: Error) -> Self {
        Self(err)
    }
}

fn wire(err: &Error) -> (StatusCode, ErrorCode, Option<u32>) {
    match err {
        Error::InvalidRequest(_) => (StatusCode::BAD_REQUEST, ErrorCode::InvalidRequest, None),
        Error::TooLarge => (
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::InvalidRequest,
            None,
        ),
        Error::NotFound(_) => (StatusCode::NOT_FOUND, ErrorCode::InvalidRequest, None),
        Error::MethodNotAllowed => (
            StatusCode::METHOD_NOT_ALLOWED,
            ErrorCode::InvalidRequest,
            None,
        ),
        Error::InvalidToken => (StatusCode::UNAUTHORIZED, ErrorCode::InvalidToken, None),
        Error::AuthenticationFailed => (
            StatusCode::UNAUTHORIZED,
            ErrorCode::AuthenticationFailed,
            None,
        ),
        Error::AccountBlocked => (StatusCode::FORBIDDEN, ErrorCode::AccountBlocked, Some(0)),
        Error::AccountNotActive => (StatusCode::FORBIDDEN, ErrorCode::AccountNotActive, None),
        Error::WrongPassword { attempts_left } => (
            StatusCode::FORBIDDEN,
            ErrorCode::AccessDenied,
            Some(*attempts_left),
        ),
        Error::AccessDenied(_) => (StatusCode::FORBIDDEN, ErrorCode::AccessDenied, None),
        Error::InvalidOtp { attempts_left, .. }
        | Error::InvalidResetCodes { attempts_left, .. }
        | Error::InvalidPin { attempts_left, .. }
        | Error::InvalidInvitationCode { attempts_left, .. } => (
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidOtp,
            Some(*attempts_left),
        ),
        Error::WrongIdentity { attempts_left } => (
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidRequest,
            Some(*attempts_left),
        ),
        Error::InsufficientLevel(_) => (StatusCode::FORBIDDEN, ErrorCode::InsufficientLevel, None),
        Error::EmailShared => (StatusCode::CONFLICT, ErrorCode::EmailShared, None),
        Error::PasswordChangeRequired => (
            StatusCode::FORBIDDEN,
            ErrorCode::PasswordChangeRequired,
            None,
        ),
        Error::InvalidSad(_) => (StatusCode::BAD_REQUEST, ErrorCode::InvalidSad, None),
        Error::InvalidActivationCode { attempts_left } => (
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidActivationCode,
            Some(*attempts_left),
        ),
        Error::WeakPassword(_) => (StatusCode::BAD_REQUEST, ErrorCode::WeakPassword, None),
        Error::Conflict(_) => (StatusCode::CONFLICT, ErrorCode::Conflict, None),
        Error::CredentialUnusable(_) => {
            (StatusCode::FORBIDDEN, ErrorCode::CredentialUnusable, None)
        }
        Error::RateLimited { .. } => (StatusCode::TOO_MANY_REQUESTS, ErrorCode::RateLimited, None),
        Error::Upstream(_) => (StatusCode::BAD_GATEWAY, ErrorCode::ServerError, None),
        Error::DeliveryFailed(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::DeliveryFailed,
            None,
        ),
        Error::InvalidConfig(_) | Error::Internal(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::ServerError,
            None,
        ),
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let Error::Internal(detail) | Error::InvalidConfig(detail) = &self.0 {
            tracing::error!(%detail, "internal error");
        }
        if let Error::Upstream(reason) = &self.0 {
            tracing::warn!(%reason, "upstream TSA refused");
        }
        let (status, error, attempts_left) = wire(&self.0);
        let code_live = match &self.0 {
            Error::InvalidOtp { why, .. }
            | Error::InvalidResetCodes { why, .. }
            | Error::InvalidPin { why, .. }
            | Error::InvalidInvitationCode { why, .. } => Some(*why == OtpFailure::Wrong),
            _ => None,
        };
        let body = ErrorBody {
            error,
            error_description: self.0.to_string(),
            attempts_left,
            code_live,
        };
        let mut response = (status, axum::Json(body)).into_response();
        if let Error::RateLimited { retry_after } = self.0
            && let Ok(value) = HeaderValue::from_str(&retry_after.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response
    }
}
