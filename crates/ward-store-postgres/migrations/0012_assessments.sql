-- Assessments: an organisation's answers to one framework version for one year, interim or final,
-- with outcome notes (an override of the derived status with its justification, an owner).
CREATE TABLE assessments (
    id         uuid PRIMARY KEY,
    org_id     uuid NOT NULL REFERENCES organisations (id) DEFERRABLE,
    framework  text NOT NULL,
    version    text NOT NULL,
    year       bigint NOT NULL,
    kind       text NOT NULL,
    status     text NOT NULL,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL,
    FOREIGN KEY (framework, version) REFERENCES frameworks (id, version) DEFERRABLE,
    UNIQUE (org_id, framework, version, year, kind)
);
CREATE INDEX assessments_org ON assessments (org_id);

-- value: 1 true, 0 false, NULL not answered (a comment or evidence kept without an answer).
-- evidence: a JSON array of links, as text.
CREATE TABLE assessment_answers (
    assessment_id uuid NOT NULL REFERENCES assessments (id) DEFERRABLE,
    indicator     text NOT NULL,
    value         bigint,
    comment       text NOT NULL,
    evidence      text NOT NULL,
    answered_at   bigint NOT NULL,
    PRIMARY KEY (assessment_id, indicator)
);

CREATE TABLE assessment_outcomes (
    assessment_id   uuid NOT NULL REFERENCES assessments (id) DEFERRABLE,
    outcome         text NOT NULL,
    override_status text,
    justification   text,
    owner           text,
    PRIMARY KEY (assessment_id, outcome)
);
