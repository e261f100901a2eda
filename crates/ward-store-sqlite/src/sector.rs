//! Whole-sector reads for the exposure index ([`SectorStore`]); the sector snapshot is written once
//! in `ward_store::sql::sector`, the threat snapshot here. Each snapshot is read inside one
//! read transaction, so it is consistent even while imports run.

use async_trait::async_trait;
use ward_core::vuln::Advisory;
use ward_store::sector::{SectorSnapshot, ThreatSnapshot};
use ward_store::vuln::{StoredEpss, StoredVex};
use ward_store::{SectorStore, StoreResult};

use crate::SqliteStore;
use crate::codec::{DbResult, get, get_parsed_opt, get_ts, parse};
use crate::vuln::from_doc;
use crate::vuln::signals::{KEV_COLUMNS, kev_from_row};

#[async_trait]
impl SectorStore for SqliteStore {
    async fn sector_snapshot(&self) -> StoreResult<SectorSnapshot> {
        let mut tx = self.read.begin().await.db()?;
        let snapshot =
            ward_store::sql::sector::sector_snapshot(&mut crate::exec::SqliteExec(&mut *tx)).await?;
        tx.commit().await.db()?;
        Ok(snapshot)
    }

    async fn threat_snapshot(&self) -> StoreResult<ThreatSnapshot> {
        let mut tx = self.read.begin().await.db()?;
        let advisories = sqlx::query("SELECT doc FROM advisories WHERE withdrawn IS NULL ORDER BY id")
            .fetch_all(&mut *tx)
            .await
            .db()?
            .iter()
            .map(|r| from_doc::<Advisory>("advisory", &get::<String>(r, "doc")?))
            .collect::<StoreResult<Vec<_>>>()?;
        let kev = sqlx::QueryBuilder::new(format!("SELECT {KEV_COLUMNS} FROM kev ORDER BY cve"))
            .build()
            .fetch_all(&mut *tx)
            .await
            .db()?
            .iter()
            .map(kev_from_row)
            .collect::<StoreResult<Vec<_>>>()?;
        let mut epss = Vec::new();
        for row in sqlx::query("SELECT cve, epss, percentile, score_date FROM epss ORDER BY cve")
            .fetch_all(&mut *tx)
            .await
            .db()?
        {
            let date: Option<String> = get(&row, "score_date")?;
            epss.push(StoredEpss {
                cve: get(&row, "cve")?,
                epss: get(&row, "epss")?,
                percentile: get(&row, "percentile")?,
                score_date: date.map(|d| parse("score_date", &d)).transpose()?,
            });
        }
        let mut vex = Vec::new();
        for row in sqlx::query("SELECT org_id, doc, updated_at FROM vex_statements ORDER BY id")
            .fetch_all(&mut *tx)
            .await
            .db()?
        {
            vex.push(StoredVex {
                org: get_parsed_opt(&row, "org_id")?,
                statement: from_doc("vex statement", &get::<String>(&row, "doc")?)?,
                updated_at: get_ts(&row, "updated_at")?,
            });
        }
        let products: Vec<String> = sqlx::query("SELECT product FROM eol_products ORDER BY product")
            .fetch_all(&mut *tx)
            .await
            .db()?
            .iter()
            .map(|r| get(r, "product"))
            .collect::<StoreResult<_>>()?;
        tx.commit().await.db()?;
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
