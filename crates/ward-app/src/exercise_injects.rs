//! A participant's own injects. Someone taking part in an exercise with their account reads the
//! injects released to the role they play (never one not yet released, never another role's),
//! with the action the players were expected to take hidden until the exercise is completed (the
//! debrief), and records their own response to each while the exercise runs: timestamped, it
//! appears on the facilitator console beside the facilitator's entries.
//!
//! The same rule narrows the exercise page for anyone who reads it only as a participant
//! ([`as_read`]); whoever reads it through their role's footprint sees the whole scenario.

use std::collections::BTreeSet;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use ward_core::exercise::{
    EntryInput, EntryKind, ExerciseEntry, ExerciseRole, ExerciseStatus, Inject, Scenario,
};
use ward_core::{ExerciseEntryId, ExerciseId, UserId};

use crate::App;
use crate::actor::Actor;
use crate::error::{AppError, AppResult};
use crate::exercise_participants::ReadAs;
use crate::exercises::{EntryView, ExerciseView, InjectView};

/// What a participant sends to respond to an inject.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResponseInput {
    pub text: String,
}

/// One inject released to the participant's role.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MyInject {
    /// 1-based, into the scenario's injects.
    pub number: u32,
    pub offset_minutes: u32,
    pub target: ExerciseRole,
    pub text: String,
    #[schema(value_type = String, format = DateTime)]
    pub released_at: Timestamp,
    /// What the players were expected to do: shown once the exercise is completed.
    pub expected: Option<String>,
    /// The participant's own responses, earliest first.
    pub responses: Vec<EntryView>,
}

/// The injects released to the role a participant plays.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MyInjects {
    pub view: ExerciseView,
    pub role: ExerciseRole,
    pub injects: Vec<MyInject>,
    /// Whether responses are recorded now (the exercise is running).
    pub may_respond: bool,
}

/// An inject as a participant reads it: the expected action blanked until completed.
fn shown(inject: &Inject, status: ExerciseStatus) -> Inject {
    Inject {
        expected: if status == ExerciseStatus::Completed {
            inject.expected.clone()
        } else {
            String::new()
        },
        ..inject.clone()
    }
}

/// The scenario and injects of an exercise page as `read_as` may see them: everything for those
/// who may run it; for an observer the injects released so far, and for a participant only those
/// released to their role, the expected action blank until the exercise is completed (in the
/// scenario's inject list as well).
pub(crate) fn as_read(
    read_as: ReadAs,
    status: ExerciseStatus,
    mut scenario: Scenario,
    mut injects: Vec<InjectView>,
) -> (Scenario, Vec<InjectView>) {
    match read_as {
        ReadAs::Footprint => return (scenario, injects),
        // Once completed, the whole script is the record of the exercise.
        ReadAs::Observer if status == ExerciseStatus::Completed => return (scenario, injects),
        ReadAs::Observer => injects.retain(|i| i.released_at.is_some()),
        ReadAs::Participant(role) => {
            injects.retain(|i| i.released_at.is_some() && i.inject.target == role);
        }
    }
    for i in &mut injects {
        i.inject = shown(&i.inject, status);
    }
    scenario.injects = injects.iter().map(|i| i.inject.clone()).collect();
    (scenario, injects)
}

/// What anyone not taking part with an account finds (a token, someone not or no longer taking
/// part): nothing.
fn not_taking_part() -> AppError {
    AppError::NotFound("exercise you take part in".into())
}

impl App {
    /// The signed-in person and the role they play in exercise `id`.
    async fn my_role(&self, actor: &Actor, id: ExerciseId) -> AppResult<(UserId, ExerciseRole)> {
        let me = actor.user_id().ok_or_else(not_taking_part)?;
        if !self.takes_part(actor, id).await? {
            return Err(not_taking_part());
        }
        let exercise = self.store().get_exercise(&ward_store::Scope::All, id).await?;
        let role = crate::exercise_participants::playing(actor, &exercise).ok_or_else(not_taking_part)?;
        Ok((me, role))
    }

    /// The injects released to the role the signed-in person plays in exercise `id`, with their
    /// own responses.
    pub async fn my_injects(&self, actor: &Actor, id: ExerciseId) -> AppResult<MyInjects> {
        let (me, role) = self.my_role(actor, id).await?;
        let record = self.store().exercise_record(&ward_store::Scope::All, id).await?;
        let status = record.exercise.status;
        let scenario = record.exercise.scenario.scenario();
        let authors: Vec<UserId> = record
            .entries
            .iter()
            .map(|e| e.author)
            .filter(|a| *a == me)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let names = self.store().people_names(&authors).await?;
        let injects = scenario
            .injects_for(role)
            .filter_map(|(number, inject)| {
                let released = record.released.iter().find(|r| r.number == number)?;
                let responses = record
                    .entries
                    .iter()
                    .filter(|e| e.inject == number && e.author == me)
                    .map(|e| EntryView {
                        author_name: names.get(&e.author).cloned(),
                        entry: e.clone(),
                    })
                    .collect();
                Some(MyInject {
                    number,
                    offset_minutes: inject.offset_minutes,
                    target: inject.target,
                    text: inject.text.clone(),
                    released_at: released.released_at,
                    expected: (status == ExerciseStatus::Completed).then(|| inject.expected.clone()),
                    responses,
                })
            })
            .collect();
        Ok(MyInjects {
            view: self.exercise_views(vec![record.exercise]).await?.remove(0),
            role,
            injects,
            may_respond: status == ExerciseStatus::Running,
        })
    }

    /// Record the signed-in participant's response to inject `number`, released to the role
    /// they play, now. An inject not released or aimed at another role is not found.
    pub async fn respond_to_inject(
        &self,
        actor: &Actor,
        id: ExerciseId,
        number: u32,
        input: ResponseInput,
    ) -> AppResult<EntryView> {
        let now = self.now();
        let (me, _) = self.my_role(actor, id).await?;
        let input = EntryInput {
            kind: EntryKind::Response,
            text: input.text,
        }
        .validate()
        .map_err(crate::incidents::invalid)?;
        let entry = ExerciseEntry {
            id: ExerciseEntryId::new_at(now, crate::accounts::secrets::random_bytes::<10>()?),
            exercise: id,
            inject: number,
            kind: EntryKind::Response,
            text: input.text,
            author: me,
            at: now,
        };
        self.store()
            .add_participant_entry(&entry, &actor.audit(now))
            .await
            .map_err(crate::exercises::refused)?;
        let names = self.store().people_names(&[me]).await?;
        Ok(EntryView {
            author_name: names.get(&me).cloned(),
            entry,
        })
    }
}
