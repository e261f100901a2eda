//! Assets with their software and service links, once for both backends: checks, reads, updates,
//! deletes, audit records and counters. What each engine does its own way is an [`AssetEngine`]
//! hook: the bulk write of new assets and their links (`COPY`/`UNNEST` on PostgreSQL, multi-row
//! inserts on SQLite's single writer, where an asset is also known by its number), and the text
//! search behind the asset list (`pg_trgm`, FTS5).
//!
//! Software identities are deduplicated once per call ([`SoftwarePlan`]): each distinct
//! (name, version, vendor, purl, cpe) is looked up or inserted once and linked by id.

use std::collections::{BTreeSet, HashMap, HashSet};

use async_trait::async_trait;
use ward_core::asset::{Asset, InstalledSoftware};
use ward_core::audit::{AuditEvent, digest_json};
use ward_core::{AssetId, OrgId, ServiceId};

use super::inventory::{require_orgs, require_services};
use super::{Dialect, Exec, RowRead, Sql, SqlBackend, Tx, audit, rollups};
use crate::rollup::Deltas;
use crate::{AssetFilter, AssetSummary, AuditMeta, Page, PageRequest, Scope, StoreError, StoreResult};

/// What a backend does its own way for assets. With it, a [`SqlBackend`] gets
/// [`crate::InventoryStore`] from `sql::inventory`.
#[async_trait]
pub trait AssetEngine: SqlBackend {
    /// Store new assets (checked, inside the scope, sorted by id) with their service links and
    /// installed software, in the caller's transaction: the engine's bulk path.
    async fn insert_asset_rows(&self, tx: &mut Self::Write, assets: &[&Asset]) -> StoreResult<()>;

    /// Store the links of an asset whose row is stored and whose old links were deleted.
    async fn insert_asset_links(&self, tx: &mut Self::Write, asset: &Asset) -> StoreResult<()>;

    /// Called after an import of `count` assets has committed.
    async fn after_asset_import(&self, _count: usize) {}

    /// The number of assets in scope matching the filter, counting no further than `stop_at`:
    /// the engine's text search.
    async fn count_assets(
        &self,
        db: &mut Self::Read,
        scope: &Scope,
        filter: &AssetFilter,
        stop_at: u64,
    ) -> StoreResult<u64>;

    /// One page of the assets in scope matching the filter, ordered by name then id. `many`: the
    /// matches are more than were counted (the engine may then walk the name index instead of
    /// sorting every match).
    async fn asset_page(
        &self,
        db: &mut Self::Read,
        scope: &Scope,
        filter: &AssetFilter,
        page: PageRequest,
        many: bool,
    ) -> StoreResult<Vec<AssetSummary>>;
}

/// Matches counted exactly before a total becomes a lower bound.
pub const COUNT_CAP: u64 = 10_000;

/// A count that stopped after `limit + 1` rows: `(total, is_lower_bound)`.
fn capped(n: u64, limit: u64) -> (u64, bool) {
    if n > limit { (limit, true) } else { (n, false) }
}

/// `InventoryStore::list_assets`. Totals are exact up to [`COUNT_CAP`] matches (or the end of the
/// requested page, if further); beyond that the count stops and the page says
/// `total_is_lower_bound`. Without text or service filter the total comes from the
/// per-organisation counters when the filters map onto one of them, so a national list does not
/// count a million rows per page.
pub async fn list<B: AssetEngine>(
    backend: &B,
    scope: &Scope,
    filter: &AssetFilter,
    page: PageRequest,
) -> StoreResult<Page<AssetSummary>> {
    let mut db = backend.read().await?;
    let limit = page.clamped_limit();
    let count_limit = COUNT_CAP.max(page.offset.saturating_add(u64::from(limit)));
    let has_text = filter.text.as_deref().is_some_and(|t| !t.trim().is_empty());
    let from_counters = if has_text || filter.service.is_some() {
        None
    } else {
        rollups::asset_total(&mut db, scope, filter.org, filter.kind, filter.internet_facing).await?
    };
    let (total, lower_bound) = match from_counters {
        Some(n) => (n, false),
        None => {
            let n = backend
                .count_assets(&mut db, scope, filter, count_limit.saturating_add(1))
                .await?;
            capped(n, count_limit)
        }
    };
    let items = if !lower_bound && page.offset >= total {
        // Nothing to show (no matches, or a page past the end): no second query.
        Vec::new()
    } else {
        backend
            .asset_page(&mut db, scope, filter, page, lower_bound)
            .await?
    };
    Ok(Page {
        items,
        total,
        total_is_lower_bound: lower_bound,
        offset: page.offset,
        limit,
    })
}

