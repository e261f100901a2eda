-- In-app notices, per-user notice preferences, daily digests, and failed deliveries of any kind.

-- One notification as one person sees it in Ward. org_id: the organisation whose role made the
-- person a recipient (the notice shows only while they hold an active role there); dedupe_key
-- names the notification, so a rerun keeps one notice per person.
CREATE TABLE notices (
    id         uuid PRIMARY KEY,
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE DEFERRABLE,
    org_id     uuid NOT NULL REFERENCES organisations (id) DEFERRABLE,
    topic      text NOT NULL,
    title      text NOT NULL,
    body       text NOT NULL,
    link       text NOT NULL,
    dedupe_key text NOT NULL,
    created_at bigint NOT NULL,
    read_at    bigint,
    UNIQUE (user_id, dedupe_key)
);
CREATE INDEX notices_user ON notices (user_id, created_at);

-- One person's channel per topic; a topic without a row is e-mailed straight away.
CREATE TABLE notice_preferences (
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE DEFERRABLE,
    topic      text NOT NULL,
    channel    text NOT NULL,
    updated_at bigint NOT NULL,
    PRIMARY KEY (user_id, topic)
);

-- One row per person per day a digest was queued: a rerun or a second replica sends none again.
CREATE TABLE notice_digests (
    user_id   uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE DEFERRABLE,
    day       date NOT NULL,
    org_id    uuid NOT NULL REFERENCES organisations (id) DEFERRABLE,
    job_id    uuid NOT NULL,
    notices   bigint NOT NULL,
    queued_at bigint NOT NULL,
    PRIMARY KEY (user_id, day)
);

-- Failed deliveries are no longer only alerts': reminders and digests give up too.
ALTER TABLE dead_deliveries ALTER COLUMN alert_id DROP NOT NULL;
ALTER TABLE dead_deliveries ADD COLUMN about text NOT NULL DEFAULT 'alert';
