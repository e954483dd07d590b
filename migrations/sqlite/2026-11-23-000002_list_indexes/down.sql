DROP INDEX tickets_group_updated;
DROP INDEX tickets_assignee_updated;
