UPDATE roles SET permissions = REPLACE(permissions, ',"sla_manage"', '') WHERE name = 'admin';
DROP INDEX tickets_sla_due;
ALTER TABLE tickets DROP COLUMN sla_due_at;
DROP TABLE ticket_sla;
DROP TABLE sla_policies;
DROP TABLE calendars;
