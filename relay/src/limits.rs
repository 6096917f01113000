//! Security parameters (DESIGN.md, "Security parameters"). Tests pin every one of them.

/// Failed password/OTP entries before the account is blocked (R20).
pub const MAX_FAILED_ATTEMPTS: u32 = 5;
/// Failed activation-code entries before the code is blocked.
pub const MAX_ACTIVATION_CODE_FAILURES: u32 = 5;
/// Failed SMS-code entries during one activation before it must be started again.
pub const MAX_ACTIVATION_SMS_FAILURES: u32 = 5;
/// One-time passwords: digits and lifetime.
pub const OTP_DIGITS: usize = 6;
pub const OTP_LIFETIME_SECONDS: i64 = 5 * 60;
/// Signature activation data lifetime.
pub const SAD_LIFETIME_SECONDS: i64 = 5 * 60;
/// Bearer tokens expire after this long unused.
pub const SESSION_IDLE_SECONDS: i64 = 15 * 60;
/// Passwords: length bounds (the upper one bounds the work argon2 is asked to do).
pub const PASSWORD_MIN_CHARS: usize = 8;
pub const PASSWORD_MAX_CHARS: usize = 128;
/// JSON bodies larger than this are refused before parsing.
pub const MAX_JSON_BODY_BYTES: usize = 64 * 1024;
/// Hashes in one authorize or signHash call.
pub use nubefirma_protocol::csc::MAX_HASHES_PER_CALL;
/// Citizen certificates are valid this long (2 years).
pub const CITIZEN_CERT_LIFETIME_SECONDS: i64 = 2 * 365 * 24 * 3600;
/// Activation codes expire after this long (30 days).
pub const ACTIVATION_CODE_LIFETIME_SECONDS: i64 = 30 * 24 * 3600;
