-- Improvement plans: the actions an organisation below its minimum standard commits to (each
-- addressing one or more outcomes, as a JSON array of outcome codes kept as text), and the
-- approval of the plan by a regional or national role (never the organisation itself).

CREATE TABLE improvement_actions (
    id            TEXT PRIMARY KEY NOT NULL,
    assessment_id TEXT NOT NULL REFERENCES assessments (id),
    org_id        TEXT NOT NULL REFERENCES organisations (id),
    title         TEXT NOT NULL,
    owner         TEXT NOT NULL,
    due           TEXT NOT NULL,
    outcomes      TEXT NOT NULL,
    status        TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX improvement_actions_assessment ON improvement_actions (assessment_id);

CREATE TABLE improvement_approvals (
    assessment_id TEXT PRIMARY KEY NOT NULL REFERENCES assessments (id),
    org_id        TEXT NOT NULL REFERENCES organisations (id),
    approver_org  TEXT NOT NULL REFERENCES organisations (id),
    approved_by   TEXT REFERENCES users (id),
    approved_at   INTEGER NOT NULL,
    CHECK (approver_org <> org_id)
);
