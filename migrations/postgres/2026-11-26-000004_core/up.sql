-- The core made safe to build on (issue 8): see the SQLite migration of the same name for the
-- reasons. PostgreSQL can alter tables in place, so this one adds, fills and drops columns and
-- replaces foreign keys instead of rebuilding tables; the resulting shape is the same.

-- Facilities: a stable code, unique, made from the name for existing rows.
ALTER TABLE facilities ADD COLUMN code TEXT NOT NULL DEFAULT '';
UPDATE facilities SET code = CASE name
    WHEN 'al-Hol' THEN 'al-hol'
    WHEN 'Roj' THEN 'roj'
    WHEN 'Ain Issa' THEN 'ain-issa'
    WHEN 'al-Shaddadi' THEN 'al-shaddadi'
    WHEN 'al-Aqtan' THEN 'al-aqtan'
    WHEN 'Jeddah-1' THEN 'jeddah-1'
    ELSE 'facility-' || substr(id, 1, 8)
END;
CREATE UNIQUE INDEX facilities_code ON facilities (code);
UPDATE policy_versions SET rules = replace(rules, '"al-Hol"', '"al-hol"') WHERE rules LIKE '%in_facility%';
UPDATE policy_versions SET rules = replace(rules, '"Roj"', '"roj"') WHERE rules LIKE '%in_facility%';
UPDATE policy_versions SET rules = replace(rules, '"Ain Issa"', '"ain-issa"') WHERE rules LIKE '%in_facility%';
UPDATE policy_versions SET rules = replace(rules, '"al-Shaddadi"', '"al-shaddadi"') WHERE rules LIKE '%in_facility%';
UPDATE policy_versions SET rules = replace(rules, '"al-Aqtan"', '"al-aqtan"') WHERE rules LIKE '%in_facility%';
UPDATE policy_versions SET rules = replace(rules, '"Jeddah-1"', '"jeddah-1"') WHERE rules LIKE '%in_facility%';

ALTER TABLE families ADD CONSTRAINT families_id_organisation UNIQUE (id, organisation_id);

-- Persons: departure as a range of days; the family within the organisation.
ALTER TABLE persons ADD COLUMN left_home_earliest DATE, ADD COLUMN left_home_latest DATE;
UPDATE persons SET
    left_home_earliest = CASE
        WHEN strpos(left_home, '~') > 0 THEN make_date(
            CAST(substr(left_home, 1, 4) AS INTEGER) - CAST(substr(left_home, 6) AS INTEGER), 1, 1)
        WHEN length(left_home) = 4 THEN make_date(CAST(left_home AS INTEGER), 1, 1)
        WHEN length(left_home) = 7 THEN to_date(left_home || '-01', 'YYYY-MM-DD')
        ELSE to_date(left_home, 'YYYY-MM-DD')
    END,
    left_home_latest = CASE
        WHEN strpos(left_home, '~') > 0 THEN make_date(
            CAST(substr(left_home, 1, 4) AS INTEGER) + CAST(substr(left_home, 6) AS INTEGER), 12, 31)
        WHEN length(left_home) = 4 THEN make_date(CAST(left_home AS INTEGER), 12, 31)
        WHEN length(left_home) = 7 THEN CAST(to_date(left_home || '-01', 'YYYY-MM-DD')
            + INTERVAL '1 month' - INTERVAL '1 day' AS DATE)
        ELSE to_date(left_home, 'YYYY-MM-DD')
    END
WHERE left_home IS NOT NULL;
ALTER TABLE persons ADD CONSTRAINT persons_id_organisation UNIQUE (id, organisation_id);
ALTER TABLE persons DROP CONSTRAINT persons_family_id_fkey;
ALTER TABLE persons ADD CONSTRAINT persons_family_fkey
    FOREIGN KEY (family_id, organisation_id) REFERENCES families (id, organisation_id);
ALTER TABLE persons ADD CONSTRAINT persons_birth_range
    CHECK ((birth_earliest IS NULL) = (birth_latest IS NULL) AND birth_earliest <= birth_latest);
ALTER TABLE persons ADD CONSTRAINT persons_left_home_range
    CHECK ((left_home_earliest IS NULL) = (left_home_latest IS NULL) AND left_home_earliest <= left_home_latest);

