//! Organisations live in `ward_store::sql::orgs`, once for both backends. What stays here is the
//! PostgreSQL side of the counters an organisation change moves (`org_rollups`, in
//! [`crate::rollups`]), and the scope checks other areas still make on a bare connection.

use std::collections::{BTreeSet, HashSet};

use async_trait::async_trait;
use sqlx::PgConnection;
use uuid::Uuid;
use ward_core::OrgId;
use ward_core::org::Organisation;
use ward_store::rollup::Deltas;
use ward_store::sql::orgs::OrgRollups;
use ward_store::{OrgOverview, Scope, StoreError, StoreResult};

use crate::error::map_db_error;
use crate::rollups;
use crate::rows::{col, org_columns, org_from_row};
use crate::{PgStore, scope_binds};

impl PgStore {
    /// The organisation `id` if it lies inside `scope`.
    pub(crate) async fn org_in_scope(
        conn: &mut PgConnection,
        scope: &Scope,
        id: OrgId,
    ) -> StoreResult<Option<Organisation>> {
        let (mode, roots) = scope_binds(scope);
        let row = sqlx::query(concat!(
            "SELECT ",
            org_columns!(),
            " FROM organisations o WHERE o.id = $3 AND ",
            in_scope!("o.id")
        ))
        .bind(mode)
        .bind(&roots)
        .bind(id.as_uuid())
        .fetch_optional(&mut *conn)
        .await
        .map_err(map_db_error)?;
        row.as_ref().map(org_from_row).transpose()
    }

    /// Fail unless every organisation of `orgs` exists inside `scope`: `Forbidden` naming the first
    /// one outside, or `Invalid` under `Scope::All`, where the only failure is a missing organisation.
    pub(crate) async fn require_orgs_in_scope(
        conn: &mut PgConnection,
        scope: &Scope,
        orgs: &[Uuid],
    ) -> StoreResult<()> {
        if orgs.is_empty() {
            return Ok(());
        }
        let mut wanted = orgs.to_vec();
        wanted.sort_unstable();
        wanted.dedup();
        let (mode, roots) = scope_binds(scope);
        let rows = sqlx::query(concat!(
            "SELECT o.id FROM organisations o WHERE o.id = ANY($3) AND ",
            in_scope!("o.id")
        ))
        .bind(mode)
        .bind(&roots)
        .bind(&wanted)
        .fetch_all(&mut *conn)
        .await
        .map_err(map_db_error)?;
        let inside: HashSet<Uuid> = rows
            .iter()
            .map(|r| col::<Uuid>(r, "id"))
            .collect::<StoreResult<_>>()?;
        match wanted.iter().find(|o| !inside.contains(o)) {
            Some(missing) if matches!(scope, Scope::All) => Err(StoreError::Invalid(format!(
                "organisation {missing} does not exist"
            ))),
            Some(outside) => Err(StoreError::forbidden("organisation", outside)),
            None => Ok(()),
        }
    }
}

#[async_trait]
impl OrgRollups for PgStore {
    async fn rollup_lineage(tx: &mut Self::Write, ids: &[OrgId]) -> StoreResult<BTreeSet<OrgId>> {
        let ids: Vec<Uuid> = ids.iter().map(|o| *o.as_uuid()).collect();
        let lineage = rollups::with_ancestors(&mut tx.0, &ids).await?;
        Ok(lineage.into_iter().map(OrgId::from_uuid).collect())
    }

    async fn rollup_apply(tx: &mut Self::Write, deltas: &Deltas) -> StoreResult<()> {
        rollups::apply(&mut tx.0, deltas).await
    }

    async fn rollup_recompute(tx: &mut Self::Write, orgs: &BTreeSet<OrgId>) -> StoreResult<()> {
        let orgs = orgs.iter().map(|o| *o.as_uuid()).collect();
        rollups::recompute(&mut tx.0, &orgs).await
    }

    async fn rollup_overview(
        db: &mut Self::Read,
        scope: &Scope,
        root: OrgId,
    ) -> StoreResult<Option<OrgOverview>> {
        rollups::overview(&mut db.0, scope, root).await
    }
}
