//! Services, assets and products.

use super::orgs::page;
use crate::auth::{ApiActor, ApiUploader, InventoryUpload};
use crate::error::{ApiError, ApiJson, ApiQuery, ApiResult};
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use ward_app::imports::ImportSummary;
use ward_app::imports::assets::AssetFormat;
use ward_core::asset::{Asset, AssetKind, InstalledSoftware, SoftwareSource};
use ward_core::risk::Consequence;
use ward_core::service::{Service, ServiceKind, ThroughputUnit};
use ward_core::supplier::{Product, ProductCategory, ProductStatus};
use ward_core::{AssetId, OrgId, ProductId, ServiceId};
use ward_store::{AssetFilter, AssetSummary, Page, ProductFilter, ServiceFilter};

fn parse_id<T: std::str::FromStr>(s: &str) -> ApiResult<T> {
    s.parse()
        .map_err(|_| ApiError::unprocessable("id", "not a valid identifier"))
}

fn new_id_bytes() -> ApiResult<[u8; 10]> {
    ward_app::accounts::secrets::random_bytes::<10>().map_err(ApiError::from)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ServiceQuery {
    pub org: Option<OrgId>,
    pub q: Option<String>,
    pub kind: Option<ServiceKind>,
    /// Minimum NPSA criticality, 1 to 5.
    pub min_criticality: Option<u8>,
    #[serde(default)]
    pub offset: u64,
    pub limit: Option<u32>,
}

#[utoipa::path(get, path = "/api/v1/services", tag = "inventory", params(ServiceQuery),
    responses((status = 200, body = Page<Service>)))]
