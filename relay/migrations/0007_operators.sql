-- Registry-office operators (R7): named accounts that log in with a password and an SMS code,
-- so the audit trail says which operator did each office action. The shared operator token
-- stays for bootstrapping and development, recorded as "operator-token".
CREATE TABLE operators (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    phone         TEXT NOT NULL,
    failures      INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL
);

CREATE TABLE operator_logins (
    id          TEXT PRIMARY KEY,
    operator_id TEXT NOT NULL REFERENCES operators(id),
    code_mac    BLOB NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    used        INTEGER NOT NULL DEFAULT 0,
    expires_at  INTEGER NOT NULL
);

CREATE TABLE operator_sessions (
    token_hash   BLOB PRIMARY KEY,
    operator_id  TEXT NOT NULL REFERENCES operators(id),
    last_used_at INTEGER NOT NULL,
    created_at   INTEGER NOT NULL
);
