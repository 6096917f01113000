//! Cloud Signature Consortium API v2 (`/csc/v2/*`) request and answer bodies, camelCase as the
//! specification writes them. Hashes and signatures travel as standard base64 strings.

use serde::{Deserialize, Serialize};

/// SHA-256, the only hash algorithm this relay signs.
pub const OID_SHA256: &str = "2.16.840.1.101.3.4.2.1";
/// ecdsa-with-SHA256, the only signature algorithm (keys are P-256).
pub const OID_ECDSA_WITH_SHA256: &str = "1.2.840.10045.4.3.2";
/// id-ecPublicKey, the key algorithm reported by `credentials/info`.
pub const OID_EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";
/// prime256v1 / secp256r1.
pub const OID_P256: &str = "1.2.840.10045.3.1.7";
/// At most this many hashes in one `authorize` or `signHash` call.
pub const MAX_HASHES_PER_CALL: usize = 100;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct InfoResponse {
    pub specs: String,
    pub name: String,
    pub logo: String,
    pub region: String,
    pub lang: String,
    pub description: String,
    pub auth_type: Vec<String>,
    pub methods: Vec<String>,
}

/// `auth/login` body; the identifier and password travel in HTTP Basic.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LoginRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remember_me: Option<bool>,
}

/// `auth/login` answer (OAuth-style snake_case, as the specification writes it).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginResponse {
    pub access_token: String,
    pub expires_in: u64,
    /// Ours, beside the CSC fields (clients ignore it): her first password came by SMS and
    /// must be changed before anything else (R14). Present only when true.
    #[serde(
        default,
        rename = "mustChangePassword",
        skip_serializing_if = "std::ops::Not::not"
    )]
    pub must_change_password: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CredentialsListRequest {
    #[serde(default, rename = "userID", skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_results: Option<u32>,
    /// Also return each credential's `credentials/info` answer in `credentialInfos`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub credential_info: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificates: Option<CertificatesWanted>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub cert_info: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub auth_info: bool,
    /// Only credentials that can sign now (not revoked, suspended or expired).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub only_valid: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CredentialsListResponse {
    #[serde(rename = "credentialIDs")]
    pub credential_ids: Vec<String>,
    #[serde(
        rename = "credentialInfos",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub credential_infos: Option<Vec<CredentialInfo>>,
}

