-- The relay as a trust service (issue 5): attempts counted before judging, one table for every
-- SMS code, credential status and revocation, rate limits shared by all relays on one database.

-- R20: password failures and second-factor failures are counted apart (a right password clears
-- only its own), against one budget of 5.
ALTER TABLE citizens RENAME COLUMN failed_attempts TO password_failures;
ALTER TABLE citizens ADD COLUMN otp_failures INTEGER NOT NULL DEFAULT 0;
-- activation_failures now counts entries reserved before judging (identity::one_time).

ALTER TABLE activations RENAME COLUMN failures TO attempts;
ALTER TABLE activations RENAME COLUMN sms_code_hash TO sms_code_mac;   -- HMAC, no longer SHA-256

-- Signing OTPs and certificate challenges: HMAC of the code, attempts, single use.
DROP TABLE otps;
CREATE TABLE codes (
    id             TEXT PRIMARY KEY,
    citizen_id     TEXT NOT NULL REFERENCES citizens(id),
    purpose        TEXT NOT NULL,                         -- identity::codes::Purpose
    credential_id  TEXT REFERENCES credentials(id),       -- the credential a signing code is for
    code_mac       BLOB NOT NULL,                         -- HMAC-SHA256 under a key only the custody backend holds
    hashes         TEXT,                                  -- digests the code is bound to (domain::Digests canonical)
    attempts       INTEGER NOT NULL DEFAULT 0,
    used           INTEGER NOT NULL DEFAULT 0,
    expires_at     INTEGER NOT NULL,
    created_at     INTEGER NOT NULL
);
CREATE INDEX codes_by_citizen ON codes(citizen_id, purpose, created_at);

-- SADs now store the digests in canonical form; the old rows are short-lived anyway.
DELETE FROM sads;

-- Credential status (identity::credential): active, suspended, revoked; expiry is read from
-- not_after against the relay's clock.
UPDATE credentials SET status = 'active' WHERE status = 'enabled';
ALTER TABLE credentials ADD COLUMN serial_hex TEXT;            -- certificate serial, for CRL and OCSP
ALTER TABLE credentials ADD COLUMN revoked_at INTEGER;
ALTER TABLE credentials ADD COLUMN revocation_reason TEXT;
CREATE INDEX credentials_by_serial ON credentials(serial_hex);

-- Fixed-window counters (identity::rate): per account SMS, per client address calls.
CREATE TABLE rate_limits (
    key           TEXT PRIMARY KEY,
    window_start  INTEGER NOT NULL,
    count         INTEGER NOT NULL
);
