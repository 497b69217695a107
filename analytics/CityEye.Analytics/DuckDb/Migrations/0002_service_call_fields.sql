-- Service-call log fields (UM-9): the user's name (用户姓名) and the calling system's commissioning unit (委办单位).
-- Added after the hash column; entries written before hash exactly as they did (LogColumns.Chained).
ALTER TABLE log_entries ADD COLUMN user_display_name VARCHAR DEFAULT '';
ALTER TABLE log_entries ADD COLUMN commissioning_unit VARCHAR DEFAULT '';
