//! Organisations, the inventory, accounts, the audit chain and the job queue: what every other
//! domain refers to.

use super::{BackupTable, col, entry};
use crate::backup::ColumnType::{Boolean, Date, Integer, Json, Text, Timestamp, Uuid};

pub(super) const TABLES: &[BackupTable] = &[
    entry(
        "organisations",
        &[
            col("id", Uuid),
            col("code", Text),
            col("name", Text),
            col("kind", Text),
            col("parent_id", Uuid),
            col("postcode", Text),
            col("opened", Date),
            col("closed", Date),
        ],
        &["id"],
    ),
    entry(
        "org_links",
        &[
            col("child_id", Uuid),
            col("parent_id", Uuid),
            col("valid_from", Date),
            col("valid_to", Date),
        ],
        &["child_id", "valid_from"],
    ),
    entry(
        "services",
        &[
            col("id", Uuid),
            col("org_id", Uuid),
            col("name", Text),
            col("kind", Text),
            col("criticality", Integer),
            col("daily_throughput", Integer),
            col("throughput_unit", Text),
        ],
        &["id"],
    ),
    entry(
        "software",
        &[
            col("id", Integer),
            col("name", Text),
            col("vendor", Text),
            col("version", Text),
            col("purl", Text),
            col("cpe", Text),
        ],
        &["id"],
    ),
    entry(
        "assets",
        &[
            col("id", Uuid),
            col("org_id", Uuid),
            col("name", Text),
            col("kind", Text),
            col("hostname", Text),
            col("internet_facing", Boolean),
        ],
        &["id"],
    ),
    BackupTable {
        org_from_asset: true,
        ..entry(
            "asset_services",
            &[
                col("asset_id", Uuid),
                col("service_id", Uuid),
                col("org_id", Uuid),
                col("position", Integer),
            ],
            &["asset_id", "position"],
        )
    },
    BackupTable {
        org_from_asset: true,
        ..entry(
            "asset_software",
            &[
                col("asset_id", Uuid),
                col("software_id", Integer),
                col("org_id", Uuid),
                col("source", Text),
                col("position", Integer),
            ],
            &["asset_id", "position"],
        )
    },
    entry(
        "products",
        &[
            col("id", Uuid),
            col("supplier_id", Uuid),
            col("name", Text),
            col("category", Text),
            col("cpe", Text),
            col("status", Text),
        ],
        &["id"],
    ),
    entry(
        "dependencies",
        &[
            col("id", Uuid),
            col("org_id", Uuid),
            col("service_id", Uuid),
            col("target_kind", Text),
            col("target_id", Uuid),
            col("note", Text),
        ],
        &["id"],
    ),
    entry(
        "users",
        &[
            col("id", Uuid),
            col("email", Text),
            col("display_name", Text),
            col("password_hash", Text),
            col("totp_secret", Text),
            col("totp_last_step", Integer),
            col("disabled", Boolean),
            col("failed_logins", Integer),
            col("locked_until", Timestamp),
            col("created_at", Timestamp),
        ],
        &["id"],
    ),
    entry(
        "role_grants",
        &[
            col("id", Uuid),
            col("user_id", Uuid),
            col("role", Text),
            col("org_id", Uuid),
            col("created_at", Timestamp),
            col("expires_at", Timestamp),
            col("granted_by", Uuid),
        ],
        &["id"],
    ),
    entry(
        "api_tokens",
        &[
            col("id", Uuid),
            col("name", Text),
            col("token_hash", Text),
            col("created_by", Uuid),
            col("role", Text),
            col("org_id", Uuid),
            col("created_at", Timestamp),
            col("expires_at", Timestamp),
            col("revoked_at", Timestamp),
            col("last_used_at", Timestamp),
        ],
        &["id"],
    ),
    entry(
        "audit_log",
        &[
            col("seq", Integer),
            col("at", Timestamp),
            col("actor_principal", Text),
            col("actor_role", Text),
            col("actor_org", Uuid),
            col("action", Text),
            col("entity", Text),
            col("entity_id", Text),
            col("org_id", Uuid),
            col("before_digest", Text),
            col("after_digest", Text),
            col("detail", Text),
            col("request_id", Text),
            col("prev_hash", Text),
            col("hash", Text),
        ],
        &["seq"],
    ),
    entry(
        "jobs",
        &[
            col("id", Uuid),
            col("kind", Text),
            col("payload", Json),
            col("status", Text),
            col("run_at", Timestamp),
            col("attempts", Integer),
            col("max_attempts", Integer),
            col("lease_owner", Text),
            col("lease_until", Timestamp),
            col("last_error", Text),
            col("created_at", Timestamp),
            col("dedupe_key", Text),
        ],
        &["id"],
    ),
];
