//! Assets with their software and service links: bulk insert, read, update, delete and listing.
//!
//! Bulk inserts run in one transaction with multi-row `INSERT`s of fixed size, so SQLite reuses the
//! same prepared statements chunk after chunk. Software identities are deduplicated: each distinct
//! (name, vendor, version, purl, cpe) is looked up or inserted once per call and linked by id.
//!
//! Inside this backend an asset is also known by its number (`assets.num`, the rowid), which keys
//! its link rows; see `migrations/0003_asset_numbers.sql` for why. A batch is written in id order
//! with consecutive numbers, so the `id` index and both link tables grow at their right-hand end
//! instead of taking inserts at random places. Numbers never leave the store. Link rows have no
//! foreign keys (migration 0007): this module is their only writer and keeps them consistent, and
//! deleting an asset deletes its links.

use crate::SqliteStore;
use crate::audit::append;
use crate::codec::{DbResult, get, get_parsed};
use crate::scope;
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};
use std::collections::{BTreeSet, HashMap, HashSet};
use ward_core::asset::{Asset, InstalledSoftware};
use ward_core::audit::digest_json;
use ward_core::{AssetId, OrgId, ServiceId};
use ward_store::digest_json_sliced;
use ward_store::{AuditMeta, Scope, StoreError, StoreResult};

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

/// The identity of a software row: (name, vendor, version, purl, cpe).
type SoftwareKey<'a> = (
    &'a str,
    Option<&'a str>,
    &'a str,
    Option<&'a str>,
    Option<&'a str>,
);

fn key_of(s: &InstalledSoftware) -> SoftwareKey<'_> {
    (
        s.name.as_str(),
        s.vendor.as_deref(),
        s.version.as_str(),
        s.purl.as_deref(),
        s.cpe.as_deref(),
    )
}

/// Check each asset's fields.
pub(crate) fn validate_assets(assets: &[Asset]) -> StoreResult<()> {
    for (i, a) in assets.iter().enumerate() {
        a.validate()
            .map_err(|e| StoreError::Invalid(e.at(&format!("assets[{i}]")).to_string()))?;
    }
    Ok(())
}

/// Fail unless every organisation is inside the scope: `Forbidden` naming the first one outside
/// (or `Invalid` under [`Scope::All`], where the only failure is a missing organisation).
pub(crate) async fn require_orgs(
    conn: &mut SqliteConnection,
    scope: &Scope,
    orgs: &BTreeSet<OrgId>,
) -> StoreResult<()> {
    if scope::all_in_scope(conn, scope, orgs).await? {
        return Ok(());
    }
    for org in orgs {
        if !scope::org_in_scope(conn, scope, *org).await? {
            return Err(match scope {
                Scope::All => StoreError::Invalid(format!("organisation {org} does not exist")),
                _ => StoreError::forbidden("organisation", org),
            });
        }
    }
    Ok(())
}

/// Fail unless every service exists inside the scope.
pub(crate) async fn require_services(
    conn: &mut SqliteConnection,
    scope: &Scope,
    services: &BTreeSet<ServiceId>,
) -> StoreResult<()> {
    let ids: Vec<ServiceId> = services.iter().copied().collect();
    for chunk in ids.chunks(500) {
        let mut qb = QueryBuilder::new("");
        scope::push_with(&mut qb, scope);
        qb.push("SELECT id FROM services WHERE id IN (");
        let mut list = qb.separated(", ");
        for id in chunk {
            list.push_bind(id.to_string());
        }
        qb.push(")");
        scope::push_filter(&mut qb, scope, "org_id");
        let found: HashSet<String> = qb
            .build_query_scalar()
            .fetch_all(&mut *conn)
            .await
            .db()?
            .into_iter()
            .collect();
        if let Some(missing) = chunk.iter().find(|id| !found.contains(&id.to_string())) {
            return Err(match scope {
                Scope::All => StoreError::Invalid(format!("service {missing} does not exist")),
                _ => StoreError::forbidden("service", missing),
            });
        }
    }
    Ok(())
}

/// Distinct software identities of a batch, each with the id of its row once known.
struct SoftwareIds<'a> {
    keys: Vec<SoftwareKey<'a>>,
    index: HashMap<SoftwareKey<'a>, usize>,
    ids: Vec<Option<i64>>,
    /// For every installed item of the batch, in order, the position of its identity in `keys`.
    items: Vec<usize>,
}

impl<'a> SoftwareIds<'a> {
    fn of(assets: &'a [Asset]) -> Self {
        let mut keys = Vec::new();
        let mut index = HashMap::new();
        let mut items = Vec::with_capacity(assets.iter().map(|a| a.software.len()).sum());
        for s in assets.iter().flat_map(|a| a.software.iter()) {
            let key = key_of(s);
            let i = *index.entry(key).or_insert_with(|| {
                keys.push(key);
                keys.len() - 1
            });
            items.push(i);
        }
        let ids = vec![None; keys.len()];
        Self {
            keys,
            index,
            ids,
            items,
        }
    }