CREATE TABLE person_derived (
    person_id TEXT PRIMARY KEY NOT NULL,
    organisation_id TEXT NOT NULL,
    search_key TEXT NOT NULL DEFAULT '',
    stateless BOOLEAN NOT NULL DEFAULT TRUE,
    at_risk BOOLEAN NOT NULL DEFAULT TRUE,
    custody_status TEXT NOT NULL DEFAULT 'unknown'
        CHECK (custody_status IN ('held', 'escaped', 'released', 'repatriated', 'dead', 'unknown')),
    current_facility_id TEXT REFERENCES facilities (id),
    FOREIGN KEY (person_id, organisation_id) REFERENCES persons (id, organisation_id)
);
INSERT INTO person_derived (person_id, organisation_id, search_key, stateless, at_risk, custody_status,
        current_facility_id)
    SELECT id, organisation_id, search_key, stateless, at_risk, custody_status, current_facility_id FROM persons;
CREATE INDEX person_derived_facility ON person_derived (organisation_id, current_facility_id);

CREATE TABLE person_flags (
    person_id TEXT NOT NULL,
    organisation_id TEXT NOT NULL,
    flag TEXT NOT NULL CHECK (flag IN ('unaccompanied_minor', 'orphan', 'medical_need', 'disability')),
    PRIMARY KEY (person_id, flag),
    FOREIGN KEY (person_id, organisation_id) REFERENCES persons (id, organisation_id)
);
INSERT INTO person_flags (person_id, organisation_id, flag)
    SELECT id, organisation_id, 'unaccompanied_minor' FROM persons WHERE unaccompanied_minor;
INSERT INTO person_flags (person_id, organisation_id, flag) SELECT id, organisation_id, 'orphan' FROM persons WHERE orphan;
INSERT INTO person_flags (person_id, organisation_id, flag)
    SELECT id, organisation_id, 'medical_need' FROM persons WHERE medical_need;
INSERT INTO person_flags (person_id, organisation_id, flag)
    SELECT id, organisation_id, 'disability' FROM persons WHERE disability;
CREATE INDEX person_flags_flag ON person_flags (organisation_id, flag);

CREATE TABLE person_wishes (
    id TEXT PRIMARY KEY NOT NULL,
    person_id TEXT NOT NULL,
    organisation_id TEXT NOT NULL,
    wish TEXT NOT NULL CHECK (wish IN ('go_home', 'stay_in_region', 'stay_in_syria', 'undecided', 'not_asked')),
    recorded_on DATE,
    recorded_at TIMESTAMP NOT NULL,
    actor_id TEXT,
    FOREIGN KEY (person_id, organisation_id) REFERENCES persons (id, organisation_id)
);
INSERT INTO person_wishes (id, person_id, organisation_id, wish, recorded_on, recorded_at, actor_id)
    SELECT id, id, organisation_id, wish, wish_recorded_on, updated_at, NULL FROM persons
    WHERE wish <> 'not_asked' OR wish_recorded_on IS NOT NULL;
CREATE INDEX person_wishes_person ON person_wishes (person_id, recorded_at);

ALTER TABLE persons
    DROP COLUMN birth_year, DROP COLUMN birth_month, DROP COLUMN birth_day, DROP COLUMN birth_margin,
    DROP COLUMN left_home, DROP COLUMN wish, DROP COLUMN wish_recorded_on,
    DROP COLUMN unaccompanied_minor, DROP COLUMN orphan, DROP COLUMN medical_need, DROP COLUMN disability,
    DROP COLUMN search_key, DROP COLUMN stateless, DROP COLUMN at_risk, DROP COLUMN custody_status,
    DROP COLUMN current_facility_id;

-- Child tables: the organisation, tied to the person's.
ALTER TABLE person_names ADD COLUMN organisation_id TEXT;
UPDATE person_names n SET organisation_id = p.organisation_id FROM persons p WHERE p.id = n.person_id;
ALTER TABLE person_names ALTER COLUMN organisation_id SET NOT NULL;
ALTER TABLE person_names DROP CONSTRAINT person_names_person_id_fkey;
ALTER TABLE person_names ADD CONSTRAINT person_names_person_fkey
    FOREIGN KEY (person_id, organisation_id) REFERENCES persons (id, organisation_id);
ALTER TABLE person_names ADD CONSTRAINT person_names_kind
    CHECK (kind IN ('alias', 'nom_de_guerre', 'kunya', 'spelling', 'other_script', 'birth_name'));
