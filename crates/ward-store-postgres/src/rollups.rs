//! Organisation paths and per-organisation counters: the rules and SQL are written once in
//! `ward_store::sql::rollups` (see its docs for the design; on PostgreSQL the counters are applied
//! as a write's last step, after the audit append, whose advisory lock already serialises writers,
//! so the hot rows near the top of the tree add no waiting of their own). These adapters serve code
//! that still holds a bare connection and identifiers as UUIDs.

use std::collections::BTreeSet;

use sqlx::PgConnection;
use uuid::Uuid;
use ward_core::OrgId;
use ward_store::sql::rollups as shared;
use ward_store::{OrgOverview, Scope, StoreResult};

pub(crate) use ward_store::rollup::Deltas;

use crate::exec::PgExec;

fn org_ids(ids: &[Uuid]) -> Vec<OrgId> {
    ids.iter().copied().map(OrgId::from_uuid).collect()
}

/// The organisations of `ids` and all their ancestors, from the stored paths.
pub(crate) async fn with_ancestors(conn: &mut PgConnection, ids: &[Uuid]) -> StoreResult<BTreeSet<Uuid>> {
    let all = shared::with_ancestors(&mut PgExec(conn), &org_ids(ids)).await?;
    Ok(all.into_iter().map(|o| *o.as_uuid()).collect())
}

/// Apply counter changes: `own` at each organisation, `subtree` at it and at each of its ancestors.
pub(crate) async fn apply(conn: &mut PgConnection, deltas: &Deltas) -> StoreResult<()> {
    shared::apply(&mut PgExec(conn), deltas).await
}

/// Sum the `subtree` counters of `orgs` again from the `own` counters in their path ranges.
pub(crate) async fn recompute(conn: &mut PgConnection, orgs: &BTreeSet<Uuid>) -> StoreResult<()> {
    let orgs = orgs.iter().copied().map(OrgId::from_uuid).collect();
    shared::recompute(&mut PgExec(conn), &orgs).await
}

/// Recompute the paths of `changed` organisations and of everything beneath the `moved` ones.
pub(crate) async fn refresh_paths(
    conn: &mut PgConnection,
    changed: &[Uuid],
    moved: &[Uuid],
) -> StoreResult<()> {
    shared::refresh_paths(&mut PgExec(conn), &org_ids(changed), &org_ids(moved)).await
}

/// Recompute every path and counter from the tables (after a restore).
pub(crate) async fn rebuild(conn: &mut PgConnection) -> StoreResult<()> {
    shared::rebuild(&mut PgExec(conn)).await
}

/// The overview of `root`'s subtree intersected with `scope`, or None when `root` is not inside it.
pub(crate) async fn overview(
    conn: &mut PgConnection,
    scope: &Scope,
    root: OrgId,
) -> StoreResult<Option<OrgOverview>> {
    shared::overview(&mut PgExec(conn), scope, root).await
}
