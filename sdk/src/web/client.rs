//! The relay's CSC API over real HTTP (fetch, through gloo-net). Only digests and protocol
//! fields are sent; documents never are.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use gloo_net::http::{Request, RequestBuilder, Response};
use nubefirma_protocol::ErrorBody;
use nubefirma_protocol::csc::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// What went wrong talking to the relay.
#[derive(Debug)]
pub enum RelayError {
    /// No answer at all (network, CORS, relay down).
    Unreachable(String),
    /// A CSC error answer.
    Refused(ErrorBody),
    /// An answer we could not read.
    Malformed(String),
}

#[derive(Clone)]
pub struct RelayClient {
    base: String,
}

impl RelayClient {
    pub fn new(base_url: &str) -> Self {
        Self {
            base: base_url.trim_end_matches('/').to_owned(),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}/csc/v2/{path}", self.base)
    }

    async fn read<T: DeserializeOwned>(response: Response) -> Result<T, RelayError> {
        if response.ok() {
            return response
                .json::<T>()
                .await
                .map_err(|e| RelayError::Malformed(e.to_string()));
        }
        let status = response.status();
        match response.json::<ErrorBody>().await {
            Ok(body) => Err(RelayError::Refused(body)),
            Err(_) => Err(RelayError::Malformed(format!(
                "HTTP {status} without a CSC error body"
            ))),
        }
    }

    async fn send<B: Serialize>(builder: RequestBuilder, body: &B) -> Result<Response, RelayError> {
        let request: Request = builder
            .json(body)
            .map_err(|e| RelayError::Malformed(e.to_string()))?;
        request
            .send()
            .await
            .map_err(|e| RelayError::Unreachable(e.to_string()))
    }

    async fn call<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        token: &str,
        body: &B,
    ) -> Result<T, RelayError> {
        let builder =
            Request::post(&self.url(path)).header("Authorization", &format!("Bearer {token}"));
        Self::read(Self::send(builder, body).await?).await
    }

    async fn call_no_content<B: Serialize>(
        &self,
        path: &str,
        token: &str,
        body: &B,
    ) -> Result<(), RelayError> {
        let builder =
            Request::post(&self.url(path)).header("Authorization", &format!("Bearer {token}"));
        let response = Self::send(builder, body).await?;
        if response.ok() {
            return Ok(());
        }
        Self::read::<serde_json::Value>(response).await.map(|_| ())
    }

    /// `auth/login` with HTTP Basic; returns the bearer token.
    pub async fn login(&self, id_number: &str, password: &str) -> Result<String, RelayError> {
        let basic = STANDARD.encode(format!("{id_number}:{password}"));
        let builder = Request::post(&self.url("auth/login"))
            .header("Authorization", &format!("Basic {basic}"));
        let answer: LoginResponse =
            Self::read(Self::send(builder, &LoginRequest::default()).await?).await?;
        Ok(answer.access_token)
    }

    pub async fn revoke(&self, token: &str) -> Result<(), RelayError> {
        self.call_no_content("auth/revoke", token, &serde_json::json!({}))
            .await
    }

    pub async fn credentials(&self, token: &str) -> Result<Vec<String>, RelayError> {
        let answer: CredentialsListResponse = self
            .call(
                "credentials/list",
                token,
                &CredentialsListRequest::default(),
            )
            .await?;
        Ok(answer.credential_ids)
    }

    /// The credential's certificate then its chain, DER.
    pub async fn certificate_chain(
        &self,
        token: &str,
        credential_id: &str,
    ) -> Result<Vec<Vec<u8>>, RelayError> {
        let req = CredentialsInfoRequest {
            credential_id: credential_id.to_owned(),
            certificates: CertificatesWanted::Chain,
            cert_info: false,
            auth_info: true,
        };
        let info: CredentialInfo = self.call("credentials/info", token, &req).await?;
        info.cert
            .certificates
            .iter()
            .map(|c| {
                STANDARD
                    .decode(c)
                    .map_err(|e| RelayError::Malformed(format!("certificate base64: {e}")))
            })
            .collect()
    }

    pub async fn send_otp(
        &self,
        token: &str,
        credential_id: &str,
        hashes: &[String],
    ) -> Result<(), RelayError> {
        let req = SendOtpRequest {
            credential_id: credential_id.to_owned(),
            hashes: Some(hashes.to_vec()),
            hash_algorithm_oid: Some(OID_SHA256.into()),
        };
        self.call_no_content("credentials/sendOTP", token, &req)
            .await
    }

    pub async fn authorize(
        &self,
        token: &str,
        credential_id: &str,
        hashes: &[String],
        otp: &str,
    ) -> Result<String, RelayError> {
        let req = AuthorizeRequest {
            credential_id: credential_id.to_owned(),
            num_signatures: hashes.len() as u32,
            hashes: hashes.to_vec(),
            hash_algorithm_oid: OID_SHA256.into(),
            otp: Some(otp.to_owned()),
            auth_data: None,
        };
        let answer: AuthorizeResponse = self.call("credentials/authorize", token, &req).await?;
        Ok(answer.sad)
    }

    /// DER ECDSA signatures, one per hash.
    pub async fn sign_hashes(
        &self,
        token: &str,
        credential_id: &str,
        sad: &str,
        hashes: &[String],
    ) -> Result<Vec<Vec<u8>>, RelayError> {
        let req = SignHashRequest {
            credential_id: credential_id.to_owned(),
            sad: sad.to_owned(),
            hashes: hashes.to_vec(),
            hash_algorithm_oid: OID_SHA256.into(),
            sign_algo: OID_ECDSA_WITH_SHA256.into(),
        };
        let answer: SignHashResponse = self.call("signatures/signHash", token, &req).await?;
        answer
            .signatures
            .iter()
            .map(|s| {
                STANDARD
                    .decode(s)
                    .map_err(|e| RelayError::Malformed(format!("signature base64: {e}")))
            })
            .collect()
    }
}
