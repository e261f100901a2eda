-- The derived statuses of an assessment become one row holding all of them (a JSON object from
-- outcome code to status) instead of a row per outcome: the national roll-up reads about 25,000
-- rows instead of a million, and handing rows across from the database was most of its time
-- (BENCHMARKS.md). Written whole, in the same transaction as every change of answers, by the rule
-- in ward-engine (`status_of`). The rows of the old shape are not carried: an assessment without a
-- row is derived from its answers on the roll-up's next read, which stores the result (audited as
-- `assessment.derive_statuses`), as after a restore.
DROP TABLE assessment_derived_statuses;
CREATE TABLE assessment_derived_statuses (
    assessment_id TEXT NOT NULL PRIMARY KEY REFERENCES assessments (id),
    statuses      TEXT NOT NULL
);
