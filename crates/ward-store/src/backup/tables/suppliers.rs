//! Supplier certificates and their reminders, supply-chain assurance, supplier advisories (which
//! may refer to the alert they became) with every revision, and customers' consent to be named.

use super::{BackupTable, col, entry};
use crate::backup::ColumnType::{Boolean, Date, Integer, Text, Timestamp, Uuid};

pub(super) const TABLES: &[BackupTable] = &[
    entry(
        "certificates",
        &[
            col("id", Uuid),
            col("org_id", Uuid),
            col("kind", Text),
            col("reference", Text),
            col("issued_on", Date),
            col("expires_on", Date),
            col("recorded_by", Uuid),
            col("recorded_at", Timestamp),
        ],
        &["id"],
    ),
    entry(
        "certificate_reminders",
        &[
            col("certificate_id", Uuid),
            col("days_before", Integer),
            col("sent_at", Timestamp),
        ],
        &["certificate_id", "days_before"],
    ),
    entry(
        "supplier_assurance",
        &[
            col("org_id", Uuid),
            col("charter_attested_on", Date),
            col("charter_attested_by", Text),
            col("dspt_status", Text),
            col("dspt_year", Text),
            col("updated_by", Uuid),
            col("updated_at", Timestamp),
        ],
        &["org_id"],
    ),
    // The advisory and its actions are JSON kept as text in both schemas.
    entry(
        "supplier_advisories",
        &[
            col("id", Text),
            col("supplier_id", Uuid),
            col("title", Text),
            col("severity", Text),
            col("format", Text),
            col("advisory", Text),
            col("actions", Text),
            col("embargo_until", Date),
            col("published_by", Text),
            col("published_at", Timestamp),
            col("released_at", Timestamp),
            col("released_by", Text),
            col("alert_id", Uuid),
            col("version", Text),
            col("not_affected", Text),
            col("fixed", Text),
        ],
        &["id"],
    ),
    entry(
        "org_naming_consent",
        &[
            col("org_id", Uuid),
            col("may_be_named", Boolean),
            col("changed_by", Text),
            col("changed_at", Timestamp),
        ],
        &["org_id"],
    ),
    // Each revision whole, its JSON kept as text like the advisory's.
    entry(
        "supplier_advisory_revisions",
        &[
            col("advisory_id", Text),
            col("number", Integer),
            col("version", Text),
            col("title", Text),
            col("severity", Text),
            col("format", Text),
            col("advisory", Text),
            col("actions", Text),
            col("not_affected", Text),
            col("changes", Text),
            col("published_by", Text),
            col("published_at", Timestamp),
            col("fixed", Text),
        ],
        &["advisory_id", "number"],
    ),
];
