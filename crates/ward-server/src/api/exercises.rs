//! Exercises: the scenario library, planning, the facilitator console (status, injects, responses
//! and decisions), the debrief and tracked actions; participants added to a planned exercise, and
//! the exercises a person takes part in; participants removed or given another role, and a
//! participant's own injects and responses.

use axum::Json;
use axum::extract::{Path, State};
use ward_app::exercise_injects::{MyInjects, ResponseInput};
use ward_app::exercise_participants::RoleChange;
use ward_app::exercises::{
    ActionView, EntryView, ExercisePage, ExerciseQuery, ExerciseView, InjectView, StatusChange,
};
use ward_core::exercise::{ActionInput, Debrief, EntryInput, ExercisePlan, Participant, Scenario};
use ward_core::{ExerciseActionId, ExerciseId};

use crate::auth::ApiActor;
use crate::error::{ApiError, ApiJson, ApiQuery, ApiResult};
use crate::state::AppState;

fn exercise_id(id: &str) -> Result<ExerciseId, ApiError> {
    id.parse()
        .map_err(|_| ApiError::unprocessable("id", "not a valid identifier"))
}

fn inject_number(n: &str) -> Result<u32, ApiError> {
    n.parse()
        .map_err(|_| ApiError::unprocessable("number", "an inject is named by its number, from 1"))
}

/// The built-in scenario library: objectives, roles and injects of each.
#[utoipa::path(get, path = "/api/v1/exercises/scenarios", tag = "exercises",
    responses((status = 200, body = Vec<Scenario>), (status = 403, body = crate::error::ErrorBody)))]
pub async fn scenarios(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
) -> ApiResult<Json<Vec<Scenario>>> {
    Ok(Json(s.app.exercise_scenarios(&actor)?))
}

/// The exercises in your footprint, latest planned first. `status=completed&completed_since=` with
/// `org=` lists the evidence for CAF D1.c.
#[utoipa::path(get, path = "/api/v1/exercises", tag = "exercises", params(ExerciseQuery),
    responses((status = 200, body = Vec<ExerciseView>), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody, description = "an organisation outside your footprint")))]
pub async fn list(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<ExerciseQuery>,
) -> ApiResult<Json<Vec<ExerciseView>>> {
    Ok(Json(s.app.exercises(&actor, &q).await?))
}

/// Plan an exercise from a scenario for organisations in your footprint.
#[utoipa::path(post, path = "/api/v1/exercises", tag = "exercises", request_body = ExercisePlan,
    responses((status = 200, body = ExerciseView), (status = 422, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn plan(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(b): ApiJson<ExercisePlan>,
) -> ApiResult<Json<ExerciseView>> {
    Ok(Json(s.app.plan_exercise(&actor, b).await?))
}

/// One exercise: its scenario, each inject (released or not) with its responses and decisions,
/// the debrief and the actions.
#[utoipa::path(get, path = "/api/v1/exercises/{id}", tag = "exercises", params(("id" = String, Path)),
    responses((status = 200, body = ExercisePage), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<Json<ExercisePage>> {
    Ok(Json(s.app.exercise(&actor, exercise_id(&id)?).await?))
}

/// Start (`running`) or complete (`completed`) an exercise.
#[utoipa::path(post, path = "/api/v1/exercises/{id}/status", tag = "exercises",
    params(("id" = String, Path)), request_body = StatusChange,
    responses((status = 200, body = ExerciseView), (status = 404, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody)))]
pub async fn status(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<StatusChange>,
) -> ApiResult<Json<ExerciseView>> {
    Ok(Json(
        s.app.move_exercise(&actor, exercise_id(&id)?, b.status).await?,
    ))
}

/// Release an inject of a running exercise (once), stamped now.
#[utoipa::path(post, path = "/api/v1/exercises/{id}/injects/{number}/release", tag = "exercises",
    params(("id" = String, Path), ("number" = u32, Path)),
    responses((status = 200, body = InjectView), (status = 404, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn release(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, number)): Path<(String, String)>,
) -> ApiResult<Json<InjectView>> {
    Ok(Json(
        s.app
            .release_inject(&actor, exercise_id(&id)?, inject_number(&number)?)
            .await?,
    ))
}

/// Record a response or decision against a released inject, stamped now, by you.
#[utoipa::path(post, path = "/api/v1/exercises/{id}/injects/{number}/entries", tag = "exercises",
    params(("id" = String, Path), ("number" = u32, Path)), request_body = EntryInput,
    responses((status = 200, body = EntryView), (status = 404, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn record(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, number)): Path<(String, String)>,
    ApiJson(b): ApiJson<EntryInput>,
) -> ApiResult<Json<EntryView>> {
    Ok(Json(
        s.app
            .record_exercise_entry(&actor, exercise_id(&id)?, inject_number(&number)?, b)
            .await?,
    ))
}

/// Write the debrief of a completed exercise: what went well, what to improve.
#[utoipa::path(put, path = "/api/v1/exercises/{id}/debrief", tag = "exercises",
    params(("id" = String, Path)), request_body = Debrief,
    responses((status = 200, body = ExerciseView), (status = 404, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody)))]
