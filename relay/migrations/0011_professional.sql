-- Professional certificates (R6, R13): an entity (an employer, added by the registry office on
-- the server's command line) has administrators who invite an employee; she goes through six
-- steps and gets a certificate on her one account (R5) that names the entity (O,
-- organizationIdentifier) and her role (title), for identification only: no powers of
-- representation.
CREATE TABLE entities (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,            -- O in her certificate
    org_identifier  TEXT NOT NULL UNIQUE,     -- organizationIdentifier, ETSI EN 319 412-1 form (VATES-P2000000J)
    created_at      INTEGER NOT NULL
);

-- An entity administrator is an operator with an entity: she logs in as the registry office's
-- operators do (password, then an SMS code), but only the entity endpoints take her, and only
-- for her own entity. Registry-office operators have none.
ALTER TABLE operators ADD COLUMN entity_id TEXT REFERENCES entities(id);

-- One invitation, and its six steps in one row: every step is a compare-and-set on
-- (step, attempts, codes_sent), so parallel calls cannot skip or repeat one.
CREATE TABLE invitations (
    id                  TEXT PRIMARY KEY,
    entity_id           TEXT NOT NULL REFERENCES entities(id),
    invited_by          TEXT NOT NULL REFERENCES operators(id),
    citizen_id          TEXT NOT NULL REFERENCES citizens(id),   -- her one account (made pending by the invitation if she had none)
    new_account         INTEGER NOT NULL,      -- 1: her account is pending; step 4 chooses its password and step 6 activates it
    token_hash          BLOB NOT NULL,         -- SHA-256 (label "invitation") of the token in the email's link
    id_document_expiry  TEXT NOT NULL,         -- YYYY-MM-DD, as the administrator entered it: step 3 compares
    role                TEXT NOT NULL,         -- title in her certificate
    email               TEXT NOT NULL,         -- where the link went (may differ from her account's)
    lang                TEXT NOT NULL,         -- the email's language
    step                TEXT NOT NULL,         -- identity::invitation::Step
    attempts            INTEGER NOT NULL DEFAULT 0,  -- entries of the secret asked at this step (code or date)
    codes_sent          INTEGER NOT NULL DEFAULT 0,  -- SMS codes sent for this invitation, both SMS steps together
    code_mac            BLOB,                  -- HMAC of the live SMS code (step 2 or 6)
    code_expires_at     INTEGER,
    password_hash       TEXT,                  -- new account: the verifier chosen at step 4, written to her account at step 6
    kek_salt            BLOB,                  -- new account: its KEK salt
    sealed_kek          BLOB,                  -- her password-derived KEK, sealed under a key derived from the token
    kek_of              TEXT,                  -- existing account: the verifier the KEK belongs to (step 6 needs it unchanged)
    credential_id       TEXT REFERENCES credentials(id),
    expires_at          INTEGER NOT NULL,
    created_at          INTEGER NOT NULL,
    finished_at         INTEGER                -- issued or made void
);
CREATE INDEX invitations_by_entity ON invitations (entity_id, created_at);
