//! The supplier advisory pathway (`ward_app::supplier_advisories`): a supplier contact publishes
//! an advisory about its own confirmed products (a CSAF 2.0 document, a CycloneDX VEX or the
//! form's JSON); suppliers read their advisories' progress in aggregate, the national team every
//! advisory and releases embargoed ones early; an organisation's admins choose whether suppliers
//! may see its name.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use jiff::civil::Date;
use serde::Deserialize;
use ward_app::supplier_advisories::progress::AdvisoryProgress;
use ward_app::supplier_advisories::revisions::Revised;
use ward_app::supplier_advisories::{AdvisoryForm, Published, Submission, UploadOptions};
use ward_core::OrgId;
use ward_core::alert::Severity;
use ward_core::supplier::advisory::{AdvisoryRevision, NamingConsent};

use crate::auth::{ApiActor, ApiUploader, SupplierAdvisoryUpload};
use crate::error::{ApiError, ApiJson, ApiQuery, ApiResult};
use crate::state::AppState;

/// What goes with an uploaded advisory document.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// The file name, for messages.
    pub file: Option<String>,
    /// critical, high, medium or low; by default from the document's highest CVSS score.
    #[param(value_type = Option<String>)]
    pub severity: Option<Severity>,
    /// Held back (the national team alone sees it) until this day (YYYY-MM-DD).
    #[param(value_type = Option<String>)]
    pub embargo_until: Option<Date>,
    /// The title, when the document has none (CycloneDX).
    pub title: Option<String>,
    /// What customers must do, when the document's remediations do not say.
    pub required_action: Option<String>,
}

/// Publish an advisory about your products from the form's fields. Every product must be one the
/// national team confirmed as yours; the advisory is matched against the sector's assets and an
/// alert goes to the organisations exposed (under embargo: only when released). Audited as
/// `supplier_advisory.publish` (and `supplier_advisory.release`).
#[utoipa::path(post, path = "/api/v1/suppliers/{id}/advisories", tag = "suppliers",
    params(("id" = String, Path, description = "the supplier's ODS code or identifier")),
    request_body = AdvisoryForm,
    responses((status = 200, body = Published), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody, description = "reasons, each with its field")))]
pub async fn publish_form(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(form): ApiJson<AdvisoryForm>,
) -> ApiResult<Json<Published>> {
    let submission: Submission<Bytes> = Submission::Form(form);
    Ok(Json(
        s.app.publish_supplier_advisory(&actor, &id, submission).await?,
    ))
}

/// Publish an advisory about your products as a CSAF 2.0 document or a CycloneDX VEX (JSON or
/// XML, plain or gzip). What it states not affected (with a justification) becomes your VEX
/// statement, closing those exposures for every customer once it is released.
/// The caller's right to publish is checked before the body is read; the document is read
/// strictly, off the async workers, within the expansion limit (413) and deadline (503): a
/// document that does not validate is refused with every reason and its JSON pointer, and
/// nothing is kept.
#[utoipa::path(post, path = "/api/v1/suppliers/{id}/advisories/upload", tag = "suppliers",
    params(("id" = String, Path, description = "the supplier's ODS code or identifier"), UploadQuery),
    request_body(content = String, content_type = "application/json"),
    responses((status = 200, body = Published), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 413, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody, description = "reasons, each with its JSON pointer"),
        (status = 503, body = crate::error::ErrorBody, description = "busy (Retry-After) or the parse deadline passed")))]
pub async fn publish_document(
    State(s): State<AppState>,
    ApiUploader(actor, _): ApiUploader<SupplierAdvisoryUpload>,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<UploadQuery>,
    body: Bytes,
) -> ApiResult<Json<Published>> {
    let submission = Submission::Document {
        file: q.file.unwrap_or_else(|| "advisory.json".to_owned()),
        bytes: body,
        options: UploadOptions {
            severity: q.severity,
            embargo_until: q.embargo_until,
            title: q.title,
            required_action: q.required_action,
        },
    };
    Ok(Json(
        s.app.publish_supplier_advisory(&actor, &id, submission).await?,
    ))
}

/// Suppliers' advisories with their progress: a supplier contact its own (counts, and names only
/// of organisations that agreed to be named), the national team every one, embargoed too.
#[utoipa::path(get, path = "/api/v1/supplier-advisories", tag = "suppliers",
    responses((status = 200, body = Vec<AdvisoryProgress>), (status = 403, body = crate::error::ErrorBody)))]
pub async fn list(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
) -> ApiResult<Json<Vec<AdvisoryProgress>>> {
    Ok(Json(s.app.supplier_advisories(&actor).await?))
}

