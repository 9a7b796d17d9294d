DELETE FROM jobs WHERE kind <> 'reevaluate_all';
ALTER TABLE jobs DROP CONSTRAINT jobs_kind_check;
ALTER TABLE jobs ADD CONSTRAINT jobs_kind_check CHECK (kind IN ('reevaluate_all'));
DROP TABLE match_key_versions;
DROP TABLE match_keys;
