-- Archive centre: the full device file (TG-4 networking fields, GB/T 28181, location, management, networking level,
-- dynamic information, extensible attributes), business groups, dictionaries, field definitions, field rules as
-- data, device versions, and per-consumer outbox cursors.

CREATE TABLE IF NOT EXISTS business_groups (
    id          INTEGER PRIMARY KEY,
    parent_id   INTEGER NULL REFERENCES business_groups (id),
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    sort        INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL
);

-- devices is rebuilt with AUTOINCREMENT so that a deleted device's id is never given to a new one (its versions
-- keep the id), and with the new columns of the full device file.
CREATE TABLE devices_v3 (
    id                      INTEGER PRIMARY KEY AUTOINCREMENT,
    gb_code                 TEXT NOT NULL UNIQUE,
    name                    TEXT NOT NULL,
    keyboard_code           TEXT NOT NULL UNIQUE,
    type                    TEXT NOT NULL,
    status                  TEXT NOT NULL,
    organisation_id         INTEGER NOT NULL REFERENCES organisations (id),
    region                  TEXT NOT NULL,
    ip_address              TEXT NOT NULL,
    manufacturer            TEXT NOT NULL,
    model                   TEXT NOT NULL,
    resolution              TEXT NOT NULL,
    longitude               REAL NOT NULL,
    latitude                REAL NOT NULL,
    address                 TEXT NULL,
    created_at              TEXT NOT NULL,
    updated_at              TEXT NOT NULL,
    business_group_id       INTEGER NULL REFERENCES business_groups (id),
    function_type           TEXT NULL,
    video_signal_type       TEXT NULL,
    port                    INTEGER NULL,
    sip_domain              TEXT NULL,
    parent_platform         TEXT NULL,
    road                    TEXT NULL,
    crossing                TEXT NULL,
    direction               TEXT NULL,
    maintainer              TEXT NULL,
    maintainer_contact      TEXT NULL,
    installed_on            TEXT NULL,
    construction_project    TEXT NULL,
    networking_level        TEXT NOT NULL DEFAULT 'none',
    last_online_at          TEXT NULL,
    last_offline_at         TEXT NULL,
    recording_completeness  REAL NULL,
    attributes              TEXT NULL,
    version                 INTEGER NOT NULL DEFAULT 1
);
INSERT INTO devices_v3 (id, gb_code, name, keyboard_code, type, status, organisation_id, region, ip_address, manufacturer,
                        model, resolution, longitude, latitude, address, created_at, updated_at)
SELECT id, gb_code, name, keyboard_code, type, status, organisation_id, region, ip_address, manufacturer,
       model, resolution, longitude, latitude, address, created_at, updated_at
FROM devices;
DROP TABLE devices;
ALTER TABLE devices_v3 RENAME TO devices;
CREATE INDEX IF NOT EXISTS ix_devices_organisation ON devices (organisation_id);
CREATE INDEX IF NOT EXISTS ix_devices_type_status ON devices (type, status);
CREATE INDEX IF NOT EXISTS ix_devices_business_group ON devices (business_group_id);
CREATE INDEX IF NOT EXISTS ix_devices_ip_port ON devices (ip_address, port);

CREATE TABLE IF NOT EXISTS dictionary_items (
    dictionary  TEXT NOT NULL,
    code        TEXT NOT NULL,
    label       TEXT NOT NULL,
    label_en    TEXT NULL,
    sort        INTEGER NOT NULL DEFAULT 0,
    enabled     INTEGER NOT NULL DEFAULT 1,
    source      TEXT NOT NULL,
    PRIMARY KEY (dictionary, code)
);

CREATE TABLE IF NOT EXISTS device_fields (
    key         TEXT PRIMARY KEY,
    label       TEXT NOT NULL,
    label_en    TEXT NOT NULL,
    section     TEXT NOT NULL,
    data_type   TEXT NOT NULL,
    dictionary  TEXT NULL,
    built_in    INTEGER NOT NULL,
    sort        INTEGER NOT NULL,
    source      TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS device_rules (
    id           TEXT PRIMARY KEY,
    field        TEXT NOT NULL,
    kind         TEXT NOT NULL,
    parameters   TEXT NULL,
    category     TEXT NOT NULL,
    blocking     INTEGER NOT NULL,
    enabled      INTEGER NOT NULL,
    description  TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    updated_by   TEXT NULL
);

CREATE TABLE IF NOT EXISTS device_versions (
    id          INTEGER PRIMARY KEY,
    device_id   INTEGER NOT NULL,
    version     INTEGER NOT NULL,
    action      TEXT NOT NULL,
    source      TEXT NOT NULL,
    changed_by  TEXT NULL,
    changed_at  TEXT NOT NULL,
    changes     TEXT NOT NULL,
    UNIQUE (device_id, version)
);
CREATE INDEX IF NOT EXISTS ix_device_versions_time ON device_versions (changed_at);

CREATE TABLE IF NOT EXISTS outbox_cursors (
    consumer    TEXT PRIMARY KEY,
    last_id     INTEGER NOT NULL,
    updated_at  TEXT NOT NULL
);
