-- Risk registers: each organisation's risks in one language (source > event > consequence from a
-- controlled vocabulary), scored on the NPSA 5x5 matrix per consequence domain at three points.
-- The scores and controls are JSON text; the current score and grade are also columns, for
-- filters and roll-ups.

-- Vocabulary entries national roles add (the built-in ones live in the code).
CREATE TABLE risk_vocabulary (
    kind     TEXT NOT NULL,
    code     TEXT NOT NULL,
    label    TEXT NOT NULL,
    added_at INTEGER NOT NULL,
    PRIMARY KEY (kind, code)
);

CREATE TABLE risks (
    id             TEXT PRIMARY KEY NOT NULL,
    org_id         TEXT NOT NULL REFERENCES organisations (id),
    title          TEXT NOT NULL,
    description    TEXT NOT NULL,
    source         TEXT NOT NULL,
    event          TEXT NOT NULL,
    consequence    TEXT NOT NULL,
    inherent_score TEXT NOT NULL,
    current_score  TEXT NOT NULL,
    target_score   TEXT NOT NULL,
    current_value  INTEGER NOT NULL,
    current_grade  TEXT NOT NULL,
    owner_id       TEXT NOT NULL REFERENCES users (id),
    review_date    TEXT NOT NULL,
    treatment      TEXT NOT NULL,
    treatment_plan TEXT NOT NULL,
    controls       TEXT NOT NULL,
    approver_id    TEXT REFERENCES users (id),
    approved_at    INTEGER,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);
CREATE INDEX risks_org ON risks (org_id);

-- kind: asset, service, supplier or exposure; target: the id, or <advisory>@<asset> for an exposure.
CREATE TABLE risk_links (
    risk_id TEXT NOT NULL REFERENCES risks (id),
    kind    TEXT NOT NULL,
    target  TEXT NOT NULL,
    PRIMARY KEY (risk_id, kind, target)
);
