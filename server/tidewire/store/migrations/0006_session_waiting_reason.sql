-- Why a session is waiting (a Notification hook's message, or the tool a PermissionRequest
-- hook asks for); NULL whenever its status is not 'waiting'.

ALTER TABLE sessions ADD COLUMN waiting_reason TEXT;
