//! Exercise participants as accounts. A planner names participants either as accounts of the
//! organisations taking part (an enabled account holding a grant on one of them) or as guests
//! known only by name. A participant with an account reads the exercise it takes part in (the
//! page and `GET /api/v1/exercises/{id}`, never the console's writes) while the exercise is
//! planned, running or completed (the debrief), even where no role of theirs would show it; the
//! exercises a person takes part in are listed for them.
//!
//! Whoever runs the exercise removes a participant or gives one another role, by the
//! participant's number, until the exercise is completed: a debriefed record is evidence (CAF
//! D1.c) and keeps who took part as they played. A participant reading the exercise only as a
//! participant sees the injects released to the role they play (see
//! [`crate::exercise_injects`]).

use std::collections::BTreeMap;

use serde::Serialize;
use ward_core::exercise::{Exercise, ExerciseRole, ExerciseStatus, Participant};
use ward_core::{ExerciseId, OrgId, UserId};
use ward_store::exercises::ExerciseRecord;
use ward_store::{Scope, StoreError};

use crate::App;
use crate::actor::Actor;
use crate::authz::{Action, authorise};
use crate::error::{AppError, AppResult};
use crate::exercises::ExerciseView;

/// How the caller reads an exercise: as one who may run it (everything), through their role's
/// footprint without running it (the injects released so far, as players see them: a member of
/// staff who may be asked to play does not read the script ahead), or only as a participant
/// playing a role (the injects released to that role).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ReadAs {
    Footprint,
    Observer,
    Participant(ExerciseRole),
}

/// A participant's new role.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleChange {
    pub role: ExerciseRole,
}

/// An account that may take part in an exercise, by name.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ParticipantChoice {
    pub id: UserId,
    pub display_name: String,
}

/// Whether a participant reads an exercise in this status: planned, running and completed (when
/// it is debriefed). Written as a match so that a status added later is not read by default.
fn participant_reads(status: ExerciseStatus) -> bool {
    match status {
        ExerciseStatus::Planned | ExerciseStatus::Running | ExerciseStatus::Completed => true,
    }
}

/// The role the signed-in person plays in `exercise` with their account, if any.
pub(crate) fn playing(actor: &Actor, exercise: &Exercise) -> Option<ExerciseRole> {
    let me = actor.user_id()?;
    exercise
        .participants
        .iter()
        .find(|p| p.account == Some(me))
        .map(|p| p.role)
}

impl App {
    /// The enabled accounts holding a grant on one of `orgs`, with their names.
    async fn members_of(&self, orgs: &[OrgId]) -> AppResult<BTreeMap<UserId, String>> {
        let users = self.store().list_users(&Scope::Orgs(orgs.to_vec())).await?;
        Ok(users
            .into_iter()
            .filter(|u| !u.disabled)
            .map(|u| (u.id, u.display_name))
            .collect())
    }

    /// Check the accounts of participants against the organisations taking part, giving an
    /// account with no name its display name; `field(i)` names participant `i` in a refusal.
    pub(crate) async fn check_participant_accounts(
        &self,
        orgs: &[OrgId],
        participants: &mut [Participant],
        field: impl Fn(usize) -> String,
    ) -> AppResult<()> {
        if participants.iter().all(|p| p.account.is_none()) {
            return Ok(());
        }
        let members = self.members_of(orgs).await?;
        for (i, p) in participants.iter_mut().enumerate() {
            let Some(account) = p.account else { continue };
            let Some(name) = members.get(&account) else {
                return Err(AppError::invalid(
                    field(i),
                    "must be an enabled account of an organisation taking part",
                ));
            };
            if p.name.trim().is_empty() {
                p.name.clone_from(name);
            }
        }
        Ok(())
    }

    /// The accounts that may take part in an exercise the caller runs, by name.
    pub async fn participant_choices(
        &self,
        actor: &Actor,
        id: ExerciseId,
    ) -> AppResult<Vec<ParticipantChoice>> {
        let scope = authorise(actor, Action::WriteExercises, self.now())?;
        let exercise = self.store().get_exercise(&scope, id).await?;
        let mut out: Vec<ParticipantChoice> = self
            .members_of(&exercise.orgs)
            .await?
            .into_iter()
            .map(|(id, display_name)| ParticipantChoice { id, display_name })
            .collect();
        out.sort_by(|a, b| a.display_name.cmp(&b.display_name).then(a.id.cmp(&b.id)));
        Ok(out)
    }

