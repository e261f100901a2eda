-- Escalation of overdue alert answers: one row per step taken (an organisation's overdue clock told
-- to one level), so a step is taken once however many runners look. notified_id: the organisation
-- whose people were told; notices_queued_at: when its e-mail and webhook jobs were queued.
CREATE TABLE alert_escalations (
    alert_id          uuid NOT NULL REFERENCES alerts (id) DEFERRABLE,
    org_id            uuid NOT NULL REFERENCES organisations (id) DEFERRABLE,
    clock             text NOT NULL,
    level             text NOT NULL,
    due_at            bigint NOT NULL,
    at                bigint NOT NULL,
    notified_id       uuid REFERENCES organisations (id) DEFERRABLE,
    notices_queued_at bigint,
    PRIMARY KEY (alert_id, org_id, clock, level)
);
CREATE INDEX alert_escalations_org ON alert_escalations (org_id);
CREATE INDEX alert_escalations_unqueued ON alert_escalations (at) WHERE notices_queued_at IS NULL;

-- Notification deliveries that gave up after their retries (the job is dead), kept to be listed and
-- replayed. org_id: the organisation the delivery was for (whose user or webhook); payload: the
-- job's payload (JSON text), queued again by a replay.
CREATE TABLE dead_deliveries (
    job_id        uuid PRIMARY KEY,
    kind          text NOT NULL,
    alert_id      uuid NOT NULL REFERENCES alerts (id) DEFERRABLE,
    org_id        uuid NOT NULL REFERENCES organisations (id) DEFERRABLE,
    recipient     text NOT NULL,
    payload       text NOT NULL,
    error         text NOT NULL,
    attempts      bigint NOT NULL,
    died_at       bigint NOT NULL,
    replayed_at   bigint,
    replayed_by   text,
    replay_job_id uuid
);
CREATE INDEX dead_deliveries_org ON dead_deliveries (org_id, died_at);
