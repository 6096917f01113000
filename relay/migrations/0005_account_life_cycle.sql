-- The account's life after activation: revocation (R24) and password reset (R20).
-- A revoked account keeps its row (the audit trail points at it) but gives up its ID number and
-- phone, kept in `retired_*`, so she can register again as a new account (R24, R25) while the
-- UNIQUE constraints still hold one live account per person and per phone (R5, R8).
ALTER TABLE citizens ADD COLUMN retired_id_number TEXT;
ALTER TABLE citizens ADD COLUMN retired_phone TEXT;
ALTER TABLE citizens ADD COLUMN revoked_at INTEGER;

-- A forgotten password's reset: one code by SMS and one by email, both needed (R20, R26).
-- A reset asked for an ID without an account that can be reset is a decoy (no citizen, codes
-- nobody has), so it answers exactly as a real one to wrong codes.
CREATE TABLE resets (
    id             TEXT PRIMARY KEY,
    citizen_id     TEXT REFERENCES citizens(id),
    sms_code_mac   BLOB NOT NULL,
    email_code_mac BLOB NOT NULL,
    attempts       INTEGER NOT NULL DEFAULT 0,
    used           INTEGER NOT NULL DEFAULT 0,
    expires_at     INTEGER NOT NULL
);
