-- Ledger governance: the connector through which the district's one-camera-one-file system pushes ledger batches
-- (sources with their cursors, batches, the GB codes seen by a full run), ministry/province networking points and
-- their review workflow, data-audit runs with their findings, and the in-app notification centre.

CREATE TABLE IF NOT EXISTS ledger_sync_sources (
    source              TEXT PRIMARY KEY,
    accepted_sequence   INTEGER NOT NULL DEFAULT 0,
    applied_sequence    INTEGER NOT NULL DEFAULT 0,
    cursor              TEXT NULL,
    last_full_sync_at   TEXT NULL,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS ledger_sync_batches (
    source          TEXT NOT NULL REFERENCES ledger_sync_sources (source),
    sequence        INTEGER NOT NULL,
    batch_id        TEXT NOT NULL,
    mode            TEXT NOT NULL,
    full_run        TEXT NULL,
    final           INTEGER NOT NULL DEFAULT 0,
    remove_missing  INTEGER NOT NULL DEFAULT 0,
    cursor          TEXT NULL,
    payload         TEXT NULL,
    record_count    INTEGER NOT NULL,
    status          TEXT NOT NULL,
    job_id          TEXT NULL,
    created         INTEGER NOT NULL DEFAULT 0,
    updated         INTEGER NOT NULL DEFAULT 0,
    unchanged       INTEGER NOT NULL DEFAULT 0,
    deleted         INTEGER NOT NULL DEFAULT 0,
    rejected        INTEGER NOT NULL DEFAULT 0,
    missing         INTEGER NOT NULL DEFAULT 0,
    report          TEXT NULL,
    received_by     TEXT NOT NULL,
    received_at     TEXT NOT NULL,
    applied_at      TEXT NULL,
    PRIMARY KEY (source, sequence),
    UNIQUE (source, batch_id)
);

CREATE TABLE IF NOT EXISTS ledger_sync_seen (
    source      TEXT NOT NULL,
    full_run    TEXT NOT NULL,
    gb_code     TEXT NOT NULL,
    PRIMARY KEY (source, full_run, gb_code)
);

CREATE TABLE IF NOT EXISTS networking_points (
    device_id   INTEGER PRIMARY KEY REFERENCES devices (id) ON DELETE CASCADE,
    level       TEXT NOT NULL,
    state       TEXT NOT NULL,
    comment     TEXT NULL,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX IF NOT EXISTS ix_networking_points_state ON networking_points (state, level);

CREATE TABLE IF NOT EXISTS networking_point_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    device_id   INTEGER NOT NULL,
    level       TEXT NOT NULL,
    from_state  TEXT NULL,
    to_state    TEXT NOT NULL,
    actor       TEXT NOT NULL,
    changed_at  TEXT NOT NULL,
    comment     TEXT NULL
);
CREATE INDEX IF NOT EXISTS ix_networking_point_events_device ON networking_point_events (device_id, id);

CREATE TABLE IF NOT EXISTS audit_runs (
    id                      INTEGER PRIMARY KEY AUTOINCREMENT,
    kind                    TEXT NOT NULL,
    started_by              TEXT NOT NULL,
    job_id                  TEXT NULL,
    status                  TEXT NOT NULL,
    started_at              TEXT NOT NULL,
    finished_at             TEXT NULL,
    devices                 INTEGER NOT NULL DEFAULT 0,
    devices_with_findings   INTEGER NOT NULL DEFAULT 0,
    findings                INTEGER NOT NULL DEFAULT 0,
    summary                 TEXT NULL
);
CREATE INDEX IF NOT EXISTS ix_audit_runs_started ON audit_runs (started_at);

CREATE TABLE IF NOT EXISTS audit_findings (
    run_id          INTEGER NOT NULL REFERENCES audit_runs (id) ON DELETE CASCADE,
    device_id       INTEGER NOT NULL,
    organisation_id INTEGER NOT NULL,
    field           TEXT NOT NULL,
    rule_id         TEXT NOT NULL,
    category        TEXT NOT NULL,
    code            TEXT NOT NULL,
    value           TEXT NULL
);
CREATE INDEX IF NOT EXISTS ix_audit_findings_rule ON audit_findings (run_id, rule_id);
CREATE INDEX IF NOT EXISTS ix_audit_findings_unit ON audit_findings (run_id, organisation_id);
CREATE INDEX IF NOT EXISTS ix_audit_findings_device ON audit_findings (run_id, device_id);

CREATE TABLE IF NOT EXISTS notifications (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    link        TEXT NULL,
    created_at  TEXT NOT NULL,
    read_at     TEXT NULL
);
CREATE INDEX IF NOT EXISTS ix_notifications_user ON notifications (user_id, id);
