-- Idempotency keys of REST writes (docs/protocol.md, "Idempotent writes"). A row is inserted in
-- the same transaction as the write it answers, so a committed write always has its reply here
-- and a rolled-back one never does. `body` is the reply's JSON, byte for byte as first sent.
CREATE TABLE idempotency_keys (
    key          TEXT PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 255),
    fingerprint  TEXT NOT NULL,
    method       TEXT NOT NULL,
    path         TEXT NOT NULL,
    status       INTEGER NOT NULL CHECK (status BETWEEN 200 AND 299),
    body         BLOB NOT NULL,
    seq          INTEGER NOT NULL CHECK (seq >= 0),
    created_at   TEXT NOT NULL,
    -- Unix seconds; rows past it are ignored and pruned by the next keyed write.
    expires_at   REAL NOT NULL
);

CREATE INDEX idempotency_keys_by_expiry ON idempotency_keys (expires_at);
