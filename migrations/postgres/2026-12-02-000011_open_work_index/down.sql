DROP INDEX tickets_open_work;
