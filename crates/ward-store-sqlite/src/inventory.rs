//! Services, the product catalogue and dependencies; the [`InventoryStore`] impl (assets live in
//! `assets.rs`).

use crate::SqliteStore;
use crate::assets::{require_orgs, require_services};
use crate::audit::{append, push_page};
use crate::codec::{DbResult, get, get_parsed, like_pattern, to_u32, to_u64};
use crate::rollups::{self, Deltas};
use crate::scope;
use async_trait::async_trait;
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};
use std::collections::BTreeSet;
use ward_core::asset::Asset;
use ward_core::audit::digest_json;
use ward_core::dependency::{Dependency, DependencyTarget};
use ward_core::risk::Consequence;
use ward_core::service::Service;
use ward_core::supplier::{Product, ProductStatus};
use ward_core::{AssetId, OrgId, ProductId, ServiceId};
use ward_store::{
    AssetFilter, AssetSummary, AuditMeta, InventoryStore, Page, PageRequest, ProductFilter, Scope,
    ServiceFilter, StoreError, StoreResult,
};

pub(crate) const SERVICE_COLUMNS: &str =
    "id, org_id, name, kind, criticality, daily_throughput, throughput_unit";
const SERVICE_ROWS: usize = 120;

pub(crate) fn service_from_row(row: &SqliteRow) -> StoreResult<Service> {
    let criticality: i64 = get(row, "criticality")?;
    let criticality = u8::try_from(criticality)
        .ok()
        .and_then(|v| Consequence::new(v).ok())
        .ok_or_else(|| StoreError::Backend(format!("stored criticality {criticality} is out of range")))?;
    Ok(Service {
        id: get_parsed(row, "id")?,
        org: get_parsed(row, "org_id")?,
        name: get(row, "name")?,
        kind: get_parsed(row, "kind")?,
        criticality,
        daily_throughput: to_u32("daily_throughput", get(row, "daily_throughput")?)?,
        throughput_unit: get_parsed(row, "throughput_unit")?,
    })
}

fn product_from_row(row: &SqliteRow) -> StoreResult<Product> {
    Ok(Product {
        id: get_parsed(row, "id")?,
        supplier: get_parsed(row, "supplier_id")?,
        name: get(row, "name")?,
        category: get_parsed(row, "category")?,
        cpe: get(row, "cpe")?,
        status: get_parsed(row, "status")?,
    })
}

fn dependency_from_row(row: &SqliteRow) -> StoreResult<Dependency> {
    let kind: String = get(row, "target_kind")?;
    let target = match kind.as_str() {
        "asset" => DependencyTarget::Asset(get_parsed(row, "target_id")?),
        "product" => DependencyTarget::Product(get_parsed(row, "target_id")?),
        "service" => DependencyTarget::Service(get_parsed(row, "target_id")?),
        other => {
            return Err(StoreError::Backend(format!(
                "stored target_kind '{other}' is unknown"
            )));
        }
    };
    Ok(Dependency {
        id: get_parsed(row, "id")?,
        org: get_parsed(row, "org_id")?,
        service: get_parsed(row, "service_id")?,
        target,
        note: get(row, "note")?,
    })
}

const PRODUCT_COLUMNS: &str = "SELECT id, supplier_id, name, category, cpe, status";

async fn load_product(conn: &mut SqliteConnection, id: ProductId) -> StoreResult<Option<Product>> {
    let row = sqlx::query("SELECT id, supplier_id, name, category, cpe, status FROM products WHERE id = ?")
        .bind(id.to_string())
        .fetch_optional(&mut *conn)
        .await
        .db()?;
    row.as_ref().map(product_from_row).transpose()
}

/// The organisation owning a service, if it exists at all.
async fn service_owner(conn: &mut SqliteConnection, id: ServiceId) -> StoreResult<Option<OrgId>> {
    let org: Option<String> = sqlx::query_scalar("SELECT org_id FROM services WHERE id = ?")
        .bind(id.to_string())
        .fetch_optional(&mut *conn)
        .await
        .db()?;
    org.map(|o| crate::codec::parse("org_id", &o)).transpose()
}

async fn exists(conn: &mut SqliteConnection, sql: &'static str, id: String) -> StoreResult<bool> {
    let found: Option<i64> = sqlx::query_scalar(sql)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await
        .db()?;
    Ok(found.is_some())
}

