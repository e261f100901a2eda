//! The critical supplier register and certificates (`ward_app::suppliers`).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use ward_app::suppliers::{AssuranceInput, CertificateInput, RegisterPage, SupplierRecord};
use ward_core::CertificateId;
use ward_core::certificate::{Certificate, SupplierAssurance};

use crate::auth::ApiActor;
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::state::AppState;

/// The register: suppliers most critical first, with their products, the counts of your
/// footprint depending on them (organisations, services, patient-critical services), concentration
/// by region and category of system, and their assurance records and certificates. The national
/// team sees the sector; everyone else the suppliers its footprint depends on; a supplier contact
/// its own record.
#[utoipa::path(get, path = "/api/v1/suppliers", tag = "suppliers",
    responses((status = 200, description = "seen, suppliers, concentration, assurance, certificates"),
        (status = 403, body = crate::error::ErrorBody)))]
pub async fn register(State(s): State<AppState>, ApiActor(actor): ApiActor) -> ApiResult<Json<RegisterPage>> {
    Ok(Json(s.app.supplier_register(&actor).await?))
}

/// One supplier (by ODS code or identifier): its summary, counts by nation, region, ICB and
/// organisation (each area the sum of the organisations beneath it), concentration, assurance
/// and certificates.
#[utoipa::path(get, path = "/api/v1/suppliers/{id}", tag = "suppliers",
    params(("id" = String, Path, description = "ODS code or identifier")),
    responses((status = 200, description = "summary, areas, concentration, assurance, certificates"),
        (status = 404, body = crate::error::ErrorBody, description = "not a supplier you see")))]
pub async fn record(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<Json<SupplierRecord>> {
    Ok(Json(s.app.supplier_record(&actor, &id).await?))
}

/// Record a supplier's assurance: supply-chain charter attestation (date, who) and its own DSPT
/// status (national team). Audited as `supplier.assurance`.
#[utoipa::path(put, path = "/api/v1/suppliers/{id}/assurance", tag = "suppliers",
    params(("id" = String, Path, description = "ODS code or identifier")), request_body = AssuranceInput,
    responses((status = 200, body = SupplierAssurance), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn put_assurance(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<AssuranceInput>,
) -> ApiResult<Json<SupplierAssurance>> {
    Ok(Json(s.app.put_supplier_assurance(&actor, &id, b).await?))
}

/// Certificates of your footprint (a supplier contact: its own).
#[utoipa::path(get, path = "/api/v1/certificates", tag = "suppliers",
    responses((status = 200, body = Vec<Certificate>), (status = 403, body = crate::error::ErrorBody)))]
pub async fn list_certificates(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
) -> ApiResult<Json<Vec<Certificate>>> {
    Ok(Json(s.app.certificates(&actor).await?))
}

/// Record a certificate (Cyber Essentials, Cyber Essentials Plus, ISO 27001) held by an
/// organisation: the national team for any, an organisation's admin for its own. Reminders go
/// 60 and 30 days before expiry. Audited as `certificate.add`.
#[utoipa::path(post, path = "/api/v1/certificates", tag = "suppliers", request_body = CertificateInput,
    responses((status = 200, body = Certificate), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn add_certificate(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(b): ApiJson<CertificateInput>,
) -> ApiResult<Json<Certificate>> {
    Ok(Json(s.app.add_certificate(&actor, b).await?))
}

/// Remove a certificate recorded in error. Audited as `certificate.remove`.
#[utoipa::path(delete, path = "/api/v1/certificates/{id}", tag = "suppliers",
    params(("id" = String, Path)),
    responses((status = 204), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody)))]
pub async fn remove_certificate(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let id: CertificateId = id
        .parse()
        .map_err(|_| ApiError::unprocessable("id", "not a valid identifier"))?;
    s.app.remove_certificate(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
