-- nubefirma relay schema for PostgreSQL: the whole SQLite schema of relay/migrations/ after
-- 0013, in one file (a PostgreSQL database starts here; nothing is carried over from SQLite).
-- Times are Unix seconds (BIGINT); counters are BIGINT; flags are BOOLEAN; secrets are stored
-- only hashed, MACed or sealed (BYTEA). Column names are SQLite's, so both backends read the
-- same records. What keeps the invariants across relays is in relay/src/store/postgres/mod.rs
-- and docs/postgresql.md.

-- The relay's CA: certificates and sealed private keys, created at first start.
CREATE TABLE ca_material (
    name  TEXT PRIMARY KEY,
    value BYTEA NOT NULL
);

CREATE TABLE citizens (
    id                    TEXT PRIMARY KEY,
    id_number             TEXT NOT NULL UNIQUE,          -- R5: one account per person
    given_name            TEXT NOT NULL,
    surname               TEXT NOT NULL,
    birth_date            TEXT NOT NULL,
    phone                 TEXT NOT NULL UNIQUE,          -- R8: a phone belongs to one ID number
    email                 TEXT NOT NULL,                 -- R23: unique among live accounts (checked under a lock)
    status                TEXT NOT NULL,                 -- identity::account::AccountStatus
    password_failures     BIGINT NOT NULL DEFAULT 0,     -- R20: counted apart from...
    otp_failures          BIGINT NOT NULL DEFAULT 0,     -- ...second-factor failures, one budget
    password_hash         TEXT,                          -- argon2id PHC string
    kek_salt              BYTEA,                         -- salt of the password-derived key-wrapping key
    activation_code_hash  BYTEA,                         -- NULL once spent
    activation_failures   BIGINT NOT NULL DEFAULT 0,     -- entries reserved before judging
    activation_expires_at BIGINT NOT NULL,
    created_at            BIGINT NOT NULL,
    -- A revoked account gives up its ID number and phone (R24, R25), kept here.
    retired_id_number     TEXT,
    retired_phone         TEXT,
    revoked_at            BIGINT,
    expires_at            BIGINT,                        -- R4, R25: set at activation
    expiry_notice_at      BIGINT,                        -- the 30-day notice for this expiry
    lang                  TEXT,                          -- the language she activated in
    must_change_password  BOOLEAN NOT NULL DEFAULT FALSE, -- R14
    second_factor         TEXT NOT NULL DEFAULT 'sms'    -- 'sms' | 'card' (R21)
);
-- The R23 check reads by lower(email).
CREATE INDEX citizens_by_email ON citizens (lower(email));

