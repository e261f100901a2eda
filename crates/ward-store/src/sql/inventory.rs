//! Services, the product catalogue and dependencies, once for both backends, and the
//! [`InventoryStore`] impl for every backend that provides the asset hooks ([`AssetEngine`];
//! assets themselves are in `sql::assets`).

use std::collections::{BTreeSet, HashMap, HashSet};

use async_trait::async_trait;
use ward_core::asset::Asset;
use ward_core::audit::{AuditEvent, digest_json};
use ward_core::dependency::{Dependency, DependencyTarget};
use ward_core::risk::Consequence;
use ward_core::service::Service;
use ward_core::supplier::{Product, ProductStatus};
use ward_core::{AssetId, OrgId, ProductId, ServiceId};

use super::assets::{self, AssetEngine};
use super::{Arg, Dialect, Exec, RowRead, Sql, Tx, audit, corrupt_column, rollups};
use crate::rollup::Deltas;
use crate::{
    AssetFilter, AssetSummary, AuditMeta, InventoryStore, Page, PageRequest, ProductFilter, Scope,
    ServiceFilter, StoreError, StoreResult,
};

pub const SERVICE_COLUMNS: &str = "id, org_id, name, kind, criticality, daily_throughput, throughput_unit";
pub(crate) const PRODUCT_COLUMNS: &str = "id, supplier_id, name, category, cpe, status";
pub(crate) const DEPENDENCY_COLUMNS: &str = "id, org_id, service_id, target_kind, target_id, note";
/// Rows per multi-row INSERT (7 values each at most, well under both engines' parameter limits).
const INSERT_ROWS: usize = 500;

pub fn service_from_row<R: RowRead>(row: &R) -> StoreResult<Service> {
    let criticality = u8::try_from(row.i64("criticality")?)
        .ok()
        .and_then(|v| Consequence::new(v).ok())
        .ok_or_else(|| corrupt_column("criticality"))?;
    Ok(Service {
        id: row.id("id")?,
        org: row.id("org_id")?,
        name: row.text("name")?,
        kind: row.parsed("kind")?,
        criticality,
        daily_throughput: row.u32("daily_throughput")?,
        throughput_unit: row.parsed("throughput_unit")?,
    })
}

pub(crate) fn product_from_row<R: RowRead>(row: &R) -> StoreResult<Product> {
    Ok(Product {
        id: row.id("id")?,
        supplier: row.id("supplier_id")?,
        name: row.text("name")?,
        category: row.parsed("category")?,
        cpe: row.opt_text("cpe")?,
        status: row.parsed("status")?,
    })
}

pub(crate) fn dependency_from_row<R: RowRead>(row: &R) -> StoreResult<Dependency> {
    let target = DependencyTarget::from_kind(&row.text("target_kind")?, row.uuid("target_id")?)
        .ok_or_else(|| corrupt_column("target_kind"))?;
    Ok(Dependency {
        id: row.id("id")?,
        org: row.id("org_id")?,
        service: row.id("service_id")?,
        target,
        note: row.opt_text("note")?,
    })
}

