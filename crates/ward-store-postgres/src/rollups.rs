//! Organisation paths and per-organisation counters: what makes overviews cheap at national scale.
//! The design is the SQLite backend's (see its `rollups.rs` and `migrations/0003_org_rollups.sql`).
//!
//! * `organisations.path` (`/X26/Y56/QKK/RJZ/`, collation "C") makes a subtree the index range
//!   `P <= path < P || '~'`; `ward_scope` expands subtrees that way. New organisations get their path
//!   when inserted; [`refresh_paths`] recomputes re-parented organisations and their descendants in
//!   the same transaction as the move.
//! * `org_rollups` holds per (organisation, metric) the organisation's own count and its subtree's.
//!   Writes collect changes of `own` in [`Deltas`] and [`apply`] them (own at the organisation,
//!   subtree at it and every ancestor) as their last step, after the audit append: the audit's
//!   transaction-scoped advisory lock already serialises writers there, so the hot rows near the
//!   top of the tree (the national body's totals) add no waiting of their own and rows are always
//!   locked in one order. Moves sum the old and new ancestors again ([`recompute`]); a restore
//!   rebuilds everything ([`rebuild`]).
//! * An overview ([`overview`]) reads about twenty rows of the root, or for [`Scope::Orgs`] sums the
//!   own counts of the listed organisations inside the root's subtree.

use std::collections::BTreeSet;

use sqlx::PgConnection;
use uuid::Uuid;
use ward_core::OrgId;
use ward_store::{OrgOverview, Scope, StoreResult};

pub(crate) use ward_store::rollup::{Deltas, Metric, fill};

use crate::error::{corrupt, map_db_error};
use crate::rows::col;

/// Pairs (organisation, ancestor-or-self) for `ids`, from the codes in their stored paths (each code
/// joined on its own: `code = ANY (array)` made the planner compare every organisation with every
/// other, 13 s for the 5,000 organisations of a region).
async fn lineages(conn: &mut PgConnection, ids: &[Uuid]) -> StoreResult<Vec<(Uuid, Uuid)>> {
    let rows = sqlx::query(
        "SELECT o.id AS org, a.id AS anc
           FROM organisations o
          CROSS JOIN LATERAL unnest(string_to_array(trim(BOTH '/' FROM o.path), '/')) AS p(code)
           JOIN organisations a ON a.code = p.code
          WHERE o.id = ANY ($1) AND o.path <> ''",
    )
    .bind(ids)
    .fetch_all(&mut *conn)
    .await
    .map_err(map_db_error)?;
    rows.iter()
        .map(|r| Ok((col(r, "org")?, col(r, "anc")?)))
        .collect()
}

/// The organisations of `ids` and all their ancestors, from the stored paths.
pub(crate) async fn with_ancestors(conn: &mut PgConnection, ids: &[Uuid]) -> StoreResult<BTreeSet<Uuid>> {
    Ok(lineages(conn, ids).await?.into_iter().map(|(_, a)| a).collect())
}

/// Apply counter changes (`ward_store::sql::rollups::apply`), for code holding a bare connection.
pub(crate) async fn apply(conn: &mut PgConnection, deltas: &Deltas) -> StoreResult<()> {
    ward_store::sql::rollups::apply(&mut crate::exec::PgExec(conn), deltas).await
}

/// Sum the `subtree` counters of `orgs` again from the `own` counters in their path ranges.
pub(crate) async fn recompute(conn: &mut PgConnection, orgs: &BTreeSet<Uuid>) -> StoreResult<()> {
    let orgs: Vec<Uuid> = orgs.iter().copied().collect();
    sqlx::query("UPDATE org_rollups SET subtree = 0 WHERE org_id = ANY ($1)")
        .bind(&orgs)
        .execute(&mut *conn)
        .await
        .map_err(map_db_error)?;
    sqlx::query(
        "INSERT INTO org_rollups (org_id, metric, own, subtree)
         SELECT a.id, r.metric, 0, sum(r.own)
           FROM organisations a
           JOIN organisations d ON d.path >= a.path AND d.path < a.path || '~'
           JOIN org_rollups r ON r.org_id = d.id
          WHERE a.id = ANY ($1) AND a.path <> ''
          GROUP BY a.id, r.metric
         ON CONFLICT (org_id, metric) DO UPDATE SET subtree = EXCLUDED.subtree",
    )
    .bind(&orgs)
    .execute(&mut *conn)
    .await
    .map_err(map_db_error)?;
    Ok(())
}

