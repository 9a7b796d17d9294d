DROP TRIGGER persons_family_derived ON persons;
DROP FUNCTION persons_family_derived();
ALTER TABLE person_derived DROP COLUMN family_id;
