-- Incidents: each organisation's cyber incidents (NCSC category, severity, TLP, status, patient
-- harm as an NPSA consequence, detected/reported/contained/recovered times), the services and
-- assets they affected, and a timeline whose instants are UTC beside the zone they were written in.
-- Regulatory clocks are computed from detected_at, never stored; nis_applies and ico_applies
-- say whether the NIS and ICO clocks run.

CREATE TABLE incidents (
    id              uuid PRIMARY KEY,
    org_id          uuid NOT NULL REFERENCES organisations (id) DEFERRABLE,
    title           text NOT NULL,
    category        text NOT NULL,
    severity        text NOT NULL,
    tlp             text NOT NULL,
    status          text NOT NULL,
    impact          text NOT NULL,
    resolution      text NOT NULL,
    patient_harm    bigint NOT NULL,
    detected_at     bigint NOT NULL,
    reported_at     bigint,
    nis_applies     boolean NOT NULL,
    ico_applies     boolean NOT NULL,
    nis_reported_at bigint,
    ico_reported_at bigint,
    contained_at    bigint,
    recovered_at    bigint,
    created_by      uuid NOT NULL REFERENCES users (id) DEFERRABLE,
    created_at      bigint NOT NULL,
    updated_at      bigint NOT NULL
);
CREATE INDEX incidents_org ON incidents (org_id);

-- kind: service or asset; target: its id.
CREATE TABLE incident_links (
    incident_id uuid NOT NULL REFERENCES incidents (id) DEFERRABLE,
    kind        text NOT NULL,
    target      text NOT NULL,
    PRIMARY KEY (incident_id, kind, target)
);

CREATE TABLE incident_timeline (
    id          uuid PRIMARY KEY,
    incident_id uuid NOT NULL REFERENCES incidents (id) DEFERRABLE,
    org_id      uuid NOT NULL REFERENCES organisations (id) DEFERRABLE,
    at          bigint NOT NULL,
    zone        text NOT NULL,
    entry       text NOT NULL,
    author_id   uuid NOT NULL REFERENCES users (id) DEFERRABLE,
    recorded_at bigint NOT NULL
);
CREATE INDEX incident_timeline_incident ON incident_timeline (incident_id, at);
