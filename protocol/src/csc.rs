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
#[serde(rename_all = "camelCase")]
pub struct LoginRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remember_me: Option<bool>,
}

/// `auth/login` answer (OAuth-style snake_case, as the specification writes it).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct LoginResponse {
    pub access_token: String,
    pub expires_in: u64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CredentialsListRequest {
    #[serde(default, rename = "userID", skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_results: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CredentialsListResponse {
    #[serde(rename = "credentialIDs")]
    pub credential_ids: Vec<String>,
}

/// Which certificates `credentials/info` returns.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum CertificatesWanted {
    None,
    #[default]
    Single,
    Chain,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
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
#[serde(rename_all = "camelCase")]
pub struct CredentialInfo {
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
#[serde(rename_all = "camelCase")]
pub struct KeyInfo {
    pub status: String,
    pub algo: Vec<String>,
    pub len: u32,
    pub curve: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
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
#[serde(rename_all = "camelCase")]
pub struct AuthorizeRequest {
    #[serde(rename = "credentialID")]
    pub credential_id: String,
    pub num_signatures: u32,
    pub hashes: Vec<String>,
    #[serde(rename = "hashAlgorithmOID")]
    pub hash_algorithm_oid: String,
    #[serde(rename = "OTP")]
    pub otp: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AuthorizeResponse {
    #[serde(rename = "SAD")]
    pub sad: String,
    pub expires_in: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
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
            otp: "123456".into(),
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
