-- The core made safe to build on (issue 8):
--  * the database keeps a person's family, both ends of a kinship link, and every child record
--    (names, claims, custody, stored results) inside the person's organisation: child tables
--    carry organisation_id, and composite foreign keys tie it to the person's;
--  * partial dates (birth, departure, custody events, claim decisions) are stored as the range
--    of days they stand for, two real DATE columns, from which the partial date comes back
--    exactly; no date is encoded in a text column any more;
--  * the persons table is split by meaning: derived columns in person_derived (written only by
--    the refresh at the end of a transaction), ticked facts in person_flags, wishes with their
--    history in person_wishes;
--  * facilities get a stable code that policy rules refer to instead of the display name;
--  * policy stewardship is a deployment-level grant; jobs queue work over everyone.
-- SQLite cannot add constraints to a table, so the registry tables are rebuilt: the old ones
-- are renamed, new ones created under the old names, the rows copied, the old ones dropped.
-- Foreign keys are checked at commit (defer_foreign_keys), when everything is in place.

PRAGMA defer_foreign_keys = ON;

DROP INDEX families_organisation;
DROP INDEX persons_organisation;
DROP INDEX persons_family;
DROP INDEX person_names_person;
DROP INDEX kinships_relative;
DROP INDEX nationality_claims_country;
DROP INDEX custody_events_person;
DROP INDEX custody_events_facility;
DROP INDEX eligibility_results_watch;

ALTER TABLE eligibility_results RENAME TO old_eligibility_results;
ALTER TABLE custody_events RENAME TO old_custody_events;
ALTER TABLE nationality_claims RENAME TO old_nationality_claims;
ALTER TABLE kinships RENAME TO old_kinships;
ALTER TABLE person_names RENAME TO old_person_names;
ALTER TABLE persons RENAME TO old_persons;
ALTER TABLE families RENAME TO old_families;

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
-- Rules named facilities by display name; they now name them by code.
UPDATE policy_versions SET rules = replace(rules, '"al-Hol"', '"al-hol"') WHERE rules LIKE '%in_facility%';
UPDATE policy_versions SET rules = replace(rules, '"Roj"', '"roj"') WHERE rules LIKE '%in_facility%';
UPDATE policy_versions SET rules = replace(rules, '"Ain Issa"', '"ain-issa"') WHERE rules LIKE '%in_facility%';
UPDATE policy_versions SET rules = replace(rules, '"al-Shaddadi"', '"al-shaddadi"') WHERE rules LIKE '%in_facility%';
UPDATE policy_versions SET rules = replace(rules, '"al-Aqtan"', '"al-aqtan"') WHERE rules LIKE '%in_facility%';
UPDATE policy_versions SET rules = replace(rules, '"Jeddah-1"', '"jeddah-1"') WHERE rules LIKE '%in_facility%';

CREATE TABLE families (
    id TEXT PRIMARY KEY NOT NULL,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    label TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (id, organisation_id)
);
INSERT INTO families (id, organisation_id, label, notes, created_at, updated_at, version)
    SELECT id, organisation_id, label, notes, created_at, updated_at, version FROM old_families;
CREATE INDEX families_organisation ON families (organisation_id, label);

CREATE TABLE persons (
    id TEXT PRIMARY KEY NOT NULL,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    family_id TEXT,
    given_name TEXT NOT NULL,
    family_name TEXT NOT NULL,
    sex TEXT NOT NULL CHECK (sex IN ('female', 'male', 'unknown')),
    birth_earliest DATE,
    birth_latest DATE,
    place_of_birth TEXT NOT NULL DEFAULT '',
    left_home_earliest DATE,
    left_home_latest DATE,
    left_home_age INTEGER,
    date_of_death DATE,
    notes TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (id, organisation_id),
    FOREIGN KEY (family_id, organisation_id) REFERENCES families (id, organisation_id),
    CHECK ((birth_earliest IS NULL) = (birth_latest IS NULL) AND birth_earliest <= birth_latest),
    CHECK ((left_home_earliest IS NULL) = (left_home_latest IS NULL) AND left_home_earliest <= left_home_latest)
);
INSERT INTO persons (id, organisation_id, family_id, given_name, family_name, sex, birth_earliest, birth_latest,
        place_of_birth, left_home_earliest, left_home_latest, left_home_age, date_of_death, notes, created_at,
        updated_at, version)
    SELECT id, organisation_id, family_id, given_name, family_name, sex, birth_earliest, birth_latest,
        place_of_birth,
        CASE
            WHEN left_home IS NULL THEN NULL
            WHEN instr(left_home, '~') > 0 THEN printf('%04d-01-01',
                CAST(substr(left_home, 1, 4) AS INTEGER) - CAST(substr(left_home, 6) AS INTEGER))
            WHEN length(left_home) = 4 THEN left_home || '-01-01'
            WHEN length(left_home) = 7 THEN left_home || '-01'
            ELSE left_home
        END,
        CASE
            WHEN left_home IS NULL THEN NULL
            WHEN instr(left_home, '~') > 0 THEN printf('%04d-12-31',
                CAST(substr(left_home, 1, 4) AS INTEGER) + CAST(substr(left_home, 6) AS INTEGER))
            WHEN length(left_home) = 4 THEN left_home || '-12-31'
            WHEN length(left_home) = 7 THEN date(left_home || '-01', '+1 month', '-1 day')
            ELSE left_home
        END,
        left_home_age, date_of_death, notes, created_at, updated_at, version
    FROM old_persons;
