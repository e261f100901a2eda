//! Exposures, advisories across the footprint, VEX statements and SBOM uploads.

use super::orgs::page;
use crate::auth::{ApiActor, ApiUploader, InventoryUpload};
use crate::error::{ApiError, ApiJson, ApiQuery, ApiResult};
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use ward_app::exposure::advisory::{AdvisoryExposure, ExposureSummary};
use ward_app::exposure::advisory_index::{AdvisoryLine, AdvisoryQuery};
use ward_app::exposure::export::ExportFormat;
use ward_app::exposure::sbom::SbomUploadSummary;
use ward_app::exposure::statements::VexInput;
use ward_app::exposure::unsupported::UnsupportedRow;
use ward_app::exposure::{ExposureFilter, ExposureView, Sort};
use ward_core::{AssetId, OrgId, ServiceId};
use ward_store::Page;
use ward_store::vuln::{StoredVex, VulnCounts};

/// Filters, sort and page of an exposure list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ExposureQuery {
    /// Only this organisation and those beneath it.
    pub org: Option<OrgId>,
    pub asset: Option<AssetId>,
    pub service: Option<ServiceId>,
    /// An advisory id or alias (`CVE-2021-44228`).
    pub advisory: Option<String>,
    /// `open` (default), `all`, `affected`, `under_investigation`, `cannot_evaluate`, `not_affected`, `fixed`.
    pub status: Option<String>,
    /// Only vulnerabilities in CISA's KEV catalogue.
    #[serde(default)]
    pub kev: bool,
    #[serde(default)]
    pub internet_facing: bool,
    pub min_priority: Option<f64>,
    /// Only vulnerabilities in this CVSS band: `critical`, `high`, `medium`, `low`, `none`,
    /// `unscored`.
    #[param(value_type = Option<String>)]
    pub severity: Option<ward_core::vuln::CvssBand>,
    pub q: Option<String>,
    /// `priority` (default) or `published`.
    pub sort: Option<String>,
    #[serde(default)]
    pub offset: u64,
    pub limit: Option<u32>,
    /// For the export route: `csv`, `json` or `cyclonedx`.
    pub format: Option<String>,
}

impl ExposureQuery {
    fn filter(&self) -> ExposureFilter {
        ExposureFilter {
            org: self.org,
            asset: self.asset,
            service: self.service,
            advisory: self.advisory.clone(),
            status: self.status.clone(),
            kev: self.kev,
            internet_facing: self.internet_facing,
            min_priority: self.min_priority,
            severity: self.severity,
            q: self.q.clone(),
        }
    }
    fn sort(&self) -> ApiResult<Sort> {
        match self.sort.as_deref() {
            None | Some("priority") => Ok(Sort::Priority),
            Some("published") => Ok(Sort::Published),
            Some(other) => Err(ApiError::unprocessable(
                "sort",
                format!("'{other}' is not a sort order (priority, published)"),
            )),
        }
    }
}

/// Exposures in the caller's footprint, highest priority first, each with its factors.
#[utoipa::path(get, path = "/api/v1/exposures", tag = "exposure", params(ExposureQuery),
    responses((status = 200, body = Page<ExposureView>), (status = 422, body = crate::error::ErrorBody)))]
pub async fn list(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<ExposureQuery>,
) -> ApiResult<Json<Page<ExposureView>>> {
    let sort = q.sort()?;
    Ok(Json(
        s.app
            .list_exposures(&actor, &q.filter(), sort, page(q.offset, q.limit))
            .await?,
    ))
}

/// Every exposure the filters select, as CSV, JSON or a CycloneDX 1.6 VEX document.
#[utoipa::path(get, path = "/api/v1/exposures/export", tag = "exposure", params(ExposureQuery),
    responses((status = 200, body = String), (status = 422, body = crate::error::ErrorBody),
        (status = 503, body = crate::error::ErrorBody, description = "busy: retry after Retry-After seconds")))]
pub async fn export(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<ExposureQuery>,
) -> ApiResult<Response> {
    let format = q.format.as_deref().unwrap_or("csv");
    let format = ExportFormat::parse(format).ok_or_else(|| {
        ApiError::unprocessable(
            "format",
            format!("'{format}' is not an export format (csv, json, cyclonedx)"),
        )
    })?;
    let body = s.app.export_exposures(&actor, &q.filter(), format).await?;
    Ok((
        [
            (header::CONTENT_TYPE, format.content_type().to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", format.file_name()),
            ),
        ],
        body,
    )
        .into_response())
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct UnsupportedQuery {
    /// Only this organisation and those beneath it.
    pub org: Option<OrgId>,
    /// Only this asset.
    pub asset: Option<AssetId>,
    #[serde(default)]
    pub offset: u64,
    pub limit: Option<u32>,
}

/// Assets running software past its end of security support, longest-unsupported first.
#[utoipa::path(get, path = "/api/v1/exposures/unsupported", tag = "exposure", params(UnsupportedQuery),
    responses((status = 200, body = Page<UnsupportedRow>)))]
