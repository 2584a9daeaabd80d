-- Exactly-once at the edges: hook envelopes and MCP tool-call keys.
-- Each row is written in the same transaction as the effect it guards, so a redelivered hook
-- call or a retried tool call finds it and is not applied again.

CREATE TABLE hook_envelopes (
    envelope_id  TEXT PRIMARY KEY CHECK (length(envelope_id) BETWEEN 1 AND 128),
    session_id   TEXT NOT NULL,
    received_at  TEXT NOT NULL
) WITHOUT ROWID;

CREATE INDEX hook_envelopes_by_time ON hook_envelopes (received_at);

CREATE TABLE mcp_call_keys (
    call_key     TEXT PRIMARY KEY CHECK (length(call_key) BETWEEN 1 AND 128),
    -- sha256 of the tool name and its arguments: the same key with another call is refused.
    fingerprint  TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    -- What the call's first write returned (JSON), for a retry that finds no stored result.
    committed    TEXT,
    -- The tool result as sent (JSON), stored once the call has finished.
    result       TEXT CHECK (result IS NULL OR json_valid(result))
) WITHOUT ROWID;

CREATE INDEX mcp_call_keys_by_time ON mcp_call_keys (created_at);
