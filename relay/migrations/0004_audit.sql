-- The audit trail: every security event, appended in order and chained by hash (each row's
-- hash covers its content and the previous row's hash), so an edited, inserted or deleted row
-- breaks the chain at that point. `seq` is the primary key: two relays appending at once
-- cannot both take the same place.
CREATE TABLE audit_events (
    seq INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    kind TEXT NOT NULL,
    citizen_id TEXT,
    operator TEXT,
    detail TEXT NOT NULL,
    prev_hash BLOB NOT NULL,
    hash BLOB NOT NULL
);
