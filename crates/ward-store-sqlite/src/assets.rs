//! SQLite's own part of assets (the rules are in `ward_store::sql::assets`): the bulk write of new
//! assets and their links, and the asset list's text search ([`AssetEngine`]).
//!
//! Bulk inserts run in one transaction with multi-row `INSERT`s of fixed size, so SQLite reuses the
//! same prepared statements chunk after chunk.
//!
//! Inside this backend an asset is also known by its number (`assets.num`, the rowid), which keys
//! its link rows; see `migrations/0003_asset_numbers.sql` for why. A batch is written in id order
//! with consecutive numbers, so the `id` index and both link tables grow at their right-hand end
//! instead of taking inserts at random places. Numbers never leave the store. Link rows have no
//! foreign keys (migration 0007): the asset paths are their only writer and keep them consistent,
//! and deleting an asset deletes its links.

use crate::SqliteStore;
use crate::codec::{DbResult, get};
use crate::exec::SqliteExec;
use async_trait::async_trait;
use sqlx::pool::PoolConnection;
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection, Transaction};
use std::collections::BTreeSet;
use ward_core::asset::Asset;
use ward_store::sql::assets::{AssetEngine, SoftwareKey, SoftwarePlan, per_asset};
use ward_store::{AssetFilter, AssetSummary, PageRequest, Scope, StoreResult};

/// Rows per multi-row INSERT into `assets` (7 parameters each). Large statements mean fewer round
/// trips to SQLite's worker thread and fewer copies of the same B-tree page into the statement
/// journal; 1,000 assets / 4,000 links per statement measured about 10% faster than 150 / 250.
const ASSET_ROWS: usize = 1000;
/// Rows per multi-row INSERT into the link tables (at most 4 parameters each).
const LINK_ROWS: usize = 4000;
/// Rows per multi-row INSERT into `software` (5 parameters each).
const SOFTWARE_ROWS: usize = 150;
/// Package names per lookup of existing software rows.
const LOOKUP_NAMES: usize = 400;

/// Record the id of a row read back from `software` at its identity's place in `ids`, if the
/// batch has that identity.
fn record(plan: &SoftwarePlan<'_>, ids: &mut [Option<i64>], row: &SqliteRow) -> StoreResult<()> {
    let (name, vendor, version, purl, cpe): (String, Option<String>, String, Option<String>, Option<String>) = (
        get(row, "name")?,
        get(row, "vendor")?,
        get(row, "version")?,
        get(row, "purl")?,
        get(row, "cpe")?,
    );
    let key = SoftwareKey {
        name: &name,
        version: &version,
        vendor: vendor.as_deref(),
        purl: purl.as_deref(),
        cpe: cpe.as_deref(),
    };
    if let Some(slot) = plan.position(&key).and_then(|i| ids.get_mut(i)) {
        *slot = Some(get(row, "id")?);
    }
    Ok(())
}

/// The software row id of every installed item of `assets`, asset after asset, inserting the rows
/// that are new: one query per few hundred package names finds the existing rows, multi-row
/// inserts add the rest.
async fn resolve_software(conn: &mut SqliteConnection, assets: &[&Asset]) -> StoreResult<Vec<i64>> {
    let plan = SoftwarePlan::of(assets);
    let mut ids: Vec<Option<i64>> = vec![None; plan.keys.len()];
    let names: Vec<&str> = plan
        .keys
        .iter()
        .map(|k| k.name)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    for chunk in names.chunks(LOOKUP_NAMES) {
        let mut qb =
            QueryBuilder::new("SELECT id, name, vendor, version, purl, cpe FROM software WHERE name IN (");
        let mut list = qb.separated(", ");
        for name in chunk {
            list.push_bind(*name);
        }
        qb.push(")");
        for row in qb.build().fetch_all(&mut *conn).await.db()? {
            record(&plan, &mut ids, &row)?;
        }
    }
    let missing: Vec<SoftwareKey<'_>> = plan
        .keys
        .iter()
        .zip(&ids)
        .filter(|(_, id)| id.is_none())
        .map(|(k, _)| *k)
        .collect();
    for chunk in missing.chunks(SOFTWARE_ROWS) {
        let mut qb = QueryBuilder::new("INSERT INTO software (name, vendor, version, purl, cpe) ");
        qb.push_values(chunk, |mut b, k| {
            b.push_bind(k.name)
                .push_bind(k.vendor)
                .push_bind(k.version)
                .push_bind(k.purl)
                .push_bind(k.cpe);
        });
        qb.push(" ON CONFLICT DO NOTHING RETURNING id, name, vendor, version, purl, cpe");
        for row in qb.build().fetch_all(&mut *conn).await.db()? {
            record(&plan, &mut ids, &row)?;
        }
    }
    plan.item_ids(&ids)
}

/// An asset to write: its number, the asset, and the software row id of each installed item.
type NumberedAsset<'a> = (i64, &'a Asset, &'a [i64]);

/// The next free asset number. Called inside the write transaction, which holds SQLite's only
/// write lock, so no other writer can take the same numbers.
async fn next_asset_num(conn: &mut SqliteConnection) -> StoreResult<i64> {
    sqlx::query_scalar("SELECT coalesce(max(num), 0) + 1 FROM assets")
        .fetch_one(&mut *conn)
        .await
        .db()
}

