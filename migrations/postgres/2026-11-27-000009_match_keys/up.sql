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
);
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

-- The jobs that rebuild the keys, import a file and build the duplicate review list.
ALTER TABLE jobs DROP CONSTRAINT jobs_kind_check;
ALTER TABLE jobs ADD CONSTRAINT jobs_kind_check
    CHECK (kind IN ('reevaluate_all', 'rebuild_match_keys', 'import', 'review_duplicates'));
