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
    /// An action (`user.create`) or every action on an entity (`user`).
    pub action: Option<String>,
    /// Who acted: `user:<id>` or `token:<id>`.
    pub actor: Option<String>,
    /// The first day (`2026-12-07`, UTC), included.
    pub from: Option<String>,
    /// The last day, included.
    pub to: Option<String>,
}

/// Audit records about organisations in your footprint, newest first; optionally only one
/// action or entity, one actor, or the days between `from` and `to`.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditQuery),
    responses((status = 200, body = Page<AuditRecord>)))]
pub async fn list(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> ApiResult<Json<Page<AuditRecord>>> {
    let filter = ward_app::audit::audit_filter(
        q.action.as_deref(),
        q.actor.as_deref(),
        q.from.as_deref(),
        q.to.as_deref(),
    )?;
    Ok(Json(
        s.app.audit_log(&actor, &filter, page(q.offset, q.limit)).await?,
    ))
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
