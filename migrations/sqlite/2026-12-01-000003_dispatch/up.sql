-- Smart dispatch (SQLite). Keep in step with migrations/postgres: same tables, same columns.

-- Organisation tier ("vip", "gold") for routing conditions.
ALTER TABLE organizations ADD COLUMN tier TEXT;

-- A group's supervisor hears about escalations.
ALTER TABLE agent_groups ADD COLUMN supervisor_id BIGINT REFERENCES users(id);

-- Round robin is decided from when dispatch last gave a member a ticket of the group.
ALTER TABLE group_members ADD COLUMN last_assigned_at TIMESTAMP;

-- Skills every ticket of the type needs (JSON list of {name, min_level}).
ALTER TABLE ticket_types ADD COLUMN required_skills TEXT NOT NULL DEFAULT '[]';

-- Where the work is: a label for region rules, a position for the nearest strategy.
ALTER TABLE tickets ADD COLUMN location_label TEXT;
ALTER TABLE tickets ADD COLUMN location_lat REAL;
ALTER TABLE tickets ADD COLUMN location_lon REAL;

CREATE TABLE routing_rules (
    id INTEGER PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    position INTEGER NOT NULL,
    enabled BOOLEAN NOT NULL DEFAULT 1,
    conditions TEXT NOT NULL DEFAULT '[]',
    actions TEXT NOT NULL DEFAULT '[]',
    continue_matching BOOLEAN NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX routing_rules_order ON routing_rules(position, id);

-- One row per staff user who takes tickets: availability, capacity, skills, last position.
CREATE TABLE agent_profiles (
    user_id BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    availability TEXT NOT NULL DEFAULT 'offline' CHECK (availability IN ('online', 'away', 'offline')),
    capacity INTEGER,
    skills TEXT NOT NULL DEFAULT '[]',
    position_lat REAL,
    position_lon REAL,
    position_at TIMESTAMP,
    updated_at TIMESTAMP NOT NULL
);

-- The dispatch state of a ticket: what routing asked for, who is excluded (declined or let it
-- escalate), whether it sits in the claim pool, and by when the assignee must accept.
CREATE TABLE ticket_dispatch (
    ticket_id BIGINT PRIMARY KEY REFERENCES tickets(id) ON DELETE CASCADE,
    rule_id BIGINT,
    strategy TEXT,
    accept_within_minutes INTEGER,
    required_skills TEXT NOT NULL DEFAULT '[]',
    excluded TEXT NOT NULL DEFAULT '[]',
    pooled BOOLEAN NOT NULL DEFAULT 0,
    accept_by TIMESTAMP,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX ticket_dispatch_accept_by ON ticket_dispatch(accept_by) WHERE accept_by IS NOT NULL;
CREATE INDEX ticket_dispatch_pooled ON ticket_dispatch(pooled, ticket_id) WHERE pooled = 1;

-- In-app notifications (the notification centre builds on this table).
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    ticket_id BIGINT REFERENCES tickets(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    read_at TIMESTAMP
);
CREATE INDEX notifications_user ON notifications(user_id, id);

-- Existing administrators get the new permission (fresh databases get it from the built-in roles).
UPDATE roles SET permissions = REPLACE(permissions, ']', ',"routing_manage"]')
WHERE name = 'admin' AND permissions LIKE '[_%' AND permissions NOT LIKE '%routing_manage%';
