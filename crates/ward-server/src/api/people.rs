//! People (training requirements, training records and completion, accountable board members)
//! and the small care provider questionnaire.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use serde::Deserialize;
use ward_app::assurance::assessments::AssessmentView;
use ward_app::assurance::questionnaire::{NewQuestionnaire, QuestionnaireView};
use ward_app::people::{RequirementInput, TrainingFigures, TrainingImported, TrainingRollup};
use ward_core::questionnaire::QuestionAnswer;
use ward_core::training::{BoardMember, NewBoardMember, Requirement};
use ward_core::{AssessmentId, BoardMemberId, OrgId};

use crate::auth::{ApiActor, ApiUploader, UploadGate};
use crate::error::{ApiError, ApiJson, ApiQuery, ApiResult};
use crate::state::AppState;

/// Uploads of training records.
#[derive(Debug)]
pub struct TrainingUpload;
impl UploadGate for TrainingUpload {
    const ACTION: ward_app::authz::Action = ward_app::authz::Action::WritePeople;
}

fn parse_id<T: std::str::FromStr>(id: &str) -> Result<T, ApiError> {
    id.parse()
        .map_err(|_| ApiError::unprocessable("id", "not a valid identifier"))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct OrgQuery {
    /// The organisation.
    pub org: OrgId,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ImportQuery {
    /// The organisation whose training record the file replaces.
    pub org: OrgId,
    /// The file's name, used in error messages.
    pub file: Option<String>,
}

/// One answer to a question.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerBody {
    pub answer: QuestionAnswer,
}

/// The training each role must complete every 12 months.
#[utoipa::path(get, path = "/api/v1/training/requirements", tag = "people",
    responses((status = 200, body = Vec<Requirement>), (status = 403, body = crate::error::ErrorBody)))]
pub async fn requirements(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
) -> ApiResult<Json<Vec<Requirement>>> {
    Ok(Json(s.app.training_requirements(&actor).await?))
}

/// Add, change or withdraw (`"active": false`) a requirement (national team).
#[utoipa::path(put, path = "/api/v1/training/requirements", tag = "people", request_body = RequirementInput,
    responses((status = 200, body = Vec<Requirement>), (status = 422, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody)))]
pub async fn put_requirement(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(b): ApiJson<RequirementInput>,
) -> ApiResult<Json<Vec<Requirement>>> {
    Ok(Json(s.app.put_training_requirement(&actor, b).await?))
}

/// Replace an organisation's training record with a CSV file (`person_ref,role,course,completed_on`;
/// all or nothing, every bad cell named by line and column).
#[utoipa::path(post, path = "/api/v1/training/import", tag = "people", params(ImportQuery),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = TrainingImported), (status = 422, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
        (status = 413, body = crate::error::ErrorBody), (status = 503, body = crate::error::ErrorBody)))]
pub async fn import(
    State(s): State<AppState>,
    ApiUploader(actor, _): ApiUploader<TrainingUpload>,
    ApiQuery(q): ApiQuery<ImportQuery>,
    body: Bytes,
) -> ApiResult<Json<TrainingImported>> {
    let file = q.file.unwrap_or_else(|| "upload.csv".to_owned());
    Ok(Json(
        s.app.import_training_file(&actor, q.org, &file, body).await?,
    ))
}

/// An organisation's training completion per role and required course.
#[utoipa::path(get, path = "/api/v1/training", tag = "people", params(OrgQuery),
    responses((status = 200, body = TrainingFigures), (status = 404, body = crate::error::ErrorBody)))]
pub async fn completion(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<OrgQuery>,
) -> ApiResult<Json<TrainingFigures>> {
    Ok(Json(s.app.training_completion(&actor, q.org).await?))
}

/// Completion per organisation, ICB, region and nation over your footprint (counts that add up).
#[utoipa::path(get, path = "/api/v1/training/rollup", tag = "people",
    responses((status = 200, body = TrainingRollup), (status = 403, body = crate::error::ErrorBody)))]
pub async fn rollup(State(s): State<AppState>, ApiActor(actor): ApiActor) -> ApiResult<Json<TrainingRollup>> {
    Ok(Json(s.app.training_rollup(&actor).await?))
}

/// The board members named as accountable for an organisation's cyber security.
#[utoipa::path(get, path = "/api/v1/board", tag = "people", params(OrgQuery),
    responses((status = 200, body = Vec<BoardMember>), (status = 404, body = crate::error::ErrorBody)))]
pub async fn board(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<OrgQuery>,
) -> ApiResult<Json<Vec<BoardMember>>> {
    Ok(Json(s.app.board_members(&actor, q.org).await?))
}

/// Name a board member accountable for cyber security (the organisation's admins).
#[utoipa::path(post, path = "/api/v1/board", tag = "people", request_body = NewBoardMember,
    responses((status = 200, body = BoardMember), (status = 422, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn add_board_member(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(b): ApiJson<NewBoardMember>,
) -> ApiResult<Json<BoardMember>> {
    Ok(Json(s.app.add_board_member(&actor, b).await?))
}

/// Remove a named board member (the organisation's admins).
#[utoipa::path(delete, path = "/api/v1/board/{id}", tag = "people", params(("id" = String, Path)),
    responses((status = 200, body = BoardMember), (status = 404, body = crate::error::ErrorBody)))]
pub async fn remove_board_member(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<Json<BoardMember>> {
    let id: BoardMemberId = parse_id(&id)?;
    Ok(Json(s.app.remove_board_member(&actor, id).await?))
}

/// Start the small care provider questionnaire: a draft assessment of NCSC CAF 4.0 for the year.
#[utoipa::path(post, path = "/api/v1/questionnaires", tag = "assurance", request_body = NewQuestionnaire,
    responses((status = 200, body = QuestionnaireView), (status = 409, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn start_questionnaire(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(b): ApiJson<NewQuestionnaire>,
) -> ApiResult<Json<QuestionnaireView>> {
    Ok(Json(s.app.start_questionnaire(&actor, b).await?))
}

/// The questionnaire with its answers so far, each question's outcome status and progress.
#[utoipa::path(get, path = "/api/v1/questionnaires/{id}", tag = "assurance", params(("id" = String, Path)),
    responses((status = 200, body = QuestionnaireView), (status = 404, body = crate::error::ErrorBody)))]
pub async fn questionnaire(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<Json<QuestionnaireView>> {
    let id: AssessmentId = parse_id(&id)?;
    Ok(Json(s.app.questionnaire(&actor, id).await?))
}

/// Save one answer (`yes`, `partly` or `no`) on its own.
#[utoipa::path(put, path = "/api/v1/questionnaires/{id}/answers/{question}", tag = "assurance",
    params(("id" = String, Path), ("question" = String, Path)), request_body = AnswerBody,
    responses((status = 200, body = QuestionnaireView), (status = 404, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn answer(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, question)): Path<(String, String)>,
    ApiJson(b): ApiJson<AnswerBody>,
) -> ApiResult<Json<QuestionnaireView>> {
    let id: AssessmentId = parse_id(&id)?;
    Ok(Json(
        s.app.answer_question(&actor, id, &question, b.answer).await?,
    ))
}

/// Submit the questionnaire's assessment into the normal workflow (every question answered).
#[utoipa::path(post, path = "/api/v1/questionnaires/{id}/submit", tag = "assurance",
    params(("id" = String, Path)),
    responses((status = 200, body = AssessmentView), (status = 404, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn submit(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<Json<AssessmentView>> {
    let id: AssessmentId = parse_id(&id)?;
    Ok(Json(s.app.submit_questionnaire(&actor, id).await?))
}
