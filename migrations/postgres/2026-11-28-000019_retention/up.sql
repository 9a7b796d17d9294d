-- Retention (issue 12): a family whose cases all ended more than `retention_closed_case_days`
-- ago is pseudonymised by the `retention` job; this notes when. Its rows stay (ids, sex, birth
-- years, nationality claims, custody, case statuses) so that the counts remain.
ALTER TABLE families ADD COLUMN pseudonymised_at TIMESTAMP NULL;

ALTER TABLE jobs DROP CONSTRAINT jobs_kind_check;
ALTER TABLE jobs ADD CONSTRAINT jobs_kind_check
    CHECK (kind IN ('reevaluate_all', 'rebuild_match_keys', 'import', 'review_duplicates', 'retention'));
