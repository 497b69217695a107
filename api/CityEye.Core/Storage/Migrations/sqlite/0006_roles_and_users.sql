-- User management (UM-1 to UM-7): roles are function, device or service roles and can be switched off; device reach
-- comes only from device roles (organisations, business groups, regions, single devices); users gain a validity
-- start, a concurrent-stream limit and contact fields; settings hold what administrators change at run time (the
-- password policy). Existing device reach is converted into device roles.

ALTER TABLE roles ADD COLUMN kind TEXT NOT NULL DEFAULT 'function';
ALTER TABLE roles ADD COLUMN enabled INTEGER NOT NULL DEFAULT 1;
ALTER TABLE roles ADD COLUMN updated_at TEXT NULL;
UPDATE roles SET updated_at = created_at;

CREATE TABLE IF NOT EXISTS role_device_grants (
    role_id  INTEGER NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    kind     TEXT NOT NULL,
    value    TEXT NOT NULL,
    PRIMARY KEY (role_id, kind, value)
);

CREATE TABLE IF NOT EXISTS role_services (
    role_id  INTEGER NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    service  TEXT NOT NULL,
    PRIMARY KEY (role_id, service)
);

-- What the seeding of the shipped roles has done once ("role" or "perm:x" / "grant:x" / "service:x" per role name):
-- the shipped roles are ordinary roles, so an administrator's change or deletion is never undone at the next start.
CREATE TABLE IF NOT EXISTS role_seeds (
    role_name  TEXT NOT NULL,
    item       TEXT NOT NULL,
    PRIMARY KEY (role_name, item)
);

CREATE TABLE IF NOT EXISTS settings (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL
);

ALTER TABLE users ADD COLUMN valid_from TEXT NULL;
ALTER TABLE users ADD COLUMN max_streams INTEGER NOT NULL DEFAULT 4;
ALTER TABLE users ADD COLUMN phone TEXT NULL;
ALTER TABLE users ADD COLUMN police_number TEXT NULL;
CREATE INDEX IF NOT EXISTS ix_users_organisation ON users (organisation_id);
CREATE INDEX IF NOT EXISTS ix_user_roles_role ON user_roles (role_id);

-- Whole-district reach becomes the device role "all-devices".
INSERT OR IGNORE INTO roles (name, display_name, description, built_in, created_at, kind, enabled, updated_at)
SELECT 'all-devices', '全部设备', 'Every device of the district.', 1, MIN(created_at), 'device', 1, MIN(created_at)
FROM users HAVING COUNT(*) > 0;
INSERT OR IGNORE INTO role_device_grants (role_id, kind, value) SELECT id, 'all', '' FROM roles WHERE name = 'all-devices';
INSERT OR IGNORE INTO user_roles (user_id, role_id)
SELECT u.id, r.id FROM users u JOIN roles r ON r.name = 'all-devices' WHERE u.device_scope = 'All';

-- Each organisation granted directly becomes a device role for that organisation (and its sub-organisations).
INSERT OR IGNORE INTO roles (name, display_name, description, built_in, created_at, kind, enabled, updated_at)
SELECT DISTINCT 'devices-of-' || o.code, o.name || '设备', 'Devices of ' || o.name || ' and its sub-organisations.', 0, o.created_at, 'device', 1, o.created_at
FROM user_device_organisations g JOIN organisations o ON o.id = g.organisation_id JOIN users u ON u.id = g.user_id
WHERE u.device_scope = 'Organisations';
INSERT OR IGNORE INTO role_device_grants (role_id, kind, value)
SELECT r.id, 'organisation', CAST(o.id AS TEXT) FROM roles r JOIN organisations o ON r.name = 'devices-of-' || o.code;
INSERT OR IGNORE INTO user_roles (user_id, role_id)
SELECT g.user_id, r.id FROM user_device_organisations g JOIN organisations o ON o.id = g.organisation_id
JOIN users u ON u.id = g.user_id JOIN roles r ON r.name = 'devices-of-' || o.code
WHERE u.device_scope = 'Organisations';

DROP TABLE user_device_organisations;
ALTER TABLE users DROP COLUMN device_scope;
