-- The register of exports: who took what out of the system, with which filters and columns,
-- for what purpose, how many rows, and whether the file was password-protected. Each row has
-- its audit event (`export.create`) in the same transaction.
CREATE TABLE exports (
    id TEXT PRIMARY KEY NOT NULL,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    actor_id TEXT REFERENCES users (id),
    kind TEXT NOT NULL CHECK (kind IN ('cases', 'persons', 'backlog')),
    format TEXT NOT NULL CHECK (format IN ('csv', 'xlsx')),
    filters TEXT NOT NULL,
    column_list TEXT NOT NULL,
    purpose TEXT NOT NULL,
    row_count BIGINT NOT NULL,
    encrypted BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX exports_organisation ON exports (organisation_id, created_at);
CREATE INDEX exports_actor ON exports (actor_id);
