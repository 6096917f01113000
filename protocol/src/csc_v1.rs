//! Cloud Signature Consortium API 1.0.4.0 (`/csc/v1/*`) bodies: the same operations as v2 with
//! the v1 names (`hash`, `hashAlgo`, `PIN`, `OTP`, `key.algo`, `cert.certificates`, `SCAL`),
//! because most CSC clients in the field (pyHanko among them) still speak v1. `auth/login`,
//! `auth/revoke` and `info` have the same shapes as in v2.

use serde::{Deserialize, Serialize};

use crate::csc::CertificatesWanted;

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CredentialsListRequest {
    #[serde(default, rename = "userID", skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_results: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_data: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CredentialsListResponse {
    #[serde(rename = "credentialIDs")]
    pub credential_ids: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CredentialsInfoRequest {
    #[serde(rename = "credentialID")]
    pub credential_id: String,
    #[serde(default)]
    pub certificates: CertificatesWanted,
    #[serde(default)]
    pub cert_info: bool,
    #[serde(default)]
    pub auth_info: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_data: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CredentialInfo {
    pub description: String,
    pub key: KeyInfo,
    pub cert: CertInfo,
    pub auth_mode: String,
    #[serde(rename = "PIN", default, skip_serializing_if = "Option::is_none")]
    pub pin: Option<PinInfo>,
    #[serde(rename = "OTP", default, skip_serializing_if = "Option::is_none")]
    pub otp: Option<OtpInfo>,
    pub multisign: u32,
    #[serde(rename = "SCAL")]
    pub scal: String,
    pub lang: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KeyInfo {
    pub status: String,
    /// Signature algorithm OIDs the key can produce (v1: `key.algo`).
    pub algo: Vec<String>,
    pub len: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub curve: Option<String>,
}

/// v1's `cert` object has the same members as v2's.
pub use crate::csc::CertInfo;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PinInfo {
    pub presence: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OtpInfo {
    pub presence: String,
    #[serde(rename = "type")]
    pub otp_type: String,
    pub format: String,
    pub label: String,
    pub description: String,
    #[serde(rename = "ID")]
    pub id: String,
    pub provider: String,
}

/// v1 `credentials/sendOTP` has no field for the documents.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SendOtpRequest {
    #[serde(rename = "credentialID")]
    pub credential_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_data: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AuthorizeRequest {
    #[serde(rename = "credentialID")]
    pub credential_id: String,
    pub num_signatures: u32,
    /// Base64 hashes the SAD will be bound to (required here: SCAL 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hash: Option<Vec<String>>,
    #[serde(rename = "PIN", default, skip_serializing_if = "Option::is_none")]
    pub pin: Option<String>,
    #[serde(rename = "OTP", default, skip_serializing_if = "Option::is_none")]
    pub otp: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_data: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AuthorizeResponse {
    #[serde(rename = "SAD")]
    pub sad: String,
    pub expires_in: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SignHashRequest {
    #[serde(rename = "credentialID")]
    pub credential_id: String,
    #[serde(rename = "SAD")]
    pub sad: String,
    pub hash: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hash_algo: Option<String>,
    pub sign_algo: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sign_algo_params: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_data: Option<String>,
}

/// `signatures/timestamp` in v1.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TimestampRequest {
    pub hash: String,
    pub hash_algo: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_data: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v1_bodies_use_v1_names() {
        let req: AuthorizeRequest = serde_json::from_str(
            r#"{"credentialID":"c","numSignatures":2,"hash":["a","b"],"OTP":"123456"}"#,
        )
        .expect("parse");
        assert_eq!(req.hash.as_deref().map(<[String]>::len), Some(2));
        let sign: SignHashRequest = serde_json::from_str(
            r#"{"credentialID":"c","SAD":"s","hash":["a"],"hashAlgo":"2.16.840.1.101.3.4.2.1","signAlgo":"1.2.840.10045.4.3.2"}"#,
        )
        .expect("parse");
        assert_eq!(sign.hash_algo.as_deref(), Some("2.16.840.1.101.3.4.2.1"));
    }
}
