-- The critical supplier register's records. Certificates (Cyber Essentials, Cyber Essentials
-- Plus, ISO 27001) may be held by any organisation; each reminder before expiry is sent once
-- (the primary key of certificate_reminders). A supplier's assurance record holds its
-- supply-chain charter attestation and its own DSPT status.

CREATE TABLE certificates (
    id          uuid PRIMARY KEY,
    org_id      uuid NOT NULL REFERENCES organisations (id) DEFERRABLE,
    kind        text NOT NULL,
    reference   text,
    issued_on   date NOT NULL,
    expires_on  date NOT NULL,
    recorded_by uuid REFERENCES users (id) DEFERRABLE,
    recorded_at bigint NOT NULL
);
CREATE INDEX certificates_org ON certificates (org_id, kind, expires_on);
CREATE INDEX certificates_expiry ON certificates (expires_on);

CREATE TABLE certificate_reminders (
    certificate_id uuid NOT NULL REFERENCES certificates (id) DEFERRABLE,
    days_before    bigint NOT NULL,
    sent_at        bigint NOT NULL,
    PRIMARY KEY (certificate_id, days_before)
);

CREATE TABLE supplier_assurance (
    org_id              uuid PRIMARY KEY REFERENCES organisations (id) DEFERRABLE,
    charter_attested_on date,
    charter_attested_by text,
    dspt_status         text NOT NULL,
    dspt_year           text,
    updated_by          uuid REFERENCES users (id) DEFERRABLE,
    updated_at          bigint NOT NULL
);