/// Check one dependency against the scope: its organisation, its service (which must belong to that
/// organisation) and its target. Assets are private, so an asset target must lie in scope too;
/// products are a shared catalogue and other organisations' services may be depended on.
async fn check_dependency(
    conn: &mut SqliteConnection,
    scope: &Scope,
    i: usize,
    d: &Dependency,
) -> StoreResult<()> {
    require_orgs(conn, scope, &BTreeSet::from([d.org])).await?;
    require_services(conn, scope, &BTreeSet::from([d.service])).await?;
    if service_owner(conn, d.service).await? != Some(d.org) {
        return Err(StoreError::Invalid(format!(
            "deps[{i}].service: the service belongs to another organisation"
        )));
    }
    match d.target {
        DependencyTarget::Asset(a) => {
            let mut qb = QueryBuilder::new("");
            scope::push_with(&mut qb, scope);
            qb.push("SELECT 1 FROM assets WHERE id = ")
                .push_bind(a.to_string());
            scope::push_filter(&mut qb, scope, "org_id");
            let found: Option<i64> = qb.build_query_scalar().fetch_optional(&mut *conn).await.db()?;
            if found.is_none() {
                return Err(match scope {
                    Scope::All => StoreError::Invalid(format!("deps[{i}].target: asset {a} does not exist")),
                    _ => StoreError::forbidden("asset", a),
                });
            }
        }
        DependencyTarget::Product(p) => {
            if !exists(conn, "SELECT 1 FROM products WHERE id = ?", p.to_string()).await? {
                return Err(StoreError::Invalid(format!(
                    "deps[{i}].target: product {p} does not exist"
                )));
            }
        }
        DependencyTarget::Service(s) => {
            if !exists(conn, "SELECT 1 FROM services WHERE id = ?", s.to_string()).await? {
                return Err(StoreError::Invalid(format!(
                    "deps[{i}].target: service {s} does not exist"
                )));
            }
        }
    }
    Ok(())
}

fn push_service_filter(qb: &mut QueryBuilder<Sqlite>, scope: &Scope, filter: &ServiceFilter) {
    qb.push(" FROM services WHERE 1");
    scope::push_filter(qb, scope, "org_id");
    if let Some(org) = filter.org {
        qb.push(" AND org_id = ").push_bind(org.to_string());
    }
    if let Some(text) = filter.text.as_deref().filter(|t| !t.trim().is_empty()) {
        qb.push(" AND name LIKE ")
            .push_bind(like_pattern(text))
            .push(" ESCAPE '\\'");
    }
    if let Some(kind) = filter.kind {
        qb.push(" AND kind = ").push_bind(kind.as_str());
    }
    if let Some(min) = filter.min_criticality {
        qb.push(" AND criticality >= ").push_bind(i64::from(min));
    }
}

fn push_product_filter(qb: &mut QueryBuilder<Sqlite>, filter: &ProductFilter) {
    qb.push(" FROM products WHERE 1");
    if let Some(supplier) = filter.supplier {
        qb.push(" AND supplier_id = ").push_bind(supplier.to_string());
    }
    if let Some(category) = filter.category {
        qb.push(" AND category = ").push_bind(category.as_str());
    }
    if let Some(status) = filter.status {
        qb.push(" AND status = ").push_bind(status.as_str());
    }
    if let Some(text) = filter.text.as_deref().filter(|t| !t.trim().is_empty()) {
        qb.push(" AND name LIKE ")
            .push_bind(like_pattern(text))
            .push(" ESCAPE '\\'");
    }
}

