-- Devices that signed in to an account before (issue 12): a sign-in with the right password
-- from such a device is not locked out by failures someone else caused for the account or from
-- the same address (a camp office behind one NAT). Only a keyed hash of the device cookie's
-- random token is stored, never the token. A device unused for a year is forgotten.
CREATE TABLE known_devices (
    device_key TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP NOT NULL
);
CREATE INDEX known_devices_user ON known_devices (user_id);
