-- The Senior Information Risk Owner each organisation names (one at a time), and who signed off
-- each assessment. Only the named SIRO signs an assessment off; the sign-off keeps their name as it
-- was when they signed.

CREATE TABLE org_siros (
    org_id   uuid PRIMARY KEY REFERENCES organisations (id) DEFERRABLE,
    user_id  uuid NOT NULL REFERENCES users (id) DEFERRABLE,
    named_by text NOT NULL,
    named_at bigint NOT NULL
);

CREATE TABLE assessment_signoffs (
    assessment_id uuid PRIMARY KEY REFERENCES assessments (id) DEFERRABLE,
    user_id       uuid NOT NULL REFERENCES users (id) DEFERRABLE,
    signer_name   text NOT NULL,
    signed_at     bigint NOT NULL
);

-- Files of evidence kept with an assessment. The content is kept as base64 text so that both
-- engines store, back up and restore it as any other text column; `sha256` is of the decoded
-- bytes, and a restore checks it.
CREATE TABLE assessment_files (
    id            uuid PRIMARY KEY,
    assessment_id uuid NOT NULL REFERENCES assessments (id) DEFERRABLE,
    outcome       text,
    file_name     text NOT NULL,
    kind          text NOT NULL,
    size          bigint NOT NULL,
    sha256        text NOT NULL,
    content       text NOT NULL,
    uploaded_by   uuid REFERENCES users (id) DEFERRABLE,
    uploaded_at   bigint NOT NULL
);
CREATE INDEX assessment_files_assessment ON assessment_files (assessment_id);
