//! Technology assessments: the requests, their findings (a finding may name the risk it raised)
//! and the remediation actions.

use super::{BackupTable, col, entry};
use crate::backup::ColumnType::{Date, Text, Timestamp, Uuid};

pub(super) const TABLES: &[BackupTable] = &[
    entry(
        "tech_assessments",
        &[
            col("id", Uuid),
            col("org_id", Uuid),
            col("technology", Text),
            col("kind", Text),
            col("supplier_id", Uuid),
            col("product_id", Uuid),
            col("description", Text),
            col("wanted_by", Date),
            col("status", Text),
            col("priority", Text),
            col("assessor_id", Uuid),
            col("reason", Text),
            col("requested_by", Uuid),
            col("created_at", Timestamp),
            col("updated_at", Timestamp),
        ],
        &["id"],
    ),
    // `assets` is a JSON array of asset ids kept as text in both schemas.
    entry(
        "tech_findings",
        &[
            col("id", Uuid),
            col("assessment_id", Uuid),
            col("org_id", Uuid),
            col("title", Text),
            col("severity", Text),
            col("description", Text),
            col("kind", Text),
            col("advisory", Text),
            col("assets", Text),
            col("risk_id", Uuid),
            col("recorded_by", Uuid),
            col("created_at", Timestamp),
        ],
        &["id"],
    ),
    entry(
        "tech_remediation_actions",
        &[
            col("id", Uuid),
            col("assessment_id", Uuid),
            col("org_id", Uuid),
            col("title", Text),
            col("owner", Text),
            col("due", Date),
            col("status", Text),
            col("created_at", Timestamp),
            col("updated_at", Timestamp),
        ],
        &["id"],
    ),
];
