-- SLA policies and business calendars (SQLite). Keep in step with migrations/postgres.

-- A business calendar: time zone, working spans per weekday, holidays and make-up days, as JSON.
CREATE TABLE calendars (
    id INTEGER PRIMARY KEY NOT NULL,
    name TEXT NOT NULL UNIQUE,
    definition TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Ordered SLA policies: routing conditions, targets per priority, a calendar (none: 24x7), breach actions.
CREATE TABLE sla_policies (
    id INTEGER PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    position INTEGER NOT NULL,
    enabled BOOLEAN NOT NULL DEFAULT 1,
    conditions TEXT NOT NULL DEFAULT '[]',
    targets TEXT NOT NULL,
    calendar_id BIGINT REFERENCES calendars(id),
    warn_at_percent INTEGER NOT NULL DEFAULT 75,
    breach_actions TEXT NOT NULL DEFAULT '{}',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX sla_policies_order ON sla_policies(position, id);

-- A ticket's clocks (the domain's TicketSla as JSON), with what the worker and the lists search by.
CREATE TABLE ticket_sla (
    ticket_id BIGINT PRIMARY KEY REFERENCES tickets(id) ON DELETE CASCADE,
    policy_id BIGINT,
    calendar_id BIGINT,
    clocks TEXT NOT NULL,
    next_check_at TIMESTAMP,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX ticket_sla_next_check ON ticket_sla(next_check_at) WHERE next_check_at IS NOT NULL;
CREATE INDEX ticket_sla_calendar ON ticket_sla(calendar_id);

-- The earliest due time of the ticket's running clocks, for "sort by due" and the overdue view.
ALTER TABLE tickets ADD COLUMN sla_due_at TIMESTAMP;
CREATE INDEX tickets_sla_due ON tickets(sla_due_at, id) WHERE sla_due_at IS NOT NULL;

-- Existing administrators get the new permission (fresh databases get it from the built-in roles).
UPDATE roles SET permissions = REPLACE(permissions, ']', ',"sla_manage"]')
WHERE name = 'admin' AND permissions LIKE '[_%' AND permissions NOT LIKE '%sla_manage%';
