-- Why a session is waiting: the PostgreSQL form of store/migrations/0006_session_waiting_reason.sql.

ALTER TABLE sessions ADD COLUMN waiting_reason text COLLATE "C";
