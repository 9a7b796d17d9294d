DROP TABLE backlog_families;
DROP TABLE backlog_births;
DROP TABLE backlog_cells;
DROP TABLE backlog_facts;