CREATE INDEX persons_organisation ON persons (organisation_id, family_name, given_name);
CREATE INDEX persons_family ON persons (family_id);

-- Derived from the person's names, claims and custody events; written only by the refresh that
-- ends every write transaction.
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
    SELECT id, organisation_id, search_key, stateless, at_risk, custody_status, current_facility_id FROM old_persons;
CREATE INDEX person_derived_facility ON person_derived (organisation_id, current_facility_id);

CREATE TABLE person_flags (
    person_id TEXT NOT NULL,
    organisation_id TEXT NOT NULL,
    flag TEXT NOT NULL CHECK (flag IN ('unaccompanied_minor', 'orphan', 'medical_need', 'disability')),
    PRIMARY KEY (person_id, flag),
    FOREIGN KEY (person_id, organisation_id) REFERENCES persons (id, organisation_id)
);
INSERT INTO person_flags (person_id, organisation_id, flag)
    SELECT id, organisation_id, 'unaccompanied_minor' FROM old_persons WHERE unaccompanied_minor;
INSERT INTO person_flags (person_id, organisation_id, flag)
    SELECT id, organisation_id, 'orphan' FROM old_persons WHERE orphan;
INSERT INTO person_flags (person_id, organisation_id, flag)
    SELECT id, organisation_id, 'medical_need' FROM old_persons WHERE medical_need;
INSERT INTO person_flags (person_id, organisation_id, flag)
    SELECT id, organisation_id, 'disability' FROM old_persons WHERE disability;
CREATE INDEX person_flags_flag ON person_flags (organisation_id, flag);

-- A person's wishes over time: the latest row is the wish now.
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
-- The first wish row of an existing person takes the person's id (one row each).
INSERT INTO person_wishes (id, person_id, organisation_id, wish, recorded_on, recorded_at, actor_id)
    SELECT id, id, organisation_id, wish, wish_recorded_on, updated_at, NULL FROM old_persons
    WHERE wish <> 'not_asked' OR wish_recorded_on IS NOT NULL;
CREATE INDEX person_wishes_person ON person_wishes (person_id, recorded_at);

CREATE TABLE person_names (
    id TEXT PRIMARY KEY NOT NULL,
    person_id TEXT NOT NULL,
    organisation_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('alias', 'nom_de_guerre', 'kunya', 'spelling', 'other_script', 'birth_name')),
    script TEXT NOT NULL CHECK (script IN ('latin', 'arabic', 'cyrillic', 'other')),
    name TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    FOREIGN KEY (person_id, organisation_id) REFERENCES persons (id, organisation_id)
);
INSERT INTO person_names (id, person_id, organisation_id, kind, script, name, created_at)
    SELECT n.id, n.person_id, p.organisation_id, n.kind, n.script, n.name, n.created_at
    FROM old_person_names n JOIN old_persons p ON p.id = n.person_id;
CREATE INDEX person_names_person ON person_names (person_id);

CREATE TABLE kinships (
    id TEXT PRIMARY KEY NOT NULL,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    person_id TEXT NOT NULL,
    relative_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('parent_of', 'spouse_of', 'sibling_of', 'guardian_of')),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (person_id, relative_id, kind),
    CHECK (person_id <> relative_id),
    FOREIGN KEY (person_id, organisation_id) REFERENCES persons (id, organisation_id),
    FOREIGN KEY (relative_id, organisation_id) REFERENCES persons (id, organisation_id)
);
INSERT INTO kinships (id, organisation_id, person_id, relative_id, kind, created_at)
    SELECT id, organisation_id, person_id, relative_id, kind, created_at FROM old_kinships;
