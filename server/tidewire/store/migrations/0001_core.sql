-- Core tables: daemon metadata and the event log (the outbox).
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- One row per emitted event; `frame` is the serialised wire frame, written once.
CREATE TABLE events (
    seq   INTEGER PRIMARY KEY,
    type  TEXT NOT NULL,
    ts    TEXT NOT NULL,
    frame TEXT NOT NULL
);
