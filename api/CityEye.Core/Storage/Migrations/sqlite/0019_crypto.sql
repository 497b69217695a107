-- National cryptography (CR-1 to CR-3): the key store (data keys and SM2 keys, each wrapped by the master key, by
-- purpose and version; a rotation adds a version and keeps the old ones for decryption) and the certificates the
-- node's small SM2 certificate authority issued or imported (root, site, device, user, trusted bureau CAs), with
-- their revocations.

CREATE TABLE IF NOT EXISTS crypto_keys (
    id             INTEGER PRIMARY KEY,
    purpose        TEXT NOT NULL,
    version        INTEGER NOT NULL,
    algorithm      TEXT NOT NULL,
    wrapped        TEXT NOT NULL,
    public_key     TEXT NULL,
    master_key_id  TEXT NOT NULL,
    state          TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    retired_at     TEXT NULL,
    UNIQUE (purpose, version)
);

CREATE TABLE IF NOT EXISTS crypto_certificates (
    id                 INTEGER PRIMARY KEY,
    kind               TEXT NOT NULL,
    origin             TEXT NOT NULL,
    serial             TEXT NOT NULL,
    issuer             TEXT NOT NULL,
    subject            TEXT NOT NULL,
    common_name        TEXT NOT NULL,
    fingerprint        TEXT NOT NULL UNIQUE,
    certificate        TEXT NOT NULL,
    key_id             INTEGER NULL REFERENCES crypto_keys (id),
    user_id            INTEGER NULL REFERENCES users (id) ON DELETE CASCADE,
    device_code        TEXT NULL,
    not_before         TEXT NOT NULL,
    not_after          TEXT NOT NULL,
    revoked_at         TEXT NULL,
    revocation_reason  TEXT NULL,
    revoked_by         TEXT NULL,
    created_at         TEXT NOT NULL,
    created_by         TEXT NOT NULL,
    UNIQUE (issuer, serial)
);
CREATE INDEX IF NOT EXISTS ix_crypto_certificates_user ON crypto_certificates (user_id);
CREATE INDEX IF NOT EXISTS ix_crypto_certificates_kind ON crypto_certificates (kind, created_at);