/// Check each asset on its own: fields valid (named by path), no service linked twice.
pub fn validate(assets: &[Asset]) -> StoreResult<()> {
    for (i, a) in assets.iter().enumerate() {
        a.validate()
            .map_err(|e| StoreError::Invalid(e.at(&format!("assets[{i}]")).to_string()))?;
        let mut seen = HashSet::with_capacity(a.services.len());
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

/// The identity of a software row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SoftwareKey<'a> {
    pub name: &'a str,
    pub version: &'a str,
    pub vendor: Option<&'a str>,
    pub purl: Option<&'a str>,
    pub cpe: Option<&'a str>,
}

impl<'a> SoftwareKey<'a> {
    pub fn of(s: &'a InstalledSoftware) -> Self {
        Self {
            name: &s.name,
            version: &s.version,
            vendor: s.vendor.as_deref(),
            purl: s.purl.as_deref(),
            cpe: s.cpe.as_deref(),
        }
    }
}

/// The distinct software identities of a batch and, for every installed item, which one it is.
/// Each item is hashed once, here; only the distinct identities are sorted.
#[derive(Debug)]
pub struct SoftwarePlan<'a> {
    /// The distinct identities, sorted (so concurrent imports take row locks in the same order).
    pub keys: Vec<SoftwareKey<'a>>,
    /// For every installed item, asset after asset, the position of its identity in `keys`.
    items: Vec<usize>,
}

impl<'a> SoftwarePlan<'a> {
    pub fn of(assets: &[&'a Asset]) -> Self {
        let mut distinct: HashMap<SoftwareKey<'a>, usize> = HashMap::new();
        let mut items: Vec<usize> = Vec::with_capacity(assets.iter().map(|a| a.software.len()).sum());
        for s in assets.iter().flat_map(|a| a.software.iter()) {
            let next = distinct.len();
            items.push(*distinct.entry(SoftwareKey::of(s)).or_insert(next));
        }
        let mut keys: Vec<(SoftwareKey<'a>, usize)> = distinct.into_iter().collect();
        keys.sort_unstable();
        // Where each identity, numbered as first seen, landed in the sorted list.
        let mut sorted_at = vec![0; keys.len()];
        for (at, (_, seen)) in keys.iter().enumerate() {
            if let Some(slot) = sorted_at.get_mut(*seen) {
                *slot = at;
            }
        }
        for item in &mut items {
            *item = sorted_at.get(*item).copied().unwrap_or_default();
        }
        Self {
            keys: keys.into_iter().map(|(k, _)| k).collect(),
            items,
        }
    }

    /// The position of `key` in [`Self::keys`], if the batch has it.
    pub fn position(&self, key: &SoftwareKey<'_>) -> Option<usize> {
        self.keys.binary_search(key).ok()
    }

    /// The software row id of every installed item, asset after asset, given the id of each
    /// identity (`ids[i]` for `keys[i]`). An identity without an id is an error.
    pub fn item_ids(&self, ids: &[Option<i64>]) -> StoreResult<Vec<i64>> {
        self.items
            .iter()
            .map(|&k| {
                ids.get(k)
                    .copied()
                    .flatten()
                    .ok_or_else(|| StoreError::Backend("a software identity was not resolved".into()))
            })
            .collect()
    }
}

/// Split the software ids of every item (asset after asset) into each asset's share.
pub fn per_asset<'s>(assets: &[&Asset], ids: &'s [i64]) -> StoreResult<Vec<&'s [i64]>> {
    let mut rest = ids;
    let mut out = Vec::with_capacity(assets.len());
    for a in assets {
        let (mine, tail) = rest
            .split_at_checked(a.software.len())
            .ok_or_else(|| StoreError::Backend("a software identity was not resolved".into()))?;
        out.push(mine);
        rest = tail;
    }
    Ok(out)
}

/// The condition that picks the link rows (`asset_services`, `asset_software`) of the asset bound
/// as `$1`: SQLite keys them by the asset's number, PostgreSQL by its id.
fn links_of(dialect: Dialect) -> &'static str {
    dialect.pick(
        "asset_num = (SELECT num FROM assets WHERE id = $1)",
        "asset_id = $1",
    )
}

