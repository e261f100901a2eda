//! Organisation paths and per-organisation counters: what makes overviews cheap at national scale.
//!
//! # Paths
//!
//! `organisations.path` lists the codes from the top of the hierarchy down to the organisation, each
//! followed by `/` (`/X26/Y56/QKK/RJZ/`). Codes are upper-case letters and digits, so the subtree of
//! an organisation with path `P` is the index range `P <= path < P || '~'`: scopes
//! and overviews read a range of `organisations_path` instead of walking `parent_id` recursively.
//! New organisations get their path when inserted; [`refresh_paths`] recomputes the paths of
//! re-parented organisations and everything beneath them, in the same transaction as the move.
//!
//! # Counters
//!
//! `org_rollups` holds per (organisation, metric) the count for the organisation itself (`own`) and
//! for its subtree (`subtree`, itself included); the metrics and their names are [`Metric`]. Writes collect
//! their changes of `own` in [`Deltas`] and [`apply`] them inside their transaction: `own` at the
//! organisation and `subtree` at the organisation and each of its ancestors (read from its path),
//! a handful of upserts per batch instead of a trigger per row. Moving an organisation changes the
//! subtrees of its old and new ancestors; [`recompute`] sums them again from `own`. A restore
//! rebuilds everything with [`rebuild`].
//!
//! An overview ([`overview`]) is then one primary-key range read of about twenty rows (the root's
//! `subtree` values), or for [`Scope::Orgs`] a sum of `own` over the listed organisations inside the
//! root's subtree.

use crate::codec::{DbResult, get, to_u64};
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use ward_core::OrgId;
use ward_core::org::Organisation;
use ward_store::{OrgOverview, Scope, StoreError, StoreResult};

pub(crate) use ward_store::rollup::{Deltas, Metric, fill};

/// Identifiers per `IN (...)` list.
const IN_CHUNK: usize = 400;
/// Deepest hierarchy walked when computing paths (guards against a corrupted cyclic table).
const MAX_DEPTH: i64 = 64;

/// Push `<column> IN (?, ...)` over text values, or a false condition for none.
fn push_in_text(qb: &mut QueryBuilder<Sqlite>, column: &str, values: &[String]) {
    if values.is_empty() {
        qb.push("0");
        return;
    }
    qb.push(column).push(" IN (");
    let mut list = qb.separated(", ");
    for v in values {
        list.push_bind(v.as_str());
    }
    qb.push(")");
}

/// The stored paths of `ids` (as text ids), chunk by chunk.
async fn paths_of(conn: &mut SqliteConnection, ids: &[String]) -> StoreResult<HashMap<String, String>> {
    let mut out = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(IN_CHUNK) {
        let mut qb = QueryBuilder::new("SELECT id, path FROM organisations WHERE ");
        push_in_text(&mut qb, "id", chunk);
        for row in qb.build().fetch_all(&mut *conn).await.db()? {
            out.insert(get(&row, "id")?, get(&row, "path")?);
        }
    }
    Ok(out)
}

/// Ids of organisations by code.
async fn ids_by_code(conn: &mut SqliteConnection, codes: &[String]) -> StoreResult<HashMap<String, String>> {
    let mut out = HashMap::with_capacity(codes.len());
    for chunk in codes.chunks(IN_CHUNK) {
        let mut qb = QueryBuilder::new("SELECT code, id FROM organisations WHERE ");
        push_in_text(&mut qb, "code", chunk);
        for row in qb.build().fetch_all(&mut *conn).await.db()? {
            out.insert(get(&row, "code")?, get(&row, "id")?);
        }
    }
    Ok(out)
}

/// The codes of a path, top first (the organisation itself last).
fn path_codes(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|c| !c.is_empty())
}

/// For each organisation of `ids`: itself and its ancestors (text ids), read from the stored paths.
async fn lineages(conn: &mut SqliteConnection, ids: &[String]) -> StoreResult<HashMap<String, Vec<String>>> {
    let paths = paths_of(conn, ids).await?;
    let codes: Vec<String> = paths
        .values()
        .flat_map(|p| path_codes(p).map(str::to_owned))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let by_code = ids_by_code(conn, &codes).await?;
    let mut out = HashMap::with_capacity(ids.len());
    for id in ids {
        let path = paths
            .get(id)
            .ok_or_else(|| StoreError::Backend(format!("organisation {id} vanished while counting")))?;
        let mut line = Vec::new();
        for code in path_codes(path) {
            let anc = by_code.get(code).ok_or_else(|| {
                StoreError::Backend(format!("the path of organisation {id} names an unknown code"))
            })?;
            line.push(anc.clone());
        }
        if line.last() != Some(id) {
            return Err(StoreError::Backend(format!(
                "the stored path of organisation {id} does not end with it"
            )));
        }
        out.insert(id.clone(), line);
    }
    Ok(out)
}

