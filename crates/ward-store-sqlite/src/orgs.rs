//! Organisations live in `ward_store::sql::orgs`, once for both backends. What stays here is the
//! SQLite side of the counters an organisation change moves (`org_rollups`, in [`crate::rollups`]).

use std::collections::BTreeSet;

use async_trait::async_trait;
use ward_core::OrgId;
use ward_store::rollup::Deltas;
use ward_store::sql::orgs::OrgRollups;
use ward_store::{OrgOverview, Scope, StoreResult};

use crate::{SqliteStore, rollups};

#[async_trait]
impl OrgRollups for SqliteStore {
    async fn rollup_lineage(tx: &mut Self::Write, ids: &[OrgId]) -> StoreResult<BTreeSet<OrgId>> {
        rollups::with_ancestors(&mut tx.0, ids)
            .await?
            .iter()
            .map(|s| crate::codec::parse("organisation", s))
            .collect()
    }

    async fn rollup_apply(tx: &mut Self::Write, deltas: &Deltas) -> StoreResult<()> {
        rollups::apply(&mut tx.0, deltas).await
    }

    async fn rollup_recompute(tx: &mut Self::Write, orgs: &BTreeSet<OrgId>) -> StoreResult<()> {
        let orgs = orgs.iter().map(ToString::to_string).collect();
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
