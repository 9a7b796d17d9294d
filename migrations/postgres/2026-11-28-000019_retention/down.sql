DELETE FROM jobs WHERE kind = 'retention';
ALTER TABLE jobs DROP CONSTRAINT jobs_kind_check;
ALTER TABLE jobs ADD CONSTRAINT jobs_kind_check
    CHECK (kind IN ('reevaluate_all', 'rebuild_match_keys', 'import', 'review_duplicates'));
ALTER TABLE families DROP COLUMN pseudonymised_at;
