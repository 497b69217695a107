-- A device has at most one open fault ticket, also when two reports arrive at once.
CREATE UNIQUE INDEX IF NOT EXISTS ux_video_faults_open ON video_faults (device_id) WHERE state <> 'closed';