pub async fn debrief(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<Debrief>,
) -> ApiResult<Json<ExerciseView>> {
    Ok(Json(s.app.debrief_exercise(&actor, exercise_id(&id)?, b).await?))
}

/// Add a tracked action from a completed exercise's lessons (owner and due date required); link a
/// risk of its organisation with `risk`, or raise one with `raise_risk`.
#[utoipa::path(post, path = "/api/v1/exercises/{id}/actions", tag = "exercises",
    params(("id" = String, Path)), request_body = ActionInput,
    responses((status = 200, body = ActionView), (status = 404, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn add_action(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ActionInput>,
) -> ApiResult<Json<ActionView>> {
    Ok(Json(
        s.app.add_exercise_action(&actor, exercise_id(&id)?, b).await?,
    ))
}

/// Replace an action (its status as it progresses, its owner, due date or linked risk).
#[utoipa::path(put, path = "/api/v1/exercises/{id}/actions/{action}", tag = "exercises",
    params(("id" = String, Path), ("action" = String, Path)), request_body = ActionInput,
    responses((status = 200, body = ActionView), (status = 404, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn update_action(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, action)): Path<(String, String)>,
    ApiJson(b): ApiJson<ActionInput>,
) -> ApiResult<Json<ActionView>> {
    let action: ExerciseActionId = action
        .parse()
        .map_err(|_| ApiError::unprocessable("action", "not a valid identifier"))?;
    Ok(Json(
        s.app
            .update_exercise_action(&actor, exercise_id(&id)?, action, b)
            .await?,
    ))
}

/// Add a participant to a planned exercise you run: an account of an organisation taking part
/// (`account`; its name is the account's when `name` is empty) or a guest by `name`.
#[utoipa::path(post, path = "/api/v1/exercises/{id}/participants", tag = "exercises",
    params(("id" = String, Path)), request_body = Participant,
    responses((status = 200, body = ExerciseView), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn add_participant(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<Participant>,
) -> ApiResult<Json<ExerciseView>> {
    Ok(Json(
        s.app
            .add_exercise_participant(&actor, exercise_id(&id)?, b)
            .await?,
    ))
}

/// The exercises you take part in with your account (planned, running or completed), latest
/// planned first; you read each of them as a participant.
#[utoipa::path(get, path = "/api/v1/exercises/taking-part", tag = "exercises",
    responses((status = 200, body = Vec<ExerciseView>)))]
pub async fn taking_part(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
) -> ApiResult<Json<Vec<ExerciseView>>> {
    Ok(Json(s.app.exercises_taking_part(&actor).await?))
}

fn participant_number(n: &str) -> Result<u32, ApiError> {
    n.parse().map_err(|_| {
        ApiError::unprocessable(
            "number",
            "a participant is named by its number (`number` in the exercise's participants)",
        )
    })
}

/// Remove a participant from an exercise you run (planned or running; a completed exercise's
/// record is evidence and keeps who took part).
#[utoipa::path(delete, path = "/api/v1/exercises/{id}/participants/{number}", tag = "exercises",
    params(("id" = String, Path), ("number" = u32, Path)),
    responses((status = 200, body = ExerciseView), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn remove_participant(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, number)): Path<(String, String)>,
) -> ApiResult<Json<ExerciseView>> {
    Ok(Json(
        s.app
            .remove_exercise_participant(&actor, exercise_id(&id)?, participant_number(&number)?)
            .await?,
    ))
}

/// Give a participant of an exercise you run another role of its scenario (planned or running).
#[utoipa::path(patch, path = "/api/v1/exercises/{id}/participants/{number}", tag = "exercises",
    params(("id" = String, Path), ("number" = u32, Path)), request_body = RoleChange,
    responses((status = 200, body = ExerciseView), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn set_participant_role(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, number)): Path<(String, String)>,
    ApiJson(b): ApiJson<RoleChange>,
) -> ApiResult<Json<ExerciseView>> {
    Ok(Json(
        s.app
            .set_exercise_participant_role(&actor, exercise_id(&id)?, participant_number(&number)?, b.role)
            .await?,
    ))
}

/// The injects released to the role you play in an exercise you take part in with your account,
/// with your responses; the expected action is shown once the exercise is completed.
#[utoipa::path(get, path = "/api/v1/exercises/{id}/my-injects", tag = "exercises",
    params(("id" = String, Path)),
    responses((status = 200, body = MyInjects), (status = 404, body = crate::error::ErrorBody)))]
pub async fn my_injects(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<Json<MyInjects>> {
    Ok(Json(s.app.my_injects(&actor, exercise_id(&id)?).await?))
}

/// Record your response to an inject released to the role you play, stamped now (while the
/// exercise runs); it appears on the facilitator console.
#[utoipa::path(post, path = "/api/v1/exercises/{id}/my-injects/{number}/responses", tag = "exercises",
    params(("id" = String, Path), ("number" = u32, Path)), request_body = ResponseInput,
    responses((status = 200, body = EntryView), (status = 404, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn respond(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, number)): Path<(String, String)>,
    ApiJson(b): ApiJson<ResponseInput>,
) -> ApiResult<Json<EntryView>> {
    Ok(Json(
        s.app
            .respond_to_inject(&actor, exercise_id(&id)?, inject_number(&number)?, b)
            .await?,
    ))
}
