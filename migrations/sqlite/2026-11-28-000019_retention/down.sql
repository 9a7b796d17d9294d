DELETE FROM jobs WHERE kind = 'retention';
ALTER TABLE families DROP COLUMN pseudonymised_at;
