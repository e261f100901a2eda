//! Whole-sector reads for the exposure index ([`SectorStore`]), each inside one repeatable-read
//! transaction so the snapshot is consistent while imports run.

use async_trait::async_trait;
use sqlx::Row;
use uuid::Uuid;
use ward_core::asset::{InstalledSoftware, SoftwareSource};
use ward_core::org::OdsCode;
use ward_core::vuln::Advisory;
use ward_core::{AssetId, OrgId, ServiceId};
use ward_store::sector::{SectorAsset, SectorOrg, SectorSnapshot, ThreatSnapshot, index_installs};
use ward_store::vuln::{StoredEpss, StoredVex};
use ward_store::{SectorStore, StoreError, StoreResult};

use crate::PgStore;
use crate::error::{corrupt, map_db_error};
use crate::rows::{col, from_micros, parse_col, parse_date};
use crate::vuln::from_doc;
use crate::vuln::signals::kev_from_row;
use ward_store::sql::inventory::{SERVICE_COLUMNS, service_from_row};

fn index(len: usize) -> StoreResult<u32> {
    u32::try_from(len).map_err(|_| StoreError::Backend("too many rows for one snapshot".into()))
}

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
        let mut orgs = Vec::new();
        let mut org_ids = Vec::new();
        for row in sqlx::query("SELECT id, code, name, kind, path FROM organisations ORDER BY id")
            .fetch_all(&mut *tx)
            .await
            .map_err(map_db_error)?
        {
            let code: String = col(&row, "code")?;
            let id: Uuid = col(&row, "id")?;
            org_ids.push(id);
            orgs.push(SectorOrg {
                id: OrgId::from_uuid(id),
                code: OdsCode::parse(&code).map_err(|_| corrupt("organisation code"))?,
                name: col(&row, "name")?,
                kind: parse_col(&row, "kind")?,
                path: col(&row, "path")?,
            });
        }
        let mut assets = Vec::new();
        let mut asset_ids = Vec::new();
        for row in sqlx::query("SELECT id, org_id, name, kind, internet_facing FROM assets ORDER BY id")
            .fetch_all(&mut *tx)
            .await
            .map_err(map_db_error)?
        {
            let id: Uuid = col(&row, "id")?;
            let org: Uuid = col(&row, "org_id")?;
            let org = org_ids
                .binary_search(&org)
                .map_err(|_| StoreError::Backend(format!("asset names unknown organisation {org}")))?;
            asset_ids.push(id);
            assets.push(SectorAsset {
                id: AssetId::from_uuid(id),
                org: index(org)?,
                name: col(&row, "name")?,
                kind: parse_col(&row, "kind")?,
                internet_facing: col(&row, "internet_facing")?,
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
        .map_err(map_db_error)?
        {
            software_ids.push(col::<i64>(&row, "id")?);
            software.push(InstalledSoftware {
                name: col(&row, "name")?,
                vendor: col(&row, "vendor")?,
                version: col(&row, "version")?,
                purl: col(&row, "purl")?,
                cpe: col(&row, "cpe")?,
                source: SoftwareSource::Import,
            });
        }
        let rows = sqlx::query("SELECT asset_id, software_id FROM asset_software")
            .fetch_all(&mut *tx)
            .await
            .map_err(map_db_error)?;
        let pairs = rows
            .iter()
            .map(|r| {
                Ok((
                    r.try_get::<Uuid, _>(0).map_err(map_db_error)?,
                    r.try_get::<i64, _>(1).map_err(map_db_error)?,
                ))
            })
            .collect::<StoreResult<Vec<_>>>()?;
        let installs = index_installs(&asset_ids, &software_ids, pairs)?;
        let services = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {SERVICE_COLUMNS} FROM services"
        )))
        .fetch_all(&mut *tx)
        .await
        .map_err(map_db_error)?
        .into_iter()
        .map(|r| service_from_row(&crate::exec::SqlRow(r)))
        .collect::<StoreResult<Vec<_>>>()?;
        let mut asset_services = Vec::new();
        for row in sqlx::query(
            "SELECT asset_id, service_id FROM asset_services \
             UNION SELECT target_id, service_id FROM dependencies WHERE target_kind = 'asset'",
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(map_db_error)?
        {
            asset_services.push((
                AssetId::from_uuid(row.try_get::<Uuid, _>(0).map_err(map_db_error)?),
                ServiceId::from_uuid(row.try_get::<Uuid, _>(1).map_err(map_db_error)?),
            ));
        }
        let mut service_dependencies = Vec::new();
        for row in sqlx::query("SELECT service_id, target_id FROM dependencies WHERE target_kind = 'service'")
            .fetch_all(&mut *tx)
            .await
            .map_err(map_db_error)?
        {
            service_dependencies.push((
                ServiceId::from_uuid(col(&row, "service_id")?),
                ServiceId::from_uuid(col(&row, "target_id")?),
            ));
        }
        tx.commit().await.map_err(map_db_error)?;
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
