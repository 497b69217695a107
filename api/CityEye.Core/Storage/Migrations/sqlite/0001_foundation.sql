-- Foundation schema: organisations, roles, users, sessions, API tokens, devices, outbox, jobs, security events.
-- Timestamps are UTC ISO-8601 text ("2026-11-25T08:00:00.0000000Z"), which sorts as time.

CREATE TABLE IF NOT EXISTS organisations (
    id          INTEGER PRIMARY KEY,
    parent_id   INTEGER NULL REFERENCES organisations (id),
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    region      TEXT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS roles (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    description  TEXT NOT NULL,
    built_in     INTEGER NOT NULL,
    created_at   TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS role_permissions (
    role_id     INTEGER NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    permission  TEXT NOT NULL,
    PRIMARY KEY (role_id, permission)
);

CREATE TABLE IF NOT EXISTS users (
    id                  INTEGER PRIMARY KEY,
    username            TEXT NOT NULL UNIQUE,
    display_name        TEXT NOT NULL,
    organisation_id     INTEGER NOT NULL REFERENCES organisations (id),
    password_hash       TEXT NOT NULL,
    enabled             INTEGER NOT NULL,
    device_scope        TEXT NOT NULL,
    failed_logins       INTEGER NOT NULL DEFAULT 0,
    locked_until        TEXT NULL,
    valid_until         TEXT NULL,
    last_login_at       TEXT NULL,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS user_roles (
    user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role_id  INTEGER NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, role_id)
);

CREATE TABLE IF NOT EXISTS user_device_organisations (
    user_id          INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    organisation_id  INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, organisation_id)
);

CREATE TABLE IF NOT EXISTS sessions (
    id_hash       TEXT PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at    TEXT NOT NULL,
    last_seen_at  TEXT NOT NULL,
    expires_at    TEXT NOT NULL,
    revoked_at    TEXT NULL,
    ip_address    TEXT NULL,
    user_agent    TEXT NULL
);
CREATE INDEX IF NOT EXISTS ix_sessions_user ON sessions (user_id);

CREATE TABLE IF NOT EXISTS api_tokens (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    created_at    TEXT NOT NULL,
    expires_at    TEXT NOT NULL,
    revoked_at    TEXT NULL,
    last_used_at  TEXT NULL
);

CREATE TABLE IF NOT EXISTS devices (
    id               INTEGER PRIMARY KEY,
    gb_code          TEXT NOT NULL UNIQUE,
    name             TEXT NOT NULL,
    keyboard_code    TEXT NOT NULL UNIQUE,
    type             TEXT NOT NULL,
    status           TEXT NOT NULL,
    organisation_id  INTEGER NOT NULL REFERENCES organisations (id),
    region           TEXT NOT NULL,
    ip_address       TEXT NOT NULL,
    manufacturer     TEXT NOT NULL,
    model            TEXT NOT NULL,
    resolution       TEXT NOT NULL,
    longitude        REAL NOT NULL,
    latitude         REAL NOT NULL,
    address          TEXT NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_devices_organisation ON devices (organisation_id);
CREATE INDEX IF NOT EXISTS ix_devices_type_status ON devices (type, status);

CREATE TABLE IF NOT EXISTS outbox (
    id            INTEGER PRIMARY KEY,
    topic         TEXT NOT NULL,
    entity_type   TEXT NOT NULL,
    entity_key    TEXT NOT NULL,
    payload       TEXT NULL,
    created_at    TEXT NOT NULL,
    processed_at  TEXT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT NULL
);
CREATE INDEX IF NOT EXISTS ix_outbox_pending ON outbox (processed_at, id);

CREATE TABLE IF NOT EXISTS jobs (
    id               TEXT PRIMARY KEY,
    kind             TEXT NOT NULL,
    title            TEXT NOT NULL,
    status           TEXT NOT NULL,
    progress         REAL NOT NULL DEFAULT 0,
    message          TEXT NULL,
    error            TEXT NULL,
    result           TEXT NULL,
    parameters       TEXT NULL,
    created_by       TEXT NULL,
    created_at       TEXT NOT NULL,
    started_at       TEXT NULL,
    finished_at      TEXT NULL,
    heartbeat_at     TEXT NULL,
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    attempts         INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS ix_jobs_status ON jobs (status, created_at);

CREATE TABLE IF NOT EXISTS job_messages (
    id       INTEGER PRIMARY KEY,
    job_id   TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    at       TEXT NOT NULL,
    level    TEXT NOT NULL,
    message  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_job_messages_job ON job_messages (job_id, id);

CREATE TABLE IF NOT EXISTS security_events (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    event       TEXT NOT NULL,
    username    TEXT NULL,
    user_id     INTEGER NULL,
    ip_address  TEXT NULL,
    detail      TEXT NULL
);
CREATE INDEX IF NOT EXISTS ix_security_events_at ON security_events (at);
