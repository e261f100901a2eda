//! Organisation paths and per-organisation counters: the rules and SQL are written once in
//! `ward_store::sql::rollups` (see its docs for the design); these adapters serve code that still
//! holds a bare SQLite connection. A subtree is the index range of `organisations.path`
//! `P <= path < P || '~'`.

use crate::codec::DbResult;
use crate::exec::SqliteExec;
use sqlx::SqliteConnection;
use std::collections::BTreeSet;
use ward_core::OrgId;
use ward_core::org::Organisation;
use ward_store::sql::rollups as shared;
use ward_store::{OrgOverview, Scope, StoreError, StoreResult};

pub(crate) use ward_store::rollup::Deltas;

/// The organisations of `ids` and all their ancestors, from the stored paths.
pub(crate) async fn with_ancestors(
    conn: &mut SqliteConnection,
    ids: &[OrgId],
) -> StoreResult<BTreeSet<OrgId>> {
    shared::with_ancestors(&mut SqliteExec(conn), ids).await
}

/// Apply counter changes: `own` at each organisation, `subtree` at it and at each of its ancestors.
pub(crate) async fn apply(conn: &mut SqliteConnection, deltas: &Deltas) -> StoreResult<()> {
    shared::apply(&mut SqliteExec(conn), deltas).await
}

/// Sum the `subtree` counters of `orgs` again from the `own` counters in their path ranges.
pub(crate) async fn recompute(conn: &mut SqliteConnection, orgs: &BTreeSet<OrgId>) -> StoreResult<()> {
    shared::recompute(&mut SqliteExec(conn), orgs).await
}

/// Recompute the paths of `changed` organisations and of everything beneath the `moved` ones.
pub(crate) async fn refresh_paths(
    conn: &mut SqliteConnection,
    changed: &[OrgId],
    moved: &[OrgId],
) -> StoreResult<()> {
    shared::refresh_paths(&mut SqliteExec(conn), changed, moved).await
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

/// Recompute every path and counter from the tables (after a restore).
pub(crate) async fn rebuild(conn: &mut SqliteConnection) -> StoreResult<()> {
    shared::rebuild(&mut SqliteExec(conn)).await
}

/// The overview of `root`'s subtree intersected with `scope`, or None when `root` is not inside it.
pub(crate) async fn overview(
    conn: &mut SqliteConnection,
    scope: &Scope,
    root: OrgId,
) -> StoreResult<Option<OrgOverview>> {
    shared::overview(&mut SqliteExec(conn), scope, root).await
}
