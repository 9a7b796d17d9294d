-- The per-country backlog's counts, prepared ahead of the request. Counting them from the
-- registry at each request reads every held claimant joined to five tables (6.6 s on SQLite,
-- 1.7 s on PostgreSQL at 500,000 persons); these tables keep the same facts narrow and
-- aggregated, refreshed in the transaction that changes them (the unit of work's evaluation,
-- and each chunk of a re-evaluation of everyone), so the backlog reads a few thousand rows.
--
-- backlog_facts: one row per held living person and live claim (claimed, unverified,
-- verified) with what the backlog counts about them. The rows a refresh replaces are what it
-- subtracts from the aggregates below.
CREATE TABLE backlog_facts (
    person_id TEXT NOT NULL,
    country_code TEXT NOT NULL,
    organisation_id TEXT NOT NULL,
    family_id TEXT,
    facility_id TEXT,
    birth_earliest DATE,
    birth_latest DATE,
    unaccompanied BOOLEAN NOT NULL,
    declining BOOLEAN NOT NULL,
    outcome TEXT,
    PRIMARY KEY (person_id, country_code),
    FOREIGN KEY (person_id, organisation_id) REFERENCES persons (id, organisation_id) ON DELETE CASCADE
);
CREATE INDEX backlog_facts_organisation ON backlog_facts (organisation_id);

-- Held claimants per country, facility ('' not recorded), stored outcome ('' not evaluated
-- yet) and flags: a few thousand cells per organisation.
CREATE TABLE backlog_cells (
    organisation_id TEXT NOT NULL,
    country_code TEXT NOT NULL,
    facility_id TEXT NOT NULL,
    outcome TEXT NOT NULL,
    unaccompanied BOOLEAN NOT NULL,
    declining BOOLEAN NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (organisation_id, country_code, facility_id, outcome, unaccompanied, declining)
) WITHOUT ROWID;

-- Held claimants per birth range, country and facility ('*' every facility), for the ages
-- counted on any day: a request reads only the ranges that may still be minors' (by
-- birth_latest). Persons without a birth range are in no age count.
CREATE TABLE backlog_births (
    organisation_id TEXT NOT NULL,
    facility_id TEXT NOT NULL,
    birth_latest DATE NOT NULL,
    country_code TEXT NOT NULL,
    birth_earliest DATE NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (organisation_id, facility_id, birth_latest, country_code, birth_earliest)
) WITHOUT ROWID;

-- Held claimants per family, country and facility ('*' every facility): the families of a
-- country are its rows with n > 0 (a family's members may be held in several facilities).
CREATE TABLE backlog_families (
    organisation_id TEXT NOT NULL,
    facility_id TEXT NOT NULL,
    country_code TEXT NOT NULL,
    family_id TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (organisation_id, facility_id, country_code, family_id)
) WITHOUT ROWID;
CREATE INDEX backlog_families_country ON backlog_families (organisation_id, country_code, facility_id, n);

-- The registry as it stands (the application rebuilds the same way: services::backlog_facts).
INSERT INTO backlog_facts (person_id, country_code, organisation_id, family_id, facility_id, birth_earliest,
        birth_latest, unaccompanied, declining, outcome)
    SELECT c.person_id, c.country_code, c.organisation_id, p.family_id, d.current_facility_id, p.birth_earliest,
        p.birth_latest,
        EXISTS (SELECT 1 FROM person_flags pf WHERE pf.person_id = c.person_id AND pf.flag = 'unaccompanied_minor'),
        COALESCE((SELECT w.wish IN ('stay_in_syria', 'stay_in_region') FROM person_wishes w
            WHERE w.person_id = c.person_id ORDER BY w.recorded_at DESC, w.id DESC LIMIT 1), FALSE),
        er.outcome
    FROM nationality_claims c JOIN persons p ON p.id = c.person_id JOIN person_derived d ON d.person_id = c.person_id
    LEFT JOIN eligibility_results er ON er.person_id = c.person_id AND er.country_code = c.country_code
    WHERE c.status IN ('claimed', 'unverified', 'verified') AND p.date_of_death IS NULL AND d.custody_status = 'held';
INSERT INTO backlog_cells (organisation_id, country_code, facility_id, outcome, unaccompanied, declining, n)
    SELECT organisation_id, country_code, COALESCE(facility_id, ''), COALESCE(outcome, ''), unaccompanied, declining,
        COUNT(*)
    FROM backlog_facts GROUP BY organisation_id, country_code, COALESCE(facility_id, ''), COALESCE(outcome, ''),
        unaccompanied, declining;
INSERT INTO backlog_births (organisation_id, facility_id, birth_latest, country_code, birth_earliest, n)
    SELECT organisation_id, COALESCE(facility_id, ''), birth_latest, country_code, birth_earliest, COUNT(*)
    FROM backlog_facts WHERE birth_earliest IS NOT NULL
    GROUP BY organisation_id, COALESCE(facility_id, ''), birth_latest, country_code, birth_earliest;
INSERT INTO backlog_births (organisation_id, facility_id, birth_latest, country_code, birth_earliest, n)
    SELECT organisation_id, '*', birth_latest, country_code, birth_earliest, COUNT(*)
    FROM backlog_facts WHERE birth_earliest IS NOT NULL
    GROUP BY organisation_id, birth_latest, country_code, birth_earliest;
INSERT INTO backlog_families (organisation_id, facility_id, country_code, family_id, n)
    SELECT organisation_id, COALESCE(facility_id, ''), country_code, family_id, COUNT(*)
    FROM backlog_facts WHERE family_id IS NOT NULL
    GROUP BY organisation_id, COALESCE(facility_id, ''), country_code, family_id;
INSERT INTO backlog_families (organisation_id, facility_id, country_code, family_id, n)
    SELECT organisation_id, '*', country_code, family_id, COUNT(*)
    FROM backlog_facts WHERE family_id IS NOT NULL
    GROUP BY organisation_id, country_code, family_id;
