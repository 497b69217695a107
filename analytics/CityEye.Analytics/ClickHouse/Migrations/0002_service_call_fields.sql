-- Service-call log fields (UM-9): the user's name (用户姓名) and the calling system's commissioning unit (委办单位).
-- One statement (18.16 has no ADD COLUMN IF NOT EXISTS; a rerun after a crash meets "already exists", which the
-- migrator takes as applied).
ALTER TABLE log_entries ADD COLUMN user_display_name String DEFAULT '', ADD COLUMN commissioning_unit String DEFAULT ''
