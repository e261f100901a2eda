//! Exercises: an organisation admin (for its own organisation), a regional lead (for its region)
//! or a national analyst plans an exercise from a built-in scenario, runs it from the facilitator
//! console (releasing injects, recording responses and decisions), debriefs it, and keeps the
//! actions its lessons give, each of which may link or raise a risk. An exercise is visible to its
//! organisations, their ICB and region, and the national team; auditors read it as evidence.
//!
//! Whoever may plan an exercise for all of its organisations may run it: a joint exercise is not
//! changed by the admin of only one of the organisations taking part (403), and one outside the
//! caller's footprint is not found (404).

use std::collections::{BTreeSet, HashMap};

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use ward_core::exercise::{
    ActionInput, Debrief, EntryInput, Exercise, ExerciseAction, ExerciseEntry, ExercisePlan, ExerciseStatus,
    Inject, Scenario, ScenarioId,
};
use ward_core::risk::register::{RiskDetails, RiskScore, Treatment};
use ward_core::risk::{Consequence, Likelihood};
use ward_core::{ExerciseActionId, ExerciseEntryId, ExerciseId, OrgId, RiskId, UserId};
use ward_store::StoreError;
use ward_store::exercises::ExerciseFilter;

use crate::App;
use crate::actor::Actor;
use crate::authz::{Action, authorise, authorise_on};
use crate::error::{AppError, AppResult, FieldProblem};
use crate::exercise_participants::ReadAs;

/// An organisation taking part, as people read it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OrgLabel {
    pub id: OrgId,
    pub code: String,
    pub name: String,
}

/// An exercise with the names people read.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ExerciseView {
    pub exercise: Exercise,
    pub scenario_title: String,
    pub orgs: Vec<OrgLabel>,
    pub facilitator_name: Option<String>,
    /// The CAF outcome a completed exercise is evidence for (`D1.c`), when completed.
    pub evidence_for: Option<String>,
}

/// A response or decision with its author's name.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EntryView {
    pub entry: ExerciseEntry,
    pub author_name: Option<String>,
}

/// One inject of the exercise's scenario: released or not, and what was recorded against it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct InjectView {
    pub number: u32,
    pub inject: Inject,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub released_at: Option<jiff::Timestamp>,
    pub released_by_name: Option<String>,
    pub entries: Vec<EntryView>,
}

/// A tracked action with its owner's name and whether it is overdue today.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ActionView {
    pub action: ExerciseAction,
    pub owner_name: Option<String>,
    pub overdue: bool,
}

/// Everything about one exercise: the facilitator console and the debrief read this.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ExercisePage {
    pub view: ExerciseView,
    pub scenario: Scenario,
    pub injects: Vec<InjectView>,
    pub actions: Vec<ActionView>,
    /// Whether the caller may run it (release, record, debrief, keep actions).
    pub may_run: bool,
    /// The role the caller plays in it with their account, when they take part (their injects:
    /// `GET /api/v1/exercises/{id}/my-injects`).
    pub playing: Option<ward_core::exercise::ExerciseRole>,
}

/// Which exercises to list (query parameters of the API).
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams, utoipa::ToSchema)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ExerciseQuery {
    /// Only exercises of this organisation or one beneath it.
    pub org: Option<OrgId>,
    /// Only exercises with this status (`planned`, `running`, `completed`).
    pub status: Option<ExerciseStatus>,
    /// Only exercises completed on or after this day (evidence for CAF D1.c).
    #[param(value_type = Option<String>, format = Date)]
    #[schema(value_type = Option<String>, format = Date)]
    pub completed_since: Option<Date>,
}

/// A move along the workflow.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusChange {
    pub status: ExerciseStatus,
}

fn invalid(errors: Vec<ward_core::ValidationError>) -> AppError {
    AppError::Invalid(
        errors
            .into_iter()
            .map(|e| FieldProblem {
                path: e.field,
                message: e.message,
            })
            .collect(),
    )
}

