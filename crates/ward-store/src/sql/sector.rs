//! The sector snapshot for the exposure index ([`crate::SectorStore::sector_snapshot`]), once for
//! both backends. The caller runs it inside one read transaction (repeatable read on PostgreSQL),
//! so the snapshot is consistent while imports run.
//!
//! Link rows are keyed by the asset's number on SQLite and by its id on PostgreSQL; each engine
//! reads assets in the order of its own key, so installs are matched to assets by a binary search
//! without a join over every installed package.

use ward_core::asset::{InstalledSoftware, SoftwareSource};
use ward_core::org::OdsCode;
use ward_core::{OrgId, ServiceId};

use super::inventory::{SERVICE_COLUMNS, service_from_row};
use super::{Dialect, Exec, RowRead, Sql, corrupt_column};
use crate::sector::{SectorAsset, SectorOrg, SectorSnapshot, index_installs};
use crate::{StoreError, StoreResult};

fn index(len: usize) -> StoreResult<u32> {
    u32::try_from(len).map_err(|_| StoreError::Backend("too many rows for one snapshot".into()))
}

/// The key link rows name an asset by, as a number that orders as the engine orders it: SQLite's
/// asset number, or PostgreSQL's UUID read big-endian (which orders as PostgreSQL sorts UUIDs).
/// A query of (`asset_id`, `service_id`): every asset's own list of the services it supports
/// (SQLite keys the list by the asset's row number).
pub(super) fn listed_asset_services(dialect: Dialect) -> &'static str {
    dialect.pick(
        "SELECT a.id AS asset_id, x.service_id FROM asset_services x JOIN assets a ON a.num = x.asset_num",
        "SELECT asset_id, service_id FROM asset_services",
    )
}

fn asset_key<R: RowRead>(dialect: Dialect, row: &R, column: &str) -> StoreResult<u128> {
    match dialect {
        Dialect::Sqlite => u128::try_from(row.i64(column)?).map_err(|_| corrupt_column(column)),
        Dialect::Postgres => Ok(row.uuid(column)?.as_u128()),
    }
}

/// Read the whole sector's organisations, assets, installed software and services.
pub async fn sector_snapshot<E: Exec + ?Sized>(db: &mut E) -> StoreResult<SectorSnapshot> {
    let dialect = db.dialect();
    let mut orgs = Vec::new();
    let mut org_ids: Vec<OrgId> = Vec::new();
    for row in db
        .fetch_all(Sql::new(
            "SELECT id, code, name, kind, path FROM organisations ORDER BY id",
        ))
        .await?
    {
        let org = SectorOrg {
            id: row.id("id")?,
            code: OdsCode::parse(&row.text("code")?).map_err(|_| corrupt_column("code"))?,
            name: row.text("name")?,
            kind: row.parsed("kind")?,
            path: row.text("path")?,
        };
        org_ids.push(org.id);
        orgs.push(org);
    }
    let key = dialect.pick("num", "id");
    let mut assets = Vec::new();
    let mut asset_keys = Vec::new();
    let q = Sql::new(format!(
        "SELECT {key} AS asset_key, id, org_id, name, kind, internet_facing FROM assets ORDER BY {key}"
    ));
    for row in db.fetch_all(q).await? {
        let org: OrgId = row.id("org_id")?;
        let org = org_ids
            .binary_search(&org)
            .map_err(|_| StoreError::Backend(format!("asset names unknown organisation {org}")))?;
        asset_keys.push(asset_key(dialect, &row, "asset_key")?);
        assets.push(SectorAsset {
            id: row.id("id")?,
            org: index(org)?,
            name: row.text("name")?,
            kind: row.parsed("kind")?,
            internet_facing: row.bool("internet_facing")?,
        });
    }
    let mut software = Vec::new();
    let mut software_ids = Vec::new();
    let q = Sql::new(
        "SELECT id, name, vendor, version, purl, cpe FROM software \
         WHERE id IN (SELECT software_id FROM asset_software) ORDER BY id",
    );
    for row in db.fetch_all(q).await? {
        software_ids.push(row.i64("id")?);
        software.push(InstalledSoftware {
            name: row.text("name")?,
            vendor: row.opt_text("vendor")?,
            version: row.text("version")?,
            purl: row.opt_text("purl")?,
            cpe: row.opt_text("cpe")?,
            source: SoftwareSource::Import,
        });
    }
    let link = dialect.pick("asset_num", "asset_id");
    let rows = db
        .fetch_all(Sql::new(format!(
            "SELECT {link} AS asset_key, software_id FROM asset_software"
        )))
        .await?;
    let pairs = rows
        .iter()
        .map(|r| Ok((asset_key(dialect, r, "asset_key")?, r.i64("software_id")?)))
        .collect::<StoreResult<Vec<_>>>()?;
    let installs = index_installs(&asset_keys, &software_ids, pairs)?;
    let services = db
        .fetch_all(Sql::new(format!("SELECT {SERVICE_COLUMNS} FROM services")))
        .await?
        .iter()
        .map(service_from_row)
        .collect::<StoreResult<Vec<_>>>()?;
    let linked = listed_asset_services(dialect);
    let q = Sql::new(format!(
        "{linked} UNION SELECT target_id AS asset_id, service_id FROM dependencies WHERE target_kind = 'asset'"
    ));
    let asset_services = db
        .fetch_all(q)
        .await?
        .iter()
        .map(|r| Ok((r.id("asset_id")?, r.id("service_id")?)))
        .collect::<StoreResult<Vec<_>>>()?;
    let q = Sql::new("SELECT service_id, target_id FROM dependencies WHERE target_kind = 'service'");
    let service_dependencies = db
        .fetch_all(q)
        .await?
        .iter()
        .map(|r| Ok((r.id::<ServiceId>("service_id")?, r.id("target_id")?)))
        .collect::<StoreResult<Vec<_>>>()?;
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

#[cfg(test)]
mod tests {
    #[test]
    fn uuids_read_big_endian_order_as_their_bytes() {
        let a = uuid::Uuid::from_bytes([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff]);
        let b = uuid::Uuid::from_bytes([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0]);
        assert!(a.as_bytes() < b.as_bytes());
        assert!(a.as_u128() < b.as_u128());
    }
}
