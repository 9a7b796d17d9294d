-- Two-factor sign-in (issue 12): a TOTP secret per account (RFC 6238), enrolled and confirmed
-- with a first code, and ten single-use recovery codes stored only as keyed hashes.
-- `last_step` is the time step of the last code accepted: a code is never accepted twice.
CREATE TABLE totp_secrets (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    secret TEXT NOT NULL,
    confirmed_at TIMESTAMP NULL,
    last_step BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL
);
CREATE TABLE recovery_codes (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at TIMESTAMP NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX recovery_codes_user ON recovery_codes (user_id);
-- A session opened by a password alone waits for its second factor: `code` (enter a code) or
-- `enrol` (the role requires two-factor sign-in and the account has none yet); `done` is a
-- full session. Only a full session reaches anything beyond the two-factor pages.
ALTER TABLE sessions ADD COLUMN second_factor TEXT NOT NULL DEFAULT 'done';