/// Run one multi-row statement per chunk of `rows`, each built by `build`. (Building the next
/// statement while the worker thread ran the current one measured no faster on two busy cores.)
async fn execute_chunks<T>(
    conn: &mut SqliteConnection,
    rows: &[T],
    rows_per_statement: usize,
    build: impl Fn(&[T]) -> QueryBuilder<Sqlite>,
) -> StoreResult<()> {
    for chunk in rows.chunks(rows_per_statement) {
        build(chunk).build().execute(&mut *conn).await.db()?;
    }
    Ok(())
}

/// Insert the rows of `assets` (sorted by id) and all their links.
///
/// Assets are numbered consecutively from [`next_asset_num`], so every B-tree they touch (the `id`
/// index, the link tables' primary keys) grows at its right-hand end.
async fn insert_rows(conn: &mut SqliteConnection, assets: &[&Asset]) -> StoreResult<()> {
    let software = resolve_software(conn, assets).await?;
    let shares = per_asset(assets, &software)?;
    let first = next_asset_num(conn).await?;
    let numbered: Vec<NumberedAsset<'_>> = (first..)
        .zip(assets.iter().zip(shares))
        .map(|(num, (a, s))| (num, *a, s))
        .collect();
    execute_chunks(conn, &numbered, ASSET_ROWS, |chunk| {
        let mut qb =
            QueryBuilder::new("INSERT INTO assets (num, id, org_id, name, kind, hostname, internet_facing) ");
        qb.push_values(chunk, |mut b, (num, a, _)| {
            b.push_bind(*num)
                .push_bind(a.id.to_string())
                .push_bind(a.org.to_string())
                .push_bind(a.name.as_str())
                .push_bind(a.kind.as_str())
                .push_bind(a.hostname.as_deref())
                .push_bind(a.internet_facing);
        });
        qb
    })
    .await?;
    if let (Some((first, ..)), Some((last, ..))) = (numbered.first(), numbered.last()) {
        crate::search::index_assets(conn, *first, *last).await?;
    }
    insert_links(conn, &numbered).await
}

/// Insert the service and software links of assets already stored under the given numbers.
async fn insert_links(conn: &mut SqliteConnection, assets: &[NumberedAsset<'_>]) -> StoreResult<()> {
    let service_links: Vec<(i64, i64, String)> = assets
        .iter()
        .flat_map(|(num, a, _)| {
            (0_i64..)
                .zip(&a.services)
                .map(move |(pos, s)| (*num, pos, s.to_string()))
        })
        .collect();
    execute_chunks(conn, &service_links, LINK_ROWS, |chunk| {
        let mut qb = QueryBuilder::new("INSERT INTO asset_services (asset_num, position, service_id) ");
        qb.push_values(chunk, |mut b, (num, pos, service)| {
            b.push_bind(*num).push_bind(*pos).push_bind(service.as_str());
        });
        qb
    })
    .await?;
    let software_links: Vec<(i64, i64, i64, &'static str)> = assets
        .iter()
        .flat_map(|(num, a, ids)| {
            (0_i64..)
                .zip(a.software.iter().zip(*ids))
                .map(move |(pos, (s, id))| (*num, pos, *id, s.source.as_str()))
        })
        .collect();
    execute_chunks(conn, &software_links, LINK_ROWS, |chunk| {
        let mut qb =
            QueryBuilder::new("INSERT INTO asset_software (asset_num, position, software_id, source) ");
        qb.push_values(chunk, |mut b, (num, pos, id, source)| {
            b.push_bind(*num)
                .push_bind(*pos)
                .push_bind(*id)
                .push_bind(*source);
        });
        qb
    })
    .await
}

fn tx<'a>(w: &'a mut SqliteExec<Transaction<'static, Sqlite>>) -> &'a mut SqliteConnection {
    &mut w.0
}

#[async_trait]
impl AssetEngine for SqliteStore {
    async fn insert_asset_rows(
        &self,
        w: &mut SqliteExec<Transaction<'static, Sqlite>>,
        assets: &[&Asset],
    ) -> StoreResult<()> {
        insert_rows(tx(w), assets).await
    }

    async fn insert_asset_links(
        &self,
        w: &mut SqliteExec<Transaction<'static, Sqlite>>,
        asset: &Asset,
    ) -> StoreResult<()> {
        let conn = tx(w);
        let num: i64 = sqlx::query_scalar("SELECT num FROM assets WHERE id = ?")
            .bind(asset.id.to_string())
            .fetch_one(&mut *conn)
            .await
            .db()?;
        let software = resolve_software(conn, &[asset]).await?;
        insert_links(conn, &[(num, asset, &software)]).await
    }

    async fn count_assets(
        &self,
        db: &mut SqliteExec<PoolConnection<Sqlite>>,
        scope: &Scope,
        filter: &AssetFilter,
        stop_at: u64,
    ) -> StoreResult<u64> {
        crate::search::count_assets(&mut db.0, scope, filter, stop_at).await
    }

    async fn asset_page(
        &self,
        db: &mut SqliteExec<PoolConnection<Sqlite>>,
        scope: &Scope,
        filter: &AssetFilter,
        page: PageRequest,
        many: bool,
    ) -> StoreResult<Vec<AssetSummary>> {
        crate::search::asset_page(&mut db.0, scope, filter, page, many).await
    }
}
