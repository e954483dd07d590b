-- Each agent's open work, kept in step with the tickets in the same transaction as every change (PostgreSQL):
-- dispatch reads one row per candidate instead of counting every open ticket of the group on each decision.
-- Keep in step with migrations/sqlite. `loopdesk serve` recounts it from the tickets at start.
CREATE TABLE agent_workload (
    user_id BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    open_count INTEGER NOT NULL DEFAULT 0,
    -- open tickets weighted by priority: low 1, normal 2, high 3, urgent 5
    open_load INTEGER NOT NULL DEFAULT 0,
    urgent_count INTEGER NOT NULL DEFAULT 0
);

INSERT INTO agent_workload (user_id, open_count, open_load, urgent_count)
SELECT assignee_id,
       COUNT(*),
       SUM(CASE priority WHEN 1 THEN 1 WHEN 2 THEN 2 WHEN 3 THEN 3 ELSE 5 END),
       SUM(CASE WHEN priority = 4 THEN 1 ELSE 0 END)
FROM tickets
WHERE assignee_id IS NOT NULL AND status NOT IN ('resolved', 'closed')
GROUP BY assignee_id;