/// A store refusal into the app's error: a shared exercise the caller may see but not change is
/// forbidden (it already knows it exists); an invalid field the store names (`owner: ...`) keeps
/// its name as the path.
pub(crate) fn refused(e: StoreError) -> AppError {
    match e {
        StoreError::Forbidden {
            entity: "exercise",
            id,
        } => AppError::forbidden(id),
        StoreError::Invalid(m) => match m.split_once(": ") {
            Some((field, message))
                if !field.is_empty() && field.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') =>
            {
                AppError::invalid(field, message)
            }
            _ => AppError::invalid("", m),
        },
        other => other.into(),
    }
}

fn person(actor: &Actor, field: &str) -> AppResult<UserId> {
    actor
        .user_id()
        .ok_or_else(|| AppError::invalid(field, "is written by a signed-in person, not a token"))
}

/// Ten random bytes for a new UUID v7 identifier.
fn random() -> AppResult<[u8; 10]> {
    crate::accounts::secrets::random_bytes::<10>()
}

/// The vocabulary event a lesson's risk is filed under, from the scenario's pattern.
fn risk_event(s: ScenarioId) -> &'static str {
    match s {
        ScenarioId::Wannacry2017 | ScenarioId::Synnovis2024 => "malware-ransomware",
        ScenarioId::Advanced2022 => "supplier-compromise",
        ScenarioId::RegionalDdos => "availability-interruption",
        ScenarioId::Insider => "information-breach",
        ScenarioId::MedicalDevice => "intrusion",
    }
}

/// The risk a lesson raises: titled by the lesson, owned by the action's owner, reviewed by its
/// due date, moderate harm possible until the action is done.
fn lesson_risk(exercise: &Exercise, lesson: &str, owner: UserId, due: Date) -> RiskDetails {
    let current = RiskScore::patient_safety(Consequence::MODERATE, Likelihood::POSSIBLE);
    RiskDetails {
        title: lesson.chars().take(200).collect(),
        description: format!(
            "Raised from the exercise '{}' ({}).",
            exercise.title,
            exercise.scenario.label()
        )
        .chars()
        .take(4000)
        .collect(),
        source: "internal-ineffective".into(),
        event: risk_event(exercise.scenario).into(),
        consequence: "service-disruption".into(),
        inherent: current.clone(),
        current,
        target: RiskScore::patient_safety(Consequence::MODERATE, Likelihood::RARE),
        owner,
        review_date: due,
        treatment: Treatment::Reduce,
        treatment_plan: lesson.chars().take(4000).collect(),
        controls: Vec::new(),
        links: Default::default(),
    }
}

impl App {
    /// The scenario library.
    pub fn exercise_scenarios(&self, actor: &Actor) -> AppResult<Vec<Scenario>> {
        authorise(actor, Action::ReadExercises, self.now())?;
        Ok(ward_core::exercise::library())
    }

    /// The ODS code of the caller's own organisation: what a plan form starts with.
    pub async fn own_org_code(&self, actor: &Actor) -> AppResult<String> {
        authorise(actor, Action::ReadExercises, self.now())?;
        let labels = self
            .store()
            .org_labels(&ward_store::Scope::All, &[actor.org])
            .await?;
        Ok(labels.get(&actor.org).map(|l| l.0.clone()).unwrap_or_default())
    }

    /// Plan an exercise for organisations inside the caller's footprint.
    pub async fn plan_exercise(&self, actor: &Actor, plan: ExercisePlan) -> AppResult<ExerciseView> {
        let now = self.now();
        let scope = authorise(actor, Action::WriteExercises, now)?;
        let created_by = person(actor, "created_by")?;
        let mut plan = plan.validate().map_err(invalid)?;
        for org in &plan.orgs {
            authorise_on(self.store(), actor, Action::WriteExercises, *org, now).await?;
        }
        self.check_participant_accounts(&plan.orgs, &mut plan.participants, |i| {
            format!("participants[{i}].account")
        })
        .await?;
        for (number, p) in (0u32..).zip(plan.participants.iter_mut()) {
            p.number = number;
        }
        let exercise = Exercise {
            id: ExerciseId::new_at(now, random()?),
            title: plan.title,
            scenario: plan.scenario,
            kind: plan.kind,
            orgs: plan.orgs,
            facilitator: plan.facilitator,
            planned_for: plan.planned_for,
            participants: plan.participants,
            status: ExerciseStatus::Planned,
            started_at: None,
            completed_at: None,
            debrief: Debrief::default(),
            created_by,
            created_at: now,
            updated_at: now,
        };
        self.store()
            .create_exercise(&scope, &exercise, &actor.audit(now))
            .await
            .map_err(refused)?;
        Ok(self.exercise_views(vec![exercise]).await?.remove(0))
    }

