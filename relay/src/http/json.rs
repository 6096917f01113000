//! A JSON extractor whose rejection is our own error, so even a malformed body gets a
//! CSC-shaped `{"error": "invalid_request", ...}` answer. Every body of this API is a JSON
//! object in UTF-8: arrays, scalars, `null`, broken encodings and absurd nesting are refused
//! before any field is read.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::ApiError;
use crate::Error;

pub struct Json<T>(pub T);

fn is_json(req: &Request) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|mime| {
            let mime = mime.trim();
            mime.eq_ignore_ascii_case("application/json")
                || (mime.starts_with("application/") && mime.ends_with("+json"))
        })
}

impl<S, T> FromRequest<S> for Json<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(&req) {
            return Err(Error::InvalidRequest(
                "Content-Type: the body must be application/json".into(),
            )
            .into());
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                Error::TooLarge
            } else {
                Error::InvalidRequest("the body could not be read".into())
            }
        })?;
        let starts_as_object = bytes
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            .is_some_and(|b| *b == b'{');
        if !starts_as_object {
            return Err(Error::InvalidRequest("the body must be a JSON object".into()).into());
        }
        // The whole document is read, unknown members included, so invalid UTF-8 or nesting
        // deeper than serde_json's limit is refused even where the handler would skip it.
        let text = std::str::from_utf8(&bytes)
            .map_err(|_| Error::InvalidRequest("the body is not UTF-8".into()))?;
        let value: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| Error::InvalidRequest(format!("JSON body: {e}")))?;
        serde_json::from_value(value)
            .map(Self)
            .map_err(|e| Error::InvalidRequest(format!("JSON body: {e}")).into())
    }
}

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}