/// One supplier advisory and its progress (not found outside what you may see).
#[utoipa::path(get, path = "/api/v1/supplier-advisories/{id}", tag = "suppliers",
    params(("id" = String, Path)),
    responses((status = 200, body = AdvisoryProgress), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<Json<AdvisoryProgress>> {
    Ok(Json(s.app.supplier_advisory(&actor, &id).await?))
}

/// Release an embargoed advisory before its date (national team): it becomes known to Ward and
/// its alert goes to the organisations exposed. Audited as `supplier_advisory.release`.
#[utoipa::path(post, path = "/api/v1/supplier-advisories/{id}/release", tag = "suppliers",
    params(("id" = String, Path)),
    responses((status = 200, body = Published), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn release(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<Json<Published>> {
    Ok(Json(s.app.release_supplier_advisory(&actor, &id).await?))
}

fn org_id(id: &str) -> Result<OrgId, ApiError> {
    id.parse()
        .map_err(|_| ApiError::unprocessable("id", "not a valid identifier"))
}

/// Whether suppliers may see this organisation's name in their advisories' progress (its
/// admins). Not named unless it agreed.
#[utoipa::path(get, path = "/api/v1/orgs/{id}/naming-consent", tag = "suppliers",
    params(("id" = String, Path)),
    responses((status = 200, body = NamingConsent), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody)))]
pub async fn consent(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<Json<NamingConsent>> {
    Ok(Json(s.app.naming_consent(&actor, org_id(&id)?).await?))
}

/// The body of a naming choice.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentInput {
    pub may_be_named: bool,
}

/// Choose whether suppliers may see this organisation's name (its admins). Audited as
/// `org.naming_consent`.
#[utoipa::path(put, path = "/api/v1/orgs/{id}/naming-consent", tag = "suppliers",
    params(("id" = String, Path)), request_body = ConsentInput,
    responses((status = 200, body = NamingConsent), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody)))]
pub async fn set_consent(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ConsentInput>,
) -> ApiResult<Json<NamingConsent>> {
    Ok(Json(
        s.app
            .set_naming_consent(&actor, org_id(&id)?, b.may_be_named)
            .await?,
    ))
}

/// The revisions of an advisory, oldest first (the first publication is revision 1), each whole
/// with what changed, in words. Not found outside what you may see.
#[utoipa::path(get, path = "/api/v1/supplier-advisories/{id}/revisions", tag = "suppliers",
    params(("id" = String, Path)),
    responses((status = 200, body = Vec<AdvisoryRevision>), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody)))]
pub async fn revisions(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<AdvisoryRevision>>> {
    Ok(Json(s.app.supplier_advisory_revisions(&actor, &id).await?))
}

/// Publish a new revision of your advisory from the form's fields (`version` after the current
/// one; by default the next whole number). Refused with the reason when the version does not
/// advance or a product is not one of your confirmed products. Once released, the organisations
/// its alert reached are told what changed and newly exposed ones receive the alert. Audited as
/// `supplier_advisory.revise`.
#[utoipa::path(post, path = "/api/v1/supplier-advisories/{id}/revisions", tag = "suppliers",
    params(("id" = String, Path)),
    request_body = AdvisoryForm,
    responses((status = 200, body = Revised), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody, description = "reasons, each with its field")))]
pub async fn revise_form(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(form): ApiJson<AdvisoryForm>,
) -> ApiResult<Json<Revised>> {
    let submission: Submission<Bytes> = Submission::Form(form);
    Ok(Json(
        s.app.revise_supplier_advisory(&actor, &id, submission).await?,
    ))
}

/// Publish a new revision of your advisory as a CSAF 2.0 document (same tracking id, a later
/// `/document/tracking/version`) or a CycloneDX VEX (JSON or XML, a later `version`), read as a
/// first publication is. Audited as `supplier_advisory.revise`.
#[utoipa::path(post, path = "/api/v1/supplier-advisories/{id}/revisions/upload", tag = "suppliers",
    params(("id" = String, Path), UploadQuery),
    request_body(content = String, content_type = "application/json"),
    responses((status = 200, body = Revised), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
        (status = 413, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody, description = "reasons, each with its JSON pointer or XML path"),
        (status = 503, body = crate::error::ErrorBody, description = "busy (Retry-After) or the parse deadline passed")))]
pub async fn revise_document(
    State(s): State<AppState>,
    ApiUploader(actor, _): ApiUploader<SupplierAdvisoryUpload>,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<UploadQuery>,
    body: Bytes,
) -> ApiResult<Json<Revised>> {
    let submission = Submission::Document {
        file: q.file.unwrap_or_else(|| "advisory.json".to_owned()),
        bytes: body,
        options: UploadOptions {
            severity: q.severity,
            embargo_until: q.embargo_until,
            title: q.title,
            required_action: q.required_action,
        },
    };
    Ok(Json(
        s.app.revise_supplier_advisory(&actor, &id, submission).await?,
    ))
}
