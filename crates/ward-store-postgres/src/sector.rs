//! Whole-sector reads for the exposure index ([`SectorStore`]), both written once
//! (`ward_store::sql::sector` and `ward_store::sql::vuln`); here each runs inside one
//! repeatable-read transaction so the snapshot is consistent while imports run.

use async_trait::async_trait;
use ward_store::sector::{DependencySnapshot, SectorSnapshot, ThreatSnapshot};
use ward_store::{SectorStore, StoreResult};

use crate::PgStore;
use crate::error::map_db_error;
use crate::exec::PgExec;

async fn snapshot_tx(store: &PgStore) -> StoreResult<sqlx::Transaction<'static, sqlx::Postgres>> {
    let mut tx = store.pool.begin().await.map_err(map_db_error)?;
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .execute(&mut *tx)
        .await
        .map_err(map_db_error)?;
    Ok(tx)
}

#[async_trait]
impl SectorStore for PgStore {
    async fn sector_snapshot(&self) -> StoreResult<SectorSnapshot> {
        let mut tx = snapshot_tx(self).await?;
        let snapshot = ward_store::sql::sector::sector_snapshot(&mut PgExec(&mut *tx)).await?;
        tx.commit().await.map_err(map_db_error)?;
        Ok(snapshot)
    }

    async fn threat_snapshot(&self) -> StoreResult<ThreatSnapshot> {
        let mut tx = snapshot_tx(self).await?;
        let snapshot = ward_store::sql::vuln::read_threat_snapshot(&mut PgExec(&mut *tx)).await?;
        tx.commit().await.map_err(map_db_error)?;
        Ok(snapshot)
    }

    async fn dependency_snapshot(&self) -> StoreResult<DependencySnapshot> {
        let mut tx = snapshot_tx(self).await?;
        let snapshot = ward_store::sql::dependency_graph::dependency_snapshot(&mut PgExec(&mut *tx)).await?;
        tx.commit().await.map_err(map_db_error)?;
        Ok(snapshot)
    }
}
