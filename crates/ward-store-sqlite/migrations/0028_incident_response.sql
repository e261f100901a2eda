-- Incident response: tasks with an owner and a due day (done or open), and reminders of
-- regulatory clocks and overdue tasks.
-- due_on is the London day (YYYY-MM-DD); an open task is overdue once that day has ended.

CREATE TABLE incident_tasks (
    id          TEXT PRIMARY KEY NOT NULL,
    incident_id TEXT NOT NULL REFERENCES incidents (id),
    org_id      TEXT NOT NULL REFERENCES organisations (id),
    title       TEXT NOT NULL,
    owner_id    TEXT NOT NULL REFERENCES users (id),
    due_on      TEXT NOT NULL,
    done_at     INTEGER,
    done_by     TEXT REFERENCES users (id),
    created_by  TEXT NOT NULL REFERENCES users (id),
    created_at  INTEGER NOT NULL
);
CREATE INDEX incident_tasks_incident ON incident_tasks (incident_id, due_on);
CREATE INDEX incident_tasks_open ON incident_tasks (due_on) WHERE done_at IS NULL;

-- Reminders of an incident's obligations, each (incident, subject, stage) once: subject is a
-- regulatory clock (initial_report, nis, ico) or task:<id>; stage due_soon or overdue. queued_at
-- is set once its notices are queued.
CREATE TABLE incident_reminders (
    incident_id TEXT NOT NULL REFERENCES incidents (id),
    org_id      TEXT NOT NULL REFERENCES organisations (id),
    subject     TEXT NOT NULL,
    stage       TEXT NOT NULL,
    due_at      INTEGER NOT NULL,
    recorded_at INTEGER NOT NULL,
    queued_at   INTEGER,
    PRIMARY KEY (incident_id, subject, stage)
);
CREATE INDEX incident_reminders_unqueued ON incident_reminders (recorded_at) WHERE queued_at IS NULL;

-- Sector-wide incidents: a national or regional team (area_id, the coordinating organisation)
-- links many organisations' incidents under one coordinated incident with a shared timeline.
CREATE TABLE coordinated_incidents (
    id         TEXT PRIMARY KEY NOT NULL,
    area_id    TEXT NOT NULL REFERENCES organisations (id),
    title      TEXT NOT NULL,
    summary    TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL
);
CREATE INDEX coordinated_incidents_area ON coordinated_incidents (area_id);

-- org_id is the local incident's organisation, kept so that visibility filters apply directly.
CREATE TABLE coordinated_members (
    coordinated_id TEXT NOT NULL REFERENCES coordinated_incidents (id),
    incident_id    TEXT NOT NULL REFERENCES incidents (id),
    org_id         TEXT NOT NULL REFERENCES organisations (id),
    added_at       INTEGER NOT NULL,
    PRIMARY KEY (coordinated_id, incident_id)
);
CREATE INDEX coordinated_members_org ON coordinated_members (org_id);

CREATE TABLE coordinated_timeline (
    id             TEXT PRIMARY KEY NOT NULL,
    coordinated_id TEXT NOT NULL REFERENCES coordinated_incidents (id),
    at             INTEGER NOT NULL,
    zone           TEXT NOT NULL,
    entry          TEXT NOT NULL,
    author_id      TEXT NOT NULL REFERENCES users (id),
    recorded_at    INTEGER NOT NULL
);
CREATE INDEX coordinated_timeline_at ON coordinated_timeline (coordinated_id, at);
