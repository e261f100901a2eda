//! Adding a participant to a planned exercise from its page: an account of an organisation taking
//! part, picked from a list, or a guest typed by name; through the same use case as
//! `POST /api/v1/exercises/{id}/participants`; whoever runs it changes a participant's role or
//! removes them from the list.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use ward_app::AppError;
use ward_core::ExerciseId;
use ward_core::exercise::Participant;

use super::{PageError, PageResult, Signed, WebForm};
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
pub(super) struct ParticipantForm {
    #[serde(default)]
    csrf: String,
    /// The account's id, or empty for a guest.
    #[serde(default)]
    account: String,
    /// The guest's name (an account's own name when empty).
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
}

/// `POST /exercises/{id}/participants`.
pub(super) async fn add(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<String>,
    WebForm(f): WebForm<ParticipantForm>,
) -> PageResult {
    s.check_csrf(&st, &f.csrf)?;
    let fail = s.fail();
    let id: ExerciseId = id.parse().map_err(|_| PageError::not_found(&s.chrome))?;
    let account = match f.account.trim() {
        "" => None,
        typed => Some(
            typed
                .parse()
                .map_err(|_| fail(AppError::invalid("account", "choose an account from the list")))?,
        ),
    };
    let role = f
        .role
        .parse()
        .map_err(|_| fail(AppError::invalid("role", "choose the role they play")))?;
    let participant = Participant {
        number: 0,
        name: f.name,
        role,
        account,
    };
    st.app
        .add_exercise_participant(&s.actor, id, participant)
        .await
        .map_err(&fail)?;
    Ok(Redirect::to(&format!("/exercises/{id}#participants")).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct RoleForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    role: String,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct RemoveForm {
    #[serde(default)]
    csrf: String,
}

fn ids(s: &Signed, id: &str, number: &str) -> Result<(ExerciseId, u32), PageError> {
    let id = id.parse().map_err(|_| PageError::not_found(&s.chrome))?;
    let number = number.parse().map_err(|_| PageError::not_found(&s.chrome))?;
    Ok((id, number))
}

/// `POST /exercises/{id}/participants/{number}/role`: through the same use case as
/// `PATCH /api/v1/exercises/{id}/participants/{number}`.
pub(super) async fn set_role(
    State(st): State<AppState>,
    s: Signed,
    Path((id, number)): Path<(String, String)>,
    WebForm(f): WebForm<RoleForm>,
) -> PageResult {
    s.check_csrf(&st, &f.csrf)?;
    let fail = s.fail();
    let (id, number) = ids(&s, &id, &number)?;
    let role = f
        .role
        .parse()
        .map_err(|_| fail(AppError::invalid("role", "choose the role they play")))?;
    st.app
        .set_exercise_participant_role(&s.actor, id, number, role)
        .await
        .map_err(&fail)?;
    Ok(Redirect::to(&format!("/exercises/{id}#participants")).into_response())
}

/// `POST /exercises/{id}/participants/{number}/remove`: through the same use case as
/// `DELETE /api/v1/exercises/{id}/participants/{number}`.
pub(super) async fn remove(
    State(st): State<AppState>,
    s: Signed,
    Path((id, number)): Path<(String, String)>,
    WebForm(f): WebForm<RemoveForm>,
) -> PageResult {
    s.check_csrf(&st, &f.csrf)?;
    let (id, number) = ids(&s, &id, &number)?;
    st.app
        .remove_exercise_participant(&s.actor, id, number)
        .await
        .map_err(s.fail())?;
    Ok(Redirect::to(&format!("/exercises/{id}#participants")).into_response())
}
