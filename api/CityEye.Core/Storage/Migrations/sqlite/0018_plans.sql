-- Video plans (视频预案, PL-1 to PL-10). Three directory trees, one per plan type (basic 基础, task 任务,
-- special 专项), each under a root seeded here; a plan's type is its tree's. A plan lists its devices in wall order
-- and says how the wall shows them (screens, cells per screen, patrol interval). A basic plan of a police line
-- labels its devices with a business tag of the same name (TG-9).
-- Plan permissions (PL-10): a directory with rows in plan_directory_roles is visible to those roles only; without
-- rows it inherits its parent's rule; the roots without rows are open to every role holding plans.view.

CREATE TABLE IF NOT EXISTS plan_directories (
    id          INTEGER PRIMARY KEY,
    parent_id   INTEGER NULL REFERENCES plan_directories (id),
    plan_type   TEXT NOT NULL,
    name        TEXT NOT NULL,
    sort_order  INTEGER NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS ux_plan_directories_name ON plan_directories (plan_type, COALESCE(parent_id, 0), name);

INSERT INTO plan_directories (parent_id, plan_type, name, sort_order, created_by, created_at, updated_at)
SELECT NULL, 'basic', '基础预案', 1, 'system', '2026-11-27T00:00:00.0000000Z', '2026-11-27T00:00:00.0000000Z'
WHERE NOT EXISTS (SELECT 1 FROM plan_directories WHERE parent_id IS NULL AND plan_type = 'basic');
INSERT INTO plan_directories (parent_id, plan_type, name, sort_order, created_by, created_at, updated_at)
SELECT NULL, 'task', '任务预案', 2, 'system', '2026-11-27T00:00:00.0000000Z', '2026-11-27T00:00:00.0000000Z'
WHERE NOT EXISTS (SELECT 1 FROM plan_directories WHERE parent_id IS NULL AND plan_type = 'task');
INSERT INTO plan_directories (parent_id, plan_type, name, sort_order, created_by, created_at, updated_at)
SELECT NULL, 'special', '专项预案', 3, 'system', '2026-11-27T00:00:00.0000000Z', '2026-11-27T00:00:00.0000000Z'
WHERE NOT EXISTS (SELECT 1 FROM plan_directories WHERE parent_id IS NULL AND plan_type = 'special');

CREATE TABLE IF NOT EXISTS plans (
    id               INTEGER PRIMARY KEY,
    directory_id     INTEGER NOT NULL REFERENCES plan_directories (id),
    plan_type        TEXT NOT NULL,
    name             TEXT NOT NULL,
    description      TEXT NULL,
    police_line      TEXT NULL,
    business_tag_id  INTEGER NULL REFERENCES tags (id),
    screens          INTEGER NOT NULL,
    split            INTEGER NOT NULL,
    patrol_seconds   INTEGER NOT NULL,
    view_count       INTEGER NOT NULL DEFAULT 0,
    version          INTEGER NOT NULL,
    created_by       TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS ux_plans_name ON plans (directory_id, name);

CREATE TABLE IF NOT EXISTS plan_devices (
    plan_id    INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    device_id  INTEGER NOT NULL,
    position   INTEGER NOT NULL,
    PRIMARY KEY (plan_id, device_id)
);
CREATE INDEX IF NOT EXISTS ix_plan_devices_device ON plan_devices (device_id);

CREATE TABLE IF NOT EXISTS plan_directory_roles (
    directory_id  INTEGER NOT NULL REFERENCES plan_directories (id) ON DELETE CASCADE,
    role_id       INTEGER NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    PRIMARY KEY (directory_id, role_id)
);
