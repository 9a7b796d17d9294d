-- Duplicate detection at scale (issue 11): each person is filed under a few blocking keys
-- (two name words in a form that survives script and spelling, or a given name and a birth
-- year; see domain::matching::keys), so that the candidate duplicates of one person are the
-- persons sharing a key, read through this index instead of compared with everyone. The keys
-- are computed in Rust: the unit of work refreshes the keys of the persons it touched, and a
-- job rebuilds an organisation's keys when the rules or the name dictionary change.
CREATE TABLE match_keys (
    organisation_id TEXT NOT NULL,
    match_key TEXT NOT NULL,
    person_id TEXT NOT NULL,
    PRIMARY KEY (organisation_id, match_key, person_id),
    FOREIGN KEY (person_id, organisation_id) REFERENCES persons (id, organisation_id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX match_keys_person ON match_keys (person_id);

-- Which rules and dictionary built an organisation's keys ('' while a rebuild is owed).
CREATE TABLE match_key_versions (
    organisation_id TEXT PRIMARY KEY REFERENCES organisations (id),
    version TEXT NOT NULL,
    built_at TIMESTAMP NOT NULL
);
-- The organisations that exist owe a rebuild (the server queues it at start-up); one created
-- from now on starts with the current version (it has no persons yet).
INSERT INTO match_key_versions (organisation_id, version, built_at)
    SELECT id, '', CURRENT_TIMESTAMP FROM organisations;

-- The jobs that rebuild the keys, import a file and build the duplicate review list: the kind's
-- CHECK widens (SQLite changes a CHECK by copying the table; nothing references it).
CREATE TABLE jobs_widened (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('reevaluate_all', 'rebuild_match_keys', 'import', 'review_duplicates')),
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
INSERT INTO jobs_widened SELECT id, kind, status, dedupe_key, reason, done_count, total_count, attempts, error,
    requested_by, created_at, started_at, heartbeat_at, finished_at FROM jobs;
DROP TABLE jobs;
ALTER TABLE jobs_widened RENAME TO jobs;
CREATE INDEX jobs_status ON jobs (status, created_at);
