//! Who is calling, as axum extractors: a citizen's session (bearer token), a registry-office
//! operator, an entity's administrator, HTTP Basic credentials, the client's address. Handlers
//! name what they need in their arguments instead of repeating the checks.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header;
use axum::http::request::Parts;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::ApiError;
use crate::identity::operators::OfficeCaller;
use crate::identity::rate::AddressBucket;
use crate::identity::session::Session;
use crate::{Error, Relay};

fn authorization(parts: &Parts) -> Option<&str> {
    parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
}

fn bearer(parts: &Parts) -> Option<&str> {
    authorization(parts)
        .and_then(|h| h.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// The language the client names in `Accept-Language` (one of the five the texts speak), or
/// Spanish: what the SMS a request triggers is written in.
pub struct PreferredLang(pub nubefirma_protocol::Lang);

impl<S: Send + Sync> FromRequestParts<S> for PreferredLang {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(
            parts
                .headers
                .get(axum::http::header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(nubefirma_protocol::Lang::from_accept_language)
                .unwrap_or_default(),
        ))
    }
}

/// The client's IP address, when the server was started with connection info (tests that
/// drive the router in-process have none and share one bucket).
pub struct ClientAddress(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(addr)| addr.ip()),
        ))
    }
}

/// A citizen's live session, from `Authorization: Bearer`.
pub struct CitizenSession(pub Session);

impl FromRequestParts<Arc<Relay>> for CitizenSession {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        relay: &Arc<Relay>,
    ) -> Result<Self, Self::Rejection> {
        let token = bearer(parts).ok_or(Error::InvalidToken)?;
        Ok(Self(relay.authenticate(token).await?))
    }
}

/// A citizen's password session, even one whose first password (sent by SMS) must still be
/// changed: for changing it (R14).
pub struct PasswordChangeSession(pub Session);

impl FromRequestParts<Arc<Relay>> for PasswordChangeSession {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        relay: &Arc<Relay>,
    ) -> Result<Self, Self::Rejection> {
        let token = bearer(parts).ok_or(Error::InvalidToken)?;
        Ok(Self(relay.authenticate_for_password_change(token).await?))
    }
}

/// A citizen's live session of any key, the PIN key included: for what only identifies her.
pub struct IdentifiedSession(pub Session);

impl FromRequestParts<Arc<Relay>> for IdentifiedSession {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        relay: &Arc<Relay>,
    ) -> Result<Self, Self::Rejection> {
        let token = bearer(parts).ok_or(Error::InvalidToken)?;
        Ok(Self(relay.authenticate_any_key(token).await?))
    }
}

/// The `Origin` the browser put on the request, if any: who a page-made call comes from.
pub struct RequestOrigin(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for RequestOrigin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(
            parts
                .headers
                .get(header::ORIGIN)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
        ))
    }
}

/// A registry-office operator, from `Authorization: Bearer` with an operator's session token
/// (`/office/v1/login`) or the shared operator token; counted against the office calls allowed
/// per address. `name` is who the audit trail records. An entity's administrator logs in the
/// same way but is not the registry office: refused here (R6).
pub struct Operator {
    pub name: String,
}

/// Whoever holds an operator's bearer token, counted against the office calls per address.
async fn office_caller(
    parts: &mut Parts,
    relay: &Arc<Relay>,
) -> Result<Option<OfficeCaller>, ApiError> {
    let ClientAddress(address) = ClientAddress::from_request_parts(parts, relay).await?;
    relay.limit_address(AddressBucket::Office, address).await?;
    Ok(match bearer(parts) {
        Some(token) => relay.operator_for_token(token).await?,
        None => None,
    })
}

impl FromRequestParts<Arc<Relay>> for Operator {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        relay: &Arc<Relay>,
    ) -> Result<Self, Self::Rejection> {
        match office_caller(parts, relay).await? {
            Some(OfficeCaller {
                name,
                entity_id: None,
                ..
            }) => Ok(Self { name }),
            Some(_) => Err(Error::AccessDenied(
                "an entity's administrator cannot act for the registry office",
            )
            .into()),
            None => Err(Error::AccessDenied(
                "a registry-office operator's session or token is required",
            )
            .into()),
        }
    }
}

/// An entity's administrator (R6), from `Authorization: Bearer` with her operator session:
/// she invites her entity's employees, and sees only her entity's invitations. Registry-office
/// operators and the shared operator token are refused: they act for no entity.
pub struct EntityAdmin {
    pub operator_id: String,
    pub name: String,
    pub entity_id: String,
}

impl FromRequestParts<Arc<Relay>> for EntityAdmin {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        relay: &Arc<Relay>,
    ) -> Result<Self, Self::Rejection> {
        match office_caller(parts, relay).await? {
            Some(OfficeCaller {
                id: Some(operator_id),
                name,
                entity_id: Some(entity_id),
            }) => Ok(Self {
                operator_id,
                name,
                entity_id,
            }),
            _ => Err(Error::AccessDenied("an entity administrator's session is required").into()),
        }
    }
}

/// `Authorization: Basic` identifier and password (CSC `auth/login`).
pub struct BasicCredentials {
    pub user: String,
    pub password: String,
}

impl<S: Send + Sync> FromRequestParts<S> for BasicCredentials {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parse_basic(authorization(parts).unwrap_or_default()).map_err(ApiError)
    }
}

fn parse_basic(header: &str) -> Result<BasicCredentials, Error> {
    let bad =
        || Error::InvalidRequest("Authorization: expected Basic with DNI/NIE and password".into());
    let encoded = header.strip_prefix("Basic ").ok_or_else(bad)?;
    let decoded = STANDARD.decode(encoded.trim()).map_err(|_| bad())?;
    let text = String::from_utf8(decoded).map_err(|_| bad())?;
    let (user, password) = text.split_once(':').ok_or_else(bad)?;
    Ok(BasicCredentials {
        user: user.to_owned(),
        password: password.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_header_parses_and_rejects_garbage() {
        let header = format!("Basic {}", STANDARD.encode("12345678Z:pass:with:colons"));
        let parsed = parse_basic(&header).ok().map(|b| (b.user, b.password));
        assert_eq!(
            parsed,
            Some(("12345678Z".into(), "pass:with:colons".into()))
        );
        assert!(parse_basic("Bearer abc").is_err());
        assert!(parse_basic("Basic !!!").is_err());
        assert!(parse_basic(&format!("Basic {}", STANDARD.encode("no-colon"))).is_err());
    }
}
