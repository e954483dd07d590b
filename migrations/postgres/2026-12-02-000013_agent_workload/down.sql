DROP TABLE agent_workload;
