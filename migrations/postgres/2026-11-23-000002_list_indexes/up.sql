-- Queue views sort by recent activity: "unassigned in my groups", "my open tickets".
-- Without these, SQLite walks the assignee or group index and sorts every match.
CREATE INDEX tickets_assignee_updated ON tickets(assignee_id, updated_at, id);
CREATE INDEX tickets_group_updated ON tickets(group_id, updated_at, id);
