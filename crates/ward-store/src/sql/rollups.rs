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

use super::{Arg, Exec, RowRead, Sql};
use crate::rollup::{Deltas, Metric};
use crate::{StoreError, StoreResult};

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
}
