//! PostgreSQL's own part of assets (the rules are in `ward_store::sql::assets`): the bulk write
//! of new assets and their links, and the asset list's text search ([`AssetEngine`]).
//!
//! Software is deduplicated into `software` with `ON CONFLICT DO NOTHING` over `UNNEST(arrays)` and
//! then looked up, and the assets and link rows are streamed with binary `COPY` (`copy.rs`), which
//! measured a quarter faster than `INSERT ... SELECT FROM UNNEST` for 200k links and lets the server
//! insert one part while the next is encoded. Rows go in id order, and the batch's audit digest is
//! hashed while this task waits for the server.

use async_trait::async_trait;
use sqlx::pool::PoolConnection;
use sqlx::{PgConnection, Postgres, Transaction};
use uuid::Uuid;
use ward_core::asset::Asset;
use ward_store::sql::assets::{AssetEngine, SoftwarePlan};
use ward_store::{AssetFilter, AssetSummary, PageRequest, Scope, StoreError, StoreResult};

use crate::PgStore;
use crate::copy::BinaryCopy;
use crate::error::{corrupt, map_db_error};
use crate::exec::PgExec;
use crate::rows::col;

/// Distinct software rows per INSERT / lookup.
const SOFTWARE_CHUNK: usize = 10_000;

/// Insert the distinct software of `assets` (in sorted order, so concurrent imports take row
/// locks in the same order) and return the software id of every installed item, asset after asset.
async fn resolve_software(conn: &mut PgConnection, assets: &[&Asset]) -> StoreResult<Vec<i64>> {
    let plan = SoftwarePlan::of(assets);
    let mut ids: Vec<Option<i64>> = vec![None; plan.keys.len()];
    for (n, chunk) in plan.keys.chunks(SOFTWARE_CHUNK).enumerate() {
        let name: Vec<&str> = chunk.iter().map(|k| k.name).collect();
        let vendor: Vec<Option<&str>> = chunk.iter().map(|k| k.vendor).collect();
        let version: Vec<&str> = chunk.iter().map(|k| k.version).collect();
        let purl: Vec<Option<&str>> = chunk.iter().map(|k| k.purl).collect();
        let cpe: Vec<Option<&str>> = chunk.iter().map(|k| k.cpe).collect();
        sqlx::query(
            "INSERT INTO software (name, vendor, version, purl, cpe)
             SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
             ON CONFLICT DO NOTHING",
        )
        .bind(&name)
        .bind(&vendor)
        .bind(&version)
        .bind(&purl)
        .bind(&cpe)
        .execute(&mut *conn)
        .await
        .map_err(map_db_error)?;
        // A new statement: its snapshot sees rows that concurrent imports committed meanwhile.
        let rows = sqlx::query(
            "SELECT i.ord, s.id
               FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
                    WITH ORDINALITY AS i(name, vendor, version, purl, cpe, ord)
               JOIN software s ON s.name = i.name AND s.version = i.version
                AND s.vendor IS NOT DISTINCT FROM i.vendor AND s.purl IS NOT DISTINCT FROM i.purl
                AND s.cpe IS NOT DISTINCT FROM i.cpe",
        )
        .bind(&name)
        .bind(&vendor)
        .bind(&version)
        .bind(&purl)
        .bind(&cpe)
        .fetch_all(&mut *conn)
        .await
        .map_err(map_db_error)?;
        for r in &rows {
            let ord: i64 = col(r, "ord")?;
            let slot = usize::try_from(ord - 1)
                .ok()
                .filter(|i| *i < chunk.len())
                .and_then(|i| ids.get_mut(n * SOFTWARE_CHUNK + i))
                .ok_or_else(|| corrupt("software"))?;
            *slot = Some(col::<i64>(r, "id")?);
        }
        if rows.len() != chunk.len() {
            return Err(StoreError::Backend(
                "a software row could not be found after insert".into(),
            ));
        }
    }
    plan.item_ids(&ids)
}

/// Below this many rows a plain `INSERT ... SELECT FROM UNNEST` is used instead of `COPY`: a
/// COPY costs an extra exchange whose last small message (CopyDone) waits on TCP's delayed
/// acknowledgement, about 40 ms on Linux, which dominates a one-asset update (measured: 43 ms per
/// COPY of one row, 142 ms per SBOM upload, against a few milliseconds with UNNEST).
const COPY_MIN_ROWS: usize = 2_000;