/// One asset inside the scope, with its links, or `None`.
pub async fn load<E: Exec + ?Sized>(db: &mut E, scope: &Scope, id: AssetId) -> StoreResult<Option<Asset>> {
    let mut q =
        Sql::new("SELECT id, org_id, name, kind, hostname, internet_facing FROM assets WHERE id = $1")
            .arg(id);
    db.scope_filter(&mut q, scope, "org_id");
    let Some(row) = db.fetch_optional(q).await? else {
        return Ok(None);
    };
    let links = links_of(db.dialect());
    let q = Sql::new(format!(
        "SELECT service_id FROM asset_services WHERE {links} ORDER BY position"
    ))
    .arg(id);
    let services = db
        .fetch_all(q)
        .await?
        .iter()
        .map(|r| r.id("service_id"))
        .collect::<StoreResult<_>>()?;
    let q = Sql::new(format!(
        "SELECT s.name, s.vendor, s.version, s.purl, s.cpe, x.source FROM asset_software x \
         JOIN software s ON s.id = x.software_id WHERE {links} ORDER BY x.position"
    ))
    .arg(id);
    let software = db
        .fetch_all(q)
        .await?
        .iter()
        .map(|r| {
            Ok(InstalledSoftware {
                name: r.text("name")?,
                vendor: r.opt_text("vendor")?,
                version: r.text("version")?,
                purl: r.opt_text("purl")?,
                cpe: r.opt_text("cpe")?,
                source: r.parsed("source")?,
            })
        })
        .collect::<StoreResult<_>>()?;
    Ok(Some(Asset {
        id: row.id("id")?,
        org: row.id("org_id")?,
        name: row.text("name")?,
        kind: row.parsed("kind")?,
        hostname: row.opt_text("hostname")?,
        internet_facing: row.bool("internet_facing")?,
        services,
        software,
    }))
}

/// Lock the asset row (PostgreSQL; SQLite's writer holds the only write lock) and load it, or
/// `NotFound` when it is not inside the scope.
async fn load_for_change<E: Exec + ?Sized>(db: &mut E, scope: &Scope, id: AssetId) -> StoreResult<Asset> {
    if db.dialect() == Dialect::Postgres {
        db.fetch_optional(Sql::new("SELECT 1 AS n FROM assets WHERE id = $1 FOR NO KEY UPDATE").arg(id))
            .await?;
    }
    load(db, scope, id)
        .await?
        .ok_or_else(|| StoreError::not_found("asset", id))
}

/// Remove an asset's service and software links (they have no cascading foreign key).
async fn delete_links<E: Exec + ?Sized>(db: &mut E, id: AssetId) -> StoreResult<()> {
    let links = links_of(db.dialect());
    for table in ["asset_services", "asset_software"] {
        db.execute(Sql::new(format!("DELETE FROM {table} WHERE {links}")).arg(id))
            .await?;
    }
    Ok(())
}

/// The organisation shared by every asset, if there is exactly one.
fn common_org(assets: &[Asset]) -> Option<OrgId> {
    let orgs: BTreeSet<OrgId> = assets.iter().map(|a| a.org).collect();
    match (orgs.len(), orgs.first()) {
        (1, Some(o)) => Some(*o),
        _ => None,
    }
}

/// The record of an import of many assets: one per call, with the count and the batch's digest,
/// about the batch's one organisation (or `batch`).
fn import_event(audit: &AuditMeta, many: &[Asset], digest: String) -> AuditEvent {
    let org = common_org(many);
    let entity_id = org.map_or_else(|| "batch".to_owned(), |o| o.to_string());
    let detail = Some(format!("{} assets", many.len()));
    audit
        .change("assets.import", "asset", entity_id)
        .org_opt(org)
        .after(digest)
        .detail_opt(detail)
        .build()
}