/// The organisations of `ids` and all their ancestors, from the stored paths.
pub(crate) async fn with_ancestors(
    conn: &mut SqliteConnection,
    ids: &[OrgId],
) -> StoreResult<BTreeSet<String>> {
    let ids: Vec<String> = ids.iter().map(ToString::to_string).collect();
    Ok(lineages(conn, &ids).await?.into_values().flatten().collect())
}

/// Apply counter changes (`ward_store::sql::rollups::apply`), for code holding a bare connection.
pub(crate) async fn apply(conn: &mut SqliteConnection, deltas: &Deltas) -> StoreResult<()> {
    ward_store::sql::rollups::apply(&mut crate::exec::SqliteExec(conn), deltas).await
}

/// Sum the `subtree` counters of `orgs` again from the `own` counters in their path ranges.
pub(crate) async fn recompute(conn: &mut SqliteConnection, orgs: &BTreeSet<String>) -> StoreResult<()> {
    let orgs: Vec<String> = orgs.iter().cloned().collect();
    for chunk in orgs.chunks(IN_CHUNK) {
        let mut qb = QueryBuilder::new("UPDATE org_rollups SET subtree = 0 WHERE ");
        push_in_text(&mut qb, "org_id", chunk);
        qb.build().execute(&mut *conn).await.db()?;
        let mut qb = QueryBuilder::new(
            "INSERT INTO org_rollups (org_id, metric, own, subtree) \
             SELECT a.id, r.metric, 0, sum(r.own) FROM organisations a \
             JOIN organisations d ON d.path >= a.path AND d.path < a.path || '~' \
             JOIN org_rollups r ON r.org_id = d.id WHERE a.path <> '' AND ",
        );
        push_in_text(&mut qb, "a.id", chunk);
        qb.push(
            " GROUP BY a.id, r.metric \
             ON CONFLICT (org_id, metric) DO UPDATE SET subtree = excluded.subtree",
        );
        qb.build().execute(&mut *conn).await.db()?;
    }
    Ok(())
}

/// Recompute the paths of `changed` organisations and of everything beneath the `moved` ones
/// (found by their paths before the move), walking each one's current parents up to the top.
pub(crate) async fn refresh_paths(
    conn: &mut SqliteConnection,
    changed: &[OrgId],
    moved: &[OrgId],
) -> StoreResult<()> {
    let mut todo: BTreeSet<String> = changed.iter().map(ToString::to_string).collect();
    let moved: Vec<String> = moved.iter().map(ToString::to_string).collect();
    for chunk in moved.chunks(IN_CHUNK) {
        let mut qb = QueryBuilder::new(
            "SELECT d.id FROM organisations m \
             JOIN organisations d ON d.path > m.path AND d.path < m.path || '~' WHERE m.path <> '' AND ",
        );
        push_in_text(&mut qb, "m.id", chunk);
        let ids: Vec<String> = qb.build_query_scalar().fetch_all(&mut *conn).await.db()?;
        todo.extend(ids);
    }
    let todo: Vec<String> = todo.into_iter().collect();
    let mut fresh: Vec<(String, String)> = Vec::with_capacity(todo.len());
    for chunk in todo.chunks(IN_CHUNK) {
        let mut qb = QueryBuilder::new(
            "WITH RECURSIVE up(start, cur, path, depth) AS ( \
               SELECT o.id, o.parent_id, o.code || '/', 0 FROM organisations o WHERE ",
        );
        push_in_text(&mut qb, "o.id", chunk);
        qb.push(
            " UNION ALL \
               SELECT up.start, p.parent_id, p.code || '/' || up.path, up.depth + 1 \
                 FROM up JOIN organisations p ON p.id = up.cur WHERE up.depth < ",
        );
        qb.push_bind(MAX_DEPTH);
        qb.push(
            ") SELECT up.start AS id, '/' || up.path AS path FROM up \
               JOIN organisations o ON o.id = up.start WHERE up.cur IS NULL AND o.path <> '/' || up.path",
        );
        for row in qb.build().fetch_all(&mut *conn).await.db()? {
            fresh.push((get(&row, "id")?, get(&row, "path")?));
        }
    }
    for (id, path) in &fresh {
        sqlx::query("UPDATE organisations SET path = ? WHERE id = ?")
            .bind(path)
            .bind(id)
            .execute(&mut *conn)
            .await
            .db()?;
    }
    Ok(())
}

