-- Names that admins add to the dictionary of name variants (issue 11): each one a name and
-- its spellings, used with the built-in dictionary (seeds/names/variants.json) by duplicate
-- detection and search.
--
-- Deployment-wide, like the policies and the facilities: names are shared reference data, not
-- personal data. organisation_id records the adding admin's organisation, for the record only
-- (it scopes nothing). Entries are added and removed, never edited: the servers of a
-- deployment notice a change by the set of ids.
CREATE TABLE name_entries (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    -- The chance that two unrelated persons both bear the name.
    frequency DOUBLE PRECISION NOT NULL CHECK (frequency > 0 AND frequency <= 1),
    -- The other spellings, as a JSON array of strings.
    variants TEXT NOT NULL DEFAULT '[]',
    added_by TEXT,
    organisation_id TEXT,
    added_at TIMESTAMP NOT NULL
);
