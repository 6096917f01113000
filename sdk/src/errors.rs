//! The SDK's errors as JavaScript sees them: a closed set of stable string codes on the
//! rejected `Error`'s `code` property (web-eid style), documented in pkg/README.md.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// The citizen pressed Cancel in a widget.
    UserCancelled,
    /// The relay did not answer (network down, wrong relayUrl, CORS refused).
    RelayUnreachable,
    /// The account is blocked (R20: 5 wrong passwords or SMS codes in a row): noticed after the
    /// password was proven, e.g. at the fifth wrong SMS code. Unblocked by a password reset.
    AccountBlocked,
    /// The account has not been activated.
    AccountNotActive,
    /// The citizen has no valid cloud certificate and declined to generate one (or cancelled
    /// its generation).
    NoCredential,
    /// The certificate chosen became unusable during the journey (revoked, suspended, expired).
    CredentialUnusable,
    /// The File could not be read.
    FileUnreadable,
    /// A document cannot be signed in the format asked for: an encrypted, damaged or
    /// unsupported PDF, a non-XML file for XAdES, a page that does not exist, or a file too
    /// large to hold in memory for an enveloping format. Nothing was signed.
    UnsupportedDocument,
    /// The options passed to the SDK are wrong (missing relayUrl or mount element).
    InvalidOptions,
    /// The relay answered something the SDK did not expect, or the container could not be built.
    Protocol,
    /// A professional certificate's invitation cannot go on (R13): unknown, expired, withdrawn,
    /// already used, its steps left halfway, or made void by three wrong ID expiry dates. Her
    /// entity has to invite her again.
    InvitationInvalid,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::UserCancelled => "ERR_NUBEFIRMA_USER_CANCELLED",
            Self::RelayUnreachable => "ERR_NUBEFIRMA_RELAY_UNREACHABLE",
            Self::AccountBlocked => "ERR_NUBEFIRMA_ACCOUNT_BLOCKED",
            Self::AccountNotActive => "ERR_NUBEFIRMA_ACCOUNT_NOT_ACTIVE",
            Self::NoCredential => "ERR_NUBEFIRMA_NO_CREDENTIAL",
            Self::CredentialUnusable => "ERR_NUBEFIRMA_CREDENTIAL_UNUSABLE",
            Self::FileUnreadable => "ERR_NUBEFIRMA_FILE_UNREADABLE",
            Self::UnsupportedDocument => "ERR_NUBEFIRMA_UNSUPPORTED_DOCUMENT",
            Self::InvalidOptions => "ERR_NUBEFIRMA_INVALID_OPTIONS",
            Self::Protocol => "ERR_NUBEFIRMA_PROTOCOL",
            Self::InvitationInvalid => "ERR_NUBEFIRMA_INVITATION_INVALID",
        }
    }
}

/// An SDK failure: the code for programs, a message for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SdkError {
    pub code: ErrorCode,
    pub message: String,
}

impl SdkError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for SdkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl std::error::Error for SdkError {}
