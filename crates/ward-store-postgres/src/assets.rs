//! Assets and their software and service links. A bulk insert runs in one transaction: software is
//! deduplicated into `software` with `ON CONFLICT DO NOTHING` over `UNNEST(arrays)` and then looked
//! up, and the assets and link rows are streamed with binary `COPY` (`copy.rs`), which measured a
//! quarter faster than `INSERT ... SELECT FROM UNNEST` for 200k links and lets the server insert one
//! part while the next is encoded. Rows go in id order, and the batch's audit digest is hashed while
//! this task waits for the server.

use std::collections::HashMap;

use sqlx::PgConnection;
use sqlx::postgres::PgRow;
use uuid::Uuid;
use ward_core::asset::{Asset, InstalledSoftware};
use ward_core::audit::digest_json;
use ward_core::{AssetId, OrgId, ServiceId};
use ward_store::{AuditMeta, Scope, StoreError, StoreResult};

use crate::audit::append_event;
use crate::copy::BinaryCopy;
use crate::error::{corrupt, map_db_error};
use crate::rollups::{self, Deltas};
use crate::rows::{col, parse_col};
use crate::{PgStore, scope_binds};
use ward_store::digest_json_sliced;

/// Distinct software rows per INSERT / lookup.
const SOFTWARE_CHUNK: usize = 10_000;

/// The identity of a software row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct SoftwareKey<'a> {
    name: &'a str,
    version: &'a str,
    vendor: Option<&'a str>,
    purl: Option<&'a str>,
    cpe: Option<&'a str>,
}

impl<'a> SoftwareKey<'a> {
    fn of(s: &'a InstalledSoftware) -> Self {
        Self {
            name: &s.name,
            version: &s.version,
            vendor: s.vendor.as_deref(),
            purl: s.purl.as_deref(),
            cpe: s.cpe.as_deref(),
        }
    }
}

/// Check each asset on its own: fields valid (named by path), no service linked twice.
fn validate_assets(assets: &[Asset]) -> StoreResult<()> {
    for (i, a) in assets.iter().enumerate() {
        a.validate()
            .map_err(|e| StoreError::Invalid(e.at(&format!("assets[{i}]")).to_string()))?;
        let mut seen = std::collections::HashSet::with_capacity(a.services.len());
        for (j, s) in a.services.iter().enumerate() {
            if !seen.insert(s) {
                return Err(StoreError::Invalid(format!(
                    "assets[{i}].services[{j}]: service {s} is listed twice"
                )));
            }
        }
    }
    Ok(())
}

