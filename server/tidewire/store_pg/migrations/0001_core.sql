-- Core tables: metadata shared by every daemon on this database, the event log, and its head.
-- Text is compared byte-wise (COLLATE "C"), as SQLite does: timestamps are RFC 3339 strings.
CREATE TABLE meta (
    key    text COLLATE "C" PRIMARY KEY,
    value  text NOT NULL
);

-- One row per emitted event; `frame` is the serialised wire frame, written once.
CREATE TABLE events (
    seq    bigint PRIMARY KEY CHECK (seq >= 1),
    type   text NOT NULL,
    ts     text COLLATE "C" NOT NULL,
    frame  text NOT NULL
);

-- The counter row: the last seq handed out. Every write transaction locks this row as its first
-- statement and updates it as its last, so transactions that emit commit one at
-- a time, in seq order (docs/architecture.md, "Seq in commit order").
CREATE TABLE log_head (
    id    smallint PRIMARY KEY CHECK (id = 1),
    head  bigint NOT NULL CHECK (head >= 0)
);
INSERT INTO log_head (id, head) VALUES (1, 0);
