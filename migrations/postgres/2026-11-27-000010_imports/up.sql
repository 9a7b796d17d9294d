-- Imports of family lists (issue 11). An upload is read and checked at once (the dry run) and
-- kept, with its preview, until a user confirms it; the commit writes every row in one
-- transaction and forgets the file. A row imported once is recognised by its key (the
-- person key the list gives it, or a digest of its family key, names, sex and birth), so that
-- importing the same list again, or a longer version of it, creates nothing twice.
CREATE TABLE imports (
    id TEXT PRIMARY KEY NOT NULL,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    file_name TEXT NOT NULL DEFAULT '',
    file_sha256 TEXT NOT NULL,
    format TEXT NOT NULL CHECK (format IN ('csv', 'xlsx')),
    status TEXT NOT NULL CHECK (status IN ('previewed', 'committed')),
    rows_total BIGINT NOT NULL DEFAULT 0,
    families_new BIGINT NOT NULL DEFAULT 0,
    persons_new BIGINT NOT NULL DEFAULT 0,
    problems BIGINT NOT NULL DEFAULT 0,
    -- The preview as JSON, shown again until the commit.
    preview TEXT NOT NULL DEFAULT '',
    -- The file (base64) until it is committed or the preview expires.
    content TEXT,
    created_by TEXT,
    created_at TIMESTAMP NOT NULL,
    committed_at TIMESTAMP
);
CREATE INDEX imports_organisation ON imports (organisation_id, created_at);
CREATE INDEX imports_file ON imports (organisation_id, file_sha256);

CREATE TABLE import_rows (
    organisation_id TEXT NOT NULL,
    row_key TEXT NOT NULL,
    import_id TEXT NOT NULL REFERENCES imports (id),
    person_id TEXT NOT NULL,
    PRIMARY KEY (organisation_id, row_key),
    FOREIGN KEY (person_id, organisation_id) REFERENCES persons (id, organisation_id) ON DELETE CASCADE
);
CREATE INDEX import_rows_person ON import_rows (person_id);
CREATE INDEX import_rows_import ON import_rows (import_id);