pub async fn unsupported(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<UnsupportedQuery>,
) -> ApiResult<Json<Page<UnsupportedRow>>> {
    Ok(Json(
        s.app
            .list_unsupported(&actor, q.org, q.asset, page(q.offset, q.limit))
            .await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct SummaryQuery {
    /// Only this organisation and those beneath it.
    pub org: Option<OrgId>,
    /// How many advisories to rank (1-100, default 10).
    pub top: Option<usize>,
}

/// Totals for the caller's footprint and the advisories that matter most to it.
#[utoipa::path(get, path = "/api/v1/exposures/summary", tag = "exposure", params(SummaryQuery),
    responses((status = 200, body = ExposureSummary)))]
pub async fn summary(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<SummaryQuery>,
) -> ApiResult<Json<ExposureSummary>> {
    Ok(Json(
        s.app.exposure_summary(&actor, q.org, q.top.unwrap_or(10)).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AdvisoryIndexQuery {
    /// An identifier, alias, common name (`Log4Shell`) or words of the summary.
    pub q: Option<String>,
    /// Only advisories in CISA's known-exploited catalogue.
    #[serde(default)]
    pub kev: bool,
    /// Only those known to be used in ransomware campaigns.
    #[serde(default)]
    pub ransomware: bool,
    /// Only those with an open exposure on an internet-facing asset.
    #[serde(default)]
    pub internet_facing: bool,
    /// Only those with an open exposure on unsupported (end-of-life) software.
    #[serde(default)]
    pub unsupported: bool,
    /// Only this organisation and those beneath it.
    pub org: Option<OrgId>,
    #[serde(default)]
    pub offset: u64,
    pub limit: Option<u32>,
}

/// The advisories with open exposure in the caller's footprint, ranked by how many organisations
/// are exposed, then by patient-critical services depending on exposed assets, then priority.
#[utoipa::path(get, path = "/api/v1/advisories", tag = "exposure", params(AdvisoryIndexQuery),
    responses((status = 200, body = Page<AdvisoryLine>)))]
pub async fn advisory_index(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<AdvisoryIndexQuery>,
) -> ApiResult<Json<Page<AdvisoryLine>>> {
    let query = AdvisoryQuery {
        q: q.q,
        kev: q.kev,
        ransomware: q.ransomware,
        internet_facing: q.internet_facing,
        unsupported: q.unsupported,
        org: q.org,
    };
    Ok(Json(
        s.app
            .advisory_index(&actor, &query, page(q.offset, q.limit))
            .await?,
    ))
}

/// Who is exposed to one advisory (by id or alias), organisation by organisation, within the
/// caller's footprint.
#[utoipa::path(get, path = "/api/v1/advisories/{id}/exposure", tag = "exposure", params(("id" = String, Path)),
    responses((status = 200, body = AdvisoryExposure), (status = 404, body = crate::error::ErrorBody)))]
pub async fn advisory(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<Json<AdvisoryExposure>> {
    Ok(Json(s.app.advisory_exposure(&actor, &id).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct VexQuery {
    /// The vulnerability id or alias.
    pub vulnerability: String,
}

/// VEX statements about a vulnerability: from feeds, and from organisations in the caller's scope.
#[utoipa::path(get, path = "/api/v1/vex", tag = "exposure", params(VexQuery),
    responses((status = 200, body = [Object])))]
pub async fn list_vex(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<VexQuery>,
) -> ApiResult<Json<Vec<StoredVex>>> {
    Ok(Json(s.app.vex_statements(&actor, &q.vulnerability).await?))
}

/// An organisation's statement about its own assets (replaces its earlier one on the same
/// vulnerability and software). The match underneath is kept.
#[utoipa::path(post, path = "/api/v1/vex", tag = "exposure", request_body = VexInput,
    responses((status = 200, body = Object), (status = 422, body = crate::error::ErrorBody)))]
pub async fn state_vex(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(input): ApiJson<VexInput>,
) -> ApiResult<Json<VulnCounts>> {
    Ok(Json(s.app.state_vex(&actor, &input).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct SbomQuery {
    /// The file name, for messages (and to tell XML from JSON).
    pub file: Option<String>,
}

/// Upload a CycloneDX (JSON or XML) or SPDX 2.3 (JSON or YAML) SBOM, plain or gzip, as the asset's
/// software list (replacing its earlier SBOM's components; other software stays). Write access to the
/// asset is checked before the body is read; nothing but SBOM formats is parsed, within limits on the
/// expanded size (413) and time (503), and at most `max_concurrent_heavy_requests` uploads, imports
/// and exports run at once (503 with Retry-After).
#[utoipa::path(post, path = "/api/v1/assets/{id}/sbom", tag = "inventory",
    params(("id" = String, Path), SbomQuery),
    request_body(content = String, content_type = "application/vnd.cyclonedx+json"),
    responses((status = 200, body = SbomUploadSummary), (status = 422, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody), (status = 413, body = crate::error::ErrorBody), (status = 503, body = crate::error::ErrorBody, description = "busy (Retry-After) or the parse deadline passed")))]
pub async fn upload_sbom(
    State(s): State<AppState>,
    ApiUploader(actor, _): ApiUploader<InventoryUpload>,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<SbomQuery>,
    body: Bytes,
) -> ApiResult<Json<SbomUploadSummary>> {
    let id: AssetId = id
        .parse()
        .map_err(|_| ApiError::unprocessable("id", "not a valid identifier"))?;
    let file = q.file.unwrap_or_else(|| "sbom.json".to_owned());
    Ok(Json(s.app.upload_sbom(&actor, id, &file, body).await?))
}
