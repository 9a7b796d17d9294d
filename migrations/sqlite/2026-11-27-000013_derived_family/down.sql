DROP INDEX person_derived_search_cover;
DROP TRIGGER persons_family_derived;
ALTER TABLE person_derived DROP COLUMN family_id;