/// Insert the distinct software of `assets` (in a stable order, so concurrent imports take row
/// locks in the same order) and return the software id of every installed item, asset after
/// asset. Each item is hashed once to find its distinct identity; only the distinct identities
/// are sorted.
async fn resolve_software(conn: &mut PgConnection, assets: &[&Asset]) -> StoreResult<Vec<i64>> {
    let mut distinct: HashMap<SoftwareKey<'_>, usize> = HashMap::new();
    let mut items: Vec<usize> = Vec::with_capacity(assets.iter().map(|a| a.software.len()).sum());
    for s in assets.iter().flat_map(|a| a.software.iter()) {
        let next = distinct.len();
        items.push(*distinct.entry(SoftwareKey::of(s)).or_insert(next));
    }
    let mut keys: Vec<(SoftwareKey<'_>, usize)> = distinct.into_iter().collect();
    keys.sort_unstable();
    // Row id per distinct identity, by its number in `items`.
    let mut ids: Vec<Option<i64>> = vec![None; keys.len()];
    for chunk in keys.chunks(SOFTWARE_CHUNK) {
        let name: Vec<&str> = chunk.iter().map(|(k, _)| k.name).collect();
        let vendor: Vec<Option<&str>> = chunk.iter().map(|(k, _)| k.vendor).collect();
        let version: Vec<&str> = chunk.iter().map(|(k, _)| k.version).collect();
        let purl: Vec<Option<&str>> = chunk.iter().map(|(k, _)| k.purl).collect();
        let cpe: Vec<Option<&str>> = chunk.iter().map(|(k, _)| k.cpe).collect();
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
                .and_then(|i| chunk.get(i))
                .and_then(|(_, number)| ids.get_mut(*number))
                .ok_or_else(|| corrupt("software"))?;
            *slot = Some(col::<i64>(r, "id")?);
        }
        if rows.len() != chunk.len() {
            return Err(StoreError::Backend(
                "a software row could not be found after insert".into(),
            ));
        }
    }
    items
        .iter()
        .map(|&number| {
            ids.get(number)
                .copied()
                .flatten()
                .ok_or_else(|| corrupt("software id"))
        })
        .collect()
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

/// Remove an asset's software and service links.
async fn delete_links(conn: &mut PgConnection, id: AssetId) -> StoreResult<()> {
    for sql in [
        "DELETE FROM asset_software WHERE asset_id = $1",
        "DELETE FROM asset_services WHERE asset_id = $1",
    ] {
        sqlx::query(sql)
            .bind(id.as_uuid())
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

/// The checks that a restore runs on loaded rows, with what a failing row means. Asset and link
/// tables lack some row-level foreign keys (migrations 0004 and 0006), so these stand in for them
/// when rows come from outside. Links need no asset check: a restore takes a link's `org_id` from
/// its asset, and a link whose asset is missing fails the NOT NULL on `org_id`.
const LOADED_ROW_CHECKS: [(&str, &str); 3] = [
    (
        "SELECT a.id::text AS id FROM assets a
          WHERE NOT EXISTS (SELECT 1 FROM organisations o WHERE o.id = a.org_id)
          LIMIT 1",
        "an asset names an organisation that does not exist",
    ),
    (
        "SELECT x.software_id::text AS id FROM asset_software x
          WHERE NOT EXISTS (SELECT 1 FROM software s WHERE s.id = x.software_id)
          LIMIT 1",
        "asset_software names software that does not exist",
    ),
    (
        "SELECT x.service_id::text AS id FROM asset_services x
          WHERE NOT EXISTS (SELECT 1 FROM services s WHERE s.id = x.service_id)
          LIMIT 1",
        "asset_services names a service that does not exist",
    ),
];

/// Refuse assets whose organisation, and links whose software or service, do not exist: one
/// set-based query per rule, naming the first offending identifier.
pub(crate) async fn check_loaded_rows(conn: &mut PgConnection) -> StoreResult<()> {
    for (sql, problem) in LOADED_ROW_CHECKS {
        let row = sqlx::query(sql)
            .fetch_optional(&mut *conn)
            .await
            .map_err(map_db_error)?;
        if let Some(row) = row {
            let id: String = col(&row, "id")?;
            return Err(StoreError::Snapshot(format!(
                "the backup's rows do not fit together: {problem} ({id})"
            )));
        }
    }
    Ok(())
}

fn asset_row(row: &PgRow) -> StoreResult<Asset> {
    Ok(Asset {
        id: AssetId::from_uuid(col(row, "id")?),
        org: OrgId::from_uuid(col(row, "org_id")?),
        name: col(row, "name")?,
        kind: parse_col(row, "kind")?,
        hostname: col(row, "hostname")?,
        internet_facing: col(row, "internet_facing")?,
        services: Vec::new(),
        software: Vec::new(),
    })
}

impl PgStore {
    /// `InventoryStore::insert_assets`.
    pub(crate) async fn insert_assets_batch(
        &self,
        scope: &Scope,
        assets: &[Asset],
        audit: &AuditMeta,
    ) -> StoreResult<u64> {
        if assets.is_empty() {
            return Ok(0);
        }
        validate_assets(assets)?;
        let mut tx = self.pool.begin().await.map_err(map_db_error)?;
        // A national import is many statements; each stays short, but lift the per-statement cap.
        sqlx::query("SET LOCAL statement_timeout = 0")
            .execute(&mut *tx)
            .await
            .map_err(map_db_error)?;
        let orgs: Vec<Uuid> = assets.iter().map(|a| *a.org.as_uuid()).collect();
        Self::require_orgs_in_scope(&mut tx, scope, &orgs).await?;
        lock_orgs(&mut tx, &orgs).await?;
        let services: Vec<Uuid> = assets
            .iter()
            .flat_map(|a| a.services.iter().map(|s| *s.as_uuid()))
            .collect();
        Self::require_services_in_scope(&mut tx, scope, &services).await?;
        // In id order: identifiers made in one import share their time prefix, so sorted they
        // extend the right-hand edge of the assets and asset_software primary keys.
        let mut sorted: Vec<&Asset> = assets.iter().collect();
        sorted.sort_unstable_by_key(|a| a.id);
        let write = async {
            insert_asset_rows(&mut tx, &sorted).await?;
            insert_links(&mut tx, &sorted).await?;
            Ok::<_, StoreError>(())
        };
        let event = match assets {
            [one] => {
                write.await?;
                let after = Some(digest_json(one));
                audit.event(
                    "asset.create",
                    "asset",
                    one.id.to_string(),
                    Some(one.org),
                    None,
                    after,
                    None,
                )
            }
            many => {
                // Hash the batch in the time this task waits for the server.
                let (written, digest) = futures_util::future::join(write, digest_json_sliced(many)).await;
                written?;
                let first_org = many.first().map(|a| a.org);
                let org = first_org.filter(|o| many.iter().all(|a| a.org == *o));
                let entity_id = org.map_or_else(|| "batch".to_owned(), |o| o.to_string());
                let after = Some(digest);
                let detail = Some(format!("{} assets", many.len()));
                audit.event("assets.import", "asset", entity_id, org, None, after, detail)
            }
        };
        append_event(&mut tx, &self.keys, event).await?;
        let mut counts = Deltas::default();
        counts.assets(assets, 1);
        rollups::apply(&mut tx, &counts).await?;
        tx.commit().await.map_err(map_db_error)?;
        if assets.len() >= crate::search::SETTLE_AFTER_ASSETS {
            crate::search::settle_text_indexes(&self.pool).await;
        }
        Ok(assets.len() as u64)
    }

    /// One asset with its links, if it lies inside `scope`.
    pub(crate) async fn load_asset(
        conn: &mut PgConnection,
        scope: &Scope,
        id: AssetId,
    ) -> StoreResult<Option<Asset>> {
        let (mode, roots) = scope_binds(scope);
        let row = sqlx::query(concat!(
            "SELECT a.id, a.org_id, a.name, a.kind, a.hostname, a.internet_facing FROM assets a
              WHERE a.id = $3 AND ",
            in_scope!("a.org_id")
        ))
        .bind(mode)
        .bind(&roots)
        .bind(id.as_uuid())
        .fetch_optional(&mut *conn)
        .await
        .map_err(map_db_error)?;
        let Some(row) = row else { return Ok(None) };
        let mut asset = asset_row(&row)?;
        let rows = sqlx::query("SELECT service_id FROM asset_services WHERE asset_id = $1 ORDER BY position")
            .bind(id.as_uuid())
            .fetch_all(&mut *conn)
            .await
            .map_err(map_db_error)?;
        asset.services = rows
            .iter()
            .map(|r| Ok(ServiceId::from_uuid(col(r, "service_id")?)))
            .collect::<StoreResult<_>>()?;
        let rows = sqlx::query(
            "SELECT s.name, s.vendor, s.version, s.purl, s.cpe, x.source
               FROM asset_software x JOIN software s ON s.id = x.software_id
              WHERE x.asset_id = $1 ORDER BY x.position",
        )
        .bind(id.as_uuid())
        .fetch_all(&mut *conn)
        .await
        .map_err(map_db_error)?;
        asset.software = rows
            .iter()
            .map(|r| {
                Ok(InstalledSoftware {
                    name: col(r, "name")?,
                    vendor: col(r, "vendor")?,
                    version: col(r, "version")?,
                    purl: col(r, "purl")?,
                    cpe: col(r, "cpe")?,
                    source: parse_col(r, "source")?,
                })
            })
            .collect::<StoreResult<_>>()?;
        Ok(Some(asset))
    }

    /// Lock the asset row and return its current state, or `NotFound` when outside the scope.
    async fn lock_asset(conn: &mut PgConnection, scope: &Scope, id: AssetId) -> StoreResult<Asset> {
        sqlx::query("SELECT 1 FROM assets WHERE id = $1 FOR NO KEY UPDATE")
            .bind(id.as_uuid())
            .fetch_optional(&mut *conn)
            .await
            .map_err(map_db_error)?;
        Self::load_asset(conn, scope, id)
            .await?
            .ok_or_else(|| StoreError::not_found("asset", id))
    }

    /// `InventoryStore::update_asset`.
    pub(crate) async fn replace_asset(
        &self,
        scope: &Scope,
        asset: &Asset,
        audit: &AuditMeta,
    ) -> StoreResult<()> {
        validate_assets(std::slice::from_ref(asset))?;
        let mut tx = self.pool.begin().await.map_err(map_db_error)?;
        let before = Self::lock_asset(&mut tx, scope, asset.id).await?;
        if before.org != asset.org {
            return Err(ward_store::refusals::asset_cannot_move());
        }
        let services: Vec<Uuid> = asset.services.iter().map(|s| *s.as_uuid()).collect();
        Self::require_services_in_scope(&mut tx, scope, &services).await?;
        sqlx::query(
            "UPDATE assets SET name = $2, kind = $3, hostname = $4, internet_facing = $5 WHERE id = $1",
        )
        .bind(asset.id.as_uuid())
        .bind(&asset.name)
        .bind(asset.kind.as_str())
        .bind(&asset.hostname)
        .bind(asset.internet_facing)
        .execute(&mut *tx)
        .await
        .map_err(map_db_error)?;
        delete_links(&mut tx, asset.id).await?;
        insert_links(&mut tx, &[asset]).await?;
        let (b, a) = (Some(digest_json(&before)), Some(digest_json(asset)));
        let event = audit.event(
            "asset.update",
            "asset",
            asset.id.to_string(),
            Some(asset.org),
            b,
            a,
            None,
        );
        append_event(&mut tx, &self.keys, event).await?;
        let mut counts = Deltas::default();
        counts.asset(&before, -1);
        counts.asset(asset, 1);
        rollups::apply(&mut tx, &counts).await?;
        tx.commit().await.map_err(map_db_error)
    }

    /// `InventoryStore::delete_asset`. Dependencies that name the asset are left for their owners.
    pub(crate) async fn remove_asset(
        &self,
        scope: &Scope,
        id: AssetId,
        audit: &AuditMeta,
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await.map_err(map_db_error)?;
        let before = Self::lock_asset(&mut tx, scope, id).await?;
        // Link rows have no cascading foreign key (migration 0004): remove them first.
        delete_links(&mut tx, id).await?;
        sqlx::query("DELETE FROM assets WHERE id = $1")
            .bind(id.as_uuid())
            .execute(&mut *tx)
            .await
            .map_err(map_db_error)?;
        let b = Some(digest_json(&before));
        let event = audit.event(
            "asset.delete",
            "asset",
            id.to_string(),
            Some(before.org),
            b,
            None,
            None,
        );
        append_event(&mut tx, &self.keys, event).await?;
        let mut counts = Deltas::default();
        counts.asset(&before, -1);
        rollups::apply(&mut tx, &counts).await?;
        tx.commit().await.map_err(map_db_error)
    }
}
