-- Nodes and their leases: the PostgreSQL form of store/migrations/0007_nodes.sql. Timestamps are
-- the daemons' own RFC 3339 text, compared as text (one fixed format, so text order is time order).

ALTER TABLE agent_runs ADD COLUMN node text COLLATE "C";

CREATE TABLE node_leases (
    node        text COLLATE "C" PRIMARY KEY,
    expires_at  text COLLATE "C" NOT NULL,
    renewed_at  text COLLATE "C" NOT NULL
);
