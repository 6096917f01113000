//! Security parameters (docs/security-model.md). Tests pin every one of them; messages format
//! them from here rather than typing them again.

/// Failed password/OTP entries in a row before the account is blocked (R20).
pub const MAX_FAILED_ATTEMPTS: u32 = 5;
/// Wrong entries of one SMS code (signing OTP, certificate challenge) before it dies.
pub const MAX_CODE_ATTEMPTS: u32 = 3;
/// A password reset's two codes (SMS and email) live this long, and take this many entries.
pub const RESET_LIFETIME_SECONDS: i64 = 15 * 60;
pub const MAX_RESET_ATTEMPTS: u32 = 3;
pub const MAX_RESETS_PER_HOUR: u32 = 5;
/// A PIN key (R4: "valid for a very short time") lives this long and takes this many entries;
/// PINs for one ID number: one per 30 s and this many an hour.
pub const PIN_LIFETIME_SECONDS: i64 = 10 * 60;
pub const MAX_PIN_ATTEMPTS: u32 = 3;
pub const MAX_PINS_PER_HOUR: u32 = 5;
/// An identity assertion is good for this long after it is made: the portal's server checks it
/// at once.
pub const ASSERTION_LIFETIME_SECONDS: i64 = 2 * 60;
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
/// A session's last use is written at most this often: a signing call then commits once, not
/// twice. An idle session may so end up to this much early, never late.
pub const SESSION_TOUCH_INTERVAL_SECONDS: i64 = 60;
/// Passwords: length bounds (the upper one bounds the work argon2 is asked to do).
pub const PASSWORD_MIN_CHARS: usize = 8;
pub const PASSWORD_MAX_CHARS: usize = 128;
/// JSON bodies larger than this are refused before parsing.
pub const MAX_JSON_BODY_BYTES: usize = 64 * 1024;
/// Hashes in one authorize or signHash call.
pub use nubefirma_protocol::csc::MAX_HASHES_PER_CALL;
/// Citizen certificates are valid this long (2 years).
pub const CITIZEN_CERT_LIFETIME_SECONDS: i64 = 2 * 365 * 24 * 3600;
/// An account (the permanent key, R4) lives this long from activation or renewal (R25).
pub const ACCOUNT_LIFETIME_SECONDS: i64 = 5 * 365 * 24 * 3600;
/// The expiry notice goes out this long before (R25).
pub const EXPIRY_NOTICE_SECONDS: i64 = 30 * 24 * 3600;
/// Renewal is open this long before expiry.
pub const RENEWAL_WINDOW_SECONDS: i64 = 90 * 24 * 3600;
/// A professional certificate's invitation (R13) lives this long: the link in its email.
pub const INVITATION_LIFETIME_SECONDS: i64 = 7 * 24 * 3600;
/// Wrong ID document expiry dates (R13, step 3) before the invitation is void.
pub const MAX_IDENTITY_ATTEMPTS: u32 = 3;
/// SMS codes one invitation sends, its two SMS steps together (each code takes
/// `MAX_CODE_ATTEMPTS` entries), so its codes cannot be guessed by asking for new ones.
pub const MAX_INVITATION_CODES: u32 = 6;
/// Activation codes expire after this long (30 days).
pub const ACTIVATION_CODE_LIFETIME_SECONDS: i64 = 30 * 24 * 3600;
/// SMS: a new code for the same purpose at most this often, per account.
pub const SMS_SAME_PURPOSE_INTERVAL_SECONDS: i64 = 30;
/// SMS: at most this many per account per hour.
pub const SMS_PER_ACCOUNT_PER_HOUR: u32 = 20;
/// Calls per client address per minute (defaults; `rate::AddressLimits`).
pub const LOGINS_PER_ADDRESS_PER_MINUTE: u32 = 60;
pub const ACTIVATIONS_PER_ADDRESS_PER_MINUTE: u32 = 30;
pub const OFFICE_CALLS_PER_ADDRESS_PER_MINUTE: u32 = 120;
/// argon2id runs at once (each takes ~19 MiB): bounds the memory a flood of logins can take.
pub const MAX_CONCURRENT_ARGON2: usize = 4;
/// The shortest operator secret the relay accepts.
pub const MIN_OPERATOR_TOKEN_CHARS: usize = 32;
/// An outside TSA (`serve --tsa-url`): connecting, and the whole exchange, within this long.
pub const UPSTREAM_TSA_TIMEOUT_SECONDS: u64 = 10;
/// An outside TSA's answer larger than this is refused unread.
pub const MAX_UPSTREAM_TSA_RESPONSE_BYTES: usize = 64 * 1024;
/// How often expired rows are pruned.
pub const PRUNE_INTERVAL_SECONDS: u64 = 10 * 60;

/// "64 KiB": a size limit as people read it.
pub fn human_bytes(bytes: usize) -> String {
    if bytes.is_multiple_of(1024) {
        format!("{} KiB", bytes / 1024)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_read_as_people_say_them() {
        assert_eq!(human_bytes(MAX_JSON_BODY_BYTES), "64 KiB");
    }
}
