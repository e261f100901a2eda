//! Per-organisation counters (`org_rollups`), once for both backends: what makes overviews cheap
//! at national scale.
//!
//! `organisations.path` lists the codes from the top of the hierarchy down to the organisation,
//! each followed by `/` (`/X26/Y56/QKK/RJZ/`), so a subtree is the index range
//! `P <= path < P || '~'`. `org_rollups` holds per (organisation, metric) the count for the
//! organisation itself (`own`) and for its subtree (`subtree`, itself included). Writes collect
//! their changes of `own` in [`Deltas`] and [`apply`] them inside their transaction: `own` at the
//! organisation and `subtree` at it and each of its ancestors (read from its path), a handful of
//! upserts per batch instead of a trigger per row.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use ward_core::OrgId;

use super::{Arg, Exec, RowRead, Sql, corrupt_column};
use crate::rollup::{Deltas, Metric, fill};
use crate::{OrgOverview, Scope, StoreError, StoreResult};

/// Rows per multi-row upsert into `org_rollups` (4 values each).
const UPSERT_ROWS: usize = 500;

fn uuids(ids: impl IntoIterator<Item = OrgId>) -> Arg {
    Arg::Uuids(ids.into_iter().map(|o| *o.as_uuid()).collect())
}

/// The codes of a path, top first (the organisation itself last).
fn path_codes(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|c| !c.is_empty())
}

/// For each organisation of `ids`: itself and its ancestors, top first, read from the stored
/// paths (one read of the paths, one of the ids of their codes).
pub async fn lineages<E: Exec + ?Sized>(
    db: &mut E,
    ids: &BTreeSet<OrgId>,
) -> StoreResult<HashMap<OrgId, Vec<OrgId>>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut q = Sql::new("SELECT id, path FROM organisations WHERE ");
    q.in_list(db.dialect(), "id", uuids(ids.iter().copied()));
    let mut paths: HashMap<OrgId, String> = HashMap::with_capacity(ids.len());
    for row in db.fetch_all(q).await? {
        paths.insert(row.id("id")?, row.text("path")?);
    }
    let codes: BTreeSet<String> = paths
        .values()
        .flat_map(|p| path_codes(p).map(str::to_owned))
        .collect();
    let mut q = Sql::new("SELECT code, id FROM organisations WHERE ");
    q.in_list(db.dialect(), "code", Arg::Texts(codes.into_iter().collect()));
    let mut by_code: HashMap<String, OrgId> = HashMap::new();
    for row in db.fetch_all(q).await? {
        by_code.insert(row.text("code")?, row.id("id")?);
    }
    let mut out = HashMap::with_capacity(ids.len());
    for id in ids {
        let path = paths
            .get(id)
            .ok_or_else(|| StoreError::Backend(format!("organisation {id} vanished while counting")))?;
        let line = lineage(*id, path, &by_code)?;
        out.insert(*id, line);
    }
    Ok(out)
}

