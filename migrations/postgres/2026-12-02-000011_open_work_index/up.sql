-- Dispatch loads the open work of every candidate agent on each routed ticket (queries::dispatch::open_work_of).
-- Through tickets_assignee_* that visits every ticket an agent ever held, closed ones included (~25 ms for
-- 1,000 agents with 30,000 tickets on SQLite); this partial, covering index holds only open tickets, so the
-- query reads just those. The query's status test must stay textually the same as this WHERE clause.
CREATE INDEX tickets_open_work ON tickets(assignee_id, priority, status) WHERE status NOT IN ('resolved', 'closed');
