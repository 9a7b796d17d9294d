-- The duplicate review list and merges (issue 11).
--
-- A job works on one organisation when it names one (the review list of an organisation);
-- jobs over everyone leave it empty.
ALTER TABLE jobs ADD COLUMN organisation_id TEXT;

-- Pairs of persons that may be the same person, found by the review job or by a caseworker.
-- A pair is stored once, its two ids in order (person_a < person_b). A decided pair
-- ('distinct': "not the same person", 'merged') keeps its decision: the job never proposes it
-- again. The rows go with the persons (a merge deletes the merged person's pairs; its undo
-- proposes them again at the next review).
CREATE TABLE duplicate_pairs (
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    person_a TEXT NOT NULL,
    person_b TEXT NOT NULL,
    score DOUBLE PRECISION NOT NULL,
    band TEXT NOT NULL CHECK (band IN ('likely', 'possible')),
    -- The reasons of the score as JSON, as the matcher gave them.
    reasons TEXT NOT NULL DEFAULT '[]',
    status TEXT NOT NULL CHECK (status IN ('open', 'distinct', 'merged')),
    found_at TIMESTAMP NOT NULL,
    decided_by TEXT,
    decided_at TIMESTAMP,
    PRIMARY KEY (organisation_id, person_a, person_b),
    CHECK (person_a < person_b)
);
CREATE INDEX duplicate_pairs_open ON duplicate_pairs (organisation_id, status, score);
CREATE INDEX duplicate_pairs_b ON duplicate_pairs (organisation_id, person_b);

-- A merge of one person (merged_id) into another (kept_id): the merged person's row and the
-- rows that could not move (a claim to a country the kept person already claims, a kinship
-- that would link the kept person to themselves, a case the kept person is already in) as
-- JSON, and the ids of the rows that moved, so that an undo puts everything back.
CREATE TABLE merges (
    id TEXT PRIMARY KEY NOT NULL,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    kept_id TEXT NOT NULL,
    merged_id TEXT NOT NULL,
    -- "Given Family" of the merged person, for lists after the row is gone.
    merged_name TEXT NOT NULL,
    snapshot TEXT NOT NULL,
    merged_by TEXT,
    merged_at TIMESTAMP NOT NULL,
    undone_by TEXT,
    undone_at TIMESTAMP
);
CREATE INDEX merges_kept ON merges (organisation_id, kept_id, merged_at);
CREATE INDEX merges_merged ON merges (organisation_id, merged_id);
