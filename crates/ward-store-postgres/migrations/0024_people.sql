-- People: training requirements the national team added or changed (the built-in ones live in
-- ward-core), each organisation's training record (people by their own reference and role, each
-- person's latest completion of each course), board members accountable for cyber security, and
-- the small care provider questionnaire's answers kept with their assessment. Times are UTC
-- microseconds; dates are dates.

CREATE TABLE training_requirements (
    role       text NOT NULL,
    course     text NOT NULL,
    title      text NOT NULL,
    active     boolean NOT NULL,
    updated_at bigint NOT NULL,
    PRIMARY KEY (role, course)
);

CREATE TABLE training_people (
    org_id     uuid NOT NULL REFERENCES organisations (id) DEFERRABLE,
    person_ref text NOT NULL,
    role       text NOT NULL,
    PRIMARY KEY (org_id, person_ref, role)
);

CREATE TABLE training_completions (
    org_id       uuid NOT NULL REFERENCES organisations (id) DEFERRABLE,
    person_ref   text NOT NULL,
    course       text NOT NULL,
    completed_on date NOT NULL,
    PRIMARY KEY (org_id, person_ref, course)
);

CREATE TABLE board_members (
    id         uuid PRIMARY KEY,
    org_id     uuid NOT NULL REFERENCES organisations (id) DEFERRABLE,
    name       text NOT NULL,
    board_role text NOT NULL,
    added_at   bigint NOT NULL
);
CREATE INDEX board_members_org ON board_members (org_id);

CREATE TABLE questionnaires (
    assessment_id uuid PRIMARY KEY REFERENCES assessments (id) DEFERRABLE,
    org_id        uuid NOT NULL REFERENCES organisations (id) DEFERRABLE,
    started_at    bigint NOT NULL
);

CREATE TABLE questionnaire_answers (
    assessment_id uuid NOT NULL REFERENCES questionnaires (assessment_id) DEFERRABLE,
    question      text NOT NULL,
    answer        text NOT NULL,
    answered_by   uuid NOT NULL REFERENCES users (id) DEFERRABLE,
    answered_at   bigint NOT NULL,
    PRIMARY KEY (assessment_id, question)
);
