//! Asset lists and search at national scale (the SQLite backend's `search.rs` follows the same rules).
//!
//! * **Text of three characters or more** is a case-insensitive substring (`ILIKE '%text%'`) of the
//!   asset's name or hostname or of an installed software name, served by the trigram GIN indexes of
//!   migration 0005. Software names are matched in the small `software` table and reach assets
//!   through `asset_software_software`.
//! * **Shorter text** matches the start of the asset's name (`ILIKE 'te%'`).
//! * **No text**: the total comes from the per-organisation counters (`rollups`) when the filters map
//!   onto one of them; one organisation's page is read from `assets_org (org_id, name, id)`.
//!
//! Totals are exact up to [`COUNT_CAP`] matches (or the end of the requested page, if further);
//! beyond that counting stops and the page says `total_is_lower_bound`.
//!
//! The SQL is built per request from the filters that are set, so PostgreSQL plans each shape on its
//! own rather than one generic plan full of `$n IS NULL OR ...` branches.

use sqlx::postgres::PgRow;
use sqlx::{PgConnection, Postgres, QueryBuilder};
use ward_core::{AssetId, OrgId};
use ward_store::{AssetFilter, AssetSummary, PageRequest, Scope, StoreResult};

use crate::error::map_db_error;
use crate::rows::{col, count_col, parse_col};
use crate::{page_bounds, scope_binds};

/// Shortest text searched as a substring.
const MIN_SUBSTRING_CHARS: usize = 3;

/// What the text filter asks for: a LIKE pattern and whether it is a name prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Text {
    None,
    Prefix(String),
    Substring(String),
}

impl Text {
    fn of(filter: &AssetFilter) -> Self {
        match filter.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            None => Self::None,
            Some(t) if t.chars().count() < MIN_SUBSTRING_CHARS => {
                Self::Prefix(format!("{}%", escape_like(t)))
            }
            Some(t) => Self::Substring(format!("%{}%", escape_like(t))),
        }
    }
}

/// `text` with LIKE's wildcards and escape character escaped (PostgreSQL's default escape is `\`).
fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Batches at least this large settle the text indexes after they commit ([`settle_text_indexes`]).
pub(crate) const SETTLE_AFTER_ASSETS: usize = 1_000;

/// Merge the trigram indexes' pending lists into the indexes proper.
///
/// GIN indexes take inserts into an unsorted pending list (up to `gin_pending_list_limit`, 4 MB)
/// that every search must scan in full until autovacuum or a later insert merges it: right after
/// the region demo's import a search for 'citrix' took 10.7 ms, 0.1 ms once merged. The merge is
/// work the next insert or vacuum would do anyway, so a large import does it at its end, outside its
/// transaction. Best effort: it needs ownership of the indexes, and a failure changes only speed.
pub(crate) async fn settle_text_indexes(pool: &sqlx::PgPool) {
    let done = sqlx::query(
        "SELECT gin_clean_pending_list('assets_name_trgm'::regclass),
                gin_clean_pending_list('assets_hostname_trgm'::regclass),
                gin_clean_pending_list('software_name_trgm'::regclass)",
    )
    .execute(pool)
    .await;
    if let Err(e) = done {
        tracing::debug!(error = %e, "could not merge the pending lists of the text indexes");
    }
}

