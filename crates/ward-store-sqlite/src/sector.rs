//! Whole-sector reads for the exposure index ([`SectorStore`]), both written once
//! (`ward_store::sql::sector` and `ward_store::sql::vuln`); here each runs inside one read
//! transaction, so it is consistent even while imports run.

use async_trait::async_trait;
use ward_store::sector::{DependencySnapshot, SectorSnapshot, ThreatSnapshot};
use ward_store::{SectorStore, StoreResult};

use crate::SqliteStore;
use crate::codec::DbResult;
use crate::exec::SqliteExec;

#[async_trait]
impl SectorStore for SqliteStore {
    async fn sector_snapshot(&self) -> StoreResult<SectorSnapshot> {
        let mut tx = self.read.begin().await.db()?;
        let snapshot = ward_store::sql::sector::sector_snapshot(&mut SqliteExec(&mut *tx)).await?;
        tx.commit().await.db()?;
        Ok(snapshot)
    }

    async fn threat_snapshot(&self) -> StoreResult<ThreatSnapshot> {
        let mut tx = self.read.begin().await.db()?;
        let snapshot = ward_store::sql::vuln::read_threat_snapshot(&mut SqliteExec(&mut *tx)).await?;
        tx.commit().await.db()?;
        Ok(snapshot)
    }

    async fn dependency_snapshot(&self) -> StoreResult<DependencySnapshot> {
        let mut tx = self.read.begin().await.db()?;
        let snapshot =
            ward_store::sql::dependency_graph::dependency_snapshot(&mut SqliteExec(&mut *tx)).await?;
        tx.commit().await.db()?;
        Ok(snapshot)
    }
}
