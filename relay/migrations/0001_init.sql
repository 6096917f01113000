-- nubefirma relay schema. Times are Unix seconds. Secrets are stored only hashed or sealed.

-- The relay's CA: certificates and sealed private keys, created at first start.
CREATE TABLE ca_material (
    name  TEXT PRIMARY KEY,
    value BLOB NOT NULL
);

CREATE TABLE citizens (
    id                    TEXT PRIMARY KEY,
    id_number             TEXT NOT NULL UNIQUE,          -- R5: one account per person
    given_name            TEXT NOT NULL,
    surname               TEXT NOT NULL,
    birth_date            TEXT NOT NULL,
    phone                 TEXT NOT NULL UNIQUE,          -- R8: a phone belongs to one ID number
    email                 TEXT NOT NULL,
    status                TEXT NOT NULL,                 -- identity::account::AccountStatus
    failed_attempts       INTEGER NOT NULL DEFAULT 0,
    password_hash         TEXT,                          -- argon2id PHC string
    kek_salt              BLOB,                          -- salt of the password-derived key-wrapping key
    activation_code_hash  BLOB,
    activation_failures   INTEGER NOT NULL DEFAULT 0,
    activation_expires_at INTEGER NOT NULL,
    created_at            INTEGER NOT NULL
);

CREATE TABLE activations (
    id             TEXT PRIMARY KEY,
    citizen_id     TEXT NOT NULL REFERENCES citizens(id),
    sms_code_hash  BLOB NOT NULL,
    failures       INTEGER NOT NULL DEFAULT 0,
    expires_at     INTEGER NOT NULL,
    used           INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE sessions (
    token_hash    BLOB PRIMARY KEY,
    citizen_id    TEXT NOT NULL REFERENCES citizens(id),
    sealed_kek    BLOB NOT NULL,                          -- password-derived key, sealed under the token
    last_used_at  INTEGER NOT NULL,
    created_at    INTEGER NOT NULL
);

CREATE TABLE credentials (
    id           TEXT PRIMARY KEY,
    citizen_id   TEXT NOT NULL REFERENCES citizens(id),
    cert_der     BLOB NOT NULL,
    wrapped_key  BLOB NOT NULL,                           -- keys::custody: never in the clear
    status       TEXT NOT NULL,
    not_after    INTEGER NOT NULL,
    created_at   INTEGER NOT NULL
);
CREATE INDEX credentials_by_citizen ON credentials(citizen_id);

CREATE TABLE otps (
    id             TEXT PRIMARY KEY,
    credential_id  TEXT NOT NULL REFERENCES credentials(id),
    code_hash      BLOB NOT NULL,
    hashes         TEXT,                                  -- JSON array of base64 hashes it is bound to, or NULL
    expires_at     INTEGER NOT NULL,
    used           INTEGER NOT NULL DEFAULT 0,
    created_at     INTEGER NOT NULL
);
CREATE INDEX otps_by_credential ON otps(credential_id, created_at);

CREATE TABLE sads (
    sad_hash       BLOB PRIMARY KEY,
    credential_id  TEXT NOT NULL REFERENCES credentials(id),
    hashes         TEXT NOT NULL,                          -- JSON array of base64 hashes
    expires_at     INTEGER NOT NULL,
    used           INTEGER NOT NULL DEFAULT 0
);

-- Development outbox: what SMS and email would have carried. Only written in --dev mode.
CREATE TABLE outbox (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    recipient  TEXT NOT NULL,
    channel    TEXT NOT NULL,
    text       TEXT NOT NULL,
    sent_at    INTEGER NOT NULL
);
CREATE INDEX outbox_by_recipient ON outbox(recipient, id);
