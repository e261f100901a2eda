//! Blast radius: what losing a supplier, a product, an organisation or a service would stop or
//! degrade, within the caller's footprint (`ward_app::impact`).

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use ward_app::impact::{ImpactQuery, ImpactView};

use crate::auth::ApiActor;
use crate::error::{ApiQuery, ApiResult};
use crate::state::AppState;

/// What to lose: exactly one of the four.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ImpactParams {
    /// A supplier, by name or ODS code.
    pub supplier: Option<String>,
    /// A product, by CPE (vendor and product; any version) or identifier.
    pub product: Option<String>,
    /// An organisation, by ODS code or identifier.
    pub org: Option<String>,
    /// A service, by identifier.
    pub service: Option<String>,
}

/// The blast radius of losing a supplier, a product, an organisation or a service: the
/// organisations and services that stop or degrade, patients and appointments per day, the worst
/// NPSA consequence and concentration by region. National roles see the sector; everyone else
/// their footprint, with services affected elsewhere only counted.
#[utoipa::path(get, path = "/api/v1/impact", tag = "impact", params(ImpactParams),
    responses((status = 200, description = "the blast radius: counts (organisations, services, patients_per_day, ...) then the lists"),
        (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn blast_radius(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<ImpactParams>,
) -> ApiResult<Json<ImpactView>> {
    let query = ImpactQuery::from_parts(q.supplier, q.product, q.org, q.service)?;
    Ok(Json(s.app.impact(&actor, &query).await?))
}
