-- Around the video (VI-8, VI-9, VI-11, VI-16): each user's favourite groups of devices (played, patrolled) and the
-- history of what the user watched (live or a recorded range), for one-click replay.

CREATE TABLE IF NOT EXISTS video_favourite_groups (
    id          INTEGER PRIMARY KEY,
    username    TEXT NOT NULL,
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (username, name)
);

CREATE TABLE IF NOT EXISTS video_favourites (
    group_id    INTEGER NOT NULL REFERENCES video_favourite_groups (id) ON DELETE CASCADE,
    device_id   INTEGER NOT NULL,
    position    INTEGER NOT NULL,
    added_at    TEXT NOT NULL,
    PRIMARY KEY (group_id, device_id)
);

CREATE TABLE IF NOT EXISTS video_history (
    id          INTEGER PRIMARY KEY,
    username    TEXT NOT NULL,
    device_id   INTEGER NOT NULL,
    mode        TEXT NOT NULL,
    range_from  TEXT NULL,
    range_to    TEXT NULL,
    viewed_at   TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_video_history_user ON video_history (username, id);