CREATE INDEX kinships_relative ON kinships (relative_id);

CREATE TABLE nationality_claims (
    id TEXT PRIMARY KEY NOT NULL,
    person_id TEXT NOT NULL,
    organisation_id TEXT NOT NULL,
    country_code TEXT NOT NULL REFERENCES countries (code),
    status TEXT NOT NULL CHECK (status IN ('claimed', 'unverified', 'verified', 'denied', 'revoked')),
    basis TEXT NOT NULL CHECK (basis IN ('birth', 'descent', 'marriage', 'naturalisation', 'unknown')),
    decision_earliest DATE,
    decision_latest DATE,
    legal_note TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (person_id, country_code),
    FOREIGN KEY (person_id, organisation_id) REFERENCES persons (id, organisation_id),
    CHECK ((decision_earliest IS NULL) = (decision_latest IS NULL) AND decision_earliest <= decision_latest)
);
INSERT INTO nationality_claims (id, person_id, organisation_id, country_code, status, basis, decision_earliest,
        decision_latest, legal_note, source, created_at, updated_at, version)
    SELECT c.id, c.person_id, p.organisation_id, c.country_code, c.status, c.basis, c.decision_date, c.decision_date,
        c.legal_note, c.source, c.created_at, c.updated_at, c.version
    FROM old_nationality_claims c JOIN old_persons p ON p.id = c.person_id;
CREATE INDEX nationality_claims_country ON nationality_claims (country_code, status);

CREATE TABLE custody_events (
    id TEXT PRIMARY KEY NOT NULL,
    person_id TEXT NOT NULL,
    organisation_id TEXT NOT NULL,
    kind TEXT NOT NULL
        CHECK (kind IN ('admitted', 'transferred', 'escaped', 'recaptured', 'released', 'repatriated', 'died')),
    facility_id TEXT REFERENCES facilities (id),
    event_earliest DATE NOT NULL,
    event_latest DATE NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    FOREIGN KEY (person_id, organisation_id) REFERENCES persons (id, organisation_id),
    CHECK (event_earliest <= event_latest)
);
INSERT INTO custody_events (id, person_id, organisation_id, kind, facility_id, event_earliest, event_latest, note,
        created_at)
    SELECT e.id, e.person_id, p.organisation_id, e.kind, e.facility_id, e.event_earliest,
        CASE
            WHEN e.event_day IS NOT NULL THEN e.event_earliest
            WHEN e.event_month IS NOT NULL THEN date(e.event_earliest, '+1 month', '-1 day')
            ELSE printf('%04d-12-31', e.event_year + e.event_margin)
        END,
        e.note, e.created_at
    FROM old_custody_events e JOIN old_persons p ON p.id = e.person_id;
CREATE INDEX custody_events_person ON custody_events (person_id);
CREATE INDEX custody_events_facility ON custody_events (facility_id, event_earliest);

CREATE TABLE eligibility_results (
    person_id TEXT NOT NULL,
    country_code TEXT NOT NULL,
    organisation_id TEXT NOT NULL,
    outcome TEXT NOT NULL,
    uncertain BOOLEAN NOT NULL DEFAULT FALSE,
    policy_version_id TEXT,
    changes_on DATE,
    changes_to TEXT,
    change_reason TEXT CHECK (change_reason IN ('age', 'policy')),
    result TEXT NOT NULL,
    evaluated_on DATE NOT NULL,
    evaluated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (person_id, country_code),
    FOREIGN KEY (person_id, organisation_id) REFERENCES persons (id, organisation_id)
);
-- Stored results are derived: the next re-evaluation writes them again in the new form.
CREATE INDEX eligibility_results_watch ON eligibility_results (organisation_id, change_reason, changes_on);

DROP TABLE old_eligibility_results;
DROP TABLE old_custody_events;
DROP TABLE old_nationality_claims;
DROP TABLE old_kinships;
DROP TABLE old_person_names;
DROP TABLE old_persons;
DROP TABLE old_families;

-- Policies are shared by every organisation of a deployment: changing them is a grant of its
-- own, given by the operator (CLI) or by an existing steward, never by an organisation's admin
-- role alone.
CREATE TABLE policy_stewards (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users (id),
    granted_by TEXT,
    granted_at TIMESTAMP NOT NULL
);

-- Work over everyone, queued. dedupe_key makes "re-evaluate today" run once, whoever asks.
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
