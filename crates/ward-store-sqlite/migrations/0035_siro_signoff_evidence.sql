-- The Senior Information Risk Owner each organisation names (one at a time), and who signed off
-- each assessment. Only the named SIRO signs an assessment off; the sign-off keeps their name as it
-- was when they signed.

CREATE TABLE org_siros (
    org_id   TEXT PRIMARY KEY NOT NULL REFERENCES organisations (id),
    user_id  TEXT NOT NULL REFERENCES users (id),
    named_by TEXT NOT NULL,
    named_at INTEGER NOT NULL
);

CREATE TABLE assessment_signoffs (
    assessment_id TEXT PRIMARY KEY NOT NULL REFERENCES assessments (id),
    user_id       TEXT NOT NULL REFERENCES users (id),
    signer_name   TEXT NOT NULL,
    signed_at     INTEGER NOT NULL
);

-- Files of evidence kept with an assessment. The content is kept as base64 text so that both
-- engines store, back up and restore it as any other text column; `sha256` is of the decoded
-- bytes, and a restore checks it.
CREATE TABLE assessment_files (
    id            TEXT PRIMARY KEY NOT NULL,
    assessment_id TEXT NOT NULL REFERENCES assessments (id),
    outcome       TEXT,
    file_name     TEXT NOT NULL,
    kind          TEXT NOT NULL,
    size          INTEGER NOT NULL,
    sha256        TEXT NOT NULL,
    content       TEXT NOT NULL,
    uploaded_by   TEXT REFERENCES users (id),
    uploaded_at   INTEGER NOT NULL
);
CREATE INDEX assessment_files_assessment ON assessment_files (assessment_id);
