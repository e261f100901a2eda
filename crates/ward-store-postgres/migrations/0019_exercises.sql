-- Exercises: a built-in scenario planned for one or more organisations (exercise_orgs), with a
-- facilitator, a date and participants; the injects the facilitator released, the responses and
-- decisions recorded against them, and the tracked actions from the debrief's lessons (each may
-- link a risk of its organisation). Times are UTC microseconds.

CREATE TABLE exercises (
    id             uuid PRIMARY KEY,
    title          text NOT NULL,
    scenario       text NOT NULL,
    kind           text NOT NULL,
    facilitator_id uuid NOT NULL REFERENCES users (id) DEFERRABLE,
    planned_for    date NOT NULL,
    status         text NOT NULL,
    started_at     bigint,
    completed_at   bigint,
    went_well      text NOT NULL,
    to_improve     text NOT NULL,
    created_by     uuid NOT NULL REFERENCES users (id) DEFERRABLE,
    created_at     bigint NOT NULL,
    updated_at     bigint NOT NULL
);

CREATE TABLE exercise_orgs (
    exercise_id uuid NOT NULL REFERENCES exercises (id) DEFERRABLE,
    org_id      uuid NOT NULL REFERENCES organisations (id) DEFERRABLE,
    PRIMARY KEY (exercise_id, org_id)
);
CREATE INDEX exercise_orgs_org ON exercise_orgs (org_id);

-- position: the participant's place in the plan's list, from 0.
CREATE TABLE exercise_participants (
    exercise_id uuid NOT NULL REFERENCES exercises (id) DEFERRABLE,
    position    bigint NOT NULL,
    name        text NOT NULL,
    role        text NOT NULL,
    PRIMARY KEY (exercise_id, position)
);

-- number: 1-based into the scenario's injects; each is released once.
CREATE TABLE exercise_injects (
    exercise_id uuid NOT NULL REFERENCES exercises (id) DEFERRABLE,
    number      bigint NOT NULL,
    released_at bigint NOT NULL,
    released_by uuid NOT NULL REFERENCES users (id) DEFERRABLE,
    PRIMARY KEY (exercise_id, number)
);

CREATE TABLE exercise_entries (
    id          uuid PRIMARY KEY,
    exercise_id uuid NOT NULL REFERENCES exercises (id) DEFERRABLE,
    inject      bigint NOT NULL,
    kind        text NOT NULL,
    entry       text NOT NULL,
    author_id   uuid NOT NULL REFERENCES users (id) DEFERRABLE,
    at          bigint NOT NULL
);
CREATE INDEX exercise_entries_exercise ON exercise_entries (exercise_id, at);

CREATE TABLE exercise_actions (
    id          uuid PRIMARY KEY,
    exercise_id uuid NOT NULL REFERENCES exercises (id) DEFERRABLE,
    org_id      uuid NOT NULL REFERENCES organisations (id) DEFERRABLE,
    lesson      text NOT NULL,
    owner_id    uuid NOT NULL REFERENCES users (id) DEFERRABLE,
    due         date NOT NULL,
    status      text NOT NULL,
    risk_id     uuid REFERENCES risks (id) DEFERRABLE,
    created_at  bigint NOT NULL,
    updated_at  bigint NOT NULL
);
CREATE INDEX exercise_actions_exercise ON exercise_actions (exercise_id);
