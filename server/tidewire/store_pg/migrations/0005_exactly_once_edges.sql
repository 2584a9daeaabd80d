-- Exactly-once at the edges: hook envelopes and MCP tool-call keys; the PostgreSQL form of
-- store/migrations/0005_exactly_once_edges.sql. Each row is written in the same transaction as
-- the effect it guards, so a redelivered hook call or a retried tool call finds it and is not
-- applied again, on whichever daemon it arrives.

CREATE TABLE hook_envelopes (
    envelope_id  text COLLATE "C" PRIMARY KEY CHECK (length(envelope_id) BETWEEN 1 AND 128),
    session_id   text COLLATE "C" NOT NULL,
    received_at  text COLLATE "C" NOT NULL
);

CREATE INDEX hook_envelopes_by_time ON hook_envelopes (received_at);

CREATE TABLE mcp_call_keys (
    call_key     text COLLATE "C" PRIMARY KEY CHECK (length(call_key) BETWEEN 1 AND 128),
    -- sha256 of the tool name and its arguments: the same key with another call is refused.
    fingerprint  text COLLATE "C" NOT NULL,
    created_at   text COLLATE "C" NOT NULL,
    -- What the call's first write returned (JSON), for a retry that finds no stored result.
    committed    text,
    -- The tool result as sent (JSON), stored once the call has finished.
    result       text CHECK (result IS NULL OR tidewire_json_type(result) IS NOT NULL)
);

CREATE INDEX mcp_call_keys_by_time ON mcp_call_keys (created_at);
