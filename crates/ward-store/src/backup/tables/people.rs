//! Training requirements, the people trained and their completions, and board members.

use super::{BackupTable, col, entry};
use crate::backup::ColumnType::{Boolean, Date, Text, Timestamp, Uuid};

pub(super) const TABLES: &[BackupTable] = &[
    entry(
        "training_requirements",
        &[
            col("role", Text),
            col("course", Text),
            col("title", Text),
            col("active", Boolean),
            col("updated_at", Timestamp),
        ],
        &["role", "course"],
    ),
    entry(
        "training_people",
        &[col("org_id", Uuid), col("person_ref", Text), col("role", Text)],
        &["org_id", "person_ref", "role"],
    ),
    entry(
        "training_completions",
        &[
            col("org_id", Uuid),
            col("person_ref", Text),
            col("course", Text),
            col("completed_on", Date),
        ],
        &["org_id", "person_ref", "course"],
    ),
    entry(
        "board_members",
        &[
            col("id", Uuid),
            col("org_id", Uuid),
            col("name", Text),
            col("board_role", Text),
            col("added_at", Timestamp),
        ],
        &["id"],
    ),
];
