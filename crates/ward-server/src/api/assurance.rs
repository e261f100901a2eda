//! Assurance: frameworks (list, read one version, load a file: national roles) and assessments.

use std::collections::BTreeMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use serde::Deserialize;
use ward_app::assurance::FrameworkImported;
use ward_app::assurance::assessments::{AssessmentView, NewAssessment};
use ward_app::assurance::profiles::{ProfileDraft, ProfileImpact};
use ward_core::AssessmentId;
use ward_core::assurance::{Answer, AssessmentHead, AssessmentStatus, OutcomeNote, Profile, ProfileCategory};
use ward_store::assurance::FrameworkSummary;

use crate::auth::{ApiActor, ApiUploader, FrameworksUpload};
use crate::error::{ApiError, ApiJson, ApiQuery, ApiResult};
use crate::state::AppState;

/// Every loaded framework version.
#[utoipa::path(get, path = "/api/v1/frameworks", tag = "assurance",
    responses((status = 200, body = Vec<FrameworkSummary>), (status = 401, body = crate::error::ErrorBody)))]
pub async fn list(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
) -> ApiResult<Json<Vec<FrameworkSummary>>> {
    Ok(Json(s.app.frameworks(&actor).await?))
}

/// One loaded framework version whole: objectives, principles, outcomes and indicators.
#[utoipa::path(get, path = "/api/v1/frameworks/{id}/{version}", tag = "assurance",
    params(("id" = String, Path), ("version" = String, Path)),
    responses((status = 200, description = "the framework"), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, version)): Path<(String, String)>,
) -> ApiResult<Json<ward_core::assurance::Framework>> {
    Ok(Json(s.app.framework(&actor, &id, &version).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct FrameworkQuery {
    /// File name, used in messages (and for the version of a WebCAF file when `version` is absent).
    pub file: Option<String>,
    /// The framework's version, where the file does not say it.
    pub version: Option<String>,
}

/// Load a framework file (WebCAF or CISO Assistant YAML) from the request body. A broken file is
/// refused whole with every problem and its path.
#[utoipa::path(post, path = "/api/v1/frameworks", tag = "assurance", params(FrameworkQuery),
    request_body(content = String, content_type = "application/yaml"),
    responses((status = 200, body = FrameworkImported), (status = 422, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody), (status = 413, body = crate::error::ErrorBody),
        (status = 503, body = crate::error::ErrorBody, description = "busy (Retry-After) or the parse deadline passed")))]
pub async fn import(
    State(s): State<AppState>,
    ApiUploader(actor, _): ApiUploader<FrameworksUpload>,
    ApiQuery(q): ApiQuery<FrameworkQuery>,
    body: Bytes,
) -> ApiResult<Json<FrameworkImported>> {
    let file = q.file.unwrap_or_else(|| "upload.yaml".to_owned());
    Ok(Json(
        s.app
            .import_framework(&actor, &file, body.to_vec(), q.version)
            .await?,
    ))
}

fn assessment_id(id: &str) -> Result<AssessmentId, ApiError> {
    id.parse()
        .map_err(|_| ApiError::unprocessable("id", "not a valid identifier"))
}

/// The assessments in your footprint, newest first.
#[utoipa::path(get, path = "/api/v1/assessments", tag = "assurance",
    responses((status = 200, body = Vec<AssessmentHead>), (status = 401, body = crate::error::ErrorBody)))]
pub async fn list_assessments(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
) -> ApiResult<Json<Vec<AssessmentHead>>> {
    Ok(Json(s.app.assessments(&actor).await?))
}

