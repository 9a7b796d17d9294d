-- A family's members' search keys, read from one index (issue 11, search at 500,000 persons): a
-- name search too broad to group (a fragment such as "umm", 47,000 matches) pages families in
-- label order and checks each through its members; through persons and then each member's
-- derived row that took two lookups per member (41 ms for a page), from this index one per
-- family (3 ms with the connection's page cache).
CREATE INDEX person_derived_family ON person_derived (family_id, organisation_id, search_key);
