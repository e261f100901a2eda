-- Incidents: each organisation's cyber incidents (NCSC category, severity, TLP, status, patient
-- harm as an NPSA consequence, detected/reported/contained/recovered times), the services and
-- assets they affected, and a timeline whose instants are UTC beside the zone they were written in.
-- Regulatory clocks are computed from detected_at, never stored; nis_applies and ico_applies
-- (0 or 1) say whether the NIS and ICO clocks run.

CREATE TABLE incidents (
    id              TEXT PRIMARY KEY NOT NULL,
    org_id          TEXT NOT NULL REFERENCES organisations (id),
    title           TEXT NOT NULL,
    category        TEXT NOT NULL,
    severity        TEXT NOT NULL,
    tlp             TEXT NOT NULL,
    status          TEXT NOT NULL,
    impact          TEXT NOT NULL,
    resolution      TEXT NOT NULL,
    patient_harm    INTEGER NOT NULL,
    detected_at     INTEGER NOT NULL,
    reported_at     INTEGER,
    nis_applies     INTEGER NOT NULL,
    ico_applies     INTEGER NOT NULL,
    nis_reported_at INTEGER,
    ico_reported_at INTEGER,
    contained_at    INTEGER,
    recovered_at    INTEGER,
    created_by      TEXT NOT NULL REFERENCES users (id),
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX incidents_org ON incidents (org_id);

-- kind: service or asset; target: its id.
CREATE TABLE incident_links (
    incident_id TEXT NOT NULL REFERENCES incidents (id),
    kind        TEXT NOT NULL,
    target      TEXT NOT NULL,
    PRIMARY KEY (incident_id, kind, target)
);

CREATE TABLE incident_timeline (
    id          TEXT PRIMARY KEY NOT NULL,
    incident_id TEXT NOT NULL REFERENCES incidents (id),
    org_id      TEXT NOT NULL REFERENCES organisations (id),
    at          INTEGER NOT NULL,
    zone        TEXT NOT NULL,
    entry       TEXT NOT NULL,
    author_id   TEXT NOT NULL REFERENCES users (id),
    recorded_at INTEGER NOT NULL
);
CREATE INDEX incident_timeline_incident ON incident_timeline (incident_id, at);