CREATE TABLE activations (
    id            TEXT PRIMARY KEY,
    citizen_id    TEXT NOT NULL REFERENCES citizens(id),
    sms_code_mac  BYTEA NOT NULL,
    attempts      BIGINT NOT NULL DEFAULT 0,
    expires_at    BIGINT NOT NULL,
    used          BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX activations_by_citizen ON activations (citizen_id);

CREATE TABLE sessions (
    token_hash    BYTEA PRIMARY KEY,
    citizen_id    TEXT NOT NULL REFERENCES citizens(id),
    sealed_kek    BYTEA NOT NULL,                        -- password-derived key, sealed under the token
    last_used_at  BIGINT NOT NULL,
    created_at    BIGINT NOT NULL,
    auth_key      TEXT NOT NULL DEFAULT 'password',      -- protocol::AuthKey
    level         TEXT NOT NULL DEFAULT 'low'            -- protocol::Level
);
CREATE INDEX sessions_by_citizen ON sessions (citizen_id);

CREATE TABLE credentials (
    id                 TEXT PRIMARY KEY,
    citizen_id         TEXT NOT NULL REFERENCES citizens(id),
    cert_der           BYTEA NOT NULL,
    wrapped_key        BYTEA NOT NULL,                   -- keys::custody: never in the clear
    status             TEXT NOT NULL,                    -- active, suspended, revoked
    not_after          BIGINT NOT NULL,
    created_at         BIGINT NOT NULL,
    serial_hex         TEXT,                             -- certificate serial, for CRL and OCSP
    revoked_at         BIGINT,
    revocation_reason  TEXT
);
CREATE INDEX credentials_by_citizen ON credentials (citizen_id);
CREATE INDEX credentials_by_serial ON credentials (serial_hex);

-- Signing OTPs and certificate challenges: HMAC of the code, attempts, single use.
CREATE TABLE codes (
    id             TEXT PRIMARY KEY,
    citizen_id     TEXT NOT NULL REFERENCES citizens(id),
    purpose        TEXT NOT NULL,                        -- identity::codes::Purpose
    credential_id  TEXT REFERENCES credentials(id),
    code_mac       BYTEA NOT NULL,                       -- HMAC-SHA256 under a custody key
    hashes         TEXT,                                 -- domain::Digests canonical form
    attempts       BIGINT NOT NULL DEFAULT 0,
    used           BOOLEAN NOT NULL DEFAULT FALSE,
    expires_at     BIGINT NOT NULL,
    created_at     BIGINT NOT NULL,
    card_position  TEXT,                                 -- R21: the position asked, NULL for SMS
    -- Insertion order, to tell apart two codes made in the same second (SQLite's rowid).
    n              BIGINT GENERATED ALWAYS AS IDENTITY
);
CREATE INDEX codes_by_citizen ON codes (citizen_id, purpose, created_at);

CREATE TABLE sads (
    sad_hash       BYTEA PRIMARY KEY,
    credential_id  TEXT NOT NULL REFERENCES credentials(id),
    hashes         TEXT NOT NULL,                        -- domain::Digests canonical form
    expires_at     BIGINT NOT NULL,
    used           BOOLEAN NOT NULL DEFAULT FALSE
);

-- Development outbox: what SMS and email would have carried. Only written in --dev mode.
CREATE TABLE outbox (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    recipient  TEXT NOT NULL,
    channel    TEXT NOT NULL,
    text       TEXT NOT NULL,
    sent_at    BIGINT NOT NULL
);
CREATE INDEX outbox_by_recipient ON outbox (recipient, id);

-- Fixed-window counters (identity::rate), shared by every relay on the database.
CREATE TABLE rate_limits (
    key           TEXT PRIMARY KEY,
    window_start  BIGINT NOT NULL,
    count         BIGINT NOT NULL
);

-- The audit trail, chained by hash. `seq` is the primary key, so two appends can never take
-- the same place; appends also queue on an advisory lock (store/postgres/audit.rs).
CREATE TABLE audit_events (
    seq        BIGINT PRIMARY KEY,
    at         BIGINT NOT NULL,
    kind       TEXT NOT NULL,
    citizen_id TEXT,
    operator   TEXT,
    detail     TEXT NOT NULL,
    prev_hash  BYTEA NOT NULL,
    hash       BYTEA NOT NULL
);
CREATE INDEX audit_events_by_citizen ON audit_events (citizen_id, seq);

-- A forgotten password's reset (R20, R26); a decoy has no citizen.
CREATE TABLE resets (
    id              TEXT PRIMARY KEY,
    citizen_id      TEXT REFERENCES citizens(id),
    sms_code_mac    BYTEA NOT NULL,
    email_code_mac  BYTEA NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0,
    used            BOOLEAN NOT NULL DEFAULT FALSE,
    expires_at      BIGINT NOT NULL
);

-- Professional certificates (R6, R13): the employers.
CREATE TABLE entities (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    org_identifier  TEXT NOT NULL UNIQUE,
    created_at      BIGINT NOT NULL
);

-- Registry-office operators (R7) and entity administrators (with an entity).
CREATE TABLE operators (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL UNIQUE,
    password_hash  TEXT NOT NULL,
    phone          TEXT NOT NULL,
    failures       BIGINT NOT NULL DEFAULT 0,
    created_at     BIGINT NOT NULL,
    entity_id      TEXT REFERENCES entities(id)
);

CREATE TABLE operator_logins (
    id           TEXT PRIMARY KEY,
    operator_id  TEXT NOT NULL REFERENCES operators(id),
    code_mac     BYTEA NOT NULL,
    attempts     BIGINT NOT NULL DEFAULT 0,
    used         BOOLEAN NOT NULL DEFAULT FALSE,
    expires_at   BIGINT NOT NULL
);

CREATE TABLE operator_sessions (
    token_hash    BYTEA PRIMARY KEY,
    operator_id   TEXT NOT NULL REFERENCES operators(id),
    last_used_at  BIGINT NOT NULL,
    created_at    BIGINT NOT NULL
);

-- PIN keys sent by SMS (R4); a decoy has no citizen.
CREATE TABLE pins (
    id          TEXT PRIMARY KEY,
    citizen_id  TEXT REFERENCES citizens(id),
    code_mac    BYTEA NOT NULL,
    attempts    BIGINT NOT NULL DEFAULT 0,
    used        BOOLEAN NOT NULL DEFAULT FALSE,
    expires_at  BIGINT NOT NULL
);

-- A change of her phone or email (R26, R22), waiting for its codes.
CREATE TABLE contact_changes (
    id                TEXT PRIMARY KEY,
    citizen_id        TEXT NOT NULL REFERENCES citizens(id),
    kind              TEXT NOT NULL CHECK (kind IN ('phone', 'email')),
    old_value         TEXT NOT NULL,
    new_value         TEXT NOT NULL,
    code_mac          BYTEA NOT NULL,
    current_code_mac  BYTEA,
    attempts          BIGINT NOT NULL DEFAULT 0,
    used              BOOLEAN NOT NULL DEFAULT FALSE,
    expires_at        BIGINT NOT NULL,
    created_at        BIGINT NOT NULL,
    takes_from        TEXT REFERENCES citizens(id)
);
CREATE INDEX contact_changes_by_citizen ON contact_changes (citizen_id, used);

-- One invitation and its six steps in one row (compare-and-set on step, attempts, codes_sent).
CREATE TABLE invitations (
    id                  TEXT PRIMARY KEY,
    entity_id           TEXT NOT NULL REFERENCES entities(id),
    invited_by          TEXT NOT NULL REFERENCES operators(id),
    citizen_id          TEXT NOT NULL REFERENCES citizens(id),
    new_account         BOOLEAN NOT NULL,
    token_hash          BYTEA NOT NULL,
    id_document_expiry  TEXT NOT NULL,
    role                TEXT NOT NULL,
    email               TEXT NOT NULL,
    lang                TEXT NOT NULL,
    step                TEXT NOT NULL,
    attempts            BIGINT NOT NULL DEFAULT 0,
    codes_sent          BIGINT NOT NULL DEFAULT 0,
    code_mac            BYTEA,
    code_expires_at     BIGINT,
    password_hash       TEXT,
    kek_salt            BYTEA,
    sealed_kek          BYTEA,
    kek_of              TEXT,
    credential_id       TEXT REFERENCES credentials(id),
    expires_at          BIGINT NOT NULL,
    created_at          BIGINT NOT NULL,
    finished_at         BIGINT
);
CREATE INDEX invitations_by_entity ON invitations (entity_id, created_at);

-- R21: the legacy coordinate card.
CREATE TABLE coordinate_cards (
    citizen_id  TEXT PRIMARY KEY REFERENCES citizens(id),
    serial      TEXT NOT NULL,
    value_macs  BYTEA NOT NULL,
    created_at  BIGINT NOT NULL
);