    /// Record the id of a row read back from `software`, if the batch wants that identity.
    fn record(&mut self, row: &SqliteRow) -> StoreResult<()> {
        let (name, vendor, version, purl, cpe): (
            String,
            Option<String>,
            String,
            Option<String>,
            Option<String>,
        ) = (
            get(row, "name")?,
            get(row, "vendor")?,
            get(row, "version")?,
            get(row, "purl")?,
            get(row, "cpe")?,
        );
        let key: SoftwareKey<'_> = (
            &name,
            vendor.as_deref(),
            &version,
            purl.as_deref(),
            cpe.as_deref(),
        );
        if let Some(&i) = self.index.get(&key) {
            self.ids[i] = Some(get(row, "id")?);
        }
        Ok(())
    }

    fn missing(&self) -> Vec<SoftwareKey<'a>> {
        self.keys
            .iter()
            .zip(&self.ids)
            .filter(|(_, id)| id.is_none())
            .map(|(k, _)| *k)
            .collect()
    }
}

/// The software row id of every installed item of `assets`, asset after asset, inserting the rows
/// that are new: one query per few hundred package names finds the existing rows, multi-row
/// inserts add the rest. Each item is hashed once, here; callers need no lookup by key.
async fn resolve_software(conn: &mut SqliteConnection, assets: &[Asset]) -> StoreResult<Vec<i64>> {
    let mut found = SoftwareIds::of(assets);
    let names: Vec<&str> = found
        .keys
        .iter()
        .map(|k| k.0)
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
            found.record(&row)?;
        }
    }
    let missing = found.missing();
    for chunk in missing.chunks(SOFTWARE_ROWS) {
        let mut qb = QueryBuilder::new("INSERT INTO software (name, vendor, version, purl, cpe) ");
        qb.push_values(chunk, |mut b, k| {
            b.push_bind(k.0)
                .push_bind(k.1)
                .push_bind(k.2)
                .push_bind(k.3)
                .push_bind(k.4);
        });
        qb.push(" ON CONFLICT DO NOTHING RETURNING id, name, vendor, version, purl, cpe");
        for row in qb.build().fetch_all(&mut *conn).await.db()? {
            found.record(&row)?;
        }
    }
    let mut ids = Vec::with_capacity(found.keys.len());
    for (key, id) in found.keys.iter().zip(&found.ids) {
        let id = match id {
            Some(id) => *id,
            // Only if another writer added the row between our lookup and insert.
            None => lookup_software(conn, *key)
                .await?
                .ok_or_else(|| StoreError::Backend("software row vanished during insert".into()))?,
        };
        ids.push(id);
    }
    found
        .items
        .iter()
        .map(|&k| {
            ids.get(k)
                .copied()
                .ok_or_else(|| StoreError::Backend("software identity was not resolved".into()))
        })
        .collect()
}

/// An asset to write: its number, the asset, and the software row id of each installed item.
type NumberedAsset<'a> = (i64, &'a Asset, &'a [i64]);

/// Pair each asset with its items' software ids (`software` is asset after asset).
fn with_software<'a>(assets: &'a [Asset], software: &'a [i64]) -> StoreResult<Vec<(&'a Asset, &'a [i64])>> {
    let mut rest = software;
    let mut out = Vec::with_capacity(assets.len());
    for a in assets {
        let (mine, tail) = rest
            .split_at_checked(a.software.len())
            .ok_or_else(|| StoreError::Backend("software identity was not resolved".into()))?;
        out.push((a, mine));
        rest = tail;
    }
    Ok(out)
}

async fn lookup_software(conn: &mut SqliteConnection, k: SoftwareKey<'_>) -> StoreResult<Option<i64>> {
    sqlx::query_scalar(
        "SELECT id FROM software WHERE name = ? AND version = ? AND coalesce(vendor, x'00') = coalesce(?, x'00') \
         AND coalesce(purl, x'00') = coalesce(?, x'00') AND coalesce(cpe, x'00') = coalesce(?, x'00')",
    )
    .bind(k.0)
    .bind(k.2)
    .bind(k.1)
    .bind(k.3)
    .bind(k.4)
    .fetch_optional(&mut *conn)
    .await
    .db()
}

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

