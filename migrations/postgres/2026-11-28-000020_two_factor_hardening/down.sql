ALTER TABLE totp_secrets DROP COLUMN failures;
ALTER TABLE totp_secrets DROP COLUMN enrolling_session;