/// The path a new organisation gets: its parent's path (or the top) followed by its code.
pub(crate) async fn path_for(conn: &mut SqliteConnection, org: &Organisation) -> StoreResult<String> {
    let parent = match org.parent {
        None => "/".to_owned(),
        Some(p) => {
            let path: Option<String> = sqlx::query_scalar("SELECT path FROM organisations WHERE id = ?")
                .bind(p.to_string())
                .fetch_optional(&mut *conn)
                .await
                .db()?;
            path.filter(|p| !p.is_empty())
                .ok_or_else(|| StoreError::Invalid(format!("parent: organisation {p} does not exist")))?
        }
    };
    Ok(format!("{parent}{}/", org.code.as_str()))
}

/// The number of assets in `scope` (of one organisation, kind or exposure when given) from the
/// counters, or None when the filters do not map onto them (a kind and an exposure together).
pub(crate) async fn asset_total(
    conn: &mut SqliteConnection,
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
    Ok(Some(to_u64("counter", total)?))
}

/// One metric summed over the scope (or over one organisation inside it): `own` of that
/// organisation or of the listed ones, `subtree` of the roots (nested roots counted once).
async fn sum_metric(
    conn: &mut SqliteConnection,
    scope: &Scope,
    org: Option<OrgId>,
    metric: &str,
) -> StoreResult<i64> {
    let (column, orgs): (&str, Vec<String>) = match (org, scope) {
        (Some(o), _) => {
            // One organisation: its own count, if it lies inside the scope.
            let mut qb = QueryBuilder::new("");
            crate::scope::push_with(&mut qb, scope);
            qb.push("SELECT sum(own) FROM org_rollups WHERE org_id = ")
                .push_bind(o.to_string())
                .push(" AND metric = ")
                .push_bind(metric.to_owned());
            crate::scope::push_filter(&mut qb, scope, "org_id");
            let n: Option<i64> = qb.build_query_scalar().fetch_one(&mut *conn).await.db()?;
            return Ok(n.unwrap_or(0));
        }
        (None, Scope::All) => {
            let n: Option<i64> = sqlx::query_scalar(
                "SELECT sum(r.subtree) FROM organisations o JOIN org_rollups r ON r.org_id = o.id \
                 WHERE o.parent_id IS NULL AND r.metric = ?",
            )
            .bind(metric)
            .fetch_one(&mut *conn)
            .await
            .db()?;
            return Ok(n.unwrap_or(0));
        }
        (None, Scope::Orgs(ids)) => (
            "own",
            ids.iter()
                .map(ToString::to_string)
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect(),
        ),
        (None, Scope::Subtrees(roots)) => {
            let ids: Vec<String> = roots.iter().map(ToString::to_string).collect();
            let paths = paths_of(conn, &ids).await?;
            let mut tops: Vec<(&String, &String)> = paths.iter().filter(|(_, p)| !p.is_empty()).collect();
            tops.sort_by(|a, b| a.1.cmp(b.1));
            // Paths sort parents before their descendants: keep those not under a kept one.
            let mut kept: Vec<(&String, &String)> = Vec::new();
            for (id, path) in tops {
                if !kept.iter().any(|(_, p)| path.starts_with(p.as_str())) {
                    kept.push((id, path));
                }
            }
            ("subtree", kept.into_iter().map(|(id, _)| id.clone()).collect())
        }
    };
    let mut total = 0;
    for chunk in orgs.chunks(IN_CHUNK) {
        let mut qb = QueryBuilder::new("SELECT sum(");
        qb.push(column)
            .push(") FROM org_rollups WHERE metric = ")
            .push_bind(metric.to_owned());
        qb.push(" AND ");
        push_in_text(&mut qb, "org_id", chunk);
        let n: Option<i64> = qb.build_query_scalar().fetch_one(&mut *conn).await.db()?;
        total += n.unwrap_or(0);
    }
    Ok(total)
}

/// Paths from `parent_id` for every organisation (tops first), for a restored database.
const REBUILD_PATHS: &str = "\
WITH RECURSIVE p(id, path, depth) AS (
    SELECT id, '/' || code || '/', 0 FROM organisations WHERE parent_id IS NULL
    UNION ALL
    SELECT o.id, p.path || o.code || '/', p.depth + 1 FROM organisations o JOIN p ON o.parent_id = p.id
     WHERE p.depth < 64
)
UPDATE organisations SET path = p.path FROM p WHERE organisations.id = p.id";

