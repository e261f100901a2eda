-- Assessments: an organisation's answers to one framework version for one year, interim or final,
-- with outcome notes (an override of the derived status with its justification, an owner).
CREATE TABLE assessments (
    id         TEXT PRIMARY KEY NOT NULL,
    org_id     TEXT NOT NULL REFERENCES organisations (id),
    framework  TEXT NOT NULL,
    version    TEXT NOT NULL,
    year       INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    status     TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    FOREIGN KEY (framework, version) REFERENCES frameworks (id, version),
    UNIQUE (org_id, framework, version, year, kind)
);
CREATE INDEX assessments_org ON assessments (org_id);

-- value: 1 true, 0 false, NULL not answered (a comment or evidence kept without an answer).
-- evidence: a JSON array of links, as text.
CREATE TABLE assessment_answers (
    assessment_id TEXT NOT NULL REFERENCES assessments (id),
    indicator     TEXT NOT NULL,
    value         INTEGER,
    comment       TEXT NOT NULL,
    evidence      TEXT NOT NULL,
    answered_at   INTEGER NOT NULL,
    PRIMARY KEY (assessment_id, indicator)
);

CREATE TABLE assessment_outcomes (
    assessment_id   TEXT NOT NULL REFERENCES assessments (id),
    outcome         TEXT NOT NULL,
    override_status TEXT,
    justification   TEXT,
    owner           TEXT,
    PRIMARY KEY (assessment_id, outcome)
);