    /// The exercises in the caller's footprint that `q` selects, latest planned first.
    pub async fn exercises(&self, actor: &Actor, q: &ExerciseQuery) -> AppResult<Vec<ExerciseView>> {
        let now = self.now();
        let scope = authorise(actor, Action::ReadExercises, now)?;
        if let Some(org) = q.org {
            authorise_on(self.store(), actor, Action::ReadExercises, org, now).await?;
        }
        let filter = ExerciseFilter {
            org: q.org,
            status: q.status,
            completed_since: q
                .completed_since
                .and_then(|d| d.to_zoned(jiff::tz::TimeZone::UTC).ok())
                .map(|z| z.timestamp()),
        };
        let found = self.store().list_exercises(&scope, &filter).await?;
        self.exercise_views(found).await
    }

    /// Completed exercises of `org` (or beneath it) since `since`: the evidence CAF D1.c cites.
    pub async fn exercise_evidence(
        &self,
        actor: &Actor,
        org: OrgId,
        since: Date,
    ) -> AppResult<Vec<ExerciseView>> {
        let q = ExerciseQuery {
            org: Some(org),
            status: Some(ExerciseStatus::Completed),
            completed_since: Some(since),
        };
        self.exercises(actor, &q).await
    }

    /// One exercise with its scenario, injects, entries and actions, read through the caller's
    /// footprint or as a participant (see [`crate::exercise_participants`]).
    pub async fn exercise(&self, actor: &Actor, id: ExerciseId) -> AppResult<ExercisePage> {
        let now = self.now();
        let (record, read_as) = self.readable_exercise(actor, id).await?;
        let playing = crate::exercise_participants::playing(actor, &record.exercise);
        let may_run = match authorise(actor, Action::WriteExercises, now) {
            Ok(w) => {
                let mut all = true;
                for org in &record.exercise.orgs {
                    all &= crate::authz::scope_contains(self.store(), &w, *org).await?;
                }
                all
            }
            Err(_) => false,
        };
        let people: Vec<UserId> = record
            .released
            .iter()
            .map(|r| r.released_by)
            .chain(record.entries.iter().map(|e| e.author))
            .chain(record.actions.iter().map(|a| a.owner))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let names = self.store().people_names(&people).await?;
        let scenario = record.exercise.scenario.scenario();
        let mut entries: HashMap<u32, Vec<EntryView>> = HashMap::new();
        for entry in record.entries {
            entries.entry(entry.inject).or_default().push(EntryView {
                author_name: names.get(&entry.author).cloned(),
                entry,
            });
        }
        let injects = scenario
            .injects
            .iter()
            .zip(1u32..)
            .map(|(inject, number)| {
                let released = record.released.iter().find(|r| r.number == number);
                InjectView {
                    number,
                    inject: inject.clone(),
                    released_at: released.map(|r| r.released_at),
                    released_by_name: released.and_then(|r| names.get(&r.released_by).cloned()),
                    entries: entries.remove(&number).unwrap_or_default(),
                }
            })
            .collect();
        // Reading through the footprint without running the exercise, the script stays hidden
        // until the debrief, as it is from those playing.
        let read_as = match read_as {
            ReadAs::Footprint if !may_run => ReadAs::Observer,
            other => other,
        };
        let (scenario, injects) =
            crate::exercise_injects::as_read(read_as, record.exercise.status, scenario, injects);
        let today = self.today();
        let actions = record
            .actions
            .into_iter()
            .map(|action| ActionView {
                owner_name: names.get(&action.owner).cloned(),
                overdue: action.overdue(today),
                action,
            })
            .collect();
        Ok(ExercisePage {
            view: self.exercise_views(vec![record.exercise]).await?.remove(0),
            scenario,
            injects,
            actions,
            may_run,
            playing,
        })
    }