/// The organisations named by the codes of `path`, which must end with `id`.
fn lineage(id: OrgId, path: &str, by_code: &HashMap<String, OrgId>) -> StoreResult<Vec<OrgId>> {
    let line = path_codes(path)
        .map(|code| {
            by_code.get(code).copied().ok_or_else(|| {
                StoreError::Backend(format!("the path of organisation {id} names an unknown code"))
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    if line.last() != Some(&id) {
        return Err(StoreError::Backend(format!(
            "the stored path of organisation {id} does not end with it"
        )));
    }
    Ok(line)
}

/// The organisations of `ids` and all their ancestors, from the stored paths.
pub async fn with_ancestors<E: Exec + ?Sized>(db: &mut E, ids: &[OrgId]) -> StoreResult<BTreeSet<OrgId>> {
    let ids: BTreeSet<OrgId> = ids.iter().copied().collect();
    Ok(lineages(db, &ids).await?.into_values().flatten().collect())
}

/// The rows to add to `org_rollups`: per (organisation, metric) the change of `own` and of
/// `subtree`, for every organisation of a delta and each of its ancestors. Sorted by
/// (organisation, metric), so every writer locks the rows in the same order.
pub fn plan_rows(
    deltas: &Deltas,
    lines: &HashMap<OrgId, Vec<OrgId>>,
) -> StoreResult<BTreeMap<(OrgId, Metric), (i64, i64)>> {
    let mut rows: BTreeMap<(OrgId, Metric), (i64, i64)> = BTreeMap::new();
    for ((org, metric), n) in deltas.nonzero() {
        let line = lines
            .get(org)
            .ok_or_else(|| StoreError::Backend(format!("organisation {org} has no path")))?;
        for anc in line {
            let slot = rows.entry((*anc, *metric)).or_default();
            slot.1 += n;
            if anc == org {
                slot.0 += n;
            }
        }
    }
    rows.retain(|_, (own, subtree)| *own != 0 || *subtree != 0);
    Ok(rows)
}

/// Apply counter changes: `own` at each organisation, `subtree` at it and at each of its ancestors.
pub async fn apply<E: Exec + ?Sized>(db: &mut E, deltas: &Deltas) -> StoreResult<()> {
    let orgs: BTreeSet<OrgId> = deltas.nonzero().map(|((o, _), _)| *o).collect();
    if orgs.is_empty() {
        return Ok(());
    }
    let lines = lineages(db, &orgs).await?;
    let rows: Vec<_> = plan_rows(deltas, &lines)?.into_iter().collect();
    for chunk in rows.chunks(UPSERT_ROWS) {
        let mut q = Sql::new("INSERT INTO org_rollups (org_id, metric, own, subtree) VALUES ");
        for (i, ((org, metric), (own, subtree))) in chunk.iter().enumerate() {
            q.push(if i == 0 { "(" } else { ", (" });
            q.bind(*org).push(", ").bind(metric.name()).push(", ");
            q.bind(*own).push(", ").bind(*subtree).push(")");
        }
        q.push(
            " ON CONFLICT (org_id, metric) DO UPDATE SET own = org_rollups.own + excluded.own, \
             subtree = org_rollups.subtree + excluded.subtree",
        );
        db.execute(q).await?;
    }
    Ok(())
}

/// Sum the `subtree` counters of `orgs` again from the `own` counters in their path ranges.
pub async fn recompute<E: Exec + ?Sized>(db: &mut E, orgs: &BTreeSet<OrgId>) -> StoreResult<()> {
    if orgs.is_empty() {
        return Ok(());
    }
    let dialect = db.dialect();
    let mut q = Sql::new("UPDATE org_rollups SET subtree = 0 WHERE ");
    q.in_list(dialect, "org_id", uuids(orgs.iter().copied()));
    db.execute(q).await?;
    let mut q = Sql::new(
        "INSERT INTO org_rollups (org_id, metric, own, subtree) \
         SELECT a.id, r.metric, 0, sum(r.own) FROM organisations a \
         JOIN organisations d ON d.path >= a.path AND d.path < a.path || '~' \
         JOIN org_rollups r ON r.org_id = d.id WHERE a.path <> '' AND ",
    );
    q.in_list(dialect, "a.id", uuids(orgs.iter().copied()));
    q.push(" GROUP BY a.id, r.metric ON CONFLICT (org_id, metric) DO UPDATE SET subtree = excluded.subtree");
    db.execute(q).await?;
    Ok(())
}

/// Deepest hierarchy walked when computing paths (guards against a corrupted cyclic table).
const MAX_DEPTH: i64 = 64;

/// Recompute the paths of `changed` organisations and of everything beneath the `moved` ones
/// (found by their paths before the move), walking each one's current parents up to the top: one
/// statement.
pub async fn refresh_paths<E: Exec + ?Sized>(
    db: &mut E,
    changed: &[OrgId],
    moved: &[OrgId],
) -> StoreResult<()> {
    if changed.is_empty() && moved.is_empty() {
        return Ok(());
    }
    let dialect = db.dialect();
    let mut q = Sql::new(
        "WITH RECURSIVE up(start, cur, path, depth) AS ( \
           SELECT o.id, o.parent_id, o.code || '/', 0 FROM organisations o WHERE ",
    );
    q.in_list(dialect, "o.id", uuids(changed.iter().copied()));
    q.push(
        " OR o.id IN (SELECT d.id FROM organisations m \
           JOIN organisations d ON d.path > m.path AND d.path < m.path || '~' WHERE m.path <> '' AND ",
    );
    q.in_list(dialect, "m.id", uuids(moved.iter().copied()));
    q.push(
        ") UNION ALL \
           SELECT up.start, p.parent_id, p.code || '/' || up.path, up.depth + 1 \
             FROM up JOIN organisations p ON p.id = up.cur WHERE up.depth < ",
    );
    q.bind(MAX_DEPTH);
    q.push(
        ") UPDATE organisations SET path = '/' || up.path FROM up \
         WHERE up.cur IS NULL AND organisations.id = up.start AND organisations.path <> '/' || up.path",
    );
    db.execute(q).await?;
    Ok(())
}

/// The number of assets in `scope` (of one organisation, kind or exposure when given) from the
/// counters, or None when the filters do not map onto them (a kind and an exposure together).
pub async fn asset_total<E: Exec + ?Sized>(
    db: &mut E,
    scope: &Scope,
    org: Option<OrgId>,
    kind: Option<ward_core::asset::AssetKind>,
    internet_facing: Option<bool>,
) -> StoreResult<Option<u64>> {
    let Some((metric, minus)) = crate::rollup::asset_total_metrics(kind, internet_facing) else {
        return Ok(None);
    };
    let mut total = sum_metric(db, scope, org, metric).await?;
    if let Some(m) = minus {
        total -= sum_metric(db, scope, org, m).await?;
    }
    u64::try_from(total).map(Some).map_err(|_| corrupt_column("own"))
}

/// Of organisations and their paths, those not beneath another one of them.
pub fn outermost(mut paths: Vec<(OrgId, String)>) -> Vec<OrgId> {
    paths.retain(|(_, p)| !p.is_empty());
    // Paths sort parents before their descendants: keep those not under a kept one.
    paths.sort_by(|a, b| a.1.cmp(&b.1));
    let mut kept: Vec<(OrgId, String)> = Vec::new();
    for (id, path) in paths {
        if !kept.iter().any(|(_, p)| path.starts_with(p.as_str())) {
            kept.push((id, path));
        }
    }
    kept.into_iter().map(|(id, _)| id).collect()
}

/// One metric summed over the scope (or over one organisation inside it): `own` of that
/// organisation or of the listed ones, `subtree` of the scope's roots, nested roots counted once.
async fn sum_metric<E: Exec + ?Sized>(
    db: &mut E,
    scope: &Scope,
    org: Option<OrgId>,
    metric: Metric,
) -> StoreResult<i64> {
    let dialect = db.dialect();
    let q = match (org, scope) {
        (Some(o), _) => {
            // One organisation: its own count, if it lies inside the scope.
            let mut q = Sql::new(
                "SELECT CAST(coalesce(sum(own), 0) AS BIGINT) AS n FROM org_rollups WHERE org_id = ",
            );
            q.bind(o).push(" AND metric = ").bind(metric.name());
            db.scope_filter(&mut q, scope, "org_id");
            q
        }
        (None, Scope::All) => Sql::new(
            "SELECT CAST(coalesce(sum(r.subtree), 0) AS BIGINT) AS n FROM organisations o \
             JOIN org_rollups r ON r.org_id = o.id WHERE o.parent_id IS NULL AND r.metric = $1",
        )
        .arg(metric.name()),
        (None, Scope::Orgs(ids)) => {
            let mut q = Sql::new(
                "SELECT CAST(coalesce(sum(own), 0) AS BIGINT) AS n FROM org_rollups WHERE metric = ",
            );
            q.bind(metric.name()).push(" AND ");
            let ids: BTreeSet<OrgId> = ids.iter().copied().collect();
            q.in_list(dialect, "org_id", uuids(ids));
            q
        }
        (None, Scope::Subtrees(roots)) => {
            let mut q = Sql::new("SELECT id, path FROM organisations WHERE ");
            q.in_list(dialect, "id", uuids(roots.iter().copied()));
            let paths = db
                .fetch_all(q)
                .await?
                .iter()
                .map(|r| Ok((r.id("id")?, r.text("path")?)))
                .collect::<StoreResult<Vec<_>>>()?;
            let mut q = Sql::new(
                "SELECT CAST(coalesce(sum(subtree), 0) AS BIGINT) AS n FROM org_rollups WHERE metric = ",
            );
            q.bind(metric.name()).push(" AND ");
            q.in_list(dialect, "org_id", uuids(outermost(paths)));
            q
        }
    };
    db.fetch_one(q).await?.i64("n")
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

/// Every `own` counter, counted from the tables (`{installs}`: software installs per organisation).
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
        {installs}
        UNION ALL
        SELECT id, 'orgs.kind.' || kind, 1 FROM organisations WHERE closed IS NULL
    ) AS counted GROUP BY org_id, metric";

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
pub async fn rebuild<E: Exec + ?Sized>(db: &mut E) -> StoreResult<()> {
    // Link rows carry the asset's organisation on PostgreSQL, its number on SQLite.
    let installs = db.dialect().pick(
        "SELECT a.org_id, 'software.installs', count(*) \
         FROM asset_software x JOIN assets a ON a.num = x.asset_num GROUP BY a.org_id",
        "SELECT org_id, 'software.installs', count(*) FROM asset_software GROUP BY org_id",
    );
    let own = REBUILD_OWN.replace("{installs}", installs);
    for sql in [
        REBUILD_PATHS,
        "DELETE FROM org_rollups",
        own.as_str(),
        REBUILD_SUBTREES,
    ] {
        db.execute(Sql::new(sql)).await?;
    }
    Ok(())
}

/// The overview of `root`'s subtree intersected with `scope`, or None when `root` is not inside
/// the scope. Under [`Scope::All`] and [`Scope::Subtrees`] a root inside the scope has its whole
/// subtree inside, so one read of its `subtree` counters (joined to the root, which checks the
/// scope) is the answer; under [`Scope::Orgs`] the `own` counters of the listed organisations
/// inside the root's subtree are summed (the root's own organisation kind left out).
pub async fn overview<E: Exec + ?Sized>(
    db: &mut E,
    scope: &Scope,
    root: OrgId,
) -> StoreResult<Option<OrgOverview>> {
    let mut out = OrgOverview::default();
    match scope {
        Scope::All | Scope::Subtrees(_) => {
            let mut q = Sql::new(
                "SELECT r.metric, r.own, r.subtree FROM organisations t \
                 LEFT JOIN org_rollups r ON r.org_id = t.id WHERE t.id = $1",
            )
            .arg(root);
            db.scope_filter(&mut q, scope, "t.id");
            let rows = db.fetch_all(q).await?;
            if rows.is_empty() {
                return Ok(None);
            }
            for row in rows {
                let Some(metric) = row.opt_text("metric")? else {
                    continue;
                };
                let (own, subtree) = (row.i64("own")?, row.i64("subtree")?);
                let value = if Metric::parse(&metric).is_some_and(Metric::is_org_kind) {
                    subtree - own
                } else {
                    subtree
                };
                fill(&mut out, &metric, value)?;
            }
        }
        Scope::Orgs(ids) => {
            let mut q = Sql::new("SELECT id FROM organisations WHERE id = $1").arg(root);
            db.scope_filter(&mut q, scope, "id");
            if db.fetch_optional(q).await?.is_none() {
                return Ok(None);
            }
            let mut q = Sql::new(
                "SELECT r.metric, CAST(sum(r.own) AS BIGINT) AS n FROM organisations t \
                 JOIN organisations d ON d.path >= t.path AND d.path < t.path || '~' \
                 JOIN org_rollups r ON r.org_id = d.id \
                 WHERE t.id = $1 AND t.path <> '' AND NOT (d.id = t.id AND r.metric LIKE 'orgs.kind.%') AND ",
            )
            .arg(root);
            let ids: BTreeSet<OrgId> = ids.iter().copied().collect();
            q.in_list(db.dialect(), "d.id", uuids(ids));
            q.push(" GROUP BY r.metric");
            for row in db.fetch_all(q).await? {
                fill(&mut out, &row.text("metric")?, row.i64("n")?)?;
            }
        }
    }
    Ok(Some(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rollup::Total;

    fn org(n: u128) -> OrgId {
        OrgId::from_uuid(uuid::Uuid::from_u128(n))
    }

    #[test]
    fn a_change_counts_at_the_organisation_and_in_every_ancestor_subtree() {
        let (top, mid, leaf) = (org(1), org(2), org(3));
        let by_code = HashMap::from([
            ("A".to_owned(), top),
            ("B".to_owned(), mid),
            ("C".to_owned(), leaf),
        ]);
        let line = lineage(leaf, "/A/B/C/", &by_code).unwrap();
        assert_eq!(line, vec![top, mid, leaf]);
        assert!(
            lineage(mid, "/A/B/C/", &by_code).is_err(),
            "a path must end with its organisation"
        );
        assert!(lineage(leaf, "/A/X/C/", &by_code).is_err(), "unknown code");

        let mut d = Deltas::default();
        d.add(leaf, Total::Assets, 2);
        d.add(mid, Total::Assets, -2);
        let lines = HashMap::from([(leaf, line), (mid, vec![top, mid])]);
        let rows = plan_rows(&d, &lines).unwrap();
        let assets = Metric::from(Total::Assets);
        // The top's subtree gains 2 and loses 2: no row at all.
        assert_eq!(rows.get(&(top, assets)), None);
        assert_eq!(rows.get(&(mid, assets)), Some(&(-2, 0)));
        assert_eq!(rows.get(&(leaf, assets)), Some(&(2, 2)));
    }

    #[test]
    fn nested_roots_count_once() {
        let paths = vec![
            (org(1), "/A/B/".to_owned()),
            (org(2), "/A/".to_owned()),
            (org(3), "/C/".to_owned()),
            (org(4), String::new()),
        ];
        assert_eq!(outermost(paths), vec![org(2), org(3)]);
    }
}
