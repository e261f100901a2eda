-- People: training requirements the national team added or changed (the built-in ones live in
-- ward-core), each organisation's training record (people by their own reference and role, each
-- person's latest completion of each course), board members accountable for cyber security, and
-- the small care provider questionnaire's answers kept with their assessment. Times are UTC
-- microseconds; dates are YYYY-MM-DD text; booleans 0/1.

CREATE TABLE training_requirements (
    role       TEXT NOT NULL,
    course     TEXT NOT NULL,
    title      TEXT NOT NULL,
    active     INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (role, course)
);

CREATE TABLE training_people (
    org_id     TEXT NOT NULL REFERENCES organisations (id),
    person_ref TEXT NOT NULL,
    role       TEXT NOT NULL,
    PRIMARY KEY (org_id, person_ref, role)
);

CREATE TABLE training_completions (
    org_id       TEXT NOT NULL REFERENCES organisations (id),
    person_ref   TEXT NOT NULL,
    course       TEXT NOT NULL,
    completed_on TEXT NOT NULL,
    PRIMARY KEY (org_id, person_ref, course)
);

CREATE TABLE board_members (
    id         TEXT PRIMARY KEY NOT NULL,
    org_id     TEXT NOT NULL REFERENCES organisations (id),
    name       TEXT NOT NULL,
    board_role TEXT NOT NULL,
    added_at   INTEGER NOT NULL
);
CREATE INDEX board_members_org ON board_members (org_id);

CREATE TABLE questionnaires (
    assessment_id TEXT PRIMARY KEY NOT NULL REFERENCES assessments (id),
    org_id        TEXT NOT NULL REFERENCES organisations (id),
    started_at    INTEGER NOT NULL
);

CREATE TABLE questionnaire_answers (
    assessment_id TEXT NOT NULL REFERENCES questionnaires (assessment_id),
    question      TEXT NOT NULL,
    answer        TEXT NOT NULL,
    answered_by   TEXT NOT NULL REFERENCES users (id),
    answered_at   INTEGER NOT NULL,
    PRIMARY KEY (assessment_id, question)
);
