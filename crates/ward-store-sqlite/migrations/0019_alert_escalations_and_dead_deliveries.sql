-- Escalation of overdue alert answers: one row per step taken (an organisation's overdue clock told
-- to one level), so a step is taken once however many runners look. notified_id: the organisation
-- whose people were told; notices_queued_at: when its e-mail and webhook jobs were queued.
CREATE TABLE alert_escalations (
    alert_id          TEXT NOT NULL REFERENCES alerts (id),
    org_id            TEXT NOT NULL REFERENCES organisations (id),
    clock             TEXT NOT NULL,
    level             TEXT NOT NULL,
    due_at            INTEGER NOT NULL,
    at                INTEGER NOT NULL,
    notified_id       TEXT REFERENCES organisations (id),
    notices_queued_at INTEGER,
    PRIMARY KEY (alert_id, org_id, clock, level)
);
CREATE INDEX alert_escalations_org ON alert_escalations (org_id);
CREATE INDEX alert_escalations_unqueued ON alert_escalations (at) WHERE notices_queued_at IS NULL;

-- Notification deliveries that gave up after their retries (the job is dead), kept to be listed and
-- replayed. org_id: the organisation the delivery was for (whose user or webhook); payload: the
-- job's payload (JSON text), queued again by a replay.
CREATE TABLE dead_deliveries (
    job_id        TEXT PRIMARY KEY NOT NULL,
    kind          TEXT NOT NULL,
    alert_id      TEXT NOT NULL REFERENCES alerts (id),
    org_id        TEXT NOT NULL REFERENCES organisations (id),
    recipient     TEXT NOT NULL,
    payload       TEXT NOT NULL,
    error         TEXT NOT NULL,
    attempts      INTEGER NOT NULL,
    died_at       INTEGER NOT NULL,
    replayed_at   INTEGER,
    replayed_by   TEXT,
    replay_job_id TEXT
);
CREATE INDEX dead_deliveries_org ON dead_deliveries (org_id, died_at);
