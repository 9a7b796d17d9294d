DROP TABLE merges;
DROP TABLE duplicate_pairs;
ALTER TABLE jobs DROP COLUMN organisation_id;