ALTER TABLE person_names ADD CONSTRAINT person_names_script CHECK (script IN ('latin', 'arabic', 'cyrillic', 'other'));

ALTER TABLE kinships DROP CONSTRAINT kinships_person_id_fkey;
ALTER TABLE kinships DROP CONSTRAINT kinships_relative_id_fkey;
ALTER TABLE kinships ADD CONSTRAINT kinships_person_fkey
    FOREIGN KEY (person_id, organisation_id) REFERENCES persons (id, organisation_id);
ALTER TABLE kinships ADD CONSTRAINT kinships_relative_fkey
    FOREIGN KEY (relative_id, organisation_id) REFERENCES persons (id, organisation_id);
ALTER TABLE kinships ADD CONSTRAINT kinships_not_self CHECK (person_id <> relative_id);

ALTER TABLE nationality_claims ADD COLUMN organisation_id TEXT, ADD COLUMN decision_earliest DATE,
    ADD COLUMN decision_latest DATE;
UPDATE nationality_claims c SET organisation_id = p.organisation_id, decision_earliest = c.decision_date,
    decision_latest = c.decision_date FROM persons p WHERE p.id = c.person_id;
ALTER TABLE nationality_claims ALTER COLUMN organisation_id SET NOT NULL;
ALTER TABLE nationality_claims DROP COLUMN decision_date;
ALTER TABLE nationality_claims DROP CONSTRAINT nationality_claims_person_id_fkey;
ALTER TABLE nationality_claims ADD CONSTRAINT nationality_claims_person_fkey
    FOREIGN KEY (person_id, organisation_id) REFERENCES persons (id, organisation_id);
ALTER TABLE nationality_claims ADD CONSTRAINT nationality_claims_basis
    CHECK (basis IN ('birth', 'descent', 'marriage', 'naturalisation', 'unknown'));
ALTER TABLE nationality_claims ADD CONSTRAINT nationality_claims_decision_range
    CHECK ((decision_earliest IS NULL) = (decision_latest IS NULL) AND decision_earliest <= decision_latest);

ALTER TABLE custody_events ADD COLUMN organisation_id TEXT, ADD COLUMN event_latest DATE;
UPDATE custody_events e SET organisation_id = p.organisation_id,
    event_latest = CASE
        WHEN e.event_day IS NOT NULL THEN e.event_earliest
        WHEN e.event_month IS NOT NULL THEN CAST(e.event_earliest + INTERVAL '1 month' - INTERVAL '1 day' AS DATE)
        ELSE make_date(e.event_year + e.event_margin, 12, 31)
    END
FROM persons p WHERE p.id = e.person_id;
ALTER TABLE custody_events ALTER COLUMN organisation_id SET NOT NULL;
ALTER TABLE custody_events ALTER COLUMN event_latest SET NOT NULL;
ALTER TABLE custody_events DROP COLUMN event_year, DROP COLUMN event_month, DROP COLUMN event_day,
    DROP COLUMN event_margin;
ALTER TABLE custody_events DROP CONSTRAINT custody_events_person_id_fkey;
ALTER TABLE custody_events ADD CONSTRAINT custody_events_person_fkey
    FOREIGN KEY (person_id, organisation_id) REFERENCES persons (id, organisation_id);
ALTER TABLE custody_events ADD CONSTRAINT custody_events_kind
    CHECK (kind IN ('admitted', 'transferred', 'escaped', 'recaptured', 'released', 'repatriated', 'died'));
ALTER TABLE custody_events ADD CONSTRAINT custody_events_range CHECK (event_earliest <= event_latest);

-- Stored results are derived: cleared here, the next re-evaluation writes them in the new form.
DELETE FROM eligibility_results;
ALTER TABLE eligibility_results DROP CONSTRAINT eligibility_results_person_id_fkey;
ALTER TABLE eligibility_results ADD CONSTRAINT eligibility_results_person_fkey
    FOREIGN KEY (person_id, organisation_id) REFERENCES persons (id, organisation_id);
ALTER TABLE eligibility_results ADD CONSTRAINT eligibility_results_change_reason
    CHECK (change_reason IN ('age', 'policy'));

CREATE TABLE policy_stewards (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users (id),
    granted_by TEXT,
    granted_at TIMESTAMP NOT NULL
);

CREATE TABLE jobs (
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
CREATE INDEX jobs_status ON jobs (status, created_at);
