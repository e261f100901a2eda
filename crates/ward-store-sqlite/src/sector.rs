//! Whole-sector reads for the exposure index ([`SectorStore`]). Each snapshot is read inside one
//! read transaction, so it is consistent even while imports run.

use async_trait::async_trait;
use sqlx::Row;
use ward_core::asset::{InstalledSoftware, SoftwareSource};
use ward_core::org::OdsCode;
use ward_core::vuln::Advisory;
use ward_store::sector::{SectorAsset, SectorOrg, SectorSnapshot, ThreatSnapshot, index_installs};
use ward_store::vuln::{StoredEpss, StoredVex};
use ward_store::{SectorStore, StoreError, StoreResult};

use crate::SqliteStore;
use crate::codec::{DbResult, get, get_parsed, get_parsed_opt, get_ts, parse};
use crate::vuln::from_doc;
use crate::vuln::signals::{KEV_COLUMNS, kev_from_row};
use ward_store::sql::inventory::{SERVICE_COLUMNS, service_from_row};

fn index(len: usize) -> StoreResult<u32> {
    u32::try_from(len).map_err(|_| StoreError::Backend("too many rows for one snapshot".into()))
}

#[async_trait]
impl SectorStore for SqliteStore {
    async fn sector_snapshot(&self) -> StoreResult<SectorSnapshot> {
        let mut tx = self.read.begin().await.db()?;
        let mut orgs = Vec::new();
        let mut org_ids = Vec::new();
        for row in sqlx::query("SELECT id, code, name, kind, path FROM organisations ORDER BY id")
            .fetch_all(&mut *tx)
            .await
            .db()?
        {
            let org = SectorOrg {
                id: get_parsed(&row, "id")?,
                code: {
                    let c: String = get(&row, "code")?;
                    OdsCode::parse(&c)
                        .map_err(|_| StoreError::Backend(format!("stored code '{c}' cannot be read")))?
                },
                name: get(&row, "name")?,
                kind: get_parsed(&row, "kind")?,
                path: get(&row, "path")?,
            };
            org_ids.push(org.id);
            orgs.push(org);
        }
        let mut assets = Vec::new();
        let mut asset_nums = Vec::new();
        for row in sqlx::query("SELECT num, id, org_id, name, kind, internet_facing FROM assets ORDER BY num")
            .fetch_all(&mut *tx)
            .await
            .db()?
        {
            let org: ward_core::OrgId = get_parsed(&row, "org_id")?;
            let org = org_ids
                .binary_search(&org)
                .map_err(|_| StoreError::Backend(format!("asset names unknown organisation {org}")))?;
            asset_nums.push(get::<i64>(&row, "num")?);
            assets.push(SectorAsset {
                id: get_parsed(&row, "id")?,
                org: index(org)?,
                name: get(&row, "name")?,
                kind: get_parsed(&row, "kind")?,
                internet_facing: get(&row, "internet_facing")?,
            });
        }
        let mut software = Vec::new();
        let mut software_ids = Vec::new();
        for row in sqlx::query(
            "SELECT id, name, vendor, version, purl, cpe FROM software \
             WHERE id IN (SELECT software_id FROM asset_software) ORDER BY id",
        )
        .fetch_all(&mut *tx)
        .await
        .db()?
        {
            software_ids.push(get::<i64>(&row, "id")?);
            software.push(InstalledSoftware {
                name: get(&row, "name")?,
                vendor: get(&row, "vendor")?,
                version: get(&row, "version")?,
                purl: get(&row, "purl")?,
                cpe: get(&row, "cpe")?,
                source: SoftwareSource::Import,
            });
        }
        let rows = sqlx::query("SELECT asset_num, software_id FROM asset_software")
            .fetch_all(&mut *tx)
            .await
            .db()?;
        let pairs = rows
            .iter()
            .map(|r| Ok((r.try_get::<i64, _>(0).db()?, r.try_get::<i64, _>(1).db()?)))
            .collect::<StoreResult<Vec<_>>>()?;
        let installs = index_installs(&asset_nums, &software_ids, pairs)?;
        let services = sqlx::QueryBuilder::new(format!("SELECT {SERVICE_COLUMNS} FROM services"))
            .build()
            .fetch_all(&mut *tx)
            .await
            .db()?
            .into_iter()
            .map(|r| service_from_row(&crate::exec::SqlRow(r)))
            .collect::<StoreResult<Vec<_>>>()?;
        let mut asset_services = Vec::new();
        for row in sqlx::query(
            "SELECT a.id AS asset_id, x.service_id FROM asset_services x JOIN assets a ON a.num = x.asset_num \
             UNION SELECT target_id AS asset_id, service_id FROM dependencies WHERE target_kind = 'asset'",
        )
        .fetch_all(&mut *tx)
        .await
        .db()?
        {
            asset_services.push((get_parsed(&row, "asset_id")?, get_parsed(&row, "service_id")?));
        }
        let mut service_dependencies = Vec::new();
        for row in sqlx::query("SELECT service_id, target_id FROM dependencies WHERE target_kind = 'service'")
            .fetch_all(&mut *tx)
            .await
            .db()?
        {
            service_dependencies.push((get_parsed(&row, "service_id")?, get_parsed(&row, "target_id")?));
        }
        tx.commit().await.db()?;
        Ok(SectorSnapshot {
            orgs,
            assets,
            software,
            installs,
            services,
            asset_services,
            service_dependencies,
        })
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