/// `InventoryStore::insert_assets`.
pub async fn insert<B: AssetEngine>(
    backend: &B,
    scope: &Scope,
    assets: &[Asset],
    audit: &AuditMeta,
) -> StoreResult<u64> {
    if assets.is_empty() {
        return Ok(0);
    }
    validate(assets)?;
    let orgs: BTreeSet<OrgId> = assets.iter().map(|a| a.org).collect();
    let services: BTreeSet<ServiceId> = assets.iter().flat_map(|a| a.services.iter().copied()).collect();
    let mut tx = backend.write().await?;
    require_orgs(&mut tx, scope, &orgs).await?;
    require_services(&mut tx, scope, &services).await?;
    // In id order: identifiers made in one import share their time prefix, so sorted they
    // extend the right-hand edge of the indexes they touch.
    let mut sorted: Vec<&Asset> = assets.iter().collect();
    sorted.sort_unstable_by_key(|a| a.id);
    let event = match assets {
        [one] => {
            backend.insert_asset_rows(&mut tx, &sorted).await?;
            let after = Some(digest_json(one));
            audit
                .change("asset.create", "asset", one.id.to_string())
                .org(one.org)
                .after_opt(after)
                .build()
        }
        many => {
            // Hash the batch in the time this task waits for the database.
            let write = backend.insert_asset_rows(&mut tx, &sorted);
            let (written, digest) = futures_util::future::join(write, crate::digest_json_sliced(many)).await;
            written?;
            import_event(audit, many, digest)
        }
    };
    audit::append(&mut tx, backend.keys(), event).await?;
    let mut counts = Deltas::default();
    counts.assets(assets, 1);
    rollups::apply(&mut tx, &counts).await?;
    tx.commit().await?;
    backend.after_asset_import(assets.len()).await;
    Ok(assets.len() as u64)
}

/// `InventoryStore::update_asset`: replace an asset (same id, same organisation).
pub async fn update<B: AssetEngine>(
    backend: &B,
    scope: &Scope,
    asset: &Asset,
    audit: &AuditMeta,
) -> StoreResult<()> {
    validate(std::slice::from_ref(asset))?;
    let mut tx = backend.write().await?;
    let before = load_for_change(&mut tx, scope, asset.id).await?;
    if before.org != asset.org {
        return Err(crate::refusals::asset_cannot_move());
    }
    require_services(&mut tx, scope, &asset.services.iter().copied().collect()).await?;
    let q =
        Sql::new("UPDATE assets SET name = $2, kind = $3, hostname = $4, internet_facing = $5 WHERE id = $1")
            .arg(asset.id)
            .arg(&asset.name)
            .arg(asset.kind.as_str())
            .arg(asset.hostname.as_deref())
            .arg(asset.internet_facing);
    tx.execute(q).await?;
    delete_links(&mut tx, asset.id).await?;
    backend.insert_asset_links(&mut tx, asset).await?;
    let (b, a) = (Some(digest_json(&before)), Some(digest_json(asset)));
    let event = audit
        .change("asset.update", "asset", asset.id.to_string())
        .org(asset.org)
        .before_opt(b)
        .after_opt(a)
        .build();
    audit::append(&mut tx, backend.keys(), event).await?;
    let mut counts = Deltas::default();
    counts.asset(&before, -1);
    counts.asset(asset, 1);
    rollups::apply(&mut tx, &counts).await?;
    tx.commit().await
}

/// `InventoryStore::delete_asset`. Dependencies that name the asset are left for their owners.
pub async fn delete<B: AssetEngine>(
    backend: &B,
    scope: &Scope,
    id: AssetId,
    audit: &AuditMeta,
) -> StoreResult<()> {
    let mut tx = backend.write().await?;
    let before = load_for_change(&mut tx, scope, id).await?;
    delete_links(&mut tx, id).await?;
    tx.execute(Sql::new("DELETE FROM assets WHERE id = $1").arg(id))
        .await?;
    let b = Some(digest_json(&before));
    let event = audit
        .change("asset.delete", "asset", id.to_string())
        .org(before.org)
        .before_opt(b)
        .build();
    audit::append(&mut tx, backend.keys(), event).await?;
    let mut counts = Deltas::default();
    counts.asset(&before, -1);
    rollups::apply(&mut tx, &counts).await?;
    tx.commit().await
}

/// What a restore checks once its rows are loaded, where the tables do not enforce it row by row
/// (PostgreSQL loads with deferred keys; SQLite's link tables have no foreign keys): each a
/// query naming the first offending identifier, and what it means.
const LOADED_ROW_CHECKS: [(&str, &str); 3] = [
    (
        "SELECT CAST(a.id AS TEXT) AS id FROM assets a \
         WHERE NOT EXISTS (SELECT 1 FROM organisations o WHERE o.id = a.org_id) LIMIT 1",
        "an asset names an organisation that does not exist",
    ),
    (
        "SELECT CAST(x.software_id AS TEXT) AS id FROM asset_software x \
         WHERE NOT EXISTS (SELECT 1 FROM software s WHERE s.id = x.software_id) LIMIT 1",
        "asset_software names software that does not exist",
    ),
    (
        "SELECT CAST(x.service_id AS TEXT) AS id FROM asset_services x \
         WHERE NOT EXISTS (SELECT 1 FROM services s WHERE s.id = x.service_id) LIMIT 1",
        "asset_services names a service that does not exist",
    ),
];

