//! The relay's CSC API over real HTTP (fetch, through gloo-net). Only digests and protocol
//! fields are sent; documents never are.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use gloo_net::http::{Request, RequestBuilder, Response};
#[cfg(feature = "verify")]
use js_sys::Uint8Array;
use nubefirma_protocol::api::{
    AccountOverview, ActivationCompleteRequest, ActivationStartRequest, ActivationStartResponse,
    AssertionRequest, AssertionResponse, CardChallenge, ChangePasswordRequest,
    ConfirmCredentialRequest, ConfirmCredentialResponse, ContactChangeConfirm, ContactChangeDone,
    ContactChangeRequest, ContactChangeStarted, ContactKind, CredentialChallenge, LevelSession,
    PinLoginRequest, PinRequest, PinStarted, ReinforceRequest, RenewAccountRequest,
    RenewAccountResponse, ResetCompleteRequest, ResetStartRequest, ResetStartResponse,
    RevokeAccountRequest, RevokeOwnCredentialRequest, SessionLevel, SessionOtpSent,
    SwitchToSmsRequest,
};
use nubefirma_protocol::csc::*;
use nubefirma_protocol::{ErrorBody, ErrorCode};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::wire::retry_after_seconds;

/// When a `429` says neither `Retry-After` nor "try again in N s": the relay's shortest window.
const DEFAULT_RETRY_SECONDS: u32 = 30;

/// What went wrong talking to the relay.
#[derive(Debug)]
pub enum RelayError {
    /// No answer at all (network, CORS, relay down).
    Unreachable(String),
    /// A CSC error answer.
    Refused(ErrorBody),
    /// `429 rate_limited`: allowed again after this many seconds.
    RateLimited(u32),
    /// An answer we could not read.
    Malformed(String),
}

/// A credential that can sign now, as `credentials/list` describes it.
#[derive(Debug, Clone)]
pub struct CredentialSummary {
    pub id: String,
    pub subject_dn: Option<String>,
    pub serial_number: Option<String>,
    /// GeneralizedTime, `YYYYMMDDHHMMSSZ`.
    pub valid_to: Option<String>,
}

#[derive(Clone)]
pub struct RelayClient {
    base: String,
    /// Sent as `Accept-Language` (a CORS-safelisted header: no preflight), so the SMS the relay
    /// sends are in the widgets' language rather than the browser's.
    lang: Option<&'static str>,
}

impl RelayClient {
    pub fn new(base_url: &str) -> Self {
        Self {
            base: base_url.trim_end_matches('/').to_owned(),
            lang: None,
        }
    }

    /// The same client, naming `lang` (a tag: es, ca, eu, gl, en) to the relay.
    pub fn with_lang(mut self, lang: &'static str) -> Self {
        self.lang = Some(lang);
        self
    }

    fn post(&self, url: &str) -> RequestBuilder {
        let builder = Request::post(url);
        match self.lang {
            Some(lang) => builder.header("Accept-Language", lang),
            None => builder,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}/csc/v2/{path}", self.base)
    }

    fn api_url(&self, path: &str) -> String {
        format!("{}/api/v1/{path}", self.base)
    }