/// Every `own` counter, counted from the tables.
const REBUILD_OWN: &str = "\
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
        SELECT a.org_id, 'software.installs', count(*)
          FROM asset_software x JOIN assets a ON a.num = x.asset_num GROUP BY a.org_id
        UNION ALL
        SELECT id, 'orgs.kind.' || kind, 1 FROM organisations WHERE closed IS NULL
    ) GROUP BY org_id, metric";

/// Every `subtree` counter, summed from `own` over path ranges.
const REBUILD_SUBTREES: &str = "\
INSERT INTO org_rollups (org_id, metric, own, subtree)
    SELECT a.id, r.metric, 0, sum(r.own)
      FROM organisations a
      JOIN organisations d ON d.path >= a.path AND d.path < a.path || '~'
      JOIN org_rollups r ON r.org_id = d.id
     WHERE a.path <> ''
     GROUP BY a.id, r.metric
    ON CONFLICT (org_id, metric) DO UPDATE SET subtree = excluded.subtree";

/// Recompute every path and counter from the tables (after a restore).
pub(crate) async fn rebuild(conn: &mut SqliteConnection) -> StoreResult<()> {
    for sql in [
        REBUILD_PATHS,
        "DELETE FROM org_rollups",
        REBUILD_OWN,
        REBUILD_SUBTREES,
    ] {
        sqlx::query(sql).execute(&mut *conn).await.db()?;
    }
    Ok(())
}

/// The overview of `root`'s subtree intersected with `scope`, or None when `root` is not inside the
/// scope. Under [`Scope::All`] and [`Scope::Subtrees`] a root inside the scope has its whole subtree
/// inside, so one read of its `subtree` counters (joined to the root, which checks the scope) is the
/// answer.
pub(crate) async fn overview(
    conn: &mut SqliteConnection,
    scope: &Scope,
    root: OrgId,
) -> StoreResult<Option<OrgOverview>> {
    let mut out = OrgOverview::default();
    let root_s = root.to_string();
    match scope {
        Scope::All | Scope::Subtrees(_) => {
            let mut qb = QueryBuilder::new("");
            crate::scope::push_with(&mut qb, scope);
            qb.push(
                "SELECT r.metric, r.own, r.subtree FROM organisations t \
                 LEFT JOIN org_rollups r ON r.org_id = t.id WHERE t.id = ",
            );
            qb.push_bind(root_s.clone());
            crate::scope::push_filter(&mut qb, scope, "t.id");
            let rows = qb.build().fetch_all(&mut *conn).await.db()?;
            if rows.is_empty() {
                return Ok(None);
            }
            for row in rows {
                let Some(metric) = get::<Option<String>>(&row, "metric")? else {
                    continue;
                };
                let (own, subtree): (i64, i64) = (get(&row, "own")?, get(&row, "subtree")?);
                let value = if Metric::parse(&metric).is_some_and(Metric::is_org_kind) {
                    subtree - own
                } else {
                    subtree
                };
                fill(&mut out, &metric, value)?;
            }
        }
        Scope::Orgs(ids) => {
            if !crate::scope::org_in_scope(conn, scope, root).await? {
                return Ok(None);
            }
            let ids: Vec<String> = ids
                .iter()
                .map(ToString::to_string)
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            let mut sums: BTreeMap<String, i64> = BTreeMap::new();
            for chunk in ids.chunks(IN_CHUNK) {
                let mut qb = QueryBuilder::new(
                    "SELECT r.org_id, r.metric, r.own FROM organisations t \
                     JOIN organisations d ON d.path >= t.path AND d.path < t.path || '~' \
                     JOIN org_rollups r ON r.org_id = d.id WHERE t.path <> '' AND t.id = ",
                );
                qb.push_bind(&root_s).push(" AND ");
                push_in_text(&mut qb, "d.id", chunk);
                for row in qb.build().fetch_all(&mut *conn).await.db()? {
                    let org: String = get(&row, "org_id")?;
                    let metric: String = get(&row, "metric")?;
                    if org == root_s && Metric::parse(&metric).is_some_and(Metric::is_org_kind) {
                        continue;
                    }
                    *sums.entry(metric).or_default() += get::<i64>(&row, "own")?;
                }
            }
            for (metric, value) in sums {
                fill(&mut out, &metric, value)?;
            }
        }
    }
    Ok(Some(out))
}
