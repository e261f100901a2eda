-- The critical supplier register's records. Certificates (Cyber Essentials, Cyber Essentials
-- Plus, ISO 27001) may be held by any organisation; each reminder before expiry is sent once
-- (the primary key of certificate_reminders). A supplier's assurance record holds its
-- supply-chain charter attestation and its own DSPT status.

CREATE TABLE certificates (
    id          TEXT PRIMARY KEY NOT NULL,
    org_id      TEXT NOT NULL REFERENCES organisations (id),
    kind        TEXT NOT NULL,
    reference   TEXT,
    issued_on   TEXT NOT NULL,
    expires_on  TEXT NOT NULL,
    recorded_by TEXT REFERENCES users (id),
    recorded_at INTEGER NOT NULL
);
CREATE INDEX certificates_org ON certificates (org_id, kind, expires_on);
CREATE INDEX certificates_expiry ON certificates (expires_on);

CREATE TABLE certificate_reminders (
    certificate_id TEXT NOT NULL REFERENCES certificates (id),
    days_before    INTEGER NOT NULL,
    sent_at        INTEGER NOT NULL,
    PRIMARY KEY (certificate_id, days_before)
);

CREATE TABLE supplier_assurance (
    org_id              TEXT PRIMARY KEY NOT NULL REFERENCES organisations (id),
    charter_attested_on TEXT,
    charter_attested_by TEXT,
    dspt_status         TEXT NOT NULL,
    dspt_year           TEXT,
    updated_by          TEXT REFERENCES users (id),
    updated_at          INTEGER NOT NULL
);