    /// Start (`running`) or complete (`completed`) an exercise.
    pub async fn move_exercise(
        &self,
        actor: &Actor,
        id: ExerciseId,
        to: ExerciseStatus,
    ) -> AppResult<ExerciseView> {
        let now = self.now();
        let scope = authorise(actor, Action::WriteExercises, now)?;
        let after = self
            .store()
            .move_exercise(&scope, id, to, &actor.audit(now))
            .await
            .map_err(refused)?;
        Ok(self.exercise_views(vec![after]).await?.remove(0))
    }

    /// Release inject `number` of a running exercise, now, by the signed-in person.
    pub async fn release_inject(&self, actor: &Actor, id: ExerciseId, number: u32) -> AppResult<InjectView> {
        let now = self.now();
        let scope = authorise(actor, Action::WriteExercises, now)?;
        let by = person(actor, "released_by")?;
        let released = self
            .store()
            .release_inject(&scope, id, number, by, &actor.audit(now))
            .await
            .map_err(refused)?;
        let exercise = self.store().get_exercise(&scope, id).await?;
        let inject = exercise.scenario.scenario().inject("inject", number)?.clone();
        let names = self.store().people_names(&[by]).await?;
        Ok(InjectView {
            number,
            inject,
            released_at: Some(released.released_at),
            released_by_name: names.get(&by).cloned(),
            entries: Vec::new(),
        })
    }

    /// Record a response or decision against a released inject, now, by the signed-in person.
    pub async fn record_exercise_entry(
        &self,
        actor: &Actor,
        id: ExerciseId,
        number: u32,
        input: EntryInput,
    ) -> AppResult<EntryView> {
        let now = self.now();
        let scope = authorise(actor, Action::WriteExercises, now)?;
        let author = person(actor, "author")?;
        let input = input.validate().map_err(invalid)?;
        let entry = ExerciseEntry {
            id: ExerciseEntryId::new_at(now, random()?),
            exercise: id,
            inject: number,
            kind: input.kind,
            text: input.text,
            author,
            at: now,
        };
        self.store()
            .add_exercise_entry(&scope, &entry, &actor.audit(now))
            .await
            .map_err(refused)?;
        let names = self.store().people_names(&[author]).await?;
        Ok(EntryView {
            author_name: names.get(&author).cloned(),
            entry,
        })
    }

    /// Write the debrief of a completed exercise.
    pub async fn debrief_exercise(
        &self,
        actor: &Actor,
        id: ExerciseId,
        debrief: Debrief,
    ) -> AppResult<ExerciseView> {
        let now = self.now();
        let scope = authorise(actor, Action::WriteExercises, now)?;
        let debrief = debrief.validate().map_err(invalid)?;
        let after = self
            .store()
            .set_debrief(&scope, id, &debrief, &actor.audit(now))
            .await
            .map_err(refused)?;
        Ok(self.exercise_views(vec![after]).await?.remove(0))
    }

    /// Add a tracked action from a completed exercise's lessons; with `raise_risk` a risk is raised
    /// in the action's organisation's register (which needs the right to write its risks) and
    /// linked, in the same transaction.
    pub async fn add_exercise_action(
        &self,
        actor: &Actor,
        id: ExerciseId,
        input: ActionInput,
    ) -> AppResult<ActionView> {
        let now = self.now();
        let scope = authorise(actor, Action::WriteExercises, now)?;
        let a = input.validate().map_err(invalid)?;
        let mut action = ExerciseAction {
            id: ExerciseActionId::new_at(now, random()?),
            exercise: id,
            org: a.org,
            lesson: a.lesson,
            owner: a.owner,
            due: a.due,
            status: a.status,
            risk: a.risk,
            created_at: now,
            updated_at: now,
        };
        let mut raised = None;
        if a.raise_risk {
            let exercise = self.store().get_exercise(&scope, id).await?;
            let risk_scope = authorise_on(self.store(), actor, Action::WriteRisks, a.org, now).await?;
            let details = lesson_risk(&exercise, &action.lesson, action.owner, action.due);
            let details = self.checked_details(a.org, details).await?;
            let risk = ward_core::risk::register::Risk {
                id: RiskId::new_at(now, random()?),
                org: a.org,
                details,
                acceptance: None,
                created_at: now,
                updated_at: now,
            };
            action.risk = Some(risk.id);
            raised = Some((risk_scope, risk));
        }
        self.store()
            .add_exercise_action(
                &scope,
                &action,
                raised.as_ref().map(|(s, r)| (s, r)),
                &actor.audit(now),
            )
            .await
            .map_err(refused)?;
        self.action_view(action).await
    }