async fn insert_asset_rows(conn: &mut PgConnection, assets: &[&Asset]) -> StoreResult<()> {
    if assets.len() < COPY_MIN_ROWS {
        let ids: Vec<Uuid> = assets.iter().map(|a| *a.id.as_uuid()).collect();
        let orgs: Vec<Uuid> = assets.iter().map(|a| *a.org.as_uuid()).collect();
        let names: Vec<&str> = assets.iter().map(|a| a.name.as_str()).collect();
        let kinds: Vec<&str> = assets.iter().map(|a| a.kind.as_str()).collect();
        let hosts: Vec<Option<&str>> = assets.iter().map(|a| a.hostname.as_deref()).collect();
        let facing: Vec<bool> = assets.iter().map(|a| a.internet_facing).collect();
        sqlx::query(
            "INSERT INTO assets (id, org_id, name, kind, hostname, internet_facing)
             SELECT * FROM UNNEST($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::bool[])",
        )
        .bind(&ids)
        .bind(&orgs)
        .bind(&names)
        .bind(&kinds)
        .bind(&hosts)
        .bind(&facing)
        .execute(&mut *conn)
        .await
        .map_err(map_db_error)?;
        return Ok(());
    }
    let mut copy =
        BinaryCopy::start(conn, "assets (id, org_id, name, kind, hostname, internet_facing)").await?;
    for a in assets {
        copy.row(6)
            .await?
            .uuid(a.id.as_uuid())
            .uuid(a.org.as_uuid())
            .text(&a.name)
            .text(a.kind.as_str())
            .opt_text(a.hostname.as_deref())
            .bool(a.internet_facing);
    }
    copy.finish().await?;
    Ok(())
}

fn position(i: usize) -> StoreResult<i32> {
    i32::try_from(i).map_err(|_| StoreError::Invalid("an asset has too many links".into()))
}

/// Insert the service links and software installs of `assets`.
async fn insert_links(conn: &mut PgConnection, assets: &[&Asset]) -> StoreResult<()> {
    let software = resolve_software(conn, assets).await?;
    let installs: usize = assets.iter().map(|a| a.software.len()).sum();
    if installs < COPY_MIN_ROWS {
        return insert_links_unnest(conn, assets, &software).await;
    }
    let mut copy = BinaryCopy::start(
        &mut *conn,
        "asset_software (asset_id, software_id, org_id, source, position)",
    )
    .await?;
    let mut ids = software.iter();
    for a in assets {
        for (i, s) in a.software.iter().enumerate() {
            let id = ids.next().ok_or_else(|| corrupt("software id"))?;
            copy.row(5)
                .await?
                .uuid(a.id.as_uuid())
                .int8(*id)
                .uuid(a.org.as_uuid())
                .text(s.source.as_str())
                .int4(position(i)?);
        }
    }
    copy.finish().await?;
    if assets.iter().all(|a| a.services.is_empty()) {
        return Ok(());
    }
    let mut copy = BinaryCopy::start(
        &mut *conn,
        "asset_services (asset_id, service_id, org_id, position)",
    )
    .await?;
    for a in assets {
        for (i, s) in a.services.iter().enumerate() {
            copy.row(4)
                .await?
                .uuid(a.id.as_uuid())
                .uuid(s.as_uuid())
                .uuid(a.org.as_uuid())
                .int4(position(i)?);
        }
    }
    copy.finish().await?;
    Ok(())
}

