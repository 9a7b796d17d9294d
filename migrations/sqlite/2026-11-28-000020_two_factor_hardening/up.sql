-- Two-factor sign-in, hardened after review (issue 12): an enrolment belongs to the session
-- that began it (another session of the account can neither see its secret nor confirm it),
-- and wrong codes are counted without a window: after 50 in a row the second factor is locked
-- until an admin resets it (the 15-minute throttle alone would let a patient attacker with the
-- password try about a thousand codes a day).
ALTER TABLE totp_secrets ADD COLUMN enrolling_session TEXT NULL;
ALTER TABLE totp_secrets ADD COLUMN failures BIGINT NOT NULL DEFAULT 0;
