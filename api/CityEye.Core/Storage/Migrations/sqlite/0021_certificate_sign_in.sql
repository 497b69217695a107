-- Certificate sign-in (CR-3 identity): one-time challenges the browser's or USB key's SM2 key signs (also used to
-- send the password encrypted with the site key), and per role whether its holders must sign in with a certificate
-- and their password.

CREATE TABLE IF NOT EXISTS sign_in_challenges (
    id          TEXT PRIMARY KEY,
    challenge   TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_sign_in_challenges_expires ON sign_in_challenges (expires_at);

ALTER TABLE roles ADD COLUMN require_certificate INTEGER NOT NULL DEFAULT 0;