    async fn read<T: DeserializeOwned>(response: Response) -> Result<T, RelayError> {
        if response.ok() {
            return response
                .json::<T>()
                .await
                .map_err(|e| RelayError::Malformed(e.to_string()));
        }
        let status = response.status();
        let retry_after = response.headers().get("retry-after");
        match response.json::<ErrorBody>().await {
            Ok(body) if status == 429 || body.error == ErrorCode::RateLimited => {
                Err(RelayError::RateLimited(
                    retry_after_seconds(retry_after.as_deref(), &body.error_description)
                        .unwrap_or(DEFAULT_RETRY_SECONDS),
                ))
            }
            Ok(body) => Err(RelayError::Refused(body)),
            Err(_) if status == 429 => Err(RelayError::RateLimited(
                retry_after_seconds(retry_after.as_deref(), "").unwrap_or(DEFAULT_RETRY_SECONDS),
            )),
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
        self.call_url(&self.url(path), token, body).await
    }

    async fn call_url<B: Serialize, T: DeserializeOwned>(
        &self,
        url: &str,
        token: &str,
        body: &B,
    ) -> Result<T, RelayError> {
        let builder = self
            .post(url)
            .header("Authorization", &format!("Bearer {token}"));
        Self::read(Self::send(builder, body).await?).await
    }

    async fn call_no_content<B: Serialize>(
        &self,
        path: &str,
        token: &str,
        body: &B,
    ) -> Result<(), RelayError> {
        self.call_no_content_url(&self.url(path), token, body).await
    }

    async fn call_no_content_url<B: Serialize>(
        &self,
        url: &str,
        token: &str,
        body: &B,
    ) -> Result<(), RelayError> {
        let builder = self
            .post(url)
            .header("Authorization", &format!("Bearer {token}"));
        let response = Self::send(builder, body).await?;
        if response.ok() {
            return Ok(());
        }
        Self::read::<serde_json::Value>(response).await.map(|_| ())
    }

    /// `auth/login` with HTTP Basic; returns the bearer token.
    /// Returns the bearer token, and whether her first password (sent by SMS) must be changed
    /// before anything else (R14).
    pub async fn login(
        &self,
        id_number: &str,
        password: &str,
    ) -> Result<(String, bool), RelayError> {
        let basic = STANDARD.encode(format!("{id_number}:{password}"));
        let builder = Request::post(&self.url("auth/login"))
            .header("Authorization", &format!("Basic {basic}"));
        let answer: LoginResponse =
            Self::read(Self::send(builder, &LoginRequest::default()).await?).await?;
        Ok((answer.access_token, answer.must_change_password))
    }

    pub async fn revoke(&self, token: &str) -> Result<(), RelayError> {
        self.call_no_content("auth/revoke", token, &serde_json::json!({}))
            .await
    }

    /// The credentials that can sign now (not revoked, suspended or expired), oldest first,
    /// with what the citizen needs to tell them apart.
    pub async fn valid_credentials(
        &self,
        token: &str,
    ) -> Result<Vec<CredentialSummary>, RelayError> {
        let req = CredentialsListRequest {
            only_valid: true,
            credential_info: true,
            cert_info: true,
            certificates: Some(CertificatesWanted::Single),
            ..CredentialsListRequest::default()
        };
        let answer: CredentialsListResponse = self.call("credentials/list", token, &req).await?;
        let infos = answer.credential_infos.unwrap_or_default();
        Ok(answer
            .credential_ids
            .into_iter()
            .map(|id| {
                let info = infos
                    .iter()
                    .find(|i| i.credential_id.as_deref() == Some(id.as_str()));
                CredentialSummary {
                    subject_dn: info.and_then(|i| i.cert.subject_dn.clone()),
                    serial_number: info.and_then(|i| i.cert.serial_number.clone()),
                    valid_to: info.and_then(|i| i.cert.valid_to.clone()),
                    id,
                }
            })
            .collect())
    }

    /// `POST /api/v1/password-reset`: one code by SMS and one by email (when the ID has an
    /// account that can be reset; the answer never says). Returns the reset id.
    pub async fn start_reset(&self, id_number: &str) -> Result<String, RelayError> {
        let builder = self.post(&self.api_url("password-reset"));
        let answer: ResetStartResponse = Self::read(
            Self::send(
                builder,
                &ResetStartRequest {
                    id_number: id_number.to_owned(),
                },
            )
            .await?,
        )
        .await?;
        Ok(answer.reset_id)
    }

    /// `POST /api/v1/password-reset/{id}/complete`: both codes and the new password.
    pub async fn complete_reset(
        &self,
        reset_id: &str,
        sms_code: &str,
        email_code: &str,
        new_password: &str,
    ) -> Result<(), RelayError> {
        let id = String::from(js_sys::encode_uri_component(reset_id));
        let builder = self.post(&self.api_url(&format!("password-reset/{id}/complete")));
        let _: serde_json::Value = Self::read(
            Self::send(
                builder,
                &ResetCompleteRequest {
                    sms_code: sms_code.to_owned(),
                    email_code: email_code.to_owned(),
                    new_password: new_password.to_owned(),
                },
            )
            .await?,
        )
        .await?;
        Ok(())
    }

    /// `POST /api/v1/activation/start`: her ID and the activation code; an SMS code goes to
    /// her phone. Returns the activation's id.
    pub async fn start_activation(
        &self,
        id_number: &str,
        activation_code: &str,
    ) -> Result<String, RelayError> {
        let builder = self.post(&self.api_url("activation/start"));
        let answer: ActivationStartResponse = Self::read(
            Self::send(
                builder,
                &ActivationStartRequest {
                    id_number: id_number.to_owned(),
                    activation_code: activation_code.to_owned(),
                },
            )
            .await?,
        )
        .await?;
        Ok(answer.activation_id)
    }

    /// `POST /api/v1/activation/complete`: the SMS code and her password, or a first one by
    /// SMS (`password` `None`, R14), with the terms accepted.
    pub async fn complete_activation(
        &self,
        activation_id: &str,
        sms_code: &str,
        password: Option<&str>,
    ) -> Result<(), RelayError> {
        let builder = self.post(&self.api_url("activation/complete"));
        let _: serde_json::Value = Self::read(
            Self::send(
                builder,
                &ActivationCompleteRequest {
                    activation_id: activation_id.to_owned(),
                    sms_code: sms_code.to_owned(),
                    password: password.map(str::to_owned),
                    password_by_sms: password.is_none(),
                    accept_terms: true,
                },
            )
            .await?,
        )
        .await?;
        Ok(())
    }

    /// `POST /api/v1/pin`: a PIN by SMS when the ID and birth date name an active account (the
    /// answer never says). Returns the PIN's id.
    pub async fn start_pin(&self, id_number: &str, birth_date: &str) -> Result<String, RelayError> {
        let builder = self.post(&self.api_url("pin"));
        let answer: PinStarted = Self::read(
            Self::send(
                builder,
                &PinRequest {
                    id_number: id_number.to_owned(),
                    birth_date: birth_date.to_owned(),
                },
            )
            .await?,
        )
        .await?;
        Ok(answer.pin_id)
    }

    /// `POST /api/v1/pin/{id}/login`: the PIN opens a session that can only identify her.
    pub async fn pin_login(&self, pin_id: &str, pin: &str) -> Result<String, RelayError> {
        let id = String::from(js_sys::encode_uri_component(pin_id));
        let builder = self.post(&self.api_url(&format!("pin/{id}/login")));
        let answer: LevelSession = Self::read(
            Self::send(
                builder,
                &PinLoginRequest {
                    pin: pin.to_owned(),
                },
            )
            .await?,
        )
        .await?;
        Ok(answer.access_token)
    }

    /// `POST /api/v1/session/otp`: an SMS code to raise this session to the reinforced level.
    pub async fn session_otp(&self, token: &str) -> Result<Option<String>, RelayError> {
        let answer: SessionOtpSent = self
            .call_url(&self.api_url("session/otp"), token, &serde_json::json!({}))
            .await?;
        Ok(answer.card_position)
    }

    /// `POST /api/v1/account/second-factor`: her coordinate card dropped for SMS codes (R21).
    pub async fn switch_to_sms(&self, token: &str, password: &str) -> Result<(), RelayError> {
        let _: serde_json::Value = self
            .call_url(
                &self.api_url("account/second-factor"),
                token,
                &SwitchToSmsRequest {
                    password: password.to_owned(),
                },
            )
            .await?;
        Ok(())
    }

    /// `POST /api/v1/session/reinforce`: the SMS code; the session is then at the reinforced
    /// level.
    pub async fn reinforce(&self, token: &str, otp: &str) -> Result<(), RelayError> {
        let _: SessionLevel = self
            .call_url(
                &self.api_url("session/reinforce"),
                token,
                &ReinforceRequest {
                    otp: otp.to_owned(),
                },
            )
            .await?;
        Ok(())
    }

    /// `POST /api/v1/identity/assertion`: the signed statement of who she is, for this page's
    /// portal (the browser names its origin), at `level`, carrying the portal's `nonce`.
    pub async fn assertion(
        &self,
        token: &str,
        level: nubefirma_protocol::Level,
        nonce: &str,
    ) -> Result<AssertionResponse, RelayError> {
        self.call_url(
            &self.api_url("identity/assertion"),
            token,
            &AssertionRequest {
                level,
                nonce: nonce.to_owned(),
            },
        )
        .await
    }

    /// `GET /api/v1/account`: what her panel shows (contacts masked).
    pub async fn account(&self, token: &str) -> Result<AccountOverview, RelayError> {
        let builder = Request::get(&self.api_url("account"))
            .header("Authorization", &format!("Bearer {token}"));
        let builder = match self.lang {
            Some(lang) => builder.header("Accept-Language", lang),
            None => builder,
        };
        let response = builder
            .send()
            .await
            .map_err(|e| RelayError::Unreachable(e.to_string()))?;
        Self::read(response).await
    }

    /// `POST /api/v1/account/password`: her current password and the new one.
    pub async fn change_password(
        &self,
        token: &str,
        current: &str,
        new: &str,
    ) -> Result<(), RelayError> {
        let _: serde_json::Value = self
            .call_url(
                &self.api_url("account/password"),
                token,
                &ChangePasswordRequest {
                    current_password: current.to_owned(),
                    new_password: new.to_owned(),
                },
            )
            .await?;
        Ok(())
    }

    /// `POST /api/v1/account/contact`: a code to the new phone or email (and, for a phone, one
    /// to her current phone). Returns the change's id, and whether the phone is on another
    /// account (R22).
    pub async fn start_contact_change(
        &self,
        token: &str,
        kind: ContactKind,
        value: &str,
    ) -> Result<ContactChangeStarted, RelayError> {
        self.call_url(
            &self.api_url("account/contact"),
            token,
            &ContactChangeRequest {
                kind,
                value: value.to_owned(),
            },
        )
        .await
    }

    /// `POST /api/v1/account/contact/{id}/confirm`: the codes; the change takes effect.
    pub async fn confirm_contact_change(
        &self,
        token: &str,
        change_id: &str,
        code: &str,
        current_phone_code: Option<&str>,
    ) -> Result<ContactChangeDone, RelayError> {
        let id = String::from(js_sys::encode_uri_component(change_id));
        self.call_url(
            &self.api_url(&format!("account/contact/{id}/confirm")),
            token,
            &ContactChangeConfirm {
                code: code.to_owned(),
                current_phone_code: current_phone_code.map(str::to_owned),
            },
        )
        .await
    }

    /// `POST /api/v1/account/renew`: her password again; returns the new expiry (Unix seconds).
    pub async fn renew_account(&self, token: &str, password: &str) -> Result<i64, RelayError> {
        let answer: RenewAccountResponse = self
            .call_url(
                &self.api_url("account/renew"),
                token,
                &RenewAccountRequest {
                    password: password.to_owned(),
                },
            )
            .await?;
        Ok(answer.expires_at)
    }

    /// `POST /api/v1/account/revoke`: her whole account, final (R24).
    pub async fn revoke_account(&self, token: &str, password: &str) -> Result<(), RelayError> {
        let _: serde_json::Value = self
            .call_url(
                &self.api_url("account/revoke"),
                token,
                &RevokeAccountRequest {
                    password: password.to_owned(),
                },
            )
            .await?;
        Ok(())
    }

    /// `POST /api/v1/credentials/{id}/revoke`: one of her certificates, with her password.
    pub async fn revoke_credential(
        &self,
        token: &str,
        credential_id: &str,
        password: &str,
    ) -> Result<(), RelayError> {
        let id = String::from(js_sys::encode_uri_component(credential_id));
        let _: serde_json::Value = self
            .call_url(
                &self.api_url(&format!("credentials/{id}/revoke")),
                token,
                &RevokeOwnCredentialRequest {
                    password: password.to_owned(),
                },
            )
            .await?;
        Ok(())
    }

    /// `POST /api/v1/credentials`: asks for a new cloud certificate; the relay sends an SMS code
    /// to confirm it. Returns the challenge id.
    pub async fn start_credential(
        &self,
        token: &str,
    ) -> Result<(String, Option<String>), RelayError> {
        let answer: CredentialChallenge = self
            .call_url(&self.api_url("credentials"), token, &serde_json::json!({}))
            .await?;
        Ok((answer.challenge_id, answer.card_position))
    }

    /// `POST /api/v1/credentials/{challengeId}/confirm`: the SMS code makes the credential.
    pub async fn confirm_credential(
        &self,
        token: &str,
        challenge_id: &str,
        sms_code: &str,
    ) -> Result<String, RelayError> {
        let challenge = String::from(js_sys::encode_uri_component(challenge_id));
        let path = format!("credentials/{challenge}/confirm");
        let answer: ConfirmCredentialResponse = self
            .call_url(
                &self.api_url(&path),
                token,
                &ConfirmCredentialRequest {
                    sms_code: sms_code.to_owned(),
                },
            )
            .await?;
        Ok(answer.credential_id)
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

    /// `credentials/sendOTP`: an SMS code (`None`), or for an account with a coordinate card
    /// the position whose number is the code (R21).
    pub async fn send_otp(
        &self,
        token: &str,
        credential_id: &str,
        hashes: &[String],
    ) -> Result<Option<String>, RelayError> {
        let req = SendOtpRequest {
            credential_id: credential_id.to_owned(),
            hashes: Some(hashes.to_vec()),
            hash_algorithm_oid: Some(OID_SHA256.into()),
        };
        let builder = self
            .post(&self.url("credentials/sendOTP"))
            .header("Authorization", &format!("Bearer {token}"));
        let response = Self::send(builder, &req).await?;
        if response.status() == 204 {
            return Ok(None);
        }
        let challenge: CardChallenge = Self::read(response).await?;
        Ok(Some(challenge.card_position))
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

    /// An RFC 3161 timestamp token (DER) over a SHA-256 digest, from the relay's TSA (CSC
    /// `signatures/timestamp`; public TSAs send no CORS headers, so the relay is the way).
    pub async fn timestamp(&self, token: &str, digest: &[u8; 32]) -> Result<Vec<u8>, RelayError> {
        let req = TimestampRequest {
            hash: STANDARD.encode(digest),
            hash_algorithm_oid: OID_SHA256.into(),
            nonce: None,
        };
        let answer: TimestampResponse = self.call("signatures/timestamp", token, &req).await?;
        STANDARD
            .decode(&answer.timestamp)
            .map_err(|e| RelayError::Malformed(format!("timestamp base64: {e}")))
    }

    /// The relay's OCSP responder (RFC 6960 over HTTP POST): the DER answer to `request`.
    #[cfg(feature = "verify")]
    pub async fn ocsp(&self, request: Vec<u8>) -> Result<Vec<u8>, RelayError> {
        let body = Uint8Array::from(request.as_slice());
        let response = Request::post(&format!("{}/pki/ocsp", self.base))
            .header("Content-Type", "application/ocsp-request")
            .body(body)
            .map_err(|e| RelayError::Malformed(e.to_string()))?
            .send()
            .await
            .map_err(|e| RelayError::Unreachable(e.to_string()))?;
        if !response.ok() {
            return Err(RelayError::Malformed(format!(
                "HTTP {} from the OCSP responder",
                response.status()
            )));
        }
        response
            .binary()
            .await
            .map_err(|e| RelayError::Malformed(e.to_string()))
    }

    /// The relay's root CA certificate (PEM): the default trust anchor for `verify`.
    #[cfg(feature = "verify")]
    pub async fn root_pem(&self) -> Result<String, RelayError> {
        let response = Request::get(&format!("{}/pki/ca.pem", self.base))
            .send()
            .await
            .map_err(|e| RelayError::Unreachable(e.to_string()))?;
        if !response.ok() {
            return Err(RelayError::Malformed(format!(
                "HTTP {} for the CA certificate",
                response.status()
            )));
        }
        response
            .text()
            .await
            .map_err(|e| RelayError::Malformed(e.to_string()))
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

    /// `POST /api/v1/professional/{invitation}/{step}` (R13). `invitation` is checked by the
    /// caller to be URL-safe; the link's token rides in `body`, never in the URL, so no server
    /// log or Referer sees it.
    pub async fn professional_step<B: Serialize>(
        &self,
        invitation: &str,
        step: &str,
        body: &B,
    ) -> Result<nubefirma_protocol::api::ProfessionalProgress, RelayError> {
        let builder = self.post(&self.api_url(&format!("professional/{invitation}/{step}")));
        Self::read(Self::send(builder, body).await?).await
    }
}
