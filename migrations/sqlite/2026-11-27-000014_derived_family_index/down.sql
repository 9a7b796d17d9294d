DROP INDEX person_derived_family;