/// Recompute the paths of `changed` organisations and of everything beneath the `moved` ones (found
/// by their paths before the move), walking each one's current parents up to the top.
pub(crate) async fn refresh_paths(
    conn: &mut PgConnection,
    changed: &[Uuid],
    moved: &[Uuid],
) -> StoreResult<()> {
    sqlx::query(
        "WITH RECURSIVE todo(id) AS (
             SELECT unnest($1::uuid[])
           UNION
             SELECT d.id FROM organisations m
               JOIN organisations d ON d.path > m.path AND d.path < m.path || '~'
              WHERE m.id = ANY ($2) AND m.path <> ''
         ), up(start, cur, path, depth) AS (
             SELECT o.id, o.parent_id, o.code || '/', 0 FROM organisations o WHERE o.id IN (SELECT id FROM todo)
           UNION ALL
             SELECT up.start, p.parent_id, p.code || '/' || up.path, up.depth + 1
               FROM up JOIN organisations p ON p.id = up.cur WHERE up.depth < 64
         )
         UPDATE organisations o SET path = '/' || up.path
           FROM up WHERE up.cur IS NULL AND o.id = up.start AND o.path <> '/' || up.path",
    )
    .bind(changed)
    .bind(moved)
    .execute(&mut *conn)
    .await
    .map_err(map_db_error)?;
    Ok(())
}

/// The number of assets in `scope` (of one organisation, kind or exposure when given) from the
/// counters, or None when the filters do not map onto them (a kind and an exposure together).
pub(crate) async fn asset_total(
    conn: &mut PgConnection,
    scope: &Scope,
    org: Option<OrgId>,
    kind: Option<ward_core::asset::AssetKind>,
    internet_facing: Option<bool>,
) -> StoreResult<Option<u64>> {
    let Some((metric, minus)) = ward_store::rollup::asset_total_metrics(kind, internet_facing) else {
        return Ok(None);
    };
    let mut total = sum_metric(conn, scope, org, &metric.name()).await?;
    if let Some(m) = minus {
        total -= sum_metric(conn, scope, org, &m.name()).await?;
    }
    Ok(Some(u64::try_from(total).map_err(|_| corrupt("counter"))?))
}

/// One metric summed over the scope (or over one organisation inside it): `own` of that
/// organisation or of the listed ones, `subtree` of the scope's roots, nested roots counted once.
async fn sum_metric(
    conn: &mut PgConnection,
    scope: &Scope,
    org: Option<OrgId>,
    metric: &str,
) -> StoreResult<i64> {
    let (mode, roots) = crate::scope_binds(scope);
    let row = match org {
        Some(o) => sqlx::query(
            "SELECT coalesce(sum(r.own), 0)::bigint AS n FROM org_rollups r
              WHERE r.org_id = $3 AND r.metric = $4
                AND ($1 = 'all' OR r.org_id IN (SELECT id FROM ward_scope($1, $2)))",
        )
        .bind(mode)
        .bind(&roots)
        .bind(o.as_uuid())
        .bind(metric),
        None => sqlx::query(
            "SELECT coalesce(sum(CASE WHEN $1 = 'orgs' THEN r.own ELSE r.subtree END), 0)::bigint AS n
               FROM organisations t JOIN org_rollups r ON r.org_id = t.id AND r.metric = $3
              WHERE CASE $1
                      WHEN 'all' THEN t.parent_id IS NULL
                      WHEN 'orgs' THEN t.id = ANY ($2)
                      ELSE t.id = ANY ($2) AND t.path <> '' AND NOT EXISTS (
                          SELECT 1 FROM organisations u
                           WHERE u.id = ANY ($2) AND u.id <> t.id AND u.path <> ''
                             AND t.path > u.path AND t.path < u.path || '~')
                    END",
        )
        .bind(mode)
        .bind(&roots)
        .bind(metric),
    }
    .fetch_one(&mut *conn)
    .await
    .map_err(map_db_error)?;
    col(&row, "n")
}

/// Paths from `parent_id` for every organisation (tops first), for a restored database.
const REBUILD_PATHS: &str = "
WITH RECURSIVE p(id, path, depth) AS (
    SELECT id, '/' || code || '/', 0 FROM organisations WHERE parent_id IS NULL
  UNION ALL
    SELECT o.id, p.path || o.code || '/', p.depth + 1 FROM organisations o JOIN p ON o.parent_id = p.id
     WHERE p.depth < 64
)
UPDATE organisations o SET path = p.path FROM p WHERE o.id = p.id";

