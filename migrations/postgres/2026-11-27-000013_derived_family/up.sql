-- The family of each person beside its search key (issue 11, search at 500,000 persons): a name
-- search groups its matches by family from person_derived alone, instead of reading each
-- match's row in persons (8,800 random reads for a common name: most of the request's time).
--
-- Written with the other derived columns (services::derived, the import's and the synthesis's
-- bulk writers); the trigger keeps it when a person's family changes by any other path. No
-- foreign key: a derived copy, and one would make deleting a family read every row here.
ALTER TABLE person_derived ADD COLUMN family_id TEXT;

UPDATE person_derived d SET family_id = p.family_id FROM persons p WHERE p.id = d.person_id;

CREATE FUNCTION persons_family_derived() RETURNS trigger AS $$
BEGIN
    UPDATE person_derived SET family_id = NEW.family_id WHERE person_id = NEW.id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER persons_family_derived AFTER UPDATE OF family_id ON persons
    FOR EACH ROW WHEN (OLD.family_id IS DISTINCT FROM NEW.family_id)
    EXECUTE FUNCTION persons_family_derived();
