//! Services, products and dependencies (assets are in `assets.rs`), and the `InventoryStore` impl.

use std::collections::{HashMap, HashSet};

use async_trait::async_trait;
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, Row};
use uuid::Uuid;
use ward_core::audit::{AuditEvent, digest_json};
use ward_core::dependency::{Dependency, DependencyTarget};
use ward_core::service::Service;
use ward_core::supplier::{Product, ProductStatus};
use ward_core::{AssetId, DependencyId, OrgId, ProductId, ServiceId};
use ward_store::{
    AssetFilter, AssetSummary, AuditMeta, InventoryStore, Page, PageRequest, ProductFilter, Scope,
    ServiceFilter, StoreError, StoreResult,
};

use crate::audit::append_events;
use crate::error::{corrupt, map_db_error};
use crate::rollups::{self, Deltas};
use crate::rows::{col, count_col, parse_col, service_columns, service_from_row};
use crate::{PgStore, page_bounds, scope_binds};

/// Rows per INSERT.
const CHUNK: usize = 5_000;

impl PgStore {
    /// Fail unless every service exists and belongs to an organisation inside `scope`: `Forbidden`
    /// naming the first one outside, or `Invalid` under `Scope::All` for a missing one.
    pub(crate) async fn require_services_in_scope(
        conn: &mut PgConnection,
        scope: &Scope,
        services: &[Uuid],
    ) -> StoreResult<()> {
        if services.is_empty() {
            return Ok(());
        }
        let mut wanted = services.to_vec();
        wanted.sort_unstable();
        wanted.dedup();
        let (mode, roots) = scope_binds(scope);
        let rows = sqlx::query(concat!(
            "SELECT s.id FROM services s WHERE s.id = ANY($3) AND ",
            in_scope!("s.org_id")
        ))
        .bind(mode)
        .bind(&roots)
        .bind(&wanted)
        .fetch_all(&mut *conn)
        .await
        .map_err(map_db_error)?;
        let found: HashSet<Uuid> = rows
            .iter()
            .map(|r| col::<Uuid>(r, "id"))
            .collect::<StoreResult<_>>()?;
        match wanted.iter().find(|s| !found.contains(s)) {
            Some(missing) if matches!(scope, Scope::All) => {
                Err(StoreError::Invalid(format!("service {missing} does not exist")))
            }
            Some(outside) => Err(StoreError::forbidden("service", outside)),
            None => Ok(()),
        }
    }

    /// Check the targets of dependencies: an asset must lie inside the scope (assets are private);
    /// a product or another organisation's service need only exist.
    async fn check_targets(conn: &mut PgConnection, scope: &Scope, deps: &[Dependency]) -> StoreResult<()> {
        let (mode, roots) = scope_binds(scope);
        for (i, d) in deps.iter().enumerate() {
            let target = d.target.uuid();
            let (query, what) = match d.target {
                DependencyTarget::Asset(_) => (
                    sqlx::query(concat!(
                        "SELECT a.id FROM assets a WHERE a.id = $3 AND ",
                        in_scope!("a.org_id")
                    ))
                    .bind(mode)
                    .bind(&roots)
                    .bind(target),
                    "asset",
                ),
                DependencyTarget::Product(_) => (
                    sqlx::query("SELECT id FROM products WHERE id = $1").bind(target),
                    "product",
                ),
                DependencyTarget::Service(_) => (
                    sqlx::query("SELECT id FROM services WHERE id = $1").bind(target),
                    "service",
                ),
            };
            if query
                .fetch_optional(&mut *conn)
                .await
                .map_err(map_db_error)?
                .is_none()
            {
                return Err(match d.target {
                    DependencyTarget::Asset(a) if !matches!(scope, Scope::All) => {
                        StoreError::forbidden("asset", a)
                    }
                    _ => StoreError::Invalid(format!("deps[{i}].target: {what} {target} does not exist")),
                });
            }
        }
        Ok(())
    }
}

/// Names must be present, bounded and free of control characters.
fn require_name(name: &str, path: &str) -> StoreResult<()> {
    ward_core::error::require_text("name", name, 200)
        .map(|_| ())
        .map_err(|e| StoreError::Invalid(e.at(path).to_string()))
}

fn product_from_row(row: &PgRow) -> StoreResult<Product> {
    Ok(Product {
        id: ProductId::from_uuid(col(row, "id")?),
        supplier: OrgId::from_uuid(col(row, "supplier_id")?),
        name: col(row, "name")?,
        category: parse_col(row, "category")?,
        cpe: col(row, "cpe")?,
        status: parse_col(row, "status")?,
    })
}

