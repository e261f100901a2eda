-- Exercises: a built-in scenario planned for one or more organisations (exercise_orgs), with a
-- facilitator, a date and participants; the injects the facilitator released, the responses and
-- decisions recorded against them, and the tracked actions from the debrief's lessons (each may
-- link a risk of its organisation). Times are UTC microseconds; dates are YYYY-MM-DD text.

CREATE TABLE exercises (
    id             TEXT PRIMARY KEY NOT NULL,
    title          TEXT NOT NULL,
    scenario       TEXT NOT NULL,
    kind           TEXT NOT NULL,
    facilitator_id TEXT NOT NULL REFERENCES users (id),
    planned_for    TEXT NOT NULL,
    status         TEXT NOT NULL,
    started_at     INTEGER,
    completed_at   INTEGER,
    went_well      TEXT NOT NULL,
    to_improve     TEXT NOT NULL,
    created_by     TEXT NOT NULL REFERENCES users (id),
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);

CREATE TABLE exercise_orgs (
    exercise_id TEXT NOT NULL REFERENCES exercises (id),
    org_id      TEXT NOT NULL REFERENCES organisations (id),
    PRIMARY KEY (exercise_id, org_id)
);
CREATE INDEX exercise_orgs_org ON exercise_orgs (org_id);

-- position: the participant's place in the plan's list, from 0.
CREATE TABLE exercise_participants (
    exercise_id TEXT NOT NULL REFERENCES exercises (id),
    position    INTEGER NOT NULL,
    name        TEXT NOT NULL,
    role        TEXT NOT NULL,
    PRIMARY KEY (exercise_id, position)
);

-- number: 1-based into the scenario's injects; each is released once.
CREATE TABLE exercise_injects (
    exercise_id TEXT NOT NULL REFERENCES exercises (id),
    number      INTEGER NOT NULL,
    released_at INTEGER NOT NULL,
    released_by TEXT NOT NULL REFERENCES users (id),
    PRIMARY KEY (exercise_id, number)
);

CREATE TABLE exercise_entries (
    id          TEXT PRIMARY KEY NOT NULL,
    exercise_id TEXT NOT NULL REFERENCES exercises (id),
    inject      INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    entry       TEXT NOT NULL,
    author_id   TEXT NOT NULL REFERENCES users (id),
    at          INTEGER NOT NULL
);
CREATE INDEX exercise_entries_exercise ON exercise_entries (exercise_id, at);

CREATE TABLE exercise_actions (
    id          TEXT PRIMARY KEY NOT NULL,
    exercise_id TEXT NOT NULL REFERENCES exercises (id),
    org_id      TEXT NOT NULL REFERENCES organisations (id),
    lesson      TEXT NOT NULL,
    owner_id    TEXT NOT NULL REFERENCES users (id),
    due         TEXT NOT NULL,
    status      TEXT NOT NULL,
    risk_id     TEXT REFERENCES risks (id),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX exercise_actions_exercise ON exercise_actions (exercise_id);
