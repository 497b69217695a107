-- The video wall (VI, used by plans): a wall is rows × columns of screens, each screen with its own split and the
-- devices the console sent to it (a list longer than the split is paged, by hand or by patrol). The state is one
-- JSON document, changed by the console and pushed to the wall's display pages; version counts the changes.

CREATE TABLE IF NOT EXISTS video_walls (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE,
    screen_rows     INTEGER NOT NULL,
    screen_columns  INTEGER NOT NULL,
    state           TEXT NOT NULL,
    version         INTEGER NOT NULL,
    created_by      TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
