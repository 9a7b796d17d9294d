-- Policies: versions of each country's repatriation policy (rules stored as JSON text, the same
-- on both databases), and the stored evaluation of each live claim of each person.

CREATE TABLE policy_versions (
    id TEXT PRIMARY KEY NOT NULL,
    country_code TEXT NOT NULL REFERENCES countries (code),
    number INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'published', 'retired')),
    effective_from DATE,
    effective_to DATE,
    summary TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    source_url TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    rules TEXT NOT NULL,
    seed_hash TEXT,
    based_on TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    published_at TIMESTAMP,
    retired_at TIMESTAMP,
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (country_code, number)
);
CREATE INDEX policy_versions_country ON policy_versions (country_code, status, effective_from);

CREATE TABLE eligibility_results (
    person_id TEXT NOT NULL REFERENCES persons (id),
    country_code TEXT NOT NULL,
    organisation_id TEXT NOT NULL,
    outcome TEXT NOT NULL,
    uncertain BOOLEAN NOT NULL DEFAULT FALSE,
    policy_version_id TEXT,
    changes_on DATE,
    changes_to TEXT,
    change_reason TEXT,
    result TEXT NOT NULL,
    evaluated_on DATE NOT NULL,
    evaluated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (person_id, country_code)
);
CREATE INDEX eligibility_results_watch ON eligibility_results (organisation_id, change_reason, changes_on);
