-- Incident response: tasks with an owner and a due day (done or open), and reminders of
-- regulatory clocks and overdue tasks.
-- due_on is the London day; an open task is overdue once that day has ended.

CREATE TABLE incident_tasks (
    id          uuid PRIMARY KEY,
    incident_id uuid NOT NULL REFERENCES incidents (id) DEFERRABLE,
    org_id      uuid NOT NULL REFERENCES organisations (id) DEFERRABLE,
    title       text NOT NULL,
    owner_id    uuid NOT NULL REFERENCES users (id) DEFERRABLE,
    due_on      date NOT NULL,
    done_at     bigint,
    done_by     uuid REFERENCES users (id) DEFERRABLE,
    created_by  uuid NOT NULL REFERENCES users (id) DEFERRABLE,
    created_at  bigint NOT NULL
);
CREATE INDEX incident_tasks_incident ON incident_tasks (incident_id, due_on);
CREATE INDEX incident_tasks_open ON incident_tasks (due_on) WHERE done_at IS NULL;

-- Reminders of an incident's obligations, each (incident, subject, stage) once: subject is a
-- regulatory clock (initial_report, nis, ico) or task:<id>; stage due_soon or overdue. queued_at
-- is set once its notices are queued.
CREATE TABLE incident_reminders (
    incident_id uuid NOT NULL REFERENCES incidents (id) DEFERRABLE,
    org_id      uuid NOT NULL REFERENCES organisations (id) DEFERRABLE,
    subject     text NOT NULL,
    stage       text NOT NULL,
    due_at      bigint NOT NULL,
    recorded_at bigint NOT NULL,
    queued_at   bigint,
    PRIMARY KEY (incident_id, subject, stage)
);
CREATE INDEX incident_reminders_unqueued ON incident_reminders (recorded_at) WHERE queued_at IS NULL;

-- Sector-wide incidents: a national or regional team (area_id, the coordinating organisation)
-- links many organisations' incidents under one coordinated incident with a shared timeline.
CREATE TABLE coordinated_incidents (
    id         uuid PRIMARY KEY,
    area_id    uuid NOT NULL REFERENCES organisations (id) DEFERRABLE,
    title      text NOT NULL,
    summary    text NOT NULL,
    created_by uuid NOT NULL REFERENCES users (id) DEFERRABLE,
    created_at bigint NOT NULL
);
CREATE INDEX coordinated_incidents_area ON coordinated_incidents (area_id);

-- org_id is the local incident's organisation, kept so that visibility filters apply directly.
CREATE TABLE coordinated_members (
    coordinated_id uuid NOT NULL REFERENCES coordinated_incidents (id) DEFERRABLE,
    incident_id    uuid NOT NULL REFERENCES incidents (id) DEFERRABLE,
    org_id         uuid NOT NULL REFERENCES organisations (id) DEFERRABLE,
    added_at       bigint NOT NULL,
    PRIMARY KEY (coordinated_id, incident_id)
);
CREATE INDEX coordinated_members_org ON coordinated_members (org_id);

CREATE TABLE coordinated_timeline (
    id             uuid PRIMARY KEY,
    coordinated_id uuid NOT NULL REFERENCES coordinated_incidents (id) DEFERRABLE,
    at             bigint NOT NULL,
    zone           text NOT NULL,
    entry          text NOT NULL,
    author_id      uuid NOT NULL REFERENCES users (id) DEFERRABLE,
    recorded_at    bigint NOT NULL
);
CREATE INDEX coordinated_timeline_at ON coordinated_timeline (coordinated_id, at);
