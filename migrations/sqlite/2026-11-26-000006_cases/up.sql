-- Cases: the repatriation of a family, or some of its members, towards one destination.
-- Every row carries its organisation, and composite foreign keys keep it the family's,
-- the person's and the assignee's own.

CREATE UNIQUE INDEX users_id_organisation ON users (id, organisation_id);

CREATE TABLE cases (
    id TEXT PRIMARY KEY NOT NULL,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    family_id TEXT NOT NULL,
    destination TEXT NOT NULL REFERENCES countries (code),
    status TEXT NOT NULL CHECK (status IN ('intake', 'documentation', 'verification', 'ready_for_submission',
        'submitted', 'accepted', 'rejected', 'handover_scheduled', 'repatriated', 'on_hold', 'withdrawn', 'closed')),
    -- The status a held case resumes at.
    held_from TEXT CHECK (held_from IS NULL OR held_from IN ('intake', 'documentation', 'verification',
        'ready_for_submission', 'submitted', 'accepted', 'rejected')),
    -- The hold or closure reason code of the current status.
    status_reason TEXT,
    status_since TIMESTAMP NOT NULL,
    assignee_id TEXT,
    opened_on DATE NOT NULL,
    next_action TEXT NOT NULL DEFAULT '',
    next_action_due DATE,
    handover_on DATE,
    submitted_on DATE,
    -- A coordinator's reason to submit although a member wishes to stay (audited).
    wish_override TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (id, organisation_id),
    FOREIGN KEY (family_id, organisation_id) REFERENCES families (id, organisation_id),
    FOREIGN KEY (assignee_id, organisation_id) REFERENCES users (id, organisation_id)
);
CREATE INDEX cases_organisation ON cases (organisation_id, destination, status);
CREATE INDEX cases_family ON cases (family_id, organisation_id);
CREATE INDEX cases_destination ON cases (destination, status);
CREATE INDEX cases_assignee ON cases (assignee_id, next_action_due);
CREATE INDEX cases_due ON cases (organisation_id, next_action_due);

CREATE TABLE case_members (
    case_id TEXT NOT NULL,
    person_id TEXT NOT NULL,
    organisation_id TEXT NOT NULL,
    -- Copied from the case so that one open case per person and destination is a unique index.
    destination TEXT NOT NULL,
    is_open BOOLEAN NOT NULL,
    -- The member's eligibility under the destination's policy when the case was submitted.
    submitted_outcome TEXT CHECK (submitted_outcome IS NULL OR submitted_outcome IN
        ('eligible', 'eligible_with_conditions', 'case_by_case', 'not_eligible', 'no_route')),
    submitted_policy_version_id TEXT REFERENCES policy_versions (id),
    added_at TIMESTAMP NOT NULL,
    PRIMARY KEY (case_id, person_id),
    FOREIGN KEY (case_id, organisation_id) REFERENCES cases (id, organisation_id),
    FOREIGN KEY (person_id, organisation_id) REFERENCES persons (id, organisation_id)
);
CREATE UNIQUE INDEX case_members_one_open ON case_members (person_id, destination) WHERE is_open;
CREATE INDEX case_members_person ON case_members (person_id, organisation_id);
CREATE INDEX case_members_policy ON case_members (submitted_policy_version_id);

-- The case timeline: who, when, from, to, note. Append-only.
CREATE TABLE case_events (
    id TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL,
    organisation_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('opened', 'transition', 'assigned', 'consent', 'wish_override', 'next_action')),
    from_status TEXT,
    to_status TEXT,
    reason TEXT,
    note TEXT NOT NULL DEFAULT '',
    on_date DATE,
    actor_id TEXT REFERENCES users (id),
    at TIMESTAMP NOT NULL,
    FOREIGN KEY (case_id, organisation_id) REFERENCES cases (id, organisation_id)
);
CREATE INDEX case_events_case ON case_events (case_id, organisation_id, at);
CREATE INDEX case_events_actor ON case_events (actor_id);

-- Each member's consent; the latest row per member counts (a withdrawal is a new row).
CREATE TABLE case_consents (
    id TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL,
    person_id TEXT NOT NULL,
    organisation_id TEXT NOT NULL,
    given_by TEXT NOT NULL CHECK (given_by IN ('person', 'parent', 'guardian')),
    given_by_name TEXT NOT NULL DEFAULT '',
    given_on DATE NOT NULL,
    to_case BOOLEAN NOT NULL,
    to_sharing BOOLEAN NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    actor_id TEXT REFERENCES users (id),
    FOREIGN KEY (case_id, person_id) REFERENCES case_members (case_id, person_id),
    FOREIGN KEY (case_id, organisation_id) REFERENCES cases (id, organisation_id)
);
CREATE INDEX case_consents_member ON case_consents (case_id, person_id, recorded_at);
CREATE INDEX case_consents_actor ON case_consents (actor_id);