/// Push the conditions on `a` (after a `WHERE`): scope, organisation, text, kind, exposure, service.
fn push_conditions(qb: &mut QueryBuilder<Postgres>, scope: &Scope, filter: &AssetFilter, text: &Text) {
    qb.push("TRUE");
    if !matches!(scope, Scope::All) {
        let (mode, roots) = scope_binds(scope);
        qb.push(" AND a.org_id IN (SELECT id FROM ward_scope(")
            .push_bind(mode)
            .push(", ")
            .push_bind(roots)
            .push("))");
    }
    if let Some(org) = filter.org {
        qb.push(" AND a.org_id = ").push_bind(*org.as_uuid());
    }
    match text {
        Text::None => {}
        Text::Prefix(pattern) => {
            qb.push(" AND a.name ILIKE ").push_bind(pattern.clone());
        }
        Text::Substring(pattern) => {
            qb.push(" AND a.id IN (SELECT n.id FROM assets n WHERE n.name ILIKE ")
                .push_bind(pattern.clone())
                .push(" OR n.hostname ILIKE ")
                .push_bind(pattern.clone())
                .push(
                    " UNION SELECT x.asset_id FROM asset_software x WHERE x.software_id IN \
                     (SELECT s.id FROM software s WHERE s.name ILIKE ",
                )
                .push_bind(pattern.clone())
                .push("))");
        }
    }
    if let Some(kind) = filter.kind {
        qb.push(" AND a.kind = ").push_bind(kind.as_str());
    }
    if let Some(facing) = filter.internet_facing {
        qb.push(" AND a.internet_facing = ").push_bind(facing);
    }
    if let Some(service) = filter.service {
        qb.push(" AND EXISTS (SELECT 1 FROM asset_services y WHERE y.asset_id = a.id AND y.service_id = ")
            .push_bind(*service.as_uuid())
            .push(")");
    }
}

/// The number of matches, counting no further than `stop_at`.
pub(crate) async fn count_assets(
    conn: &mut PgConnection,
    scope: &Scope,
    filter: &AssetFilter,
    stop_at: u64,
) -> StoreResult<u64> {
    let mut qb = QueryBuilder::new("SELECT count(*) AS n FROM (SELECT 1 FROM assets a WHERE ");
    push_conditions(&mut qb, scope, filter, &Text::of(filter));
    qb.push(" LIMIT ")
        .push_bind(i64::try_from(stop_at).unwrap_or(i64::MAX))
        .push(") AS capped");
    let row = qb.build().fetch_one(&mut *conn).await.map_err(map_db_error)?;
    count_col(&row, "n")
}

fn summary_from_row(r: &PgRow) -> StoreResult<AssetSummary> {
    Ok(AssetSummary {
        id: AssetId::from_uuid(col(r, "id")?),
        org: OrgId::from_uuid(col(r, "org_id")?),
        org_name: col(r, "org_name")?,
        name: col(r, "name")?,
        kind: parse_col(r, "kind")?,
        hostname: col(r, "hostname")?,
        internet_facing: col(r, "internet_facing")?,
        software_count: u32::try_from(count_col(r, "software_count")?).unwrap_or(u32::MAX),
        service_count: u32::try_from(count_col(r, "service_count")?).unwrap_or(u32::MAX),
    })
}

/// One page of matches ordered by name then id (PostgreSQL's planner needs no hint for many).
pub(crate) async fn asset_page(
    conn: &mut PgConnection,
    scope: &Scope,
    filter: &AssetFilter,
    page: PageRequest,
) -> StoreResult<Vec<AssetSummary>> {
    let (limit, offset) = page_bounds(page);
    let mut qb = QueryBuilder::new(
        "SELECT a.id, a.org_id, o.name AS org_name, a.name, a.kind, a.hostname, a.internet_facing,
                (SELECT count(*) FROM asset_software x WHERE x.asset_id = a.id) AS software_count,
                (SELECT count(*) FROM asset_services y WHERE y.asset_id = a.id) AS service_count
           FROM assets a JOIN organisations o ON o.id = a.org_id WHERE ",
    );
    push_conditions(&mut qb, scope, filter, &Text::of(filter));
    qb.push(" ORDER BY a.name, a.id LIMIT ")
        .push_bind(limit)
        .push(" OFFSET ")
        .push_bind(offset);
    let rows = qb.build().fetch_all(&mut *conn).await.map_err(map_db_error)?;
    rows.iter().map(summary_from_row).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_becomes_a_prefix_or_substring_pattern() {
        let f = |t: &str| AssetFilter {
            text: Some(t.into()),
            ..Default::default()
        };
        assert_eq!(Text::of(&f("   ")), Text::None);
        assert_eq!(Text::of(&f(" w1 ")), Text::Prefix("w1%".into()));
        assert_eq!(Text::of(&f("50%_x")), Text::Substring("%50\\%\\_x%".into()));
        assert_eq!(Text::of(&f("a\\b")), Text::Substring("%a\\\\b%".into()));
    }
}