/// Every `own` counter, counted from the tables.
const REBUILD_OWN: &str = "
INSERT INTO org_rollups (org_id, metric, own)
    SELECT org_id, metric, sum(n) FROM (
        SELECT org_id, 'services' AS metric, count(*) AS n FROM services GROUP BY org_id
      UNION ALL
        SELECT org_id, 'services.clinical', count(*) FROM services WHERE kind = 'clinical' GROUP BY org_id
      UNION ALL
        SELECT org_id, 'services.critical', count(*) FROM services WHERE criticality >= 4 GROUP BY org_id
      UNION ALL
        SELECT org_id, 'assets', count(*) FROM assets GROUP BY org_id
      UNION ALL
        SELECT org_id, 'assets.kind.' || kind, count(*) FROM assets GROUP BY org_id, kind
      UNION ALL
        SELECT org_id, 'assets.internet_facing', count(*) FROM assets WHERE internet_facing GROUP BY org_id
      UNION ALL
        SELECT org_id, 'software.installs', count(*) FROM asset_software GROUP BY org_id
      UNION ALL
        SELECT id, 'orgs.kind.' || kind, 1 FROM organisations WHERE closed IS NULL
    ) AS counted GROUP BY org_id, metric";

/// Every `subtree` counter, summed from `own` over path ranges.
const REBUILD_SUBTREES: &str = "
INSERT INTO org_rollups (org_id, metric, own, subtree)
    SELECT a.id, r.metric, 0, sum(r.own)
      FROM organisations a
      JOIN organisations d ON d.path >= a.path AND d.path < a.path || '~'
      JOIN org_rollups r ON r.org_id = d.id
     WHERE a.path <> ''
     GROUP BY a.id, r.metric
    ON CONFLICT (org_id, metric) DO UPDATE SET subtree = EXCLUDED.subtree";

/// Recompute every path and counter from the tables (after a restore).
pub(crate) async fn rebuild(conn: &mut PgConnection) -> StoreResult<()> {
    for sql in [
        REBUILD_PATHS,
        "DELETE FROM org_rollups",
        REBUILD_OWN,
        REBUILD_SUBTREES,
    ] {
        sqlx::query(sql).execute(&mut *conn).await.map_err(map_db_error)?;
    }
    Ok(())
}

/// The overview of `root`'s subtree intersected with `scope`, or None when `root` is not inside the
/// scope. Under [`Scope::All`] and [`Scope::Subtrees`] a root inside the scope has its whole subtree
/// inside, so one read of its `subtree` counters (joined to the root, which checks the scope) is the
/// answer.
pub(crate) async fn overview(
    conn: &mut PgConnection,
    scope: &Scope,
    root: OrgId,
) -> StoreResult<Option<OrgOverview>> {
    let mut out = OrgOverview::default();
    match scope {
        Scope::All | Scope::Subtrees(_) => {
            let (mode, roots) = crate::scope_binds(scope);
            let rows = sqlx::query(concat!(
                "SELECT r.metric, r.own, r.subtree FROM organisations t
                   LEFT JOIN org_rollups r ON r.org_id = t.id WHERE t.id = $3 AND ",
                in_scope!("t.id")
            ))
            .bind(mode)
            .bind(&roots)
            .bind(root.as_uuid())
            .fetch_all(&mut *conn)
            .await
            .map_err(map_db_error)?;
            if rows.is_empty() {
                return Ok(None);
            }
            for r in &rows {
                let Some(metric) = col::<Option<String>>(r, "metric")? else {
                    continue;
                };
                let (own, subtree): (i64, i64) = (col(r, "own")?, col(r, "subtree")?);
                let value = if Metric::parse(&metric).is_some_and(Metric::is_org_kind) {
                    subtree - own
                } else {
                    subtree
                };
                fill(&mut out, &metric, value)?;
            }
        }
        Scope::Orgs(ids) => {
            if crate::PgStore::org_in_scope(conn, scope, root).await?.is_none() {
                return Ok(None);
            }
            let ids: Vec<Uuid> = ids
                .iter()
                .map(|o| *o.as_uuid())
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            let rows = sqlx::query(
                "SELECT r.metric, sum(r.own)::bigint AS n
                   FROM organisations t
                   JOIN organisations d ON d.path >= t.path AND d.path < t.path || '~'
                   JOIN org_rollups r ON r.org_id = d.id
                  WHERE t.id = $1 AND t.path <> '' AND d.id = ANY ($2)
                    AND NOT (d.id = t.id AND r.metric LIKE 'orgs.kind.%')
                  GROUP BY r.metric",
            )
            .bind(root.as_uuid())
            .bind(&ids)
            .fetch_all(&mut *conn)
            .await
            .map_err(map_db_error)?;
            for r in &rows {
                fill(&mut out, &col::<String>(r, "metric")?, col(r, "n")?)?;
            }
        }
    }
    Ok(Some(out))
}