fn dependency_from_row(row: &PgRow) -> StoreResult<Dependency> {
    let kind: String = col(row, "target_kind")?;
    let target: Uuid = col(row, "target_id")?;
    let target = match kind.as_str() {
        "asset" => DependencyTarget::Asset(AssetId::from_uuid(target)),
        "product" => DependencyTarget::Product(ProductId::from_uuid(target)),
        "service" => DependencyTarget::Service(ServiceId::from_uuid(target)),
        _ => return Err(corrupt("dependency target kind")),
    };
    Ok(Dependency {
        id: DependencyId::from_uuid(col(row, "id")?),
        org: OrgId::from_uuid(col(row, "org_id")?),
        service: ServiceId::from_uuid(col(row, "service_id")?),
        target,
        note: col(row, "note")?,
    })
}

#[async_trait]
impl InventoryStore for PgStore {
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
        let mut tx = self.pool.begin().await.map_err(map_db_error)?;
        let orgs: Vec<Uuid> = services.iter().map(|s| *s.org.as_uuid()).collect();
        Self::require_orgs_in_scope(&mut tx, scope, &orgs).await?;
        for chunk in services.chunks(CHUNK) {
            sqlx::query(
                "INSERT INTO services (id, org_id, name, kind, criticality, daily_throughput, throughput_unit)
                 SELECT * FROM UNNEST($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::int[], $6::bigint[],
                                      $7::text[])",
            )
            .bind(chunk.iter().map(|s| *s.id.as_uuid()).collect::<Vec<_>>())
            .bind(chunk.iter().map(|s| *s.org.as_uuid()).collect::<Vec<_>>())
            .bind(chunk.iter().map(|s| s.name.clone()).collect::<Vec<_>>())
            .bind(chunk.iter().map(|s| s.kind.as_str()).collect::<Vec<_>>())
            .bind(chunk.iter().map(|s| i32::from(s.criticality.value())).collect::<Vec<_>>())
            .bind(chunk.iter().map(|s| i64::from(s.daily_throughput)).collect::<Vec<_>>())
            .bind(chunk.iter().map(|s| s.throughput_unit.as_str()).collect::<Vec<_>>())
            .execute(&mut *tx)
            .await
            .map_err(map_db_error)?;
        }
        let events: Vec<AuditEvent> = services
            .iter()
            .map(|s| {
                let after = Some(digest_json(s));
                audit.event(
                    "service.create",
                    "service",
                    s.id.to_string(),
                    Some(s.org),
                    None,
                    after,
                    None,
                )
            })
            .collect();
        append_events(&mut tx, &self.keys, events).await?;
        let mut counts = Deltas::default();
        for s in services {
            counts.service(s, 1);
        }
        rollups::apply(&mut tx, &counts).await?;
        tx.commit().await.map_err(map_db_error)?;
        Ok(services.len() as u64)
    }

    async fn get_service(&self, scope: &Scope, id: ServiceId) -> StoreResult<Service> {
        let (mode, roots) = scope_binds(scope);
        let row = sqlx::query(concat!(
            "SELECT ",
            service_columns!(),
            " FROM services s WHERE s.id = $3 AND ",
            in_scope!("s.org_id")
        ))
        .bind(mode)
        .bind(&roots)
        .bind(id.as_uuid())
        .fetch_optional(&self.pool)
        .await
        .map_err(map_db_error)?;
        match row {
            Some(r) => service_from_row(&r),
            None => Err(StoreError::not_found("service", id)),
        }
    }

    async fn list_services(
        &self,
        scope: &Scope,
        filter: &ServiceFilter,
        page: PageRequest,
    ) -> StoreResult<Page<Service>> {
        let (mode, roots) = scope_binds(scope);
        let (limit, offset) = page_bounds(page);
        let text = filter
            .text
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_lowercase);
        let rows = sqlx::query(concat!(
            "SELECT ",
            service_columns!(),
            ", count(*) OVER () AS total FROM services s WHERE ",
            in_scope!("s.org_id"),
            " AND ($3::uuid IS NULL OR s.org_id = $3)
              AND ($4::text IS NULL OR strpos(lower(s.name), $4) > 0)
              AND ($5::text IS NULL OR s.kind = $5)
              AND ($6::int IS NULL OR s.criticality >= $6)
              ORDER BY s.name, s.id LIMIT $7 OFFSET $8"
        ))
        .bind(mode)
        .bind(&roots)
        .bind(filter.org.map(|o| *o.as_uuid()))
        .bind(&text)
        .bind(filter.kind.map(|k| k.as_str()))
        .bind(filter.min_criticality.map(i32::from))
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await
        .map_err(map_db_error)?;
        let total = match rows.first() {
            Some(r) => count_col(r, "total")?,
            None if page.offset > 0 => {
                let r = sqlx::query(concat!(
                    "SELECT count(*) AS total FROM services s WHERE ",
                    in_scope!("s.org_id"),
                    " AND ($3::uuid IS NULL OR s.org_id = $3)
                      AND ($4::text IS NULL OR strpos(lower(s.name), $4) > 0)
                      AND ($5::text IS NULL OR s.kind = $5)
                      AND ($6::int IS NULL OR s.criticality >= $6)"
                ))
                .bind(mode)
                .bind(&roots)
                .bind(filter.org.map(|o| *o.as_uuid()))
                .bind(&text)
                .bind(filter.kind.map(|k| k.as_str()))
                .bind(filter.min_criticality.map(i32::from))
                .fetch_one(&self.pool)
                .await
                .map_err(map_db_error)?;
                count_col(&r, "total")?
            }
            None => 0,
        };
        Ok(Page {
            items: rows.iter().map(service_from_row).collect::<StoreResult<_>>()?,
            total,
            total_is_lower_bound: false,
            offset: page.offset,
            limit: page.clamped_limit(),
        })
    }

    async fn insert_assets(
        &self,
        scope: &Scope,
        assets: &[ward_core::asset::Asset],
        audit: &AuditMeta,
    ) -> StoreResult<u64> {
        self.insert_assets_batch(scope, assets, audit).await
    }

    async fn get_asset(&self, scope: &Scope, id: AssetId) -> StoreResult<ward_core::asset::Asset> {
        let mut conn = self.pool.acquire().await.map_err(map_db_error)?;
        Self::load_asset(&mut conn, scope, id)
            .await?
            .ok_or_else(|| StoreError::not_found("asset", id))
    }

    async fn update_asset(
        &self,
        scope: &Scope,
        asset: &ward_core::asset::Asset,
        audit: &AuditMeta,
    ) -> StoreResult<()> {
        self.replace_asset(scope, asset, audit).await
    }

    async fn delete_asset(&self, scope: &Scope, id: AssetId, audit: &AuditMeta) -> StoreResult<()> {
        self.remove_asset(scope, id, audit).await
    }

    async fn list_assets(
        &self,
        scope: &Scope,
        filter: &AssetFilter,
        page: PageRequest,
    ) -> StoreResult<Page<AssetSummary>> {
        let mut conn = self.pool.acquire().await.map_err(map_db_error)?;
        crate::search::list_assets(&mut conn, scope, filter, page).await
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
            ward_store::check_product_write(scope, i, p)?;
        }
        let mut tx = self.pool.begin().await.map_err(map_db_error)?;
        let suppliers: Vec<Uuid> = products.iter().map(|p| *p.supplier.as_uuid()).collect();
        Self::require_orgs_in_scope(&mut tx, scope, &suppliers).await?;
        let ids: Vec<Uuid> = products.iter().map(|p| *p.id.as_uuid()).collect();
        let rows = sqlx::query(
            "SELECT id, supplier_id, name, category, cpe, status FROM products WHERE id = ANY($1) ORDER BY id FOR NO KEY UPDATE",
        )
        .bind(&ids)
        .fetch_all(&mut *tx)
        .await
        .map_err(map_db_error)?;
        let mut stored: HashMap<ProductId, Product> = HashMap::with_capacity(rows.len());
        for r in &rows {
            let p = product_from_row(r)?;
            stored.insert(p.id, p);
        }
        // A product that exists may only be rewritten by someone whose scope covers its supplier.
        let (mode, roots) = scope_binds(scope);
        let current_suppliers: Vec<Uuid> = stored.values().map(|p| *p.supplier.as_uuid()).collect();
        let rows = sqlx::query(concat!(
            "SELECT o.id FROM organisations o WHERE o.id = ANY($3) AND ",
            in_scope!("o.id")
        ))
        .bind(mode)
        .bind(&roots)
        .bind(&current_suppliers)
        .fetch_all(&mut *tx)
        .await
        .map_err(map_db_error)?;
        let covered: HashSet<Uuid> = rows
            .iter()
            .map(|r| col::<Uuid>(r, "id"))
            .collect::<StoreResult<_>>()?;

        let mut events: Vec<AuditEvent> = Vec::with_capacity(products.len());
        let mut written = 0u64;
        for p in products {
            let before = stored.get(&p.id).cloned();
            if let Some(old) = &before {
                if old == p {
                    continue;
                }
                if !covered.contains(old.supplier.as_uuid()) {
                    return Err(StoreError::forbidden("product", p.id));
                }
            }
            sqlx::query(
                "INSERT INTO products (id, supplier_id, name, category, cpe, status) VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (id) DO UPDATE SET supplier_id = EXCLUDED.supplier_id, name = EXCLUDED.name,
                     category = EXCLUDED.category, cpe = EXCLUDED.cpe, status = EXCLUDED.status",
            )
            .bind(p.id.as_uuid())
            .bind(p.supplier.as_uuid())
            .bind(&p.name)
            .bind(p.category.as_str())
            .bind(&p.cpe)
            .bind(p.status.as_str())
            .execute(&mut *tx)
            .await
            .map_err(map_db_error)?;
            let action = if before.is_some() {
                "product.update"
            } else {
                "product.create"
            };
            let b = before.as_ref().map(digest_json);
            events.push(audit.event(
                action,
                "product",
                p.id.to_string(),
                Some(p.supplier),
                b,
                Some(digest_json(p)),
                None,
            ));
            stored.insert(p.id, p.clone());
            written += 1;
        }
        append_events(&mut tx, &self.keys, events).await?;
        tx.commit().await.map_err(map_db_error)?;
        Ok(written)
    }

    async fn list_products(&self, filter: &ProductFilter, page: PageRequest) -> StoreResult<Page<Product>> {
        let (limit, offset) = page_bounds(page);
        let text = filter
            .text
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_lowercase);
        let supplier = filter.supplier.map(|o| *o.as_uuid());
        let category = filter.category.map(|c| c.as_str());
        let status = filter.status.map(|c| c.as_str());
        let total: i64 = sqlx::query(
            "SELECT count(*) AS n FROM products p
              WHERE ($1::uuid IS NULL OR p.supplier_id = $1)
                AND ($2::text IS NULL OR p.category = $2)
                AND ($3::text IS NULL OR strpos(lower(p.name), $3) > 0)
                AND ($4::text IS NULL OR p.status = $4)",
        )
        .bind(supplier)
        .bind(category)
        .bind(&text)
        .bind(status)
        .fetch_one(&self.pool)
        .await
        .map_err(map_db_error)?
        .try_get("n")
        .map_err(map_db_error)?;
        let rows = sqlx::query(
            "SELECT p.id, p.supplier_id, p.name, p.category, p.cpe, p.status FROM products p
              WHERE ($1::uuid IS NULL OR p.supplier_id = $1)
                AND ($2::text IS NULL OR p.category = $2)
                AND ($3::text IS NULL OR strpos(lower(p.name), $3) > 0)
                AND ($6::text IS NULL OR p.status = $6)
              ORDER BY p.name, p.id LIMIT $4 OFFSET $5",
        )
        .bind(supplier)
        .bind(category)
        .bind(&text)
        .bind(limit)
        .bind(offset)
        .bind(status)
        .fetch_all(&self.pool)
        .await
        .map_err(map_db_error)?;
        Ok(Page {
            items: rows.iter().map(product_from_row).collect::<StoreResult<_>>()?,
            total: u64::try_from(total).unwrap_or(0),
            total_is_lower_bound: false,
            offset: page.offset,
            limit: page.clamped_limit(),
        })
    }

    async fn get_product(&self, id: ProductId) -> StoreResult<Product> {
        let row =
            sqlx::query("SELECT id, supplier_id, name, category, cpe, status FROM products WHERE id = $1")
                .bind(id.as_uuid())
                .fetch_optional(&self.pool)
                .await
                .map_err(map_db_error)?;
        match row {
            Some(r) => product_from_row(&r),
            None => Err(StoreError::not_found("product", id)),
        }
    }

    async fn set_product_status(
        &self,
        scope: &Scope,
        id: ProductId,
        status: ProductStatus,
        audit: &AuditMeta,
    ) -> StoreResult<Product> {
        let mut tx = self.pool.begin().await.map_err(map_db_error)?;
        let row = sqlx::query(
            "SELECT id, supplier_id, name, category, cpe, status FROM products WHERE id = $1 FOR NO KEY UPDATE",
        )
        .bind(id.as_uuid())
        .fetch_optional(&mut *tx)
        .await
        .map_err(map_db_error)?;
        let before = match row {
            Some(r) => product_from_row(&r)?,
            None => return Err(StoreError::not_found("product", id)),
        };
        let Some((after, event)) = ward_store::product_status_change(scope, &before, status, audit)? else {
            return Ok(before);
        };
        sqlx::query("UPDATE products SET status = $1 WHERE id = $2")
            .bind(status.as_str())
            .bind(id.as_uuid())
            .execute(&mut *tx)
            .await
            .map_err(map_db_error)?;
        append_events(&mut tx, &self.keys, vec![event]).await?;
        tx.commit().await.map_err(map_db_error)?;
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
        let mut tx = self.pool.begin().await.map_err(map_db_error)?;
        let orgs: Vec<Uuid> = deps.iter().map(|d| *d.org.as_uuid()).collect();
        Self::require_orgs_in_scope(&mut tx, scope, &orgs).await?;
        let services: Vec<Uuid> = deps.iter().map(|d| *d.service.as_uuid()).collect();
        Self::require_services_in_scope(&mut tx, scope, &services).await?;
        Self::check_targets(&mut tx, scope, deps).await?;
        // The depending service must belong to the dependency's organisation.
        let mismatched: Option<Uuid> = sqlx::query(
            "SELECT u.service FROM UNNEST($1::uuid[], $2::uuid[]) AS u(service, org)
               JOIN services s ON s.id = u.service WHERE s.org_id <> u.org LIMIT 1",
        )
        .bind(&services)
        .bind(&orgs)
        .fetch_optional(&mut *tx)
        .await
        .map_err(map_db_error)?
        .map(|r| col::<Uuid>(&r, "service"))
        .transpose()?;
        if let Some(s) = mismatched {
            let i = deps.iter().position(|d| *d.service.as_uuid() == s).unwrap_or(0);
            return Err(StoreError::Invalid(format!(
                "deps[{i}].service: the service belongs to another organisation"
            )));
        }
        for chunk in deps.chunks(CHUNK) {
            sqlx::query(
                "INSERT INTO dependencies (id, org_id, service_id, target_kind, target_id, note)
                 SELECT * FROM UNNEST($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::uuid[], $6::text[])",
            )
            .bind(chunk.iter().map(|d| *d.id.as_uuid()).collect::<Vec<_>>())
            .bind(chunk.iter().map(|d| *d.org.as_uuid()).collect::<Vec<_>>())
            .bind(chunk.iter().map(|d| *d.service.as_uuid()).collect::<Vec<_>>())
            .bind(chunk.iter().map(|d| d.target.kind_str()).collect::<Vec<_>>())
            .bind(chunk.iter().map(|d| d.target.uuid()).collect::<Vec<_>>())
            .bind(chunk.iter().map(|d| d.note.clone()).collect::<Vec<_>>())
            .execute(&mut *tx)
            .await
            .map_err(map_db_error)?;
        }
        let events: Vec<AuditEvent> = deps
            .iter()
            .map(|d| {
                let after = Some(digest_json(d));
                audit.event(
                    "dependency.create",
                    "dependency",
                    d.id.to_string(),
                    Some(d.org),
                    None,
                    after,
                    None,
                )
            })
            .collect();
        append_events(&mut tx, &self.keys, events).await?;
        tx.commit().await.map_err(map_db_error)?;
        Ok(deps.len() as u64)
    }

    async fn list_dependencies(
        &self,
        scope: &Scope,
        service: Option<ServiceId>,
    ) -> StoreResult<Vec<Dependency>> {
        let (mode, roots) = scope_binds(scope);
        let rows = sqlx::query(concat!(
            "SELECT d.id, d.org_id, d.service_id, d.target_kind, d.target_id, d.note FROM dependencies d WHERE ",
            in_scope!("d.org_id"),
            " AND ($3::uuid IS NULL OR d.service_id = $3) ORDER BY d.id"
        ))
        .bind(mode)
        .bind(&roots)
        .bind(service.map(|s| *s.as_uuid()))
        .fetch_all(&self.pool)
        .await
        .map_err(map_db_error)?;
        rows.iter().map(dependency_from_row).collect()
    }
}