    /// Add a participant (an account of an organisation taking part, or a guest by name) to a
    /// planned exercise the caller runs.
    pub async fn add_exercise_participant(
        &self,
        actor: &Actor,
        id: ExerciseId,
        participant: Participant,
    ) -> AppResult<ExerciseView> {
        let now = self.now();
        let scope = authorise(actor, Action::WriteExercises, now)?;
        let exercise = self.store().get_exercise(&scope, id).await?;
        let roles = exercise.scenario.scenario().roles;
        let mut participant = participant
            .checked(Some(roles.as_slice()), &exercise.participants)
            .map_err(crate::incidents::invalid)?;
        self.check_participant_accounts(&exercise.orgs, std::slice::from_mut(&mut participant), |_| {
            "account".to_owned()
        })
        .await?;
        let after = self
            .store()
            .add_exercise_participant(&scope, id, &participant, &actor.audit(now))
            .await
            .map_err(crate::exercises::refused)?;
        Ok(self.exercise_views(vec![after]).await?.remove(0))
    }

    /// Remove participant `number` from an exercise the caller runs (planned or running).
    pub async fn remove_exercise_participant(
        &self,
        actor: &Actor,
        id: ExerciseId,
        number: u32,
    ) -> AppResult<ExerciseView> {
        let now = self.now();
        let scope = authorise(actor, Action::WriteExercises, now)?;
        let after = self
            .store()
            .remove_exercise_participant(&scope, id, number, &actor.audit(now))
            .await
            .map_err(crate::exercises::refused)?;
        Ok(self.exercise_views(vec![after]).await?.remove(0))
    }

    /// Give participant `number` of an exercise the caller runs another role of its scenario.
    pub async fn set_exercise_participant_role(
        &self,
        actor: &Actor,
        id: ExerciseId,
        number: u32,
        role: ExerciseRole,
    ) -> AppResult<ExerciseView> {
        let now = self.now();
        let scope = authorise(actor, Action::WriteExercises, now)?;
        let after = self
            .store()
            .set_exercise_participant_role(&scope, id, number, role, &actor.audit(now))
            .await
            .map_err(crate::exercises::refused)?;
        Ok(self.exercise_views(vec![after]).await?.remove(0))
    }

    /// The exercises the signed-in person takes part in with their account and may read as a
    /// participant, latest planned first (none for a token).
    pub async fn exercises_taking_part(&self, actor: &Actor) -> AppResult<Vec<ExerciseView>> {
        let Some(me) = actor.user_id() else {
            return Ok(Vec::new());
        };
        let found: Vec<Exercise> = self
            .store()
            .exercises_taken_part(me)
            .await?
            .into_iter()
            .filter(|e| participant_reads(e.status))
            .collect();
        self.exercise_views(found).await
    }

    /// The record of an exercise the caller reads: through their role's footprint, or else as a
    /// participant. Anyone else gets the refusal their role gives (forbidden without the role,
    /// not found outside the footprint).
    pub(crate) async fn readable_exercise(
        &self,
        actor: &Actor,
        id: ExerciseId,
    ) -> AppResult<(ExerciseRecord, ReadAs)> {
        let refusal = match authorise(actor, Action::ReadExercises, self.now()) {
            Ok(scope) => match self.store().exercise_record(&scope, id).await {
                Err(e @ (StoreError::NotFound { .. } | StoreError::Forbidden { .. })) => AppError::from(e),
                other => return Ok((other?, ReadAs::Footprint)),
            },
            Err(e) => e,
        };
        if self.takes_part(actor, id).await? {
            let record = self.store().exercise_record(&Scope::All, id).await?;
            if let Some(role) = playing(actor, &record.exercise) {
                return Ok((record, ReadAs::Participant(role)));
            }
        }
        Err(refusal)
    }

    /// Whether the signed-in person takes part in exercise `id` and may read it as a participant.
    pub(crate) async fn takes_part(&self, actor: &Actor, id: ExerciseId) -> AppResult<bool> {
        let Some(me) = actor.user_id() else {
            return Ok(false);
        };
        Ok(self
            .store()
            .exercises_taken_part(me)
            .await?
            .iter()
            .any(|e| e.id == id && participant_reads(e.status)))
    }
}
