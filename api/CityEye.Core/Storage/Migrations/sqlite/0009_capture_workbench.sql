-- Video computing workbench (VC-6 to VC-14): the person library (ID photos with their face vectors) for identity
-- look-ups, the vehicle registry with owners and related people, each user's favourite groups of captures, the
-- latest searches, and the staging shelf (confirmed / suspected captures) with its archives.

CREATE TABLE IF NOT EXISTS person_library (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    id_number   TEXT NOT NULL UNIQUE,
    gender      TEXT NOT NULL,
    birth_date  TEXT NOT NULL,
    address     TEXT NOT NULL,
    photo       TEXT NOT NULL,
    vector      BLOB NOT NULL,
    source      TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS vehicle_registry (
    plate            TEXT PRIMARY KEY,
    plate_colour     TEXT NOT NULL,
    vehicle_colour   TEXT NOT NULL,
    vehicle_type     TEXT NOT NULL,
    brand            TEXT NOT NULL,
    owner_name       TEXT NOT NULL,
    owner_id_number  TEXT NOT NULL,
    owner_phone      TEXT NOT NULL,
    owner_address    TEXT NOT NULL,
    registered_on    TEXT NOT NULL,
    related          TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS capture_favourite_groups (
    id          INTEGER PRIMARY KEY,
    username    TEXT NOT NULL,
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (username, name)
);

CREATE TABLE IF NOT EXISTS capture_favourites (
    group_id      INTEGER NOT NULL REFERENCES capture_favourite_groups (id) ON DELETE CASCADE,
    capture_id    INTEGER NOT NULL,
    capture_type  TEXT NOT NULL,
    added_at      TEXT NOT NULL,
    PRIMARY KEY (group_id, capture_id)
);

CREATE TABLE IF NOT EXISTS capture_search_history (
    id          INTEGER PRIMARY KEY,
    username    TEXT NOT NULL,
    kind        TEXT NOT NULL,
    summary     TEXT NOT NULL,
    request     TEXT NOT NULL,
    image       TEXT NULL,
    results     INTEGER NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_capture_search_history_user ON capture_search_history (username, id);

CREATE TABLE IF NOT EXISTS capture_shelf_archives (
    id          INTEGER PRIMARY KEY,
    username    TEXT NOT NULL,
    name        TEXT NOT NULL,
    item_count  INTEGER NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_capture_shelf_archives_user ON capture_shelf_archives (username, id);

CREATE TABLE IF NOT EXISTS capture_shelf (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL,
    capture_id    INTEGER NOT NULL,
    capture_type  TEXT NOT NULL,
    status        TEXT NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    added_at      TEXT NOT NULL,
    archive_id    INTEGER NULL REFERENCES capture_shelf_archives (id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX IF NOT EXISTS ux_capture_shelf_current ON capture_shelf (username, capture_id) WHERE archive_id IS NULL;
CREATE INDEX IF NOT EXISTS ix_capture_shelf_archive ON capture_shelf (archive_id);
