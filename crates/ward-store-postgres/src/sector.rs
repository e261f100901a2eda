//! Whole-sector reads for the exposure index ([`SectorStore`]), each inside one repeatable-read
//! transaction so the snapshot is consistent while imports run.

use async_trait::async_trait;
use uuid::Uuid;
use ward_core::OrgId;
use ward_core::vuln::Advisory;
use ward_store::sector::{SectorSnapshot, ThreatSnapshot};
use ward_store::vuln::{StoredEpss, StoredVex};
use ward_store::{SectorStore, StoreResult};

use crate::PgStore;
use crate::error::map_db_error;
use crate::rows::{col, from_micros, parse_date};
use crate::vuln::from_doc;
use crate::vuln::signals::kev_from_row;

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
        let snapshot = ward_store::sql::sector::sector_snapshot(&mut crate::exec::PgExec(&mut *tx)).await?;
        tx.commit().await.map_err(map_db_error)?;
        Ok(snapshot)
    }

    async fn threat_snapshot(&self) -> StoreResult<ThreatSnapshot> {
        let mut tx = snapshot_tx(self).await?;
        let advisories =
            sqlx::query("SELECT doc FROM advisories WHERE withdrawn IS NULL ORDER BY id COLLATE \"C\"")
                .fetch_all(&mut *tx)
                .await
                .map_err(map_db_error)?
                .iter()
                .map(|r| from_doc::<Advisory>("advisory", &col::<String>(r, "doc")?))
                .collect::<StoreResult<Vec<_>>>()?;
        let kev = sqlx::query(
            "SELECT cve, vendor, product, name, to_char(date_added, 'YYYY-MM-DD') AS date_added,
                    to_char(due_date, 'YYYY-MM-DD') AS due_date, known_ransomware, description,
                    required_action, notes, cwes
               FROM kev ORDER BY cve COLLATE \"C\"",
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(map_db_error)?
        .iter()
        .map(kev_from_row)
        .collect::<StoreResult<Vec<_>>>()?;
        let epss = sqlx::query(
            "SELECT cve, epss, percentile, to_char(score_date, 'YYYY-MM-DD') AS score_date FROM epss
              ORDER BY cve COLLATE \"C\"",
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(map_db_error)?
        .iter()
        .map(|r| {
            Ok(StoredEpss {
                cve: col(r, "cve")?,
                epss: col(r, "epss")?,
                percentile: col(r, "percentile")?,
                score_date: parse_date(col(r, "score_date")?)?,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
        let vex = sqlx::query("SELECT org_id, doc, updated_at FROM vex_statements ORDER BY id")
            .fetch_all(&mut *tx)
            .await
            .map_err(map_db_error)?
            .iter()
            .map(|r| {
                Ok(StoredVex {
                    org: col::<Option<Uuid>>(r, "org_id")?.map(OrgId::from_uuid),
                    statement: from_doc("vex statement", &col::<String>(r, "doc")?)?,
                    updated_at: from_micros(col(r, "updated_at")?)?,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        let products: Vec<String> =
            sqlx::query("SELECT product FROM eol_products ORDER BY product COLLATE \"C\"")
                .fetch_all(&mut *tx)
                .await
                .map_err(map_db_error)?
                .iter()
                .map(|r| col(r, "product"))
                .collect::<StoreResult<_>>()?;
        tx.commit().await.map_err(map_db_error)?;
        let mut eol = Vec::with_capacity(products.len());
        for p in products {
            eol.push(self.get_eol_product_impl(&p).await?);
        }
        Ok(ThreatSnapshot {
            advisories,
            kev,
            epss,
            vex,
            eol,
        })
    }
}