    /// Replace an action's lesson, organisation, owner, due date, status and linked risk.
    pub async fn update_exercise_action(
        &self,
        actor: &Actor,
        id: ExerciseId,
        action_id: ExerciseActionId,
        input: ActionInput,
    ) -> AppResult<ActionView> {
        let now = self.now();
        let scope = authorise(actor, Action::WriteExercises, now)?;
        if input.raise_risk {
            return Err(AppError::invalid(
                "raise_risk",
                "a risk is raised when the action is added; link an existing risk here",
            ));
        }
        let a = input.validate().map_err(invalid)?;
        let before = self.store().get_exercise_action(&scope, id, action_id).await?;
        let action = ExerciseAction {
            org: a.org,
            lesson: a.lesson,
            owner: a.owner,
            due: a.due,
            status: a.status,
            risk: a.risk,
            ..before
        };
        let after = self
            .store()
            .update_exercise_action(&scope, &action, &actor.audit(now))
            .await
            .map_err(refused)?;
        self.action_view(after).await
    }

    async fn action_view(&self, action: ExerciseAction) -> AppResult<ActionView> {
        let names = self.store().people_names(&[action.owner]).await?;
        Ok(ActionView {
            owner_name: names.get(&action.owner).cloned(),
            overdue: action.overdue(self.today()),
            action,
        })
    }

    pub(crate) async fn exercise_views(&self, exercises: Vec<Exercise>) -> AppResult<Vec<ExerciseView>> {
        let orgs: Vec<OrgId> = exercises
            .iter()
            .flat_map(|e| e.orgs.iter().copied())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let labels = self.store().org_labels(&ward_store::Scope::All, &orgs).await?;
        let people: Vec<UserId> = exercises
            .iter()
            .map(|e| e.facilitator)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let names = self.store().people_names(&people).await?;
        Ok(exercises
            .into_iter()
            .map(|exercise| ExerciseView {
                scenario_title: exercise.scenario.label().to_owned(),
                orgs: exercise
                    .orgs
                    .iter()
                    .map(|o| OrgLabel {
                        id: *o,
                        code: labels.get(o).map(|l| l.0.clone()).unwrap_or_default(),
                        name: labels.get(o).map(|l| l.1.clone()).unwrap_or_default(),
                    })
                    .collect(),
                facilitator_name: names.get(&exercise.facilitator).cloned(),
                evidence_for: (exercise.status == ExerciseStatus::Completed)
                    .then(|| ward_core::exercise::CAF_OUTCOME.to_owned()),
                exercise,
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_refusals_keep_the_field_they_name() {
        match refused(StoreError::Invalid("owner: is not a Ward account".into())) {
            AppError::Invalid(p) => assert_eq!(p[0].path, "owner"),
            other => panic!("{other:?}"),
        }
        match refused(StoreError::Invalid("a sentence: with a colon".into())) {
            AppError::Invalid(p) => assert_eq!(p[0].path, ""),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            refused(ward_store::exercises::refusals::shared_exercise()),
            AppError::Forbidden(_)
        ));
    }

    #[test]
    fn every_scenario_files_its_risk_under_a_known_event() {
        use strum::IntoEnumIterator;
        let v = ward_core::risk::vocabulary::Vocabulary::with(Vec::new());
        for s in ScenarioId::iter() {
            assert!(
                v.check(
                    "event",
                    ward_core::risk::vocabulary::VocabularyKind::Event,
                    risk_event(s)
                )
                .is_ok(),
                "{s}"
            );
        }
    }
}
