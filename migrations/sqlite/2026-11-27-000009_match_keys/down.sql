DELETE FROM jobs WHERE kind <> 'reevaluate_all';
CREATE TABLE jobs_narrowed (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('reevaluate_all')),
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
    finished_at TIMESTAMP
);
INSERT INTO jobs_narrowed SELECT * FROM jobs;
DROP TABLE jobs;
ALTER TABLE jobs_narrowed RENAME TO jobs;
CREATE INDEX jobs_status ON jobs (status, created_at);
DROP TABLE match_key_versions;
DROP TABLE match_keys;
