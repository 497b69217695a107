-- Frames taken from recorded video (VC-16): the five frames around a moment, each kept as a watermarked JPEG blob
-- for the user who took them (to search by image or download).

CREATE TABLE IF NOT EXISTS video_frames (
    id          INTEGER PRIMARY KEY,
    username    TEXT NOT NULL,
    device_id   INTEGER NOT NULL,
    at          TEXT NOT NULL,
    blob        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_video_frames_user ON video_frames (username, id);
