-- Registry: facilities and who controls them, families, persons and their names, kinship,
-- nationality claims, custody events, and the field-level change history of records.
-- Partial dates are stored as year/month/day/margin columns plus the range of days they
-- stand for (earliest/latest), which the age filters query.

CREATE TABLE facilities (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('camp', 'prison', 'rehabilitation_centre', 'other')),
    country_code TEXT NOT NULL REFERENCES countries (code),
    notes TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE facility_authorities (
    id TEXT PRIMARY KEY NOT NULL,
    facility_id TEXT NOT NULL REFERENCES facilities (id),
    authority TEXT NOT NULL,
    from_date DATE NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    UNIQUE (facility_id, from_date)
);

CREATE TABLE families (
    id TEXT PRIMARY KEY NOT NULL,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    label TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX families_organisation ON families (organisation_id, label);

CREATE TABLE persons (
    id TEXT PRIMARY KEY NOT NULL,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    family_id TEXT REFERENCES families (id),
    given_name TEXT NOT NULL,
    family_name TEXT NOT NULL,
    sex TEXT NOT NULL CHECK (sex IN ('female', 'male', 'unknown')),
    birth_year INTEGER,
    birth_month INTEGER,
    birth_day INTEGER,
    birth_margin INTEGER NOT NULL DEFAULT 0,
    birth_earliest DATE,
    birth_latest DATE,
    place_of_birth TEXT NOT NULL DEFAULT '',
    -- When they left home, as a partial date: YYYY, YYYY-MM, YYYY-MM-DD or YYYY~margin.
    left_home TEXT,
    left_home_age INTEGER,
    wish TEXT NOT NULL DEFAULT 'not_asked',
    wish_recorded_on DATE,
    unaccompanied_minor BOOLEAN NOT NULL DEFAULT FALSE,
    orphan BOOLEAN NOT NULL DEFAULT FALSE,
    medical_need BOOLEAN NOT NULL DEFAULT FALSE,
    disability BOOLEAN NOT NULL DEFAULT FALSE,
    date_of_death DATE,
    notes TEXT NOT NULL DEFAULT '',
    -- Derived, kept in the same transaction as what they derive from (for filters and lists):
    search_key TEXT NOT NULL DEFAULT '',
    stateless BOOLEAN NOT NULL DEFAULT TRUE,
    at_risk BOOLEAN NOT NULL DEFAULT TRUE,
    custody_status TEXT NOT NULL DEFAULT 'unknown',
    current_facility_id TEXT REFERENCES facilities (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX persons_organisation ON persons (organisation_id, family_name, given_name);
CREATE INDEX persons_family ON persons (family_id);

CREATE TABLE person_names (
    id TEXT PRIMARY KEY NOT NULL,
    person_id TEXT NOT NULL REFERENCES persons (id),
    kind TEXT NOT NULL,
    script TEXT NOT NULL,
    name TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX person_names_person ON person_names (person_id);

CREATE TABLE kinships (
    id TEXT PRIMARY KEY NOT NULL,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    person_id TEXT NOT NULL REFERENCES persons (id),
    relative_id TEXT NOT NULL REFERENCES persons (id),
    kind TEXT NOT NULL CHECK (kind IN ('parent_of', 'spouse_of', 'sibling_of', 'guardian_of')),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (person_id, relative_id, kind)
);
CREATE INDEX kinships_relative ON kinships (relative_id);

CREATE TABLE nationality_claims (
    id TEXT PRIMARY KEY NOT NULL,
    person_id TEXT NOT NULL REFERENCES persons (id),
    country_code TEXT NOT NULL REFERENCES countries (code),
    status TEXT NOT NULL CHECK (status IN ('claimed', 'unverified', 'verified', 'denied', 'revoked')),
    basis TEXT NOT NULL,
    decision_date DATE,
    legal_note TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (person_id, country_code)
);
CREATE INDEX nationality_claims_country ON nationality_claims (country_code, status);

CREATE TABLE custody_events (
    id TEXT PRIMARY KEY NOT NULL,
    person_id TEXT NOT NULL REFERENCES persons (id),
    kind TEXT NOT NULL,
    facility_id TEXT REFERENCES facilities (id),
    event_year INTEGER NOT NULL,
    event_month INTEGER,
    event_day INTEGER,
    event_margin INTEGER NOT NULL DEFAULT 0,
    event_earliest DATE NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX custody_events_person ON custody_events (person_id);
CREATE INDEX custody_events_facility ON custody_events (facility_id, event_earliest);

CREATE TABLE record_changes (
    id TEXT PRIMARY KEY NOT NULL,
    organisation_id TEXT NOT NULL,
    family_id TEXT,
    entity_type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    field TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT,
    actor_id TEXT,
    request_id TEXT NOT NULL,
    changed_at TIMESTAMP NOT NULL
);
CREATE INDEX record_changes_entity ON record_changes (entity_type, entity_id, changed_at);
CREATE INDEX record_changes_family ON record_changes (family_id, changed_at);