pub async fn list_services(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<ServiceQuery>,
) -> ApiResult<Json<Page<Service>>> {
    let f = ServiceFilter {
        org: q.org,
        text: q.q,
        kind: q.kind,
        min_criticality: q.min_criticality,
    };
    Ok(Json(
        s.app.list_services(&actor, &f, page(q.offset, q.limit)).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/services/{id}", tag = "inventory", params(("id" = String, Path)),
    responses((status = 200, body = Service), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get_service(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<Json<Service>> {
    Ok(Json(s.app.service(&actor, parse_id::<ServiceId>(&id)?).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewService {
    pub org: OrgId,
    pub name: String,
    pub kind: ServiceKind,
    pub criticality: Consequence,
    pub daily_throughput: u32,
    pub throughput_unit: ThroughputUnit,
}

#[utoipa::path(post, path = "/api/v1/services", tag = "inventory", request_body = NewService,
    responses((status = 201, body = Service), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create_service(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(b): ApiJson<NewService>,
) -> ApiResult<(StatusCode, Json<Service>)> {
    let svc = Service {
        id: ServiceId::new_at(s.app.now(), new_id_bytes()?),
        org: b.org,
        name: b.name,
        kind: b.kind,
        criticality: b.criticality,
        daily_throughput: b.daily_throughput,
        throughput_unit: b.throughput_unit,
    };
    s.app.create_services(&actor, std::slice::from_ref(&svc)).await?;
    Ok((StatusCode::CREATED, Json(svc)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AssetQuery {
    pub org: Option<OrgId>,
    /// Part of the name, hostname or an installed software name.
    pub q: Option<String>,
    pub kind: Option<AssetKind>,
    pub internet_facing: Option<bool>,
    pub service: Option<ServiceId>,
    #[serde(default)]
    pub offset: u64,
    pub limit: Option<u32>,
}

#[utoipa::path(get, path = "/api/v1/assets", tag = "inventory", params(AssetQuery),
    responses((status = 200, body = Page<AssetSummary>)))]
pub async fn list_assets(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<AssetQuery>,
) -> ApiResult<Json<Page<AssetSummary>>> {
    let f = AssetFilter {
        org: q.org,
        text: q.q,
        kind: q.kind,
        internet_facing: q.internet_facing,
        service: q.service,
    };
    Ok(Json(
        s.app.list_assets(&actor, &f, page(q.offset, q.limit)).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/assets/{id}", tag = "inventory", params(("id" = String, Path)),
    responses((status = 200, body = Asset), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get_asset(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<Json<Asset>> {
    Ok(Json(s.app.asset(&actor, parse_id::<AssetId>(&id)?).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSoftware {
    pub name: String,
    #[serde(default)]
    pub vendor: Option<String>,
    pub version: String,
    #[serde(default)]
    pub purl: Option<String>,
    #[serde(default)]
    pub cpe: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAsset {
    pub org: OrgId,
    pub name: String,
    pub kind: AssetKind,
    #[serde(default)]
    pub hostname: Option<String>,
    pub internet_facing: bool,
    #[serde(default)]
    pub services: Vec<ServiceId>,
    #[serde(default)]
    pub software: Vec<NewSoftware>,
}

fn build_asset(id: AssetId, b: NewAsset) -> Asset {
    Asset {
        id,
        org: b.org,
        name: b.name,
        kind: b.kind,
        hostname: b.hostname,
        internet_facing: b.internet_facing,
        services: b.services,
        software: b
            .software
            .into_iter()
            .map(|s| InstalledSoftware {
                name: s.name,
                vendor: s.vendor,
                version: s.version,
                purl: s.purl,
                cpe: s.cpe,
                source: SoftwareSource::Api,
            })
            .collect(),
    }
}

#[utoipa::path(post, path = "/api/v1/assets", tag = "inventory", request_body = NewAsset,
    responses((status = 201, body = Asset), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create_asset(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(b): ApiJson<NewAsset>,
) -> ApiResult<(StatusCode, Json<Asset>)> {
    let asset = build_asset(AssetId::new_at(s.app.now(), new_id_bytes()?), b);
    s.app.create_assets(&actor, std::slice::from_ref(&asset)).await?;
    Ok((StatusCode::CREATED, Json(asset)))
}

#[utoipa::path(put, path = "/api/v1/assets/{id}", tag = "inventory", params(("id" = String, Path)),
    request_body = NewAsset,
    responses((status = 200, body = Asset), (status = 404, body = crate::error::ErrorBody)))]
pub async fn update_asset(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<NewAsset>,
) -> ApiResult<Json<Asset>> {
    let asset = build_asset(parse_id::<AssetId>(&id)?, b);
    s.app.update_asset(&actor, &asset).await?;
    Ok(Json(asset))
}

#[utoipa::path(delete, path = "/api/v1/assets/{id}", tag = "inventory", params(("id" = String, Path)),
    responses((status = 204), (status = 404, body = crate::error::ErrorBody)))]
pub async fn delete_asset(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    s.app.delete_asset(&actor, parse_id::<AssetId>(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AssetImportQuery {
    /// `csv` or `json`.
    pub format: String,
    pub file: Option<String>,
}

/// Import assets from a CSV or JSON file in the request body (all or nothing).
#[utoipa::path(post, path = "/api/v1/assets/import", tag = "inventory", params(AssetImportQuery),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = ImportSummary), (status = 422, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody), (status = 413, body = crate::error::ErrorBody), (status = 503, body = crate::error::ErrorBody, description = "busy (Retry-After) or the parse deadline passed")))]
pub async fn import_assets(
    State(s): State<AppState>,
    ApiUploader(actor, _): ApiUploader<InventoryUpload>,
    ApiQuery(q): ApiQuery<AssetImportQuery>,
    body: Bytes,
) -> ApiResult<Json<ImportSummary>> {
    let format: AssetFormat = q.format.parse()?;
    let file = q.file.unwrap_or_else(|| "upload".to_owned());
    Ok(Json(s.app.import_assets_file(&actor, format, &file, body).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ProductQuery {
    pub supplier: Option<OrgId>,
    pub category: Option<ProductCategory>,
    /// `unconfirmed`, `confirmed` or `rejected`.
    pub status: Option<ProductStatus>,
    pub q: Option<String>,
    #[serde(default)]
    pub offset: u64,
    pub limit: Option<u32>,
}

/// The shared catalogue of suppliers' products.
#[utoipa::path(get, path = "/api/v1/products", tag = "suppliers", params(ProductQuery),
    responses((status = 200, body = Page<Product>)))]
pub async fn list_products(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<ProductQuery>,
) -> ApiResult<Json<Page<Product>>> {
    let f = ProductFilter {
        supplier: q.supplier,
        category: q.category,
        status: q.status,
        text: q.q,
    };
    Ok(Json(
        s.app.list_products(&actor, &f, page(q.offset, q.limit)).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewProduct {
    pub supplier: OrgId,
    pub name: String,
    pub category: ProductCategory,
    #[serde(default)]
    pub cpe: Option<String>,
}

/// Publish a product (supplier contacts for their own organisation, or the national team). A
/// supplier contact's product is `unconfirmed` until a national analyst confirms it; the CPE must
/// name its vendor and product exactly and not be another supplier's confirmed product.
#[utoipa::path(post, path = "/api/v1/products", tag = "suppliers", request_body = NewProduct,
    responses((status = 201, body = Product), (status = 403, body = crate::error::ErrorBody)))]
pub async fn create_product(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(b): ApiJson<NewProduct>,
) -> ApiResult<(StatusCode, Json<Product>)> {
    let name = ward_core::error::require_text("name", &b.name, 200).map_err(ward_app::AppError::from)?;
    let p = Product {
        id: ward_core::ProductId::new_at(s.app.now(), new_id_bytes()?),
        supplier: b.supplier,
        name,
        category: b.category,
        cpe: b.cpe,
        status: ProductStatus::Unconfirmed,
    };
    Ok((StatusCode::CREATED, Json(s.app.create_product(&actor, &p).await?)))
}

/// A national analyst's decision on a listed product.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProductReview {
    /// `confirmed` (the product, and so its CPE, is the supplier's) or `rejected`.
    pub status: ProductStatus,
}

/// Confirm or reject that a product is its supplier's (national analysts). Only confirmed
/// products give a supplier's VEX statements effect; the decision is audited.
#[utoipa::path(post, path = "/api/v1/products/{id}/review", tag = "suppliers", params(("id" = String, Path)),
    request_body = ProductReview,
    responses((status = 200, body = Product), (status = 403, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody)))]
pub async fn review_product(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ProductReview>,
) -> ApiResult<Json<Product>> {
    let id = parse_id::<ProductId>(&id)?;
    Ok(Json(s.app.review_product(&actor, id, b.status).await?))
}
