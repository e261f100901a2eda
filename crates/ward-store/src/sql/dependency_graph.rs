//! The dependency graph's data for the impact engine ([`crate::SectorStore::dependency_snapshot`]),
//! once for both backends. The caller runs it inside one read transaction, so the snapshot is
//! consistent while imports run.
//!
//! Deleting an asset leaves dependencies that point at it in place (nothing else names them);
//! such a dependency is left out here and counted, so one deleted asset cannot make the whole
//! graph inconsistent.

use super::inventory::{
    DEPENDENCY_COLUMNS, PRODUCT_COLUMNS, SERVICE_COLUMNS, dependency_from_row, product_from_row,
    service_from_row,
};
use super::orgs::{org_columns, org_from_row};
use super::{Exec, RowRead, Sql};
use crate::StoreResult;
use crate::sector::{DependedAsset, DependencySnapshot};

/// Read every organisation, service, product and dependency, the assets' own lists of the
/// services they support, and the assets either names.
pub async fn dependency_snapshot<E: Exec + ?Sized>(db: &mut E) -> StoreResult<DependencySnapshot> {
    let orgs = db
        .fetch_all(Sql::new(format!(
            "SELECT {} FROM organisations ORDER BY id",
            org_columns("")
        )))
        .await?
        .iter()
        .map(org_from_row)
        .collect::<StoreResult<Vec<_>>>()?;
    let services = db
        .fetch_all(Sql::new(format!(
            "SELECT {SERVICE_COLUMNS} FROM services ORDER BY id"
        )))
        .await?
        .iter()
        .map(service_from_row)
        .collect::<StoreResult<Vec<_>>>()?;
    let products = db
        .fetch_all(Sql::new(format!(
            "SELECT {PRODUCT_COLUMNS} FROM products ORDER BY id"
        )))
        .await?
        .iter()
        .map(product_from_row)
        .collect::<StoreResult<Vec<_>>>()?;
    let linked = super::sector::listed_asset_services(db.dialect());
    // `EXISTS` on the list's own key, not `id IN (the joined list)`: on the national demo SQLite
    // took 9.3 s to build the joined list for the `IN` and 1.1 s for this (BENCHMARKS.md, issue 10).
    let asset_key = db.dialect().pick("num", "id");
    let list_key = db.dialect().pick("asset_num", "asset_id");
    let assets = db
        .fetch_all(Sql::new(format!(
            "SELECT a.id, a.org_id, a.name FROM assets a WHERE a.id IN \
             (SELECT target_id FROM dependencies WHERE target_kind = 'asset') \
             OR EXISTS (SELECT 1 FROM asset_services x WHERE x.{list_key} = a.{asset_key}) ORDER BY a.id"
        )))
        .await?
        .iter()
        .map(|r| {
            Ok(DependedAsset {
                id: r.id("id")?,
                org: r.id("org_id")?,
                name: r.text("name")?,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    let dependencies = db
        .fetch_all(Sql::new(format!(
            "SELECT {DEPENDENCY_COLUMNS} FROM dependencies \
             WHERE target_kind <> 'asset' OR target_id IN (SELECT id FROM assets) ORDER BY id"
        )))
        .await?
        .iter()
        .map(dependency_from_row)
        .collect::<StoreResult<Vec<_>>>()?;
    let asset_services = db
        .fetch_all(Sql::new(format!("{linked} ORDER BY 1, 2")))
        .await?
        .iter()
        .map(|r| Ok((r.id("asset_id")?, r.id("service_id")?)))
        .collect::<StoreResult<Vec<_>>>()?;
    let dangling = db
        .fetch_one(Sql::new(
            "SELECT COUNT(*) AS n FROM dependencies \
             WHERE target_kind = 'asset' AND target_id NOT IN (SELECT id FROM assets)",
        ))
        .await?
        .i64("n")?;
    Ok(DependencySnapshot {
        orgs,
        services,
        products,
        assets,
        dependencies,
        asset_services,
        dangling: u64::try_from(dangling).unwrap_or(0),
    })
}
