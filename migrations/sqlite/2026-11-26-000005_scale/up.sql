-- Scale (issue 9): a name-search index, indexes for every foreign key and list filter, and
-- covering indexes for the paths that read a person's facts (whereabouts, claimants, kin).

-- Name search: an FTS5 trigram index over person_derived.search_key, contentless (it keeps only
-- the index, not a second copy of the keys) with deletes. Its rowid is person_derived.search_id,
-- an explicit integer column, because a table's implicit rowid may change on VACUUM. The key is
-- indexed with a leading space so that " al" finds a word that starts with "al" (queries of two
-- letters); three letters or more match anywhere, like the LIKE it replaces.
ALTER TABLE person_derived ADD COLUMN search_id INTEGER;
UPDATE person_derived SET search_id = rowid;
CREATE UNIQUE INDEX person_derived_search ON person_derived (search_id);
CREATE VIRTUAL TABLE person_search USING fts5(
    search_key, content = '', contentless_delete = 1, tokenize = 'trigram'
);
INSERT INTO person_search (rowid, search_key) SELECT search_id, ' ' || search_key FROM person_derived;

CREATE TRIGGER person_search_insert AFTER INSERT ON person_derived BEGIN
    UPDATE person_derived
        SET search_id = (SELECT COALESCE(MAX(search_id), 0) + 1 FROM person_derived)
        WHERE person_id = new.person_id AND search_id IS NULL;
    INSERT INTO person_search (rowid, search_key)
        SELECT search_id, ' ' || search_key FROM person_derived WHERE person_id = new.person_id;
END;
CREATE TRIGGER person_search_update AFTER UPDATE OF search_key ON person_derived
    WHEN new.search_key IS NOT old.search_key BEGIN
    DELETE FROM person_search WHERE rowid = old.search_id;
    INSERT INTO person_search (rowid, search_key) VALUES (new.search_id, ' ' || new.search_key);
END;
CREATE TRIGGER person_search_delete AFTER DELETE ON person_derived BEGIN
    DELETE FROM person_search WHERE rowid = old.search_id;
END;

-- Foreign keys without an index (tests/api/foreign_keys.rs keeps it so).
CREATE INDEX facilities_country ON facilities (country_code);
CREATE INDEX kinships_organisation ON kinships (organisation_id);
-- The facility filter of the lists, and the foreign key to facilities.
DROP INDEX person_derived_facility;
CREATE INDEX person_derived_facility ON person_derived (current_facility_id, organisation_id);

-- A person's custody in the order whereabouts reads it, without touching the table.
DROP INDEX custody_events_person;
CREATE INDEX custody_events_person ON custody_events (person_id, event_earliest, created_at, id);
-- Who was at a facility: candidates by facility and day, with the person.
DROP INDEX custody_events_facility;
CREATE INDEX custody_events_facility ON custody_events (facility_id, event_earliest, person_id);
-- Claimants of a country in an organisation, in person order (the nationality filter, and the
-- simulation walking them in chunks), with the status to check without the table.
DROP INDEX nationality_claims_country;
CREATE INDEX nationality_claims_country ON nationality_claims (country_code, organisation_id, person_id, status);
-- A person's relatives seen from the other end.
DROP INDEX kinships_relative;
CREATE INDEX kinships_relative ON kinships (relative_id, kind, person_id);

-- The lists' order (name or label, then id), so that a page is read in order and stops early.
DROP INDEX persons_organisation;
CREATE INDEX persons_organisation ON persons (organisation_id, family_name, given_name, id);
DROP INDEX families_organisation;
CREATE INDEX families_organisation ON families (organisation_id, label, id);
