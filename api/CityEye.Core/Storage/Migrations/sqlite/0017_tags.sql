-- Tags (归类治理数据, TG-1, TG-5 to TG-15): four categories of tags, the devices labelled with them, the rules that
-- derive tags, and who may see which tags.
--
-- construction (建设): fields with a level (police-high, police-normal, external-sharing), grouped by field name;
-- scene (场景): place type → place part → monitored place name, parent_id links them, city_code from the city's
-- scene dictionary; business (业务): per police line, in tag groups; derived (衍生): written by rules only.
-- A recycled or merged tag keeps its row (state, merged_into) so that jobs are idempotent and the audit trail
-- resolves; only active tags are unique by name among their siblings.

CREATE TABLE IF NOT EXISTS tag_groups (
    id           INTEGER PRIMARY KEY,
    category     TEXT NOT NULL,
    police_line  TEXT NULL,
    level        TEXT NULL,
    name         TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS ux_tag_groups_name ON tag_groups (category, COALESCE(police_line, ''), name);

CREATE TABLE IF NOT EXISTS tags (
    id            INTEGER PRIMARY KEY,
    category      TEXT NOT NULL,
    kind          TEXT NOT NULL,
    name          TEXT NOT NULL,
    name_key      TEXT NOT NULL,
    parent_id     INTEGER NULL REFERENCES tags (id),
    group_id      INTEGER NULL REFERENCES tag_groups (id),
    city_code     TEXT NULL,
    origin        TEXT NOT NULL,
    state         TEXT NOT NULL,
    merged_into   INTEGER NULL,
    search_count  INTEGER NOT NULL DEFAULT 0,
    created_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS ux_tags_active_name ON tags (category, kind, COALESCE(parent_id, 0), COALESCE(group_id, 0), name_key) WHERE state = 'active';
CREATE INDEX IF NOT EXISTS ix_tags_parent ON tags (parent_id);
CREATE INDEX IF NOT EXISTS ix_tags_group ON tags (group_id);

-- One row per device and tag. origin: manual (a user labelled it) or derived (a rule or a basic plan did).
-- Statistics group labels by the device's current unit (a join with devices).
CREATE TABLE IF NOT EXISTS device_labels (
    device_id        INTEGER NOT NULL,
    tag_id           INTEGER NOT NULL REFERENCES tags (id),
    origin           TEXT NOT NULL,
    labelled_by      TEXT NOT NULL,
    labelled_at      TEXT NOT NULL,
    PRIMARY KEY (device_id, tag_id)
);
CREATE INDEX IF NOT EXISTS ix_device_labels_tag ON device_labels (tag_id);
CREATE INDEX IF NOT EXISTS ix_device_labels_time ON device_labels (labelled_at);

-- Derivation rules (TG-10) are data: a device carrying every required tag (or a descendant of it) and, when
-- plan_ids is set, belonging to one of those plans, is labelled with the derived target tag.
CREATE TABLE IF NOT EXISTS tag_rules (
    id                INTEGER PRIMARY KEY,
    name              TEXT NOT NULL UNIQUE,
    target_tag_id     INTEGER NOT NULL REFERENCES tags (id),
    required_tag_ids  TEXT NOT NULL,
    plan_ids          TEXT NOT NULL,
    enabled           INTEGER NOT NULL,
    created_by        TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);

-- Tag permissions (TG-15). Per unit (inherited by sub-units): the construction-tag level and the police lines whose
-- business tags its users work with; per user: a manual override of either (NULL = matched from the unit).
CREATE TABLE IF NOT EXISTS tag_unit_access (
    organisation_id     INTEGER PRIMARY KEY REFERENCES organisations (id) ON DELETE CASCADE,
    construction_level  TEXT NULL,
    police_lines        TEXT NULL,
    updated_by          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS tag_user_access (
    user_id             INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    construction_level  TEXT NULL,
    police_lines        TEXT NULL,
    updated_by          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);