/// Insert the rows of `assets` and all their links. Scope checks are the caller's.
///
/// Assets are written in id order and numbered consecutively from [`next_asset_num`], so every
/// B-tree they touch (the `id` index, the link tables' primary keys) grows at its right-hand end.
async fn insert_rows(conn: &mut SqliteConnection, assets: &[Asset]) -> StoreResult<()> {
    let software = resolve_software(conn, assets).await?;
    let mut sorted = with_software(assets, &software)?;
    sorted.sort_unstable_by_key(|(a, _)| a.id);
    let first = next_asset_num(conn).await?;
    let numbered: Vec<NumberedAsset<'_>> = (first..).zip(sorted).map(|(num, (a, s))| (num, a, s)).collect();
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

/// Remove the service and software links of the asset numbered `num`.
async fn delete_links(conn: &mut SqliteConnection, num: i64) -> StoreResult<()> {
    for sql in [
        "DELETE FROM asset_services WHERE asset_num = ?",
        "DELETE FROM asset_software WHERE asset_num = ?",
    ] {
        sqlx::query(sql).bind(num).execute(&mut *conn).await.db()?;
    }
    Ok(())
}

/// The checks of link rows that a restore runs, with what a failing row means. Link tables have no
/// foreign keys (migration 0007), so these stand in for them when rows come from outside. Assets
/// need no check here: a restore looks each link's asset number up by id, and a missing asset
/// yields NULL, which the NOT NULL `asset_num` refuses.
const LINK_CHECKS: [(&str, &str); 2] = [
    (
        "SELECT CAST(x.software_id AS TEXT) FROM asset_software x \
         WHERE NOT EXISTS (SELECT 1 FROM software s WHERE s.id = x.software_id) LIMIT 1",
        "asset_software names software that does not exist",
    ),
    (
        "SELECT x.service_id FROM asset_services x \
         WHERE NOT EXISTS (SELECT 1 FROM services s WHERE s.id = x.service_id) LIMIT 1",
        "asset_services names a service that does not exist",
    ),
];

/// Refuse link rows that name software or services that do not exist: one set-based query per
/// rule, naming the first offending identifier.
pub(crate) async fn check_link_rows(conn: &mut SqliteConnection) -> StoreResult<()> {
    for (sql, problem) in LINK_CHECKS {
        let found: Option<String> = sqlx::query_scalar(sql).fetch_optional(&mut *conn).await.db()?;
        if let Some(id) = found {
            return Err(StoreError::Snapshot(format!(
                "the backup's rows do not fit together: {problem} ({id})"
            )));
        }
    }
    Ok(())
}

/// Load one asset inside the scope, with its links, or `None`; with the asset's number.
pub(crate) async fn load_asset(
    conn: &mut SqliteConnection,
    scope: &Scope,
    id: AssetId,
) -> StoreResult<Option<(i64, Asset)>> {
    let mut qb = QueryBuilder::new("");
    scope::push_with(&mut qb, scope);
    qb.push("SELECT num, id, org_id, name, kind, hostname, internet_facing FROM assets WHERE id = ");
    qb.push_bind(id.to_string());
    scope::push_filter(&mut qb, scope, "org_id");
    let Some(row) = qb.build().fetch_optional(&mut *conn).await.db()? else {
        return Ok(None);
    };
    let num: i64 = get(&row, "num")?;
    let services: Vec<String> =
        sqlx::query_scalar("SELECT service_id FROM asset_services WHERE asset_num = ? ORDER BY position")
            .bind(num)
            .fetch_all(&mut *conn)
            .await
            .db()?;
    let software_rows = sqlx::query(
        "SELECT s.name, s.vendor, s.version, s.purl, s.cpe, x.source FROM asset_software x \
         JOIN software s ON s.id = x.software_id WHERE x.asset_num = ? ORDER BY x.position",
    )
    .bind(num)
    .fetch_all(&mut *conn)
    .await
    .db()?;
    let asset = Asset {
        id: get_parsed(&row, "id")?,
        org: get_parsed(&row, "org_id")?,
        name: get(&row, "name")?,
        kind: get_parsed(&row, "kind")?,
        hostname: get(&row, "hostname")?,
        internet_facing: get(&row, "internet_facing")?,
        services: services
            .iter()
            .map(|s| crate::codec::parse("service_id", s))
            .collect::<StoreResult<_>>()?,
        software: software_rows
            .iter()
            .map(|r| {
                Ok(InstalledSoftware {
                    name: get(r, "name")?,
                    vendor: get(r, "vendor")?,
                    version: get(r, "version")?,
                    purl: get(r, "purl")?,
                    cpe: get(r, "cpe")?,
                    source: get_parsed(r, "source")?,
                })
            })
            .collect::<StoreResult<_>>()?,
    };
    Ok(Some((num, asset)))
}

/// The entity id of a batch record: the one organisation of the batch, or `batch`.
pub(crate) fn batch_entity_id(org: Option<OrgId>) -> String {
    org.map_or_else(|| "batch".to_owned(), |o| o.to_string())
}

/// The organisation shared by every item, if there is exactly one.
pub(crate) fn common_org(orgs: impl IntoIterator<Item = OrgId>) -> Option<OrgId> {
    let set: BTreeSet<OrgId> = orgs.into_iter().collect();
    if set.len() == 1 {
        set.into_iter().next()
    } else {
        None
    }
}

impl SqliteStore {
    pub(crate) async fn insert_assets_impl(
        &self,
        scope: &Scope,
        assets: &[Asset],
        audit: &AuditMeta,
    ) -> StoreResult<u64> {
        if assets.is_empty() {
            return Ok(0);
        }
        validate_assets(assets)?;
        let orgs: BTreeSet<OrgId> = assets.iter().map(|a| a.org).collect();
        let services: BTreeSet<ServiceId> = assets.iter().flat_map(|a| a.services.iter().copied()).collect();
        let mut tx = self.begin_write().await?;
        require_orgs(&mut tx, scope, &orgs).await?;
        require_services(&mut tx, scope, &services).await?;
        let event = match assets {
            [one] => {
                insert_rows(&mut tx, assets).await?;
                audit.event(
                    "asset.create",
                    "asset",
                    one.id.to_string(),
                    Some(one.org),
                    None,
                    Some(digest_json(one)),
                    None,
                )
            }
            many => {
                // Hash the batch on this thread while SQLite's worker thread runs the inserts.
                let (inserted, digest) =
                    futures_util::future::join(insert_rows(&mut tx, many), digest_json_sliced(many)).await;
                inserted?;
                audit.event(
                    "assets.import",
                    "asset",
                    batch_entity_id(common_org(many.iter().map(|a| a.org))),
                    common_org(many.iter().map(|a| a.org)),
                    None,
                    Some(digest),
                    Some(format!("{} assets", many.len())),
                )
            }
        };
        append(&mut tx, &self.keys, &event).await?;
        crate::rollups::count_assets(&mut tx, assets, 1).await?;
        tx.commit().await.db()?;
        Ok(assets.len() as u64)
    }

    pub(crate) async fn get_asset_impl(&self, scope: &Scope, id: AssetId) -> StoreResult<Asset> {
        let mut conn = self.read.acquire().await.db()?;
        load_asset(&mut conn, scope, id)
            .await?
            .map(|(_, asset)| asset)
            .ok_or_else(|| StoreError::not_found("asset", id))
    }

    pub(crate) async fn update_asset_impl(
        &self,
        scope: &Scope,
        asset: &Asset,
        audit: &AuditMeta,
    ) -> StoreResult<()> {
        validate_assets(std::slice::from_ref(asset))?;
        let mut tx = self.begin_write().await?;
        let (num, stored) = load_asset(&mut tx, scope, asset.id)
            .await?
            .ok_or_else(|| StoreError::not_found("asset", asset.id))?;
        if stored.org != asset.org {
            return Err(ward_store::refusals::asset_cannot_move());
        }
        let services: BTreeSet<ServiceId> = asset.services.iter().copied().collect();
        require_services(&mut tx, scope, &services).await?;
        let id = asset.id.to_string();
        sqlx::query("UPDATE assets SET name = ?, kind = ?, hostname = ?, internet_facing = ? WHERE id = ?")
            .bind(&asset.name)
            .bind(asset.kind.as_str())
            .bind(&asset.hostname)
            .bind(asset.internet_facing)
            .bind(&id)
            .execute(&mut *tx)
            .await
            .db()?;
        delete_links(&mut tx, num).await?;
        let software = resolve_software(&mut tx, std::slice::from_ref(asset)).await?;
        insert_links(&mut tx, &[(num, asset, &software)]).await?;
        let event = audit.event(
            "asset.update",
            "asset",
            id,
            Some(asset.org),
            Some(digest_json(&stored)),
            Some(digest_json(asset)),
            None,
        );
        append(&mut tx, &self.keys, &event).await?;
        crate::rollups::recount_asset(&mut tx, &stored, asset).await?;
        tx.commit().await.db()
    }

    pub(crate) async fn delete_asset_impl(
        &self,
        scope: &Scope,
        id: AssetId,
        audit: &AuditMeta,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let (num, stored) = load_asset(&mut tx, scope, id)
            .await?
            .ok_or_else(|| StoreError::not_found("asset", id))?;
        let id_s = id.to_string();
        // Link rows have no cascading foreign key (migration 0007): remove them first.
        delete_links(&mut tx, num).await?;
        sqlx::query("DELETE FROM assets WHERE num = ?")
            .bind(num)
            .execute(&mut *tx)
            .await
            .db()?;
        let event = audit.event(
            "asset.delete",
            "asset",
            id_s,
            Some(stored.org),
            Some(digest_json(&stored)),
            None,
            None,
        );
        append(&mut tx, &self.keys, &event).await?;
        crate::rollups::count_assets(&mut tx, std::slice::from_ref(&stored), -1).await?;
        tx.commit().await.db()
    }
}
