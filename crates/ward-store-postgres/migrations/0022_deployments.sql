-- Response teams: a responder deployed to an organisation for one of its incidents, from
-- starts_at to ends_at (ended_at when ended early). grant_id is the incident-responder grant the
-- deployment created (it expires at the deployment's end); it is not a foreign key because an
-- administrator may still revoke the grant, and the deployment stays as the record.

CREATE TABLE deployments (
    id           uuid PRIMARY KEY,
    incident_id  uuid NOT NULL REFERENCES incidents (id) DEFERRABLE,
    org_id       uuid NOT NULL REFERENCES organisations (id) DEFERRABLE,
    responder_id uuid NOT NULL REFERENCES users (id) DEFERRABLE,
    grant_id     uuid NOT NULL,
    starts_at    bigint NOT NULL,
    ends_at      bigint NOT NULL,
    ended_at     bigint,
    deployed_by  uuid REFERENCES users (id) DEFERRABLE,
    created_at   bigint NOT NULL
);
CREATE INDEX deployments_org ON deployments (org_id);
CREATE INDEX deployments_responder ON deployments (responder_id, ends_at);
