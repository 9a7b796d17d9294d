-- Retention (issue 12): a family whose cases all ended more than `retention_closed_case_days`
-- ago is pseudonymised by the `retention` job; this notes when. Its rows stay (ids, sex, birth
-- years, nationality claims, custody, case statuses) so that the counts remain.
ALTER TABLE families ADD COLUMN pseudonymised_at TIMESTAMP NULL;

-- The job kind widens (SQLite changes a CHECK by copying the table; nothing references it).
CREATE TABLE jobs_widened (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('reevaluate_all', 'rebuild_match_keys', 'import', 'review_duplicates', 'retention')),
    status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
    dedupe_key TEXT UNIQUE,
    reason TEXT NOT NULL DEFAULT '',
    done_count BIGINT NOT NULL DEFAULT 0,
    total_count BIGINT NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    requested_by TEXT,
    created_at TIMESTAMP NOT NULL,
    started_at TIMESTAMP,
    heartbeat_at TIMESTAMP,
    finished_at TIMESTAMP,
    organisation_id TEXT
);
INSERT INTO jobs_widened SELECT id, kind, status, dedupe_key, reason, done_count, total_count, attempts, error,
    requested_by, created_at, started_at, heartbeat_at, finished_at, organisation_id FROM jobs;
DROP TABLE jobs;
ALTER TABLE jobs_widened RENAME TO jobs;
CREATE INDEX jobs_status ON jobs (status, created_at);