/// Refuse a restore whose assets name missing organisations or whose links name missing software
/// or services: one set-based query per rule, naming the first offending identifier.
pub async fn check_loaded_rows<E: Exec + ?Sized>(db: &mut E) -> StoreResult<()> {
    for (sql, problem) in LOADED_ROW_CHECKS {
        if let Some(row) = db.fetch_optional(Sql::new(sql)).await? {
            let id = row.text("id")?;
            return Err(StoreError::Snapshot(format!(
                "the backup's rows do not fit together: {problem} ({id})"
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ward_core::asset::{AssetKind, SoftwareSource};

    fn sw(name: &str, version: &str) -> InstalledSoftware {
        InstalledSoftware {
            name: name.into(),
            vendor: None,
            version: version.into(),
            purl: None,
            cpe: None,
            source: SoftwareSource::Import,
        }
    }

    fn asset(n: u128, org: u128, software: Vec<InstalledSoftware>) -> Asset {
        Asset {
            id: AssetId::from_uuid(uuid::Uuid::from_u128(n)),
            org: OrgId::from_uuid(uuid::Uuid::from_u128(org)),
            name: format!("asset {n}"),
            kind: AssetKind::Server,
            hostname: None,
            internet_facing: false,
            services: Vec::new(),
            software,
        }
    }

    #[test]
    fn software_is_deduplicated_sorted_and_mapped_back_to_every_item() {
        let a = asset(1, 1, vec![sw("zlib", "1"), sw("openssl", "3"), sw("zlib", "1")]);
        let b = asset(2, 1, vec![sw("openssl", "3"), sw("bash", "5")]);
        let assets = [&a, &b];
        let plan = SoftwarePlan::of(&assets);
        let names: Vec<&str> = plan.keys.iter().map(|k| k.name).collect();
        assert_eq!(names, ["bash", "openssl", "zlib"]);
        assert_eq!(plan.position(&SoftwareKey::of(&sw("zlib", "1"))), Some(2));
        assert_eq!(plan.position(&SoftwareKey::of(&sw("zlib", "2"))), None);
        let ids = plan.item_ids(&[Some(10), Some(20), Some(30)]).unwrap();
        assert_eq!(ids, [30, 20, 30, 20, 10]);
        let split = per_asset(&assets, &ids).unwrap();
        assert_eq!(split, [&[30, 20, 30][..], &[20, 10][..]]);
        assert!(
            plan.item_ids(&[Some(10), None, Some(30)]).is_err(),
            "unresolved identity"
        );
        assert!(per_asset(&assets, &ids[..3]).is_err(), "too few ids");
    }

    #[test]
    fn counts_past_the_limit_become_lower_bounds() {
        assert_eq!(capped(5, 10), (5, false));
        assert_eq!(capped(10, 10), (10, false));
        assert_eq!(capped(11, 10), (10, true));
    }

    #[test]
    fn a_service_linked_twice_is_refused_by_path() {
        let s = ServiceId::from_uuid(uuid::Uuid::from_u128(9));
        let mut a = asset(1, 1, Vec::new());
        a.services = vec![s, s];
        let err = validate(&[asset(2, 1, Vec::new()), a]).unwrap_err();
        assert!(err.to_string().contains("assets[1].services[1]"), "{err}");
    }

    #[test]
    fn an_import_is_about_its_one_organisation_or_the_batch() {
        let meta = AuditMeta {
            actor: ward_core::audit::AuditActor {
                principal: "t".into(),
                role: None,
                acting_org: None,
            },
            at: jiff::Timestamp::UNIX_EPOCH,
            request_id: None,
        };
        let one = [asset(1, 7, Vec::new()), asset(2, 7, Vec::new())];
        let e = import_event(&meta, &one, "d".into());
        assert_eq!(e.org, Some(one[0].org));
        assert_eq!(e.entity_id, one[0].org.to_string());
        assert_eq!(e.detail.as_deref(), Some("2 assets"));
        let mixed = [asset(1, 7, Vec::new()), asset(2, 8, Vec::new())];
        let e = import_event(&meta, &mixed, "d".into());
        assert_eq!((e.org, e.entity_id.as_str()), (None, "batch"));
    }
}
