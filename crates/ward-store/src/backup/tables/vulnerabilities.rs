//! Advisories, known exploitation, EPSS, VEX statements, end-of-life data and the feeds, plus when
//! each exposure was first seen.
//!
//! The lookup tables (`advisory_aliases`, `advisory_packages`, `vex_ids`) could be derived again from
//! the documents they index, but they are copied: a restore then answers exactly the lookups the
//! source answered, without parsing every stored document or depending on how today's code would key it.

use super::{BackupTable, col, entry};
use crate::backup::ColumnType::{Boolean, Date, Float, Integer, Text, Timestamp, Uuid};

pub(super) const TABLES: &[BackupTable] = &[
    // `doc` is the advisory as JSON text and `digest` the hash of that text: both copied as text.
    entry(
        "advisories",
        &[
            col("id", Text),
            col("source", Text),
            col("summary", Text),
            col("published", Timestamp),
            col("modified", Timestamp),
            col("withdrawn", Timestamp),
            col("digest", Text),
            col("doc", Text),
            col("stored_at", Timestamp),
        ],
        &["id"],
    ),
    entry(
        "advisory_aliases",
        &[col("alias", Text), col("advisory_id", Text)],
        &["alias", "advisory_id"],
    ),
    entry(
        "advisory_packages",
        &[
            col("name_key", Text),
            col("ecosystem", Text),
            col("advisory_id", Text),
        ],
        &["name_key", "ecosystem", "advisory_id"],
    ),
    entry(
        "kev_catalog",
        &[
            col("id", Integer),
            col("title", Text),
            col("catalog_version", Text),
            col("date_released", Text),
            col("count", Integer),
        ],
        &["id"],
    ),
    // `cwes` is a JSON array kept as text in both schemas.
    entry(
        "kev",
        &[
            col("cve", Text),
            col("vendor", Text),
            col("product", Text),
            col("name", Text),
            col("date_added", Date),
            col("due_date", Date),
            col("known_ransomware", Boolean),
            col("description", Text),
            col("required_action", Text),
            col("notes", Text),
            col("cwes", Text),
            col("digest", Text),
        ],
        &["cve"],
    ),
    entry(
        "epss",
        &[
            col("cve", Text),
            col("epss", Float),
            col("percentile", Float),
            col("score_date", Date),
        ],
        &["cve"],
    ),
    // Statement ids are kept: `vex_ids` refers to them.
    entry(
        "vex_statements",
        &[
            col("id", Integer),
            col("org_id", Uuid),
            col("source", Text),
            col("vulnerability", Text),
            col("product_key", Text),
            col("status", Text),
            col("digest", Text),
            col("doc", Text),
            col("updated_at", Timestamp),
        ],
        &["id"],
    ),
    entry(
        "vex_ids",
        &[col("vuln_id", Text), col("statement_id", Integer)],
        &["vuln_id", "statement_id"],
    ),
    // `identifiers` is a JSON array kept as text in both schemas.
    entry(
        "eol_products",
        &[
            col("product", Text),
            col("title", Text),
            col("category", Text),
            col("identifiers", Text),
            col("digest", Text),
        ],
        &["product"],
    ),
    // The support fields (eol, eoas, eoes, lts) hold a date or `true`/`false`: text in both schemas.
    entry(
        "eol_releases",
        &[
            col("product", Text),
            col("position", Integer),
            col("cycle", Text),
            col("codename", Text),
            col("release_date", Date),
            col("eol", Text),
            col("eoas", Text),
            col("eoes", Text),
            col("lts", Text),
            col("latest", Text),
            col("latest_release_date", Date),
        ],
        &["product", "position"],
    ),
    entry(
        "feed_sources",
        &[
            col("url", Text),
            col("name", Text),
            col("etag", Text),
            col("last_modified", Text),
            col("version", Text),
            col("last_checked", Timestamp),
            col("last_success", Timestamp),
            col("last_error", Text),
            col("bytes", Integer),
        ],
        &["url"],
    ),
    entry(
        "exposure_first_seen",
        &[
            col("org_id", Uuid),
            col("vulnerability", Text),
            col("first_seen_at", Timestamp),
        ],
        &["org_id", "vulnerability"],
    ),
];
