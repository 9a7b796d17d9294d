-- Retries that never duplicate (issue 12): a write sent with an `Idempotency-Key` (the API) or
-- a form's one-time token (the pages) is claimed here before it runs, and its answer kept, so a
-- retry over an intermittent link gets the first answer again instead of a second family. The
-- key belongs to the user who sent it. `audit_seq` is the audit chain's head when the claim was
-- made: if the server stopped while the request ran, the events written since by its request id
-- tell whether it was carried out. Rows are kept a day; the answer may hold personal data.
CREATE TABLE idempotency_keys (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    idem_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    request_id TEXT NOT NULL,
    audit_seq BIGINT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('running', 'done')),
    status INTEGER,
    headers TEXT,
    body BYTEA,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, idem_key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
