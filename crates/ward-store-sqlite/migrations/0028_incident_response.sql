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
