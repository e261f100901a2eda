-- Recovery metrics (issue 10, item 8). An incident may say when it began (occurred_at, at or
-- before detection: where time to detect starts); suppliers implicated are rows of incident_links
-- with kind 'supplier' (no new table). An exercise run records, per organisation taking part, when
-- in scenario time (minutes from the start of the scenario, when the compromise begins) the
-- organisation detected, contained and recovered.

ALTER TABLE incidents ADD COLUMN occurred_at INTEGER;

CREATE TABLE exercise_timings (
    exercise_id       TEXT NOT NULL REFERENCES exercises (id),
    org_id            TEXT NOT NULL REFERENCES organisations (id),
    detected_minutes  INTEGER NOT NULL,
    contained_minutes INTEGER,
    recovered_minutes INTEGER,
    recorded_by       TEXT NOT NULL REFERENCES users (id),
    recorded_at       INTEGER NOT NULL,
    PRIMARY KEY (exercise_id, org_id)
);
CREATE INDEX exercise_timings_org ON exercise_timings (org_id);
