-- Technology assessments (issue 9, item 7): an organisation's request that the national service
-- assess a technology, its findings (each an exposure-like finding naming an advisory and the
-- organisation's assets, kept as a JSON array of asset ids in text, or a risk raised in the
-- organisation's register) and its remediation plan. Findings and actions carry the request's
-- organisation so scope filters apply to them directly.

CREATE TABLE tech_assessments (
    id           uuid PRIMARY KEY,
    org_id       uuid NOT NULL REFERENCES organisations (id) DEFERRABLE,
    technology   text NOT NULL,
    kind         text NOT NULL,
    supplier_id  uuid REFERENCES organisations (id) DEFERRABLE,
    product_id   uuid REFERENCES products (id) DEFERRABLE,
    description  text NOT NULL,
    wanted_by    date,
    status       text NOT NULL,
    priority     text,
    assessor_id  uuid REFERENCES users (id) DEFERRABLE,
    reason       text,
    requested_by uuid REFERENCES users (id) DEFERRABLE,
    created_at   bigint NOT NULL,
    updated_at   bigint NOT NULL
);
CREATE INDEX tech_assessments_org ON tech_assessments (org_id, created_at);

CREATE TABLE tech_findings (
    id            uuid PRIMARY KEY,
    assessment_id uuid NOT NULL REFERENCES tech_assessments (id) DEFERRABLE,
    org_id        uuid NOT NULL REFERENCES organisations (id) DEFERRABLE,
    title         text NOT NULL,
    severity      text NOT NULL,
    description   text NOT NULL,
    kind          text NOT NULL,
    advisory      text,
    assets        text NOT NULL,
    risk_id       uuid REFERENCES risks (id) DEFERRABLE,
    recorded_by   uuid REFERENCES users (id) DEFERRABLE,
    created_at    bigint NOT NULL
);
CREATE INDEX tech_findings_assessment ON tech_findings (assessment_id);

CREATE TABLE tech_remediation_actions (
    id            uuid PRIMARY KEY,
    assessment_id uuid NOT NULL REFERENCES tech_assessments (id) DEFERRABLE,
    org_id        uuid NOT NULL REFERENCES organisations (id) DEFERRABLE,
    title         text NOT NULL,
    owner         text NOT NULL,
    due           date NOT NULL,
    status        text NOT NULL,
    created_at    bigint NOT NULL,
    updated_at    bigint NOT NULL
);
CREATE INDEX tech_remediation_actions_assessment ON tech_remediation_actions (assessment_id);
