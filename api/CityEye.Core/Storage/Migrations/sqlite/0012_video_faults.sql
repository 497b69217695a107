-- Video fault tickets (VI-12): a fault found while watching is reported from the player with a snapshot, then
-- assigned, handled, verified and closed; every step is an event with who, when and a comment.

CREATE TABLE IF NOT EXISTS video_faults (
    id               INTEGER PRIMARY KEY,
    device_id        INTEGER NOT NULL,
    device_name      TEXT NOT NULL,
    organisation_id  INTEGER NOT NULL,
    kind             TEXT NOT NULL,
    description      TEXT NOT NULL,
    snapshot         TEXT NULL,
    state            TEXT NOT NULL,
    reporter_id      INTEGER NOT NULL,
    reporter_name    TEXT NOT NULL,
    assignee_id      INTEGER NULL,
    assignee_name    TEXT NULL,
    reported_at      TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_video_faults_state ON video_faults (state, id);
CREATE INDEX IF NOT EXISTS ix_video_faults_device ON video_faults (device_id, state);

CREATE TABLE IF NOT EXISTS video_fault_events (
    id          INTEGER PRIMARY KEY,
    fault_id    INTEGER NOT NULL REFERENCES video_faults (id) ON DELETE CASCADE,
    at          TEXT NOT NULL,
    actor_id    INTEGER NOT NULL,
    actor_name  TEXT NOT NULL,
    action      TEXT NOT NULL,
    state       TEXT NOT NULL,
    comment     TEXT NULL
);
CREATE INDEX IF NOT EXISTS ix_video_fault_events_fault ON video_fault_events (fault_id, id);
