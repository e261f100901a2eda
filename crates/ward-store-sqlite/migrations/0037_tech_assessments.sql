-- Technology assessments (issue 9, item 7): an organisation's request that the national service
-- assess a technology, its findings (each an exposure-like finding naming an advisory and the
-- organisation's assets, kept as a JSON array of asset ids in text, or a risk raised in the
-- organisation's register) and its remediation plan. Findings and actions carry the request's
-- organisation so scope filters apply to them directly.

CREATE TABLE tech_assessments (
    id           TEXT PRIMARY KEY NOT NULL,
    org_id       TEXT NOT NULL REFERENCES organisations (id),
    technology   TEXT NOT NULL,
    kind         TEXT NOT NULL,
    supplier_id  TEXT REFERENCES organisations (id),
    product_id   TEXT REFERENCES products (id),
    description  TEXT NOT NULL,
    wanted_by    TEXT,
    status       TEXT NOT NULL,
    priority     TEXT,
    assessor_id  TEXT REFERENCES users (id),
    reason       TEXT,
    requested_by TEXT REFERENCES users (id),
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX tech_assessments_org ON tech_assessments (org_id, created_at);

CREATE TABLE tech_findings (
    id            TEXT PRIMARY KEY NOT NULL,
    assessment_id TEXT NOT NULL REFERENCES tech_assessments (id),
    org_id        TEXT NOT NULL REFERENCES organisations (id),
    title         TEXT NOT NULL,
    severity      TEXT NOT NULL,
    description   TEXT NOT NULL,
    kind          TEXT NOT NULL,
    advisory      TEXT,
    assets        TEXT NOT NULL,
    risk_id       TEXT REFERENCES risks (id),
    recorded_by   TEXT REFERENCES users (id),
    created_at    INTEGER NOT NULL
);
CREATE INDEX tech_findings_assessment ON tech_findings (assessment_id);

CREATE TABLE tech_remediation_actions (
    id            TEXT PRIMARY KEY NOT NULL,
    assessment_id TEXT NOT NULL REFERENCES tech_assessments (id),
    org_id        TEXT NOT NULL REFERENCES organisations (id),
    title         TEXT NOT NULL,
    owner         TEXT NOT NULL,
    due           TEXT NOT NULL,
    status        TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX tech_remediation_actions_assessment ON tech_remediation_actions (assessment_id);
