//! The audit trail.

use super::orgs::page;
use crate::auth::ApiActor;
use crate::error::{ApiQuery, ApiResult};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use ward_core::audit::AuditRecord;
use ward_store::Page;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    #[serde(default)]
    pub offset: u64,
    pub limit: Option<u32>,
}

/// Audit records about organisations in your footprint, newest first.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditQuery),
    responses((status = 200, body = Page<AuditRecord>)))]
pub async fn list(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> ApiResult<Json<Page<AuditRecord>>> {
    Ok(Json(s.app.audit_log(&actor, page(q.offset, q.limit)).await?))
}

/// Check the whole hash chain (national team).
#[utoipa::path(post, path = "/api/v1/audit/verify", tag = "audit",
    responses((status = 200, body = Object)))]
pub async fn verify(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
) -> ApiResult<Json<serde_json::Value>> {
    let r = s.app.verify_audit(&actor).await?;
    Ok(Json(serde_json::json!({
        "checked": r.checked,
        "intact": r.first_break.is_none(),
        "first_break": r.first_break,
        "first_break_seq": r.first_break_seq,
    })))
}