/// Which certificates `credentials/info` returns.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum CertificatesWanted {
    None,
    #[default]
    Single,
    Chain,
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
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CredentialInfo {
    /// Set in `credentials/list` answers (`credentialInfos`), absent in `credentials/info`.
    #[serde(
        rename = "credentialID",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub credential_id: Option<String>,
    pub description: String,
    pub key: KeyInfo,
    pub cert: CertInfo,
    /// "explicit": the client collects the OTP and sends it to `credentials/authorize`.
    pub auth_mode: String,
    #[serde(rename = "OTP", default, skip_serializing_if = "Option::is_none")]
    pub otp: Option<OtpInfo>,
    #[serde(rename = "SCAL")]
    pub scal: String,
    pub multisign: u32,
    pub lang: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct KeyInfo {
    pub status: String,
    pub algo: Vec<String>,
    pub len: u32,
    pub curve: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CertInfo {
    pub status: String,
    /// Base64 DER: the end-entity certificate first, then its issuers when `chain` was asked.
    pub certificates: Vec<String>,
    #[serde(rename = "issuerDN", default, skip_serializing_if = "Option::is_none")]
    pub issuer_dn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial_number: Option<String>,
    #[serde(rename = "subjectDN", default, skip_serializing_if = "Option::is_none")]
    pub subject_dn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_to: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct OtpInfo {
    pub presence: String,
    #[serde(rename = "type")]
    pub otp_type: String,
    pub format: String,
    pub label: String,
    pub description: String,
}

/// `credentials/sendOTP`. `hashes` is our extension: when given, the OTP is bound to them and the
/// SMS shows their verification code.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SendOtpRequest {
    #[serde(rename = "credentialID")]
    pub credential_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hashes: Option<Vec<String>>,
    #[serde(
        rename = "hashAlgorithmOID",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub hash_algorithm_oid: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AuthorizeRequest {
    #[serde(rename = "credentialID")]
    pub credential_id: String,
    pub num_signatures: u32,
    pub hashes: Vec<String>,
    #[serde(rename = "hashAlgorithmOID")]
    pub hash_algorithm_oid: String,
    /// CSC 2.0's field for the one-time password.
    #[serde(rename = "OTP", default, skip_serializing_if = "Option::is_none")]
    pub otp: Option<String>,
    /// Later CSC 2.x: authentication objects; the OTP is the one with id "otp" (or the only one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_data: Option<Vec<AuthData>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuthData {
    pub id: String,
    pub value: String,
}

impl AuthorizeRequest {
    /// The one-time password, from `OTP` or from `authData`.
    pub fn one_time_password(&self) -> Option<&str> {
        if let Some(otp) = &self.otp {
            return Some(otp);
        }
        let data = self.auth_data.as_deref()?;
        data.iter()
            .find(|d| d.id.eq_ignore_ascii_case("otp"))
            .or(match data {
                [only] => Some(only),
                _ => None,
            })
            .map(|d| d.value.as_str())
    }
}

/// `signatures/timestamp` (CSC v2): an RFC 3161 timestamp over a hash, from the relay's TSA.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TimestampRequest {
    pub hash: String,
    #[serde(rename = "hashAlgorithmOID")]
    pub hash_algorithm_oid: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimestampResponse {
    /// Base64 DER `TimeStampToken` (a CMS SignedData).
    pub timestamp: String,
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
    pub hashes: Vec<String>,
    #[serde(rename = "hashAlgorithmOID")]
    pub hash_algorithm_oid: String,
    pub sign_algo: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignHashResponse {
    /// Base64 DER `ECDSA-Sig-Value`, one per hash, in the same order.
    pub signatures: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorize_request_uses_csc_field_names() {
        let req = AuthorizeRequest {
            credential_id: "c1".into(),
            num_signatures: 1,
            hashes: vec!["aGFzaA==".into()],
            hash_algorithm_oid: OID_SHA256.into(),
            otp: Some("123456".into()),
            auth_data: None,
        };
        let json = serde_json::to_value(&req).expect("serialize");
        assert_eq!(
            json,
            serde_json::json!({
                "credentialID": "c1", "numSignatures": 1, "hashes": ["aGFzaA=="],
                "hashAlgorithmOID": "2.16.840.1.101.3.4.2.1", "OTP": "123456"
            })
        );
    }

    #[test]
    fn authorize_takes_the_otp_from_either_field() {
        let v20: AuthorizeRequest = serde_json::from_str(
            r#"{"credentialID":"c","numSignatures":1,"hashes":["h"],"hashAlgorithmOID":"x","OTP":"111111"}"#,
        )
        .expect("parse");
        assert_eq!(v20.one_time_password(), Some("111111"));
        let later: AuthorizeRequest = serde_json::from_str(
            r#"{"credentialID":"c","numSignatures":1,"hashes":["h"],"hashAlgorithmOID":"x","authData":[{"id":"PIN","value":"p"},{"id":"OTP","value":"222222"}]}"#,
        )
        .expect("parse");
        assert_eq!(later.one_time_password(), Some("222222"));
        let none: AuthorizeRequest = serde_json::from_str(
            r#"{"credentialID":"c","numSignatures":1,"hashes":["h"],"hashAlgorithmOID":"x"}"#,
        )
        .expect("parse");
        assert_eq!(none.one_time_password(), None);
    }

    #[test]
    fn sign_hash_request_parses_csc_json() {
        let req: SignHashRequest = serde_json::from_str(
            r#"{"credentialID":"c","SAD":"s","hashes":["h"],"hashAlgorithmOID":"2.16.840.1.101.3.4.2.1","signAlgo":"1.2.840.10045.4.3.2"}"#,
        )
        .expect("parse");
        assert_eq!(req.sad, "s");
        assert_eq!(req.sign_algo, OID_ECDSA_WITH_SHA256);
    }

    #[test]
    fn credentials_info_request_defaults_to_single_certificate() {
        let req: CredentialsInfoRequest =
            serde_json::from_str(r#"{"credentialID":"c"}"#).expect("parse");
        assert_eq!(req.certificates, CertificatesWanted::Single);
        let chain: CredentialsInfoRequest =
            serde_json::from_str(r#"{"credentialID":"c","certificates":"chain"}"#).expect("parse");
        assert_eq!(chain.certificates, CertificatesWanted::Chain);
    }
}
