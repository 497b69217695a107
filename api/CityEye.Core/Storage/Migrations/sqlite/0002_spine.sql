-- Spine: password policy (history, change dates, forced change), per-address sign-in lockout, scoped API tokens
-- with parents, job owners. users.failed_logins gives way to sign_in_failures (per account name and address).

ALTER TABLE users ADD COLUMN password_changed_at TEXT NULL;
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users DROP COLUMN failed_logins;
-- Existing users' passwords age from their last change as far as the store knows it, so expiry applies to them too.
UPDATE users SET password_changed_at = updated_at WHERE password_changed_at IS NULL;

CREATE TABLE IF NOT EXISTS password_history (
    id             INTEGER PRIMARY KEY,
    user_id        INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    password_hash  TEXT NOT NULL,
    changed_at     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_password_history_user ON password_history (user_id, id);

CREATE TABLE IF NOT EXISTS sign_in_failures (
    username         TEXT NOT NULL,
    ip_address       TEXT NOT NULL,
    failures         INTEGER NOT NULL,
    first_failed_at  TEXT NOT NULL,
    locked_until     TEXT NULL,
    PRIMARY KEY (username, ip_address)
);
CREATE INDEX IF NOT EXISTS ix_sign_in_failures_first ON sign_in_failures (first_failed_at);

ALTER TABLE api_tokens ADD COLUMN scopes TEXT NULL;
ALTER TABLE api_tokens ADD COLUMN parent_id INTEGER NULL REFERENCES api_tokens (id);

ALTER TABLE jobs ADD COLUMN owner_user_id INTEGER NULL;
CREATE INDEX IF NOT EXISTS ix_jobs_kind ON jobs (kind, created_at);
CREATE INDEX IF NOT EXISTS ix_jobs_owner ON jobs (owner_user_id, created_at);
