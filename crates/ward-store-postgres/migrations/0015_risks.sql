-- Risk registers: each organisation's risks in one language (source > event > consequence from a
-- controlled vocabulary), scored on the NPSA 5x5 matrix per consequence domain at three points.
-- The scores and controls are JSON text; the current score and grade are also columns, for
-- filters and roll-ups.

-- Vocabulary entries national roles add (the built-in ones live in the code).
CREATE TABLE risk_vocabulary (
    kind     text NOT NULL,
    code     text NOT NULL,
    label    text NOT NULL,
    added_at bigint NOT NULL,
    PRIMARY KEY (kind, code)
);

CREATE TABLE risks (
    id             uuid PRIMARY KEY,
    org_id         uuid NOT NULL REFERENCES organisations (id) DEFERRABLE,
    title          text NOT NULL,
    description    text NOT NULL,
    source         text NOT NULL,
    event          text NOT NULL,
    consequence    text NOT NULL,
    inherent_score text NOT NULL,
    current_score  text NOT NULL,
    target_score   text NOT NULL,
    current_value  bigint NOT NULL,
    current_grade  text NOT NULL,
    owner_id       uuid NOT NULL REFERENCES users (id) DEFERRABLE,
    review_date    date NOT NULL,
    treatment      text NOT NULL,
    treatment_plan text NOT NULL,
    controls       text NOT NULL,
    approver_id    uuid REFERENCES users (id) DEFERRABLE,
    approved_at    bigint,
    created_at     bigint NOT NULL,
    updated_at     bigint NOT NULL
);
CREATE INDEX risks_org ON risks (org_id);

-- kind: asset, service, supplier or exposure; target: the id, or <advisory>@<asset> for an exposure.
CREATE TABLE risk_links (
    risk_id uuid NOT NULL REFERENCES risks (id) DEFERRABLE,
    kind    text NOT NULL,
    target  text NOT NULL,
    PRIMARY KEY (risk_id, kind, target)
);
