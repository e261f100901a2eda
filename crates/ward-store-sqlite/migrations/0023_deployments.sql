-- Response teams: a responder deployed to an organisation for one of its incidents, from
-- starts_at to ends_at (ended_at when ended early). grant_id is the incident-responder grant the
-- deployment created (it expires at the deployment's end); it is not a foreign key because an
-- administrator may still revoke the grant, and the deployment stays as the record.

CREATE TABLE deployments (
    id           TEXT PRIMARY KEY NOT NULL,
    incident_id  TEXT NOT NULL REFERENCES incidents (id),
    org_id       TEXT NOT NULL REFERENCES organisations (id),
    responder_id TEXT NOT NULL REFERENCES users (id),
    grant_id     TEXT NOT NULL,
    starts_at    INTEGER NOT NULL,
    ends_at      INTEGER NOT NULL,
    ended_at     INTEGER,
    deployed_by  TEXT REFERENCES users (id),
    created_at   INTEGER NOT NULL
);
CREATE INDEX deployments_org ON deployments (org_id);
CREATE INDEX deployments_responder ON deployments (responder_id, ends_at);
