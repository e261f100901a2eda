-- Revisions of suppliers' advisories (issue 9, items 1 and 2). The advisory row carries its
-- current revision's version and the products the supplier states are not affected (JSON kept as
-- text; NULL in rows from before, read as version 1 and none). Every revision is kept whole, the
-- first included, numbered from 1 per advisory, with what changed in words (JSON list as text).

ALTER TABLE supplier_advisories ADD COLUMN version TEXT;
ALTER TABLE supplier_advisories ADD COLUMN not_affected TEXT;

CREATE TABLE supplier_advisory_revisions (
    advisory_id  TEXT NOT NULL REFERENCES supplier_advisories (id),
    number       INTEGER NOT NULL,
    version      TEXT NOT NULL,
    title        TEXT NOT NULL,
    severity     TEXT NOT NULL,
    format       TEXT NOT NULL,
    advisory     TEXT NOT NULL,
    actions      TEXT NOT NULL,
    not_affected TEXT NOT NULL,
    changes      TEXT NOT NULL,
    published_by TEXT NOT NULL,
    published_at INTEGER NOT NULL,
    PRIMARY KEY (advisory_id, number)
);

-- The advisories published before revisions were kept: each as its first revision.
INSERT INTO supplier_advisory_revisions
    (advisory_id, number, version, title, severity, format, advisory, actions, not_affected, changes,
     published_by, published_at)
SELECT id, 1, '1', title, severity, format, advisory, actions, '[]', '["First published"]',
       published_by, published_at
FROM supplier_advisories;
