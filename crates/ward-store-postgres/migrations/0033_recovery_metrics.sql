-- Recovery metrics (issue 10, item 8). An incident may say when it began (occurred_at, at or
-- before detection: where time to detect starts); suppliers implicated are rows of incident_links
-- with kind 'supplier' (no new table). An exercise run records, per organisation taking part, when
-- in scenario time (minutes from the start of the scenario, when the compromise begins) the
-- organisation detected, contained and recovered.

ALTER TABLE incidents ADD COLUMN occurred_at bigint;

CREATE TABLE exercise_timings (
    exercise_id       uuid NOT NULL REFERENCES exercises (id) DEFERRABLE,
    org_id            uuid NOT NULL REFERENCES organisations (id) DEFERRABLE,
    detected_minutes  bigint NOT NULL,
    contained_minutes bigint,
    recovered_minutes bigint,
    recorded_by       uuid NOT NULL REFERENCES users (id) DEFERRABLE,
    recorded_at       bigint NOT NULL,
    PRIMARY KEY (exercise_id, org_id)
);
CREATE INDEX exercise_timings_org ON exercise_timings (org_id);
