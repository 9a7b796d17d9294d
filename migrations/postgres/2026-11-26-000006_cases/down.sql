DROP TABLE case_consents;
DROP TABLE case_events;
DROP TABLE case_members;
DROP TABLE cases;
DROP INDEX users_id_organisation;
