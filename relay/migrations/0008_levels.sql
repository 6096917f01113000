-- Levels of assurance and keys (R1–R4). A session remembers the key it was opened with and the
-- level it reached: a password session starts at 'low' and becomes 'reinforced' after an SMS
-- code; a PIN session stays 'low', has no key-encryption key (its sealed_kek is empty) and can
-- do nothing but identify her.
ALTER TABLE sessions ADD COLUMN auth_key TEXT NOT NULL DEFAULT 'password';  -- protocol::AuthKey
ALTER TABLE sessions ADD COLUMN level TEXT NOT NULL DEFAULT 'low';          -- protocol::Level

-- PIN keys sent by SMS (R4). A PIN asked for with an ID number and birth date that name no
-- account that can use one is a decoy (no citizen, a code nobody has), so it answers exactly as
-- a real one to wrong PINs and nobody learns which IDs exist.
CREATE TABLE pins (
    id          TEXT PRIMARY KEY,
    citizen_id  TEXT REFERENCES citizens(id),
    code_mac    BLOB NOT NULL,                 -- HMAC-SHA256 under the custody backend's key
    attempts    INTEGER NOT NULL DEFAULT 0,
    used        INTEGER NOT NULL DEFAULT 0,
    expires_at  INTEGER NOT NULL
);
