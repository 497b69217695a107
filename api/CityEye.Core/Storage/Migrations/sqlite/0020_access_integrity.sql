-- Integrity of access-control information and logs (CR-3): every user and role carries an HMAC-SM3 over what decides
-- access (a user's identity, credential, validity and role assignments; a role's kind, state, permissions, device
-- grants and services), checked whenever a principal is loaded; the operation log's SM3 chain gets checkpoints signed
-- with the site's SM2 key, so removing entries from its end is detected too.

ALTER TABLE users ADD COLUMN integrity_mac TEXT NULL;
ALTER TABLE roles ADD COLUMN integrity_mac TEXT NULL;

CREATE TABLE IF NOT EXISTS log_checkpoints (
    id                       INTEGER PRIMARY KEY,
    at                       TEXT NOT NULL,
    sequence                 INTEGER NOT NULL,
    hash                     TEXT NOT NULL,
    signature                TEXT NOT NULL,
    certificate_fingerprint  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_log_checkpoints_sequence ON log_checkpoints (sequence);
