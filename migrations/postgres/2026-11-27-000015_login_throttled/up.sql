-- Sign-in attempts refused by the throttle, counted per throttled key (account or client
-- address, hashed as in login_failures) and window (issue 12): such an attempt is neither
-- hashed nor recorded as a failure (it would lengthen the lock-out), and only the first of a
-- window is audited, so a flood adds one audit event per window instead of one per attempt
-- (34,958 audit rows in 20 s before).
CREATE TABLE login_throttled (
    throttled_key TEXT PRIMARY KEY NOT NULL,
    window_start TIMESTAMP NOT NULL,
    attempts BIGINT NOT NULL
);
