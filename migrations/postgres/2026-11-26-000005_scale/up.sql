-- Scale (issue 9): a name-search index, indexes for every foreign key and list filter, and
-- covering indexes for the paths that read a person's facts (whereabouts, claimants, kin).

-- Name search: a pg_trgm GIN index over the folded names with a leading space, so that
-- LIKE '% al%' finds a word that starts with "al" (queries of two letters) and LIKE '%fatima%'
-- matches anywhere, both from the index. pg_trgm is a trusted extension: the database owner
-- may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX person_derived_search ON person_derived USING gin ((' ' || search_key) gin_trgm_ops);

-- Foreign keys without an index (tests/api/foreign_keys.rs keeps it so).
CREATE INDEX facilities_country ON facilities (country_code);
CREATE INDEX kinships_organisation ON kinships (organisation_id);
DROP INDEX person_derived_facility;
CREATE INDEX person_derived_facility ON person_derived (current_facility_id, organisation_id);

-- A person's custody in the order whereabouts reads it, without touching the table.
DROP INDEX custody_events_person;
CREATE INDEX custody_events_person ON custody_events (person_id, event_earliest, created_at, id);
DROP INDEX custody_events_facility;
CREATE INDEX custody_events_facility ON custody_events (facility_id, event_earliest, person_id);
DROP INDEX nationality_claims_country;
CREATE INDEX nationality_claims_country ON nationality_claims (country_code, organisation_id, person_id, status);
DROP INDEX kinships_relative;
CREATE INDEX kinships_relative ON kinships (relative_id, kind, person_id);

-- The lists' order (name or label, then id), so that a page is read in order and stops early.
DROP INDEX persons_organisation;
CREATE INDEX persons_organisation ON persons (organisation_id, family_name, given_name, id);
DROP INDEX families_organisation;
CREATE INDEX families_organisation ON families (organisation_id, label, id);
