-- Each outcome's status as derived from the assessment's answers (issue 8, the national roll-up):
-- written in the same transaction as every change of answers, by the rule in ward-engine
-- (`status_of`), so the roll-up reads one row per outcome instead of every answer. An assessment
-- without rows here (made before this table, restored from a backup, or its framework version
-- replaced) is derived from its answers on the roll-up's next read, which stores the result.
CREATE TABLE assessment_derived_statuses (
    assessment_id  uuid NOT NULL REFERENCES assessments (id) DEFERRABLE,
    outcome        text NOT NULL,
    derived_status text NOT NULL,
    PRIMARY KEY (assessment_id, outcome)
);
