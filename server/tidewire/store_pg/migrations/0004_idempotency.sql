-- Idempotency keys of REST writes (docs/protocol.md, "Idempotent writes"): the PostgreSQL form of
-- store/migrations/0004_idempotency.sql. A row is inserted in the same transaction as the write it
-- answers, so a committed write always has its reply here and a rolled-back one never does.
-- `body` is the reply's JSON, byte for byte as first sent.
CREATE TABLE idempotency_keys (
    key          text COLLATE "C" PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 255),
    fingerprint  text COLLATE "C" NOT NULL,
    method       text COLLATE "C" NOT NULL,
    path         text COLLATE "C" NOT NULL,
    status       integer NOT NULL CHECK (status BETWEEN 200 AND 299),
    body         bytea NOT NULL,
    seq          bigint NOT NULL CHECK (seq >= 0),
    created_at   text COLLATE "C" NOT NULL,
    -- Unix seconds; rows past it are ignored and pruned by the next keyed write.
    expires_at   double precision NOT NULL
);

CREATE INDEX idempotency_keys_by_expiry ON idempotency_keys (expires_at);
