-- A frame's picture without watermarks (kept to make captures of its targets; never served) and the ids of the
-- captures made of them (a JSON array), so that asking again gives the same captures however long after.
ALTER TABLE video_frames ADD COLUMN raw_blob TEXT NULL;
ALTER TABLE video_frames ADD COLUMN capture_ids TEXT NULL;
