//! The risk vocabulary, risks and their links.

use super::{BackupTable, col, entry};
use crate::backup::ColumnType::{Date, Integer, Text, Timestamp, Uuid};

pub(super) const TABLES: &[BackupTable] = &[
    entry(
        "risk_vocabulary",
        &[
            col("kind", Text),
            col("code", Text),
            col("label", Text),
            col("added_at", Timestamp),
        ],
        &["kind", "code"],
    ),
    // The three scores and the controls are JSON kept as text in both schemas.
    entry(
        "risks",
        &[
            col("id", Uuid),
            col("org_id", Uuid),
            col("title", Text),
            col("description", Text),
            col("source", Text),
            col("event", Text),
            col("consequence", Text),
            col("inherent_score", Text),
            col("current_score", Text),
            col("target_score", Text),
            col("current_value", Integer),
            col("current_grade", Text),
            col("owner_id", Uuid),
            col("review_date", Date),
            col("treatment", Text),
            col("treatment_plan", Text),
            col("controls", Text),
            col("approver_id", Uuid),
            col("approved_at", Timestamp),
            col("created_at", Timestamp),
            col("updated_at", Timestamp),
        ],
        &["id"],
    ),
    entry(
        "risk_links",
        &[col("risk_id", Uuid), col("kind", Text), col("target", Text)],
        &["risk_id", "kind", "target"],
    ),
];
