-- Behaviour audit (UM-10): each training and scoring run of the behaviour model, and the anomalies it found (the
-- user-days over the threshold or breaking a rule, most severe first, with the features that drive each score).

CREATE TABLE IF NOT EXISTS behaviour_runs (
    id            INTEGER PRIMARY KEY,
    job_id        TEXT NULL,
    trigger_kind  TEXT NOT NULL,
    started_by    TEXT NOT NULL,
    started_at    TEXT NOT NULL,
    finished_at   TEXT NULL,
    status        TEXT NOT NULL,
    from_day      TEXT NOT NULL,
    to_day        TEXT NOT NULL,
    user_days     INTEGER NOT NULL DEFAULT 0,
    users         INTEGER NOT NULL DEFAULT 0,
    anomalies     INTEGER NOT NULL DEFAULT 0,
    model_rank    INTEGER NOT NULL DEFAULT 0,
    threshold     REAL NOT NULL DEFAULT 0,
    train_ms      INTEGER NOT NULL DEFAULT 0,
    score_ms      INTEGER NOT NULL DEFAULT 0,
    error         TEXT NULL
);
CREATE INDEX IF NOT EXISTS ix_behaviour_runs_started ON behaviour_runs (started_at);

CREATE TABLE IF NOT EXISTS behaviour_findings (
    id                 INTEGER PRIMARY KEY,
    run_id             INTEGER NOT NULL REFERENCES behaviour_runs (id) ON DELETE CASCADE,
    rank               INTEGER NOT NULL,
    username           TEXT NOT NULL,
    organisation_id    INTEGER NOT NULL,
    organisation_name  TEXT NOT NULL,
    day                TEXT NOT NULL,
    score              REAL NOT NULL,
    severity           REAL NOT NULL,
    rules              TEXT NOT NULL,
    reasons            TEXT NOT NULL,
    features           TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_behaviour_findings_run ON behaviour_findings (run_id, rank);