/// Start a draft assessment of an organisation against a loaded framework version.
#[utoipa::path(post, path = "/api/v1/assessments", tag = "assurance", request_body = NewAssessment,
    responses((status = 200, body = AssessmentHead), (status = 409, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn start_assessment(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(b): ApiJson<NewAssessment>,
) -> ApiResult<Json<AssessmentHead>> {
    Ok(Json(s.app.start_assessment(&actor, b).await?))
}

/// One assessment: answers, outcome notes, and each outcome's derived and effective status.
#[utoipa::path(get, path = "/api/v1/assessments/{id}", tag = "assurance", params(("id" = String, Path)),
    responses((status = 200, body = AssessmentView), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get_assessment(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<Json<AssessmentView>> {
    Ok(Json(s.app.assessment(&actor, assessment_id(&id)?).await?))
}

/// Answers to record, by indicator identifier.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Answers {
    pub answers: BTreeMap<String, Answer>,
}

/// Record answers while the assessment is a draft (each replaces the indicator's earlier answer).
#[utoipa::path(put, path = "/api/v1/assessments/{id}/answers", tag = "assurance", params(("id" = String, Path)),
    request_body = Answers,
    responses((status = 200, body = AssessmentView), (status = 409, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn answer_assessment(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<Answers>,
) -> ApiResult<Json<AssessmentView>> {
    Ok(Json(
        s.app
            .answer_assessment(&actor, assessment_id(&id)?, b.answers)
            .await?,
    ))
}

/// Record an outcome's owner, or override its derived status with a justification.
#[utoipa::path(put, path = "/api/v1/assessments/{id}/outcomes/{outcome}", tag = "assurance",
    params(("id" = String, Path), ("outcome" = String, Path)), request_body = OutcomeNote,
    responses((status = 200, body = AssessmentView), (status = 409, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn note_outcome(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, outcome)): Path<(String, String)>,
    ApiJson(b): ApiJson<OutcomeNote>,
) -> ApiResult<Json<AssessmentView>> {
    Ok(Json(
        s.app
            .note_outcome(&actor, assessment_id(&id)?, &outcome, b)
            .await?,
    ))
}

/// Where to move an assessment.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Move {
    pub status: AssessmentStatus,
}

/// Move an assessment: submit (refused listing every unanswered indicator), return to draft, sign
/// off, publish.
#[utoipa::path(post, path = "/api/v1/assessments/{id}/status", tag = "assurance", params(("id" = String, Path)),
    request_body = Move,
    responses((status = 200, body = AssessmentView), (status = 409, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn move_assessment(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<Move>,
) -> ApiResult<Json<AssessmentView>> {
    Ok(Json(
        s.app
            .move_assessment(&actor, assessment_id(&id)?, b.status)
            .await?,
    ))
}

/// Every version of a profile (minimum standard), oldest first.
#[utoipa::path(get, path = "/api/v1/profiles/{framework}/{version}/{category}", tag = "assurance",
    params(("framework" = String, Path), ("version" = String, Path), ("category" = String, Path)),
    responses((status = 200, body = Vec<Profile>), (status = 422, body = crate::error::ErrorBody)))]
pub async fn profile_versions(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((framework, version, category)): Path<(String, String, String)>,
) -> ApiResult<Json<Vec<Profile>>> {
    let category: ProfileCategory = category
        .parse()
        .map_err(|_| ApiError::unprocessable("category", "not a profile category"))?;
    Ok(Json(
        s.app
            .profile_versions(&actor, &framework, &version, category)
            .await?,
    ))
}

/// What publishing a profile would change: the diff against the current version and how many
/// assessed organisations would fall below it. Nothing is stored.
#[utoipa::path(post, path = "/api/v1/profiles/preview", tag = "assurance", request_body = ProfileDraft,
    responses((status = 200, body = ProfileImpact), (status = 403, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn preview_profile(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(b): ApiJson<ProfileDraft>,
) -> ApiResult<Json<ProfileImpact>> {
    Ok(Json(s.app.preview_profile(&actor, b).await?))
}

/// Publish a profile as the next version (national roles; audited).
#[utoipa::path(post, path = "/api/v1/profiles", tag = "assurance", request_body = ProfileDraft,
    responses((status = 200, body = ProfileImpact), (status = 403, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn publish_profile(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(b): ApiJson<ProfileDraft>,
) -> ApiResult<Json<ProfileImpact>> {
    Ok(Json(s.app.publish_profile(&actor, b).await?))
}

/// Which framework version to carry an assessment into.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Carry {
    pub version: String,
}

/// A new draft carried into another version of the framework.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Carried {
    pub draft: AssessmentView,
    /// Earlier answers that did not carry (their outcome was removed or the statement changed).
    pub not_carried: Vec<String>,
}

/// Start a draft against another version of the framework (CAF 3.2 into 4.0), with the answers
/// whose outcome and statement carry.
#[utoipa::path(post, path = "/api/v1/assessments/{id}/carry", tag = "assurance", params(("id" = String, Path)),
    request_body = Carry,
    responses((status = 200, body = Carried), (status = 409, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn carry_assessment(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<Carry>,
) -> ApiResult<Json<Carried>> {
    let (draft, not_carried) = s
        .app
        .carry_assessment(&actor, assessment_id(&id)?, &b.version)
        .await?;
    Ok(Json(Carried { draft, not_carried }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    /// `csv` (the default) or `json`.
    pub format: Option<String>,
}

/// One assessment as CSV or JSON: a row per indicator answer and per outcome (derived status,
/// override, justification, target and shortfall). CSV cells that a spreadsheet would run as a
/// formula are prefixed with `'`.
#[utoipa::path(get, path = "/api/v1/assessments/{id}/export", tag = "assurance",
    params(("id" = String, Path), ExportQuery),
    responses((status = 200, body = String), (status = 404, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn export_assessment(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> ApiResult<axum::response::Response> {
    use axum::http::header;
    use axum::response::IntoResponse;
    use ward_app::assurance::export::AssessmentExportFormat;
    let id = assessment_id(&id)?;
    let name = q.format.as_deref().unwrap_or("csv");
    let format: AssessmentExportFormat = name.parse().map_err(|_| {
        ApiError::unprocessable("format", format!("'{name}' is not an export format (csv, json)"))
    })?;
    let body = s.app.export_assessment(&actor, id, format).await?;
    Ok((
        [
            (header::CONTENT_TYPE, format.content_type().to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"ward-assessment-{id}.{format}\""),
            ),
        ],
        body,
    )
        .into_response())
}

/// What Ward's own facts suggest beside the assessment's claims (CAF A3.a, A4.a, B4.d, B6.b,
/// D1.c), each suggestion with its facts and whether claim and facts disagree.
#[utoipa::path(get, path = "/api/v1/assessments/{id}/evidence", tag = "assurance", params(("id" = String, Path)),
    responses((status = 200, body = ward_app::assurance::evidence::EvidenceView),
        (status = 404, body = crate::error::ErrorBody)))]
pub async fn assessment_evidence(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<Json<ward_app::assurance::evidence::EvidenceView>> {
    Ok(Json(
        s.app.assessment_evidence(&actor, assessment_id(&id)?).await?,
    ))
}

/// Add an action to the assessment's improvement plan (owner, due date, the outcomes it
/// addresses).
#[utoipa::path(post, path = "/api/v1/assessments/{id}/plan/actions", tag = "assurance",
    params(("id" = String, Path)), request_body = ward_app::assurance::improvement::NewPlanAction,
    responses((status = 200, body = AssessmentView), (status = 404, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn add_plan_action(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ward_app::assurance::improvement::NewPlanAction>,
) -> ApiResult<Json<AssessmentView>> {
    Ok(Json(s.app.add_plan_action(&actor, assessment_id(&id)?, b).await?))
}

/// An improvement action's new status.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanActionUpdate {
    pub status: ward_core::assurance::improvement::PlanActionStatus,
}

/// Mark an improvement action open or done.
#[utoipa::path(put, path = "/api/v1/assessments/{id}/plan/actions/{action}", tag = "assurance",
    params(("id" = String, Path), ("action" = String, Path)), request_body = PlanActionUpdate,
    responses((status = 200, body = AssessmentView), (status = 404, body = crate::error::ErrorBody)))]
pub async fn update_plan_action(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, action)): Path<(String, String)>,
    ApiJson(b): ApiJson<PlanActionUpdate>,
) -> ApiResult<Json<AssessmentView>> {
    let action: ward_core::ImprovementActionId = action
        .parse()
        .map_err(|_| ApiError::unprocessable("action", "not a valid identifier"))?;
    Ok(Json(
        s.app
            .set_plan_action_status(&actor, assessment_id(&id)?, action, b.status)
            .await?,
    ))
}

/// Approve the assessment's improvement plan: Approaching Standards (a regional lead within its
/// region or the national team; never the organisation itself; audited).
#[utoipa::path(post, path = "/api/v1/assessments/{id}/plan/approve", tag = "assurance",
    params(("id" = String, Path)),
    responses((status = 200, body = AssessmentView), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn approve_plan(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<Json<AssessmentView>> {
    Ok(Json(s.app.approve_plan(&actor, assessment_id(&id)?).await?))
}

/// The organisations in your footprint whose latest assessment's claims disagree most with
/// Ward's facts, most first (national team; regional leads within their region).
#[utoipa::path(get, path = "/api/v1/assurance/disagreements", tag = "assurance",
    responses((status = 200, body = Vec<ward_app::assurance::evidence::DisagreementRow>),
        (status = 403, body = crate::error::ErrorBody)))]
pub async fn disagreements(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
) -> ApiResult<Json<Vec<ward_app::assurance::evidence::DisagreementRow>>> {
    Ok(Json(s.app.claim_disagreements(&actor).await?))
}
