-- The citizen's self-service panel (R26): a change of her phone or email waits here for the code
-- sent to the new address (and, for a phone, the code sent to her current phone: the phone is
-- the second factor of every signature, R19, so a session alone must not replace it).
CREATE TABLE contact_changes (
    id                TEXT PRIMARY KEY,
    citizen_id        TEXT NOT NULL REFERENCES citizens(id),
    kind              TEXT NOT NULL CHECK (kind IN ('phone', 'email')),
    old_value         TEXT NOT NULL,          -- the address it replaces: the change applies only if it is still hers
    new_value         TEXT NOT NULL,          -- normalised as at registration (phone in international form)
    code_mac          BLOB NOT NULL,          -- HMAC of the code sent to the new address
    current_code_mac  BLOB,                   -- HMAC of the code sent to her current phone (phone changes only)
    attempts          INTEGER NOT NULL DEFAULT 0,  -- entries judged; one entry judges both codes
    used              INTEGER NOT NULL DEFAULT 0,  -- applied, or retired by a newer change
    expires_at        INTEGER NOT NULL,
    created_at        INTEGER NOT NULL
);
CREATE INDEX contact_changes_by_citizen ON contact_changes (citizen_id, used);
