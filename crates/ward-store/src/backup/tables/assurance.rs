//! Frameworks, assessments and their answers, outcomes, improvement plans, profiles, the small-provider
//! questionnaire, the SIRO and sign-offs, and evidence files.

use super::{BackupTable, col, entry};
use crate::backup::ColumnType::{Date, Integer, Text, Timestamp, Uuid};

pub(super) const TABLES: &[BackupTable] = &[
    // The parsed framework is kept whole as JSON text in both schemas.
    entry(
        "frameworks",
        &[
            col("id", Text),
            col("version", Text),
            col("name", Text),
            col("format", Text),
            col("outcomes", Integer),
            col("indicators", Integer),
            col("digest", Text),
            col("document", Text),
            col("imported_at", Timestamp),
        ],
        &["id", "version"],
    ),
    entry(
        "assessments",
        &[
            col("id", Uuid),
            col("org_id", Uuid),
            col("framework", Text),
            col("version", Text),
            col("year", Integer),
            col("kind", Text),
            col("status", Text),
            col("created_at", Timestamp),
            col("updated_at", Timestamp),
        ],
        &["id"],
    ),
    // `value` is 1, 0 or null; `evidence` a JSON array kept as text in both schemas.
    entry(
        "assessment_answers",
        &[
            col("assessment_id", Uuid),
            col("indicator", Text),
            col("value", Integer),
            col("comment", Text),
            col("evidence", Text),
            col("answered_at", Timestamp),
        ],
        &["assessment_id", "indicator"],
    ),
    entry(
        "assessment_outcomes",
        &[
            col("assessment_id", Uuid),
            col("outcome", Text),
            col("override_status", Text),
            col("justification", Text),
            col("owner", Text),
        ],
        &["assessment_id", "outcome"],
    ),
    // `outcomes` is a JSON array of outcome codes kept as text in both schemas.
    entry(
        "improvement_actions",
        &[
            col("id", Uuid),
            col("assessment_id", Uuid),
            col("org_id", Uuid),
            col("title", Text),
            col("owner", Text),
            col("due", Date),
            col("outcomes", Text),
            col("status", Text),
            col("created_at", Timestamp),
            col("updated_at", Timestamp),
        ],
        &["id"],
    ),
    entry(
        "improvement_approvals",
        &[
            col("assessment_id", Uuid),
            col("org_id", Uuid),
            col("approver_org", Uuid),
            col("approved_by", Uuid),
            col("approved_at", Timestamp),
        ],
        &["assessment_id"],
    ),
    // `targets` is a JSON object (outcome code to status) kept as text in both schemas.
    entry(
        "profiles",
        &[
            col("framework", Text),
            col("framework_version", Text),
            col("category", Text),
            col("version", Integer),
            col("effective_from", Date),
            col("targets", Text),
            col("published_at", Timestamp),
        ],
        &["framework", "framework_version", "category", "version"],
    ),
    entry(
        "questionnaires",
        &[
            col("assessment_id", Uuid),
            col("org_id", Uuid),
            col("started_at", Timestamp),
        ],
        &["assessment_id"],
    ),
    entry(
        "questionnaire_answers",
        &[
            col("assessment_id", Uuid),
            col("question", Text),
            col("answer", Text),
            col("answered_by", Uuid),
            col("answered_at", Timestamp),
        ],
        &["assessment_id", "question"],
    ),
    entry(
        "org_siros",
        &[
            col("org_id", Uuid),
            col("user_id", Uuid),
            col("named_by", Text),
            col("named_at", Timestamp),
        ],
        &["org_id"],
    ),
    entry(
        "assessment_signoffs",
        &[
            col("assessment_id", Uuid),
            col("user_id", Uuid),
            col("signer_name", Text),
            col("signed_at", Timestamp),
        ],
        &["assessment_id"],
    ),
    entry(
        "assessment_files",
        &[
            col("id", Uuid),
            col("assessment_id", Uuid),
            col("outcome", Text),
            col("file_name", Text),
            col("kind", Text),
            col("size", Integer),
            col("sha256", Text),
            col("content", Text),
            col("uploaded_by", Uuid),
            col("uploaded_at", Timestamp),
        ],
        &["id"],
    ),
];