#[async_trait]
impl InventoryStore for SqliteStore {
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
            ward_core::error::require_text("name", &s.name, 200)
                .map_err(|e| StoreError::Invalid(e.at(&format!("services[{i}]")).to_string()))?;
        }
        let orgs: BTreeSet<OrgId> = services.iter().map(|s| s.org).collect();
        let mut tx = self.begin_write().await?;
        require_orgs(&mut tx, scope, &orgs).await?;
        for chunk in services.chunks(SERVICE_ROWS) {
            let mut qb = QueryBuilder::new("INSERT INTO services (");
            qb.push(SERVICE_COLUMNS).push(") ");
            qb.push_values(chunk, |mut b, s| {
                b.push_bind(s.id.to_string())
                    .push_bind(s.org.to_string())
                    .push_bind(s.name.as_str())
                    .push_bind(s.kind.as_str())
                    .push_bind(i64::from(s.criticality.value()))
                    .push_bind(i64::from(s.daily_throughput))
                    .push_bind(s.throughput_unit.as_str());
            });
            qb.build().execute(&mut *tx).await.db()?;
        }
        for s in services {
            let event = audit.event(
                "service.create",
                "service",
                s.id.to_string(),
                Some(s.org),
                None,
                Some(digest_json(s)),
                None,
            );
            append(&mut tx, &self.keys, &event).await?;
        }
        let mut counts = Deltas::default();
        for s in services {
            counts.service(s, 1);
        }
        rollups::apply(&mut tx, &counts).await?;
        tx.commit().await.db()?;
        Ok(services.len() as u64)
    }

    async fn get_service(&self, scope: &Scope, id: ServiceId) -> StoreResult<Service> {
        let mut qb = QueryBuilder::new("");
        scope::push_with(&mut qb, scope);
        qb.push("SELECT ")
            .push(SERVICE_COLUMNS)
            .push(" FROM services WHERE id = ")
            .push_bind(id.to_string());
        scope::push_filter(&mut qb, scope, "org_id");
        match qb.build().fetch_optional(&self.read).await.db()? {
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
        let mut conn = self.read.acquire().await.db()?;
        let mut count = QueryBuilder::new("");
        scope::push_with(&mut count, scope);
        count.push("SELECT count(*)");
        push_service_filter(&mut count, scope, filter);
        let total: i64 = count.build_query_scalar().fetch_one(&mut *conn).await.db()?;

        let mut qb = QueryBuilder::new("");
        scope::push_with(&mut qb, scope);
        qb.push("SELECT ").push(SERVICE_COLUMNS);
        push_service_filter(&mut qb, scope, filter);
        push_page(&mut qb, " ORDER BY name, id", page);
        let rows = qb.build().fetch_all(&mut *conn).await.db()?;
        let items = rows
            .iter()
            .map(service_from_row)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(Page {
            items,
            total: to_u64("count", total)?,
            total_is_lower_bound: false,
            offset: page.offset,
            limit: page.clamped_limit(),
        })
    }

    async fn insert_assets(&self, scope: &Scope, assets: &[Asset], audit: &AuditMeta) -> StoreResult<u64> {
        self.insert_assets_impl(scope, assets, audit).await
    }

    async fn get_asset(&self, scope: &Scope, id: AssetId) -> StoreResult<Asset> {
        self.get_asset_impl(scope, id).await
    }

    async fn update_asset(&self, scope: &Scope, asset: &Asset, audit: &AuditMeta) -> StoreResult<()> {
        self.update_asset_impl(scope, asset, audit).await
    }

    async fn delete_asset(&self, scope: &Scope, id: AssetId, audit: &AuditMeta) -> StoreResult<()> {
        self.delete_asset_impl(scope, id, audit).await
    }

    async fn list_assets(
        &self,
        scope: &Scope,
        filter: &AssetFilter,
        page: PageRequest,
    ) -> StoreResult<Page<AssetSummary>> {
        let mut conn = self.read.acquire().await.db()?;
        crate::search::list_assets(&mut conn, scope, filter, page).await
    }

    async fn upsert_products(
        &self,
        scope: &Scope,
        products: &[Product],
        audit: &AuditMeta,
    ) -> StoreResult<u64> {
        let mut tx = self.begin_write().await?;
        let mut written = 0;
        for (i, p) in products.iter().enumerate() {
            ward_core::error::require_text("name", &p.name, 200)
                .map_err(|e| StoreError::Invalid(e.at(&format!("products[{i}]")).to_string()))?;
            ward_store::check_product_write(scope, i, p)?;
            require_orgs(&mut tx, scope, &BTreeSet::from([p.supplier])).await?;
            let stored = load_product(&mut tx, p.id).await?;
            if let Some(old) = &stored {
                if old == p {
                    continue;
                }
                if !scope::org_in_scope(&mut tx, scope, old.supplier).await? {
                    return Err(StoreError::forbidden("product", p.id));
                }
            }
            sqlx::query(
                "INSERT INTO products (id, supplier_id, name, category, cpe, status) VALUES (?, ?, ?, ?, ?, ?) \
                 ON CONFLICT (id) DO UPDATE SET supplier_id = excluded.supplier_id, name = excluded.name, \
                 category = excluded.category, cpe = excluded.cpe, status = excluded.status",
            )
            .bind(p.id.to_string())
            .bind(p.supplier.to_string())
            .bind(&p.name)
            .bind(p.category.as_str())
            .bind(&p.cpe)
            .bind(p.status.as_str())
            .execute(&mut *tx)
            .await
            .db()?;
            let action = if stored.is_some() {
                "product.update"
            } else {
                "product.create"
            };
            let event = audit.event(
                action,
                "product",
                p.id.to_string(),
                Some(p.supplier),
                stored.as_ref().map(digest_json),
                Some(digest_json(p)),
                None,
            );
            append(&mut tx, &self.keys, &event).await?;
            written += 1;
        }
        tx.commit().await.db()?;
        Ok(written)
    }

    async fn list_products(&self, filter: &ProductFilter, page: PageRequest) -> StoreResult<Page<Product>> {
        let mut conn = self.read.acquire().await.db()?;
        let mut count = QueryBuilder::new("SELECT count(*)");
        push_product_filter(&mut count, filter);
        let total: i64 = count.build_query_scalar().fetch_one(&mut *conn).await.db()?;
        let mut qb = QueryBuilder::new(PRODUCT_COLUMNS);
        push_product_filter(&mut qb, filter);
        push_page(&mut qb, " ORDER BY name, id", page);
        let rows = qb.build().fetch_all(&mut *conn).await.db()?;
        let items = rows
            .iter()
            .map(product_from_row)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(Page {
            items,
            total: to_u64("count", total)?,
            total_is_lower_bound: false,
            offset: page.offset,
            limit: page.clamped_limit(),
        })
    }

    async fn get_product(&self, id: ProductId) -> StoreResult<Product> {
        let mut conn = self.read.acquire().await.db()?;
        load_product(&mut conn, id)
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
        let mut tx = self.begin_write().await?;
        let before = load_product(&mut tx, id)
            .await?
            .ok_or_else(|| StoreError::not_found("product", id))?;
        let Some((after, event)) = ward_store::product_status_change(scope, &before, status, audit)? else {
            return Ok(before);
        };
        sqlx::query("UPDATE products SET status = ? WHERE id = ?")
            .bind(status.as_str())
            .bind(id.to_string())
            .execute(&mut *tx)
            .await
            .db()?;
        append(&mut tx, &self.keys, &event).await?;
        tx.commit().await.db()?;
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
        let mut tx = self.begin_write().await?;
        for (i, d) in deps.iter().enumerate() {
            check_dependency(&mut tx, scope, i, d).await?;
            sqlx::query(
                "INSERT INTO dependencies (id, org_id, service_id, target_kind, target_id, note) \
                 VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(d.id.to_string())
            .bind(d.org.to_string())
            .bind(d.service.to_string())
            .bind(d.target.kind_str())
            .bind(d.target.uuid().to_string())
            .bind(&d.note)
            .execute(&mut *tx)
            .await
            .db()?;
        }
        for d in deps {
            let event = audit.event(
                "dependency.create",
                "dependency",
                d.id.to_string(),
                Some(d.org),
                None,
                Some(digest_json(d)),
                None,
            );
            append(&mut tx, &self.keys, &event).await?;
        }
        tx.commit().await.db()?;
        Ok(deps.len() as u64)
    }

    async fn list_dependencies(
        &self,
        scope: &Scope,
        service: Option<ServiceId>,
    ) -> StoreResult<Vec<Dependency>> {
        let mut qb = QueryBuilder::new("");
        scope::push_with(&mut qb, scope);
        qb.push("SELECT id, org_id, service_id, target_kind, target_id, note FROM dependencies WHERE 1");
        scope::push_filter(&mut qb, scope, "org_id");
        if let Some(s) = service {
            qb.push(" AND service_id = ").push_bind(s.to_string());
        }
        qb.push(" ORDER BY id");
        let rows = qb.build().fetch_all(&self.read).await.db()?;
        rows.iter().map(dependency_from_row).collect()
    }
}
