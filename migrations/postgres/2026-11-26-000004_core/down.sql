-- Irreversible: the old shape encoded dates in text and cannot hold what this one holds.
-- Restore a backup taken before the upgrade instead. This statement fails on purpose.
DO $$ BEGIN RAISE EXCEPTION 'migration 2026-11-26-000004_core cannot be reverted: restore a backup'; END $$;
