-- Improvement plans: the actions an organisation below its minimum standard commits to (each
-- addressing one or more outcomes, as a JSON array of outcome codes kept as text), and the
-- approval of the plan by a regional or national role (never the organisation itself).

CREATE TABLE improvement_actions (
    id            uuid PRIMARY KEY,
    assessment_id uuid NOT NULL REFERENCES assessments (id) DEFERRABLE,
    org_id        uuid NOT NULL REFERENCES organisations (id) DEFERRABLE,
    title         text NOT NULL,
    owner         text NOT NULL,
    due           date NOT NULL,
    outcomes      text NOT NULL,
    status        text NOT NULL,
    created_at    bigint NOT NULL,
    updated_at    bigint NOT NULL
);
CREATE INDEX improvement_actions_assessment ON improvement_actions (assessment_id);

CREATE TABLE improvement_approvals (
    assessment_id uuid PRIMARY KEY REFERENCES assessments (id) DEFERRABLE,
    org_id        uuid NOT NULL REFERENCES organisations (id) DEFERRABLE,
    approver_org  uuid NOT NULL REFERENCES organisations (id) DEFERRABLE,
    approved_by   uuid REFERENCES users (id) DEFERRABLE,
    approved_at   bigint NOT NULL,
    CHECK (approver_org <> org_id)
);
