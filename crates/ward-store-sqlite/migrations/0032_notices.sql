-- In-app notices, per-user notice preferences, daily digests, and failed deliveries of any kind.

-- One notification as one person sees it in Ward. org_id: the organisation whose role made the
-- person a recipient (the notice shows only while they hold an active role there); dedupe_key
-- names the notification, so a rerun keeps one notice per person.
CREATE TABLE notices (
    id         TEXT PRIMARY KEY NOT NULL,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    org_id     TEXT NOT NULL REFERENCES organisations (id),
    topic      TEXT NOT NULL,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    link       TEXT NOT NULL,
    dedupe_key TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    read_at    INTEGER,
    UNIQUE (user_id, dedupe_key)
);
CREATE INDEX notices_user ON notices (user_id, created_at);

-- One person's channel per topic; a topic without a row is e-mailed straight away.
CREATE TABLE notice_preferences (
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    topic      TEXT NOT NULL,
    channel    TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, topic)
);

-- One row per person per day a digest was queued: a rerun or a second replica sends none again.
CREATE TABLE notice_digests (
    user_id   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    day       TEXT NOT NULL,
    org_id    TEXT NOT NULL REFERENCES organisations (id),
    job_id    TEXT NOT NULL,
    notices   INTEGER NOT NULL,
    queued_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, day)
);

-- Failed deliveries are no longer only alerts': reminders and digests give up too. SQLite cannot
-- drop NOT NULL from a column, so the table is rebuilt with alert_id nullable and `about` added.
CREATE TABLE dead_deliveries_any (
    job_id        TEXT PRIMARY KEY NOT NULL,
    kind          TEXT NOT NULL,
    about         TEXT NOT NULL DEFAULT 'alert',
    alert_id      TEXT REFERENCES alerts (id),
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
INSERT INTO dead_deliveries_any (job_id, kind, about, alert_id, org_id, recipient, payload, error,
    attempts, died_at, replayed_at, replayed_by, replay_job_id)
SELECT job_id, kind, 'alert', alert_id, org_id, recipient, payload, error, attempts, died_at,
    replayed_at, replayed_by, replay_job_id FROM dead_deliveries;
DROP TABLE dead_deliveries;
ALTER TABLE dead_deliveries_any RENAME TO dead_deliveries;
CREATE INDEX dead_deliveries_org ON dead_deliveries (org_id, died_at);