/// A `LIKE` pattern matching `text` anywhere, with `%`, `_` and `\` escaped (use `ESCAPE '\'`;
/// compared as `lower(column) LIKE lower($n)`, case-insensitive on both engines).
pub fn like_pattern(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for c in text.trim().chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// Names must be present, bounded and free of control characters.
fn require_name(name: &str, path: &str) -> StoreResult<()> {
    ward_core::error::require_text("name", name, 200)
        .map(|_| ())
        .map_err(|e| StoreError::Invalid(e.at(path).to_string()))
}

fn org_list(ids: impl IntoIterator<Item = OrgId>) -> Arg {
    Arg::Uuids(ids.into_iter().map(|o| *o.as_uuid()).collect())
}

/// The organisations of `orgs` that exist inside `scope`.
async fn orgs_in_scope<E: Exec + ?Sized>(
    db: &mut E,
    scope: &Scope,
    orgs: &BTreeSet<OrgId>,
) -> StoreResult<HashSet<OrgId>> {
    if orgs.is_empty() {
        return Ok(HashSet::new());
    }
    let mut q = Sql::new("SELECT id FROM organisations WHERE ");
    q.in_list(db.dialect(), "id", org_list(orgs.iter().copied()));
    db.scope_filter(&mut q, scope, "id");
    db.fetch_all(q).await?.iter().map(|r| r.id("id")).collect()
}

/// The refusal of an identifier that is not inside the scope: under [`Scope::All`] it can only be
/// missing (`Invalid`), otherwise it is `Forbidden` (whether it exists elsewhere is not said).
fn outside(scope: &Scope, entity: &'static str, id: impl std::fmt::Display) -> StoreError {
    match scope {
        Scope::All => StoreError::Invalid(format!("{entity} {id} does not exist")),
        _ => StoreError::forbidden(entity, id),
    }
}

/// Fail unless every organisation is inside the scope, naming the first (in id order) outside.
pub async fn require_orgs<E: Exec + ?Sized>(
    db: &mut E,
    scope: &Scope,
    orgs: &BTreeSet<OrgId>,
) -> StoreResult<()> {
    let inside = orgs_in_scope(db, scope, orgs).await?;
    match orgs.iter().find(|o| !inside.contains(o)) {
        Some(o) => Err(outside(scope, "organisation", o)),
        None => Ok(()),
    }
}

/// The owning organisation of each service of `services` that lies inside `scope`.
async fn services_in_scope<E: Exec + ?Sized>(
    db: &mut E,
    scope: &Scope,
    services: &BTreeSet<ServiceId>,
) -> StoreResult<HashMap<ServiceId, OrgId>> {
    if services.is_empty() {
        return Ok(HashMap::new());
    }
    let mut q = Sql::new("SELECT id, org_id FROM services WHERE ");
    let ids = Arg::Uuids(services.iter().map(|s| *s.as_uuid()).collect());
    q.in_list(db.dialect(), "id", ids);
    db.scope_filter(&mut q, scope, "org_id");
    let rows = db.fetch_all(q).await?;
    rows.iter().map(|r| Ok((r.id("id")?, r.id("org_id")?))).collect()
}

/// Fail unless every service exists inside the scope, naming the first (in id order) outside.
pub async fn require_services<E: Exec + ?Sized>(
    db: &mut E,
    scope: &Scope,
    services: &BTreeSet<ServiceId>,
) -> StoreResult<()> {
    let inside = services_in_scope(db, scope, services).await?;
    match services.iter().find(|s| !inside.contains_key(s)) {
        Some(s) => Err(outside(scope, "service", s)),
        None => Ok(()),
    }
}

fn service_filter<E: Exec + ?Sized>(db: &E, q: &mut Sql, scope: &Scope, filter: &ServiceFilter) {
    q.push(" FROM services WHERE 1 = 1");
    db.scope_filter(q, scope, "org_id");
    if let Some(org) = filter.org {
        q.push(" AND org_id = ").bind(org);
    }
    if let Some(text) = filter.text.as_deref().filter(|t| !t.trim().is_empty()) {
        q.push(" AND lower(name) LIKE lower(")
            .bind(like_pattern(text))
            .push(") ESCAPE '\\'");
    }
    if let Some(kind) = filter.kind {
        q.push(" AND kind = ").bind(kind.as_str());
    }
    if let Some(min) = filter.min_criticality {
        q.push(" AND criticality >= ").bind(min);
    }
}

fn product_filter(q: &mut Sql, filter: &ProductFilter) {
    q.push(" FROM products WHERE 1 = 1");
    if let Some(supplier) = filter.supplier {
        q.push(" AND supplier_id = ").bind(supplier);
    }
    if let Some(category) = filter.category {
        q.push(" AND category = ").bind(category.as_str());
    }
    if let Some(status) = filter.status {
        q.push(" AND status = ").bind(status.as_str());
    }
    if let Some(text) = filter.text.as_deref().filter(|t| !t.trim().is_empty()) {
        q.push(" AND lower(name) LIKE lower(")
            .bind(like_pattern(text))
            .push(") ESCAPE '\\'");
    }
}

/// A page of rows: the count of everything the filter matches, then the page itself.
async fn page_of<E: Exec + ?Sized, T>(
    db: &mut E,
    columns: &str,
    filtered: impl Fn(&E, &mut Sql),
    order_by: &str,
    page: PageRequest,
    from_row: impl Fn(&E::Row) -> StoreResult<T>,
) -> StoreResult<Page<T>> {
    let mut count = Sql::new("SELECT count(*) AS n");
    filtered(db, &mut count);
    let total = db.fetch_one(count).await?.u64("n")?;
    let mut q = Sql::new(format!("SELECT {columns}"));
    filtered(db, &mut q);
    q.push(" ORDER BY ").push(order_by).push(" LIMIT ");
    q.bind(page.clamped_limit())
        .push(" OFFSET ")
        .bind(i64::try_from(page.offset).unwrap_or(i64::MAX));
    let items = db
        .fetch_all(q)
        .await?
        .iter()
        .map(from_row)
        .collect::<StoreResult<_>>()?;
    Ok(Page {
        items,
        total,
        total_is_lower_bound: false,
        offset: page.offset,
        limit: page.clamped_limit(),
    })
}

async fn load_product<E: Exec + ?Sized>(
    db: &mut E,
    id: ProductId,
    lock: bool,
) -> StoreResult<Option<Product>> {
    let mut q = Sql::new(format!("SELECT {PRODUCT_COLUMNS} FROM products WHERE id = $1")).arg(id);
    if lock && db.dialect() == Dialect::Postgres {
        q.push(" FOR NO KEY UPDATE");
    }
    db.fetch_optional(q)
        .await?
        .as_ref()
        .map(product_from_row)
        .transpose()
}

/// Check dependencies against the scope and each other: the organisations and services must lie
/// inside it, each service must belong to its dependency's organisation, and the target must
/// exist (an asset inside the scope, as assets are private; products are a shared catalogue and
/// other organisations' services may be depended on). The first failing dependency is named.
async fn check_dependencies<E: Exec + ?Sized>(
    db: &mut E,
    scope: &Scope,
    deps: &[Dependency],
) -> StoreResult<()> {
    require_orgs(db, scope, &deps.iter().map(|d| d.org).collect()).await?;
    let services: BTreeSet<ServiceId> = deps.iter().map(|d| d.service).collect();
    let owners = services_in_scope(db, scope, &services).await?;
    if let Some(s) = services.iter().find(|s| !owners.contains_key(s)) {
        return Err(outside(scope, "service", s));
    }
    let (mut assets, mut products, mut targets) = (Vec::new(), Vec::new(), Vec::new());
    for d in deps {
        match d.target {
            DependencyTarget::Asset(a) => assets.push(*a.as_uuid()),
            DependencyTarget::Product(p) => products.push(*p.as_uuid()),
            DependencyTarget::Service(s) => targets.push(*s.as_uuid()),
        }
    }
    let dialect = db.dialect();
    let mut found = HashSet::new();
    for (table, ids, scoped) in [
        ("assets", assets, true),
        ("products", products, false),
        ("services", targets, false),
    ] {
        if ids.is_empty() {
            continue;
        }
        let mut q = Sql::new(format!("SELECT id FROM {table} WHERE "));
        q.in_list(dialect, "id", Arg::Uuids(ids));
        if scoped {
            db.scope_filter(&mut q, scope, "org_id");
        }
        for r in db.fetch_all(q).await? {
            found.insert(r.uuid("id")?);
        }
    }
    for (i, d) in deps.iter().enumerate() {
        if owners.get(&d.service) != Some(&d.org) {
            return Err(StoreError::Invalid(format!(
                "deps[{i}].service: the service belongs to another organisation"
            )));
        }
        if !found.contains(&d.target.uuid()) {
            return Err(match d.target {
                DependencyTarget::Asset(a) if !matches!(scope, Scope::All) => {
                    StoreError::forbidden("asset", a)
                }
                t => StoreError::Invalid(format!(
                    "deps[{i}].target: {} {} does not exist",
                    t.kind_str(),
                    t.uuid()
                )),
            });
        }
    }
    Ok(())
}

/// The audit record of a newly created entity.
fn created(
    audit: &AuditMeta,
    action: &str,
    entity: &str,
    id: String,
    org: OrgId,
    after: String,
) -> AuditEvent {
    audit.change(action, entity, id).org(org).after(after).build()
}

#[async_trait]
impl<B: AssetEngine> InventoryStore for B {
    async fn insert_services(
        &self,
        scope: &Scope,
        services: &[Service],
        audit: &AuditMeta,
    ) -> StoreResult<u64> {
        if services.is_empty() {
            return Ok(0);
        }
        for (i, s) in services.iter().enumerate() {
            require_name(&s.name, &format!("services[{i}]"))?;
        }
        let mut tx = self.write().await?;
        require_orgs(&mut tx, scope, &services.iter().map(|s| s.org).collect()).await?;
        for chunk in services.chunks(INSERT_ROWS) {
            let mut q = Sql::new(format!("INSERT INTO services ({SERVICE_COLUMNS}) VALUES "));
            for (i, s) in chunk.iter().enumerate() {
                q.push(if i == 0 { "(" } else { ", (" });
                q.bind(s.id)
                    .push(", ")
                    .bind(s.org)
                    .push(", ")
                    .bind(&s.name)
                    .push(", ");
                q.bind(s.kind.as_str())
                    .push(", ")
                    .bind(s.criticality.value())
                    .push(", ");
                q.bind(s.daily_throughput)
                    .push(", ")
                    .bind(s.throughput_unit.as_str())
                    .push(")");
            }
            tx.execute(q).await?;
        }
        let events = services
            .iter()
            .map(|s| {
                created(
                    audit,
                    "service.create",
                    "service",
                    s.id.to_string(),
                    s.org,
                    digest_json(s),
                )
            })
            .collect();
        audit::append_events(&mut tx, self.keys(), events).await?;
        let mut counts = Deltas::default();
        for s in services {
            counts.service(s, 1);
        }
        rollups::apply(&mut tx, &counts).await?;
        tx.commit().await?;
        Ok(services.len() as u64)
    }

    async fn get_service(&self, scope: &Scope, id: ServiceId) -> StoreResult<Service> {
        let mut db = self.read().await?;
        let mut q = Sql::new(format!("SELECT {SERVICE_COLUMNS} FROM services WHERE id = $1")).arg(id);
        db.scope_filter(&mut q, scope, "org_id");
        match db.fetch_optional(q).await? {
            Some(row) => service_from_row(&row),
            None => Err(StoreError::not_found("service", id)),
        }
    }

    async fn list_services(
        &self,
        scope: &Scope,
        filter: &ServiceFilter,
        page: PageRequest,
    ) -> StoreResult<Page<Service>> {
        let mut db = self.read().await?;
        let filtered = |db: &B::Read, q: &mut Sql| service_filter(db, q, scope, filter);
        page_of(
            &mut db,
            SERVICE_COLUMNS,
            filtered,
            "name, id",
            page,
            service_from_row,
        )
        .await
    }

    async fn insert_assets(&self, scope: &Scope, assets: &[Asset], audit: &AuditMeta) -> StoreResult<u64> {
        assets::insert(self, scope, assets, audit).await
    }

    async fn get_asset(&self, scope: &Scope, id: AssetId) -> StoreResult<Asset> {
        assets::load(&mut self.read().await?, scope, id)
            .await?
            .ok_or_else(|| StoreError::not_found("asset", id))
    }

    async fn update_asset(&self, scope: &Scope, asset: &Asset, audit: &AuditMeta) -> StoreResult<()> {
        assets::update(self, scope, asset, audit).await
    }

    async fn delete_asset(&self, scope: &Scope, id: AssetId, audit: &AuditMeta) -> StoreResult<()> {
        assets::delete(self, scope, id, audit).await
    }

    async fn list_assets(
        &self,
        scope: &Scope,
        filter: &AssetFilter,
        page: PageRequest,
    ) -> StoreResult<Page<AssetSummary>> {
        assets::list(self, scope, filter, page).await
    }

    async fn upsert_products(
        &self,
        scope: &Scope,
        products: &[Product],
        audit: &AuditMeta,
    ) -> StoreResult<u64> {
        if products.is_empty() {
            return Ok(0);
        }
        for (i, p) in products.iter().enumerate() {
            require_name(&p.name, &format!("products[{i}]"))?;
            crate::check_product_write(scope, i, p)?;
        }
        let mut tx = self.write().await?;
        require_orgs(&mut tx, scope, &products.iter().map(|p| p.supplier).collect()).await?;
        let mut q = Sql::new(format!("SELECT {PRODUCT_COLUMNS} FROM products WHERE "));
        let ids = Arg::Uuids(products.iter().map(|p| *p.id.as_uuid()).collect());
        q.in_list(tx.dialect(), "id", ids);
        if tx.dialect() == Dialect::Postgres {
            q.push(" ORDER BY id FOR NO KEY UPDATE");
        }
        let mut stored: HashMap<ProductId, Product> = HashMap::with_capacity(products.len());
        for row in tx.fetch_all(q).await? {
            let p = product_from_row(&row)?;
            stored.insert(p.id, p);
        }
        // A product that exists may only be rewritten by someone whose scope covers its supplier.
        let current: BTreeSet<OrgId> = stored.values().map(|p| p.supplier).collect();
        let mut covered = orgs_in_scope(&mut tx, scope, &current).await?;
        let mut events = Vec::with_capacity(products.len());
        for p in products {
            let before = stored.get(&p.id).cloned();
            if let Some(old) = &before {
                if old == p {
                    continue;
                }
                if !covered.contains(&old.supplier) {
                    return Err(StoreError::forbidden("product", p.id));
                }
            }
            let q = Sql::new(
                "INSERT INTO products (id, supplier_id, name, category, cpe, status) VALUES ($1, $2, $3, $4, $5, $6) \
                 ON CONFLICT (id) DO UPDATE SET supplier_id = excluded.supplier_id, name = excluded.name, \
                 category = excluded.category, cpe = excluded.cpe, status = excluded.status",
            )
            .arg(p.id)
            .arg(p.supplier)
            .arg(&p.name)
            .arg(p.category.as_str())
            .arg(p.cpe.as_deref())
            .arg(p.status.as_str());
            tx.execute(q).await?;
            let action = if before.is_some() {
                "product.update"
            } else {
                "product.create"
            };
            let (b, a) = (before.as_ref().map(digest_json), Some(digest_json(p)));
            events.push(
                audit
                    .change(action, "product", p.id.to_string())
                    .org(p.supplier)
                    .before_opt(b)
                    .after_opt(a)
                    .build(),
            );
            // Its supplier was checked to lie inside the scope: a later entry may rewrite it.
            covered.insert(p.supplier);
            stored.insert(p.id, p.clone());
        }
        let written = events.len() as u64;
        audit::append_events(&mut tx, self.keys(), events).await?;
        tx.commit().await?;
        Ok(written)
    }

    async fn list_products(&self, filter: &ProductFilter, page: PageRequest) -> StoreResult<Page<Product>> {
        let mut db = self.read().await?;
        let filtered = |_: &B::Read, q: &mut Sql| product_filter(q, filter);
        page_of(
            &mut db,
            PRODUCT_COLUMNS,
            filtered,
            "name, id",
            page,
            product_from_row,
        )
        .await
    }

    async fn get_product(&self, id: ProductId) -> StoreResult<Product> {
        load_product(&mut self.read().await?, id, false)
            .await?
            .ok_or_else(|| StoreError::not_found("product", id))
    }

    async fn set_product_status(
        &self,
        scope: &Scope,
        id: ProductId,
        status: ProductStatus,
        audit: &AuditMeta,
    ) -> StoreResult<Product> {
        let mut tx = self.write().await?;
        let before = load_product(&mut tx, id, true)
            .await?
            .ok_or_else(|| StoreError::not_found("product", id))?;
        let Some((after, event)) = crate::product_status_change(scope, &before, status, audit)? else {
            return Ok(before);
        };
        tx.execute(
            Sql::new("UPDATE products SET status = $1 WHERE id = $2")
                .arg(status.as_str())
                .arg(id),
        )
        .await?;
        audit::append(&mut tx, self.keys(), event).await?;
        tx.commit().await?;
        Ok(after)
    }

    async fn insert_dependencies(
        &self,
        scope: &Scope,
        deps: &[Dependency],
        audit: &AuditMeta,
    ) -> StoreResult<u64> {
        if deps.is_empty() {
            return Ok(0);
        }
        let mut tx = self.write().await?;
        check_dependencies(&mut tx, scope, deps).await?;
        for chunk in deps.chunks(INSERT_ROWS) {
            let mut q = Sql::new(format!("INSERT INTO dependencies ({DEPENDENCY_COLUMNS}) VALUES "));
            for (i, d) in chunk.iter().enumerate() {
                q.push(if i == 0 { "(" } else { ", (" });
                q.bind(d.id)
                    .push(", ")
                    .bind(d.org)
                    .push(", ")
                    .bind(d.service)
                    .push(", ");
                q.bind(d.target.kind_str())
                    .push(", ")
                    .bind(d.target.uuid())
                    .push(", ");
                q.bind(d.note.as_deref()).push(")");
            }
            tx.execute(q).await?;
        }
        let events = deps
            .iter()
            .map(|d| {
                created(
                    audit,
                    "dependency.create",
                    "dependency",
                    d.id.to_string(),
                    d.org,
                    digest_json(d),
                )
            })
            .collect();
        audit::append_events(&mut tx, self.keys(), events).await?;
        tx.commit().await?;
        Ok(deps.len() as u64)
    }

    async fn list_dependencies(
        &self,
        scope: &Scope,
        service: Option<ServiceId>,
    ) -> StoreResult<Vec<Dependency>> {
        let mut db = self.read().await?;
        let mut q = Sql::new(format!(
            "SELECT {DEPENDENCY_COLUMNS} FROM dependencies WHERE 1 = 1"
        ));
        db.scope_filter(&mut q, scope, "org_id");
        if let Some(s) = service {
            q.push(" AND service_id = ").bind(s);
        }
        q.push(" ORDER BY id");
        db.fetch_all(q).await?.iter().map(dependency_from_row).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_pattern("a%b_c\\d"), "%a\\%b\\_c\\\\d%");
        assert_eq!(like_pattern("  Ward "), "%Ward%");
    }

    #[test]
    fn outside_the_scope_is_missing_only_under_all() {
        let id = uuid::Uuid::nil();
        assert!(matches!(
            outside(&Scope::All, "service", id),
            StoreError::Invalid(_)
        ));
        assert!(matches!(
            outside(&Scope::Orgs(vec![]), "service", id),
            StoreError::Forbidden { .. }
        ));
    }
}
