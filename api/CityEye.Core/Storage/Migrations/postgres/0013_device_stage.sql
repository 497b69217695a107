-- The device staging rack (设备暂存): devices a user puts aside from the player, the map or a search, to play them
-- together or to build a plan from them later.

CREATE TABLE IF NOT EXISTS device_stage (
    username   TEXT NOT NULL,
    device_id  BIGINT NOT NULL,
    added_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (username, device_id)
);
