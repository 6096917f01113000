//! The PKI's public face: the root certificate relying parties trust (`/pki/ca.pem`), the CRL
//! (`/pki/crl`), the OCSP responder (`/pki/ocsp`, POST and GET as RFC 6960 appendix A) and the
//! RFC 3161 time-stamping authority (`/tsa`). Binary in and out, with the media types those
//! protocols name; no authentication, as relying parties have none.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::IntoResponse;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::ApiError;
use crate::{Error, Relay};

type Shared = State<Arc<Relay>>;

pub fn routes() -> OpenApiRouter<Arc<Relay>> {
    OpenApiRouter::new()
        .routes(routes!(ca_pem))
        .routes(routes!(crl))
        .routes(routes!(ocsp_post))
        .routes(routes!(ocsp_get))
        .routes(routes!(timestamp))
}

fn expect_media_type(headers: &HeaderMap, wanted: &str) -> Result<(), Error> {
    let given = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if given
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .eq_ignore_ascii_case(wanted)
    {
        Ok(())
    } else {
        Err(Error::InvalidRequest(format!(
            "Content-Type: {wanted} expected"
        )))
    }
}

#[utoipa::path(get, path = "/pki/ca.pem", operation_id = "ca_pem", tag = "pki", responses((status = 200, description = "The root CA certificate, PEM", content_type = "application/x-pem-file", body = String)))]
async fn ca_pem(State(relay): Shared) -> Result<impl IntoResponse, ApiError> {
    Ok((
        [(header::CONTENT_TYPE, "application/x-pem-file")],
        relay.ca().root_pem()?,
    ))
}

#[utoipa::path(get, path = "/pki/crl", operation_id = "crl", tag = "pki", responses((status = 200, description = "The issuing CA's CRL, DER", content_type = "application/pkix-crl", body = Vec<u8>)))]
async fn crl(State(relay): Shared) -> Result<impl IntoResponse, ApiError> {
    Ok((
        [(header::CONTENT_TYPE, "application/pkix-crl")],
        relay.crl().await?,
    ))
}

#[utoipa::path(post, path = "/pki/ocsp", operation_id = "ocsp_post", tag = "pki", request_body(content = Vec<u8>, content_type = "application/ocsp-request"), responses((status = 200, description = "OCSP response, DER", content_type = "application/ocsp-response", body = Vec<u8>), (status = 400, description = "Wrong media type", body = nubefirma_protocol::ErrorBody)))]
async fn ocsp_post(
    State(relay): Shared,
    headers: HeaderMap,
    body: Bytes,
) -> Result<impl IntoResponse, ApiError> {
    expect_media_type(&headers, "application/ocsp-request")?;
    Ok((
        [(header::CONTENT_TYPE, "application/ocsp-response")],
        relay.ocsp(&body).await,
    ))
}

#[utoipa::path(get, path = "/pki/ocsp/{request}", operation_id = "ocsp_get", tag = "pki", params(("request" = String, Path, description = "The DER request, base64 then URL-encoded")), responses((status = 200, description = "OCSP response, DER", content_type = "application/ocsp-response", body = Vec<u8>)))]
async fn ocsp_get(State(relay): Shared, Path(request): Path<String>) -> impl IntoResponse {
    let answer = match STANDARD.decode(request.trim()) {
        Ok(der) => relay.ocsp(&der).await,
        Err(_) => crate::pki::ocsp::malformed_request_response(),
    };
    (
        [(header::CONTENT_TYPE, "application/ocsp-response")],
        answer,
    )
}

#[utoipa::path(post, path = "/tsa", operation_id = "tsa", tag = "pki", request_body(content = Vec<u8>, content_type = "application/timestamp-query"), responses((status = 200, description = "TimeStampResp, DER", content_type = "application/timestamp-reply", body = Vec<u8>), (status = 400, description = "Wrong media type", body = nubefirma_protocol::ErrorBody)))]
async fn timestamp(
    State(relay): Shared,
    headers: HeaderMap,
    body: Bytes,
) -> Result<impl IntoResponse, ApiError> {
    expect_media_type(&headers, "application/timestamp-query")?;
    Ok((
        [(header::CONTENT_TYPE, "application/timestamp-reply")],
        relay.timestamp_request(&body),
    ))
}