/// [`insert_links`] for small batches, with `INSERT ... SELECT FROM UNNEST` (see [`COPY_MIN_ROWS`]).
async fn insert_links_unnest(
    conn: &mut PgConnection,
    assets: &[&Asset],
    software: &[i64],
) -> StoreResult<()> {
    let (mut asset, mut sw, mut org, mut source, mut pos) = (vec![], vec![], vec![], vec![], vec![]);
    let mut ids = software.iter();
    for a in assets {
        for (i, s) in a.software.iter().enumerate() {
            asset.push(*a.id.as_uuid());
            sw.push(*ids.next().ok_or_else(|| corrupt("software id"))?);
            org.push(*a.org.as_uuid());
            source.push(s.source.as_str());
            pos.push(position(i)?);
        }
    }
    if !asset.is_empty() {
        sqlx::query(
            "INSERT INTO asset_software (asset_id, software_id, org_id, source, position)
             SELECT * FROM UNNEST($1::uuid[], $2::int8[], $3::uuid[], $4::text[], $5::int4[])",
        )
        .bind(&asset)
        .bind(&sw)
        .bind(&org)
        .bind(&source)
        .bind(&pos)
        .execute(&mut *conn)
        .await
        .map_err(map_db_error)?;
    }
    let (mut asset, mut service, mut org, mut pos) = (vec![], vec![], vec![], vec![]);
    for a in assets {
        for (i, s) in a.services.iter().enumerate() {
            asset.push(*a.id.as_uuid());
            service.push(*s.as_uuid());
            org.push(*a.org.as_uuid());
            pos.push(position(i)?);
        }
    }
    if !asset.is_empty() {
        sqlx::query(
            "INSERT INTO asset_services (asset_id, service_id, org_id, position)
             SELECT * FROM UNNEST($1::uuid[], $2::uuid[], $3::uuid[], $4::int4[])",
        )
        .bind(&asset)
        .bind(&service)
        .bind(&org)
        .bind(&pos)
        .execute(&mut *conn)
        .await
        .map_err(map_db_error)?;
    }
    Ok(())
}

/// Hold the organisations of a batch of assets for the rest of the transaction: FOR KEY SHARE, the
/// lock a foreign key would take per asset (`assets.org_id` has none since migration 0006), taken
/// once per organisation and in id order so concurrent imports queue rather than deadlock.
async fn lock_orgs(conn: &mut PgConnection, orgs: &[Uuid]) -> StoreResult<()> {
    let mut ids = orgs.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let locked = sqlx::query("SELECT id FROM organisations WHERE id = ANY($1) ORDER BY id FOR KEY SHARE")
        .bind(&ids)
        .fetch_all(&mut *conn)
        .await
        .map_err(map_db_error)?;
    if locked.len() == ids.len() {
        Ok(())
    } else {
        Err(StoreError::Invalid(
            "an organisation of the batch does not exist".into(),
        ))
    }
}

fn conn<'a>(w: &'a mut PgExec<Transaction<'static, Postgres>>) -> &'a mut PgConnection {
    &mut w.0
}

#[async_trait]
impl AssetEngine for PgStore {
    async fn insert_asset_rows(
        &self,
        w: &mut PgExec<Transaction<'static, Postgres>>,
        assets: &[&Asset],
    ) -> StoreResult<()> {
        let tx = conn(w);
        // A national import is many statements; each stays short, but lift the per-statement cap.
        sqlx::query("SET LOCAL statement_timeout = 0")
            .execute(&mut *tx)
            .await
            .map_err(map_db_error)?;
        let orgs: Vec<Uuid> = assets.iter().map(|a| *a.org.as_uuid()).collect();
        lock_orgs(tx, &orgs).await?;
        insert_asset_rows(tx, assets).await?;
        insert_links(tx, assets).await
    }

    async fn insert_asset_links(
        &self,
        w: &mut PgExec<Transaction<'static, Postgres>>,
        asset: &Asset,
    ) -> StoreResult<()> {
        insert_links(conn(w), &[asset]).await
    }

    async fn after_asset_import(&self, count: usize) {
        if count >= crate::search::SETTLE_AFTER_ASSETS {
            crate::search::settle_text_indexes(&self.pool).await;
        }
    }

    async fn count_assets(
        &self,
        db: &mut PgExec<PoolConnection<Postgres>>,
        scope: &Scope,
        filter: &AssetFilter,
        stop_at: u64,
    ) -> StoreResult<u64> {
        crate::search::count_assets(&mut db.0, scope, filter, stop_at).await
    }

    async fn asset_page(
        &self,
        db: &mut PgExec<PoolConnection<Postgres>>,
        scope: &Scope,
        filter: &AssetFilter,
        page: PageRequest,
        _many: bool,
    ) -> StoreResult<Vec<AssetSummary>> {
        crate::search::asset_page(&mut db.0, scope, filter, page).await
    }
}
