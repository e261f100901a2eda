//! Exercise pages: the exercises in the person's footprint with the scenario library and a plan
//! form; one exercise with its facilitator console (start, release injects, record responses and
//! decisions, complete), its debrief and its tracked actions. A completed exercise says it is
//! evidence for CAF D1.c. Every form posts back here with the CSRF token and redirects.

use std::collections::{BTreeMap, HashMap};

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use strum::IntoEnumIterator;
use ward_app::AppError;
use ward_app::authz::Action;
use ward_app::exercises::{ExercisePage, ExerciseQuery, ExerciseView};
use ward_core::exercise::{
    ActionInput, ActionStatus, Debrief, EntryInput, EntryKind, ExerciseKind, ExercisePlan, ExerciseRole,
    ExerciseStatus, Participant, ScenarioId,
};
use ward_core::{ExerciseActionId, ExerciseId, OrgId, UserId};

use super::exercise_timings::{TimingsForm, TimingsSection};
use super::sent_form::{FormFields, SentForm};
use super::views::{Chrome, Section};
use super::{PageError, PageResult, Signed, WebForm, chrome_at, render};
use crate::state::AppState;

fn when(t: jiff::Timestamp) -> String {
    t.strftime("%-d %b %Y %H:%M UTC").to_string()
}

fn day(d: jiff::civil::Date) -> String {
    d.strftime("%-d %b %Y").to_string()
}

/// A value and the words shown for it in a `<select>`.
struct Choice {
    value: &'static str,
    label: &'static str,
}

struct ExerciseLine {
    id: String,
    title: String,
    scenario: String,
    orgs: String,
    planned: String,
    status: &'static str,
    evidence: bool,
}

impl From<&ExerciseView> for ExerciseLine {
    fn from(v: &ExerciseView) -> Self {
        let e = &v.exercise;
        Self {
            id: e.id.to_string(),
            title: e.title.clone(),
            scenario: v.scenario_title.clone(),
            orgs: v
                .orgs
                .iter()
                .map(|o| format!("{} ({})", o.name, o.code))
                .collect::<Vec<_>>()
                .join(", "),
            planned: day(e.planned_for),
            status: e.status.label(),
            evidence: v.evidence_for.is_some(),
        }
    }
}

struct ScenarioLine {
    title: String,
    modelled_on: String,
    summary: String,
    injects: usize,
    roles: String,
}

#[derive(Template)]
#[template(path = "exercises.html")]
struct ExercisesPage {
    chrome: Option<Chrome>,
    title: String,
    /// The exercises the person takes part in with their account.
    taking_part: Vec<ExerciseLine>,
    /// Whether the person's role reads exercises (else only those they take part in are shown).
    reads: bool,
    rows: Vec<ExerciseLine>,
    scenarios: Vec<ScenarioLine>,
    may_plan: bool,
    scenario_choices: Vec<Choice>,
    kind_choices: Vec<Choice>,
    role_names: String,
    own_code: String,
    /// The plan form as sent, when it was refused.
    form: PlanForm,
}

/// `GET /exercises`: the exercises the person takes part in, then (for those whose role reads
/// exercises) the footprint's exercises, the library and the plan form. Someone whose role reads
/// no exercises sees only those they take part in, and is refused when there are none.
pub(super) async fn exercises(State(s): State<AppState>, page: Signed) -> PageResult {
    list_page(&s, &page, PlanForm::default(), StatusCode::OK).await
}

/// The exercises page with the plan form as given (empty, or refused with its problems).
async fn list_page(s: &AppState, page: &Signed, form: PlanForm, status: StatusCode) -> PageResult {
    let fail = page.fail();
    let taking_part = s.app.exercises_taking_part(&page.actor).await.map_err(&fail)?;
    let reads = page.may(Action::ReadExercises) || taking_part.is_empty();
    let (found, library, own_code) = if reads {
        let found = s
            .app
            .exercises(&page.actor, &ExerciseQuery::default())
            .await
            .map_err(&fail)?;
        let library = s.app.exercise_scenarios(&page.actor).map_err(&fail)?;
        let own_code = s.app.own_org_code(&page.actor).await.map_err(&fail)?;
        (found, library, own_code)
    } else {
        (Vec::new(), Vec::new(), String::new())
    };
    let view = ExercisesPage {
        chrome: chrome_at(page, Section::Exercises),
        title: "Exercises".into(),
        taking_part: taking_part.iter().map(ExerciseLine::from).collect(),
        reads,
        rows: found.iter().map(ExerciseLine::from).collect(),
        scenarios: library
            .iter()
            .map(|sc| ScenarioLine {
                title: sc.title.clone(),
                modelled_on: sc.modelled_on.clone(),
                summary: sc.summary.clone(),
                injects: sc.injects.len(),
                roles: sc.roles.iter().map(|r| r.label()).collect::<Vec<_>>().join(", "),
            })
            .collect(),
        may_plan: page.may(Action::WriteExercises),
        scenario_choices: ScenarioId::iter()
            .map(|v| Choice {
                value: v.as_str(),
                label: v.label(),
            })
            .collect(),
        kind_choices: ExerciseKind::iter()
            .map(|v| Choice {
                value: v.as_str(),
                label: v.label(),
            })
            .collect(),
        role_names: ExerciseRole::iter()
            .map(|r| r.label())
            .collect::<Vec<_>>()
            .join("; "),
        own_code,
        form,
    };
    Ok(render(status, &view))
}

/// The plan form's fields, each with the words a person reads for it.
#[derive(Debug, Clone)]
pub(super) struct PlanFields;

impl FormFields for PlanFields {
    const FIELDS: &'static [(&'static str, &'static str)] = &[
        ("title", "Title"),
        ("scenario", "Scenario"),
        ("kind", "How it is played"),
        ("orgs", "Organisations taking part"),
        ("planned_for", "Planned for"),
        ("participants", "Participants"),
    ];
}

/// The plan form as typed, and each problem by field.
pub(super) type PlanForm = SentForm<PlanFields>;

impl PlanForm {
    /// Put a problem from the app beside its field (`participants[2].role` beside the
    /// participants).
    fn add_problem(&mut self, path: &str, message: &str) {
        let field = path.split(['[', '.', ' ']).next().unwrap_or(path);
        self.place(field, message);
    }
}

/// One participant per line, `name, role`; the role by its words (`Clinical lead`) or its name.
fn participants(text: &str) -> Result<Vec<Participant>, AppError> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let field = format!("participants line {}", n + 1);
        let Some((name, role)) = line.rsplit_once(',') else {
            return Err(AppError::invalid(field, "write each participant as: name, role"));
        };
        let role = role.trim();
        let Some(role) =
            ExerciseRole::iter().find(|r| r.label().eq_ignore_ascii_case(role) || r.as_str() == role)
        else {
            return Err(AppError::invalid(
                field,
                format!("'{role}' is not an exercise role"),
            ));
        };
        out.push(Participant {
            number: 0,
            name: name.trim().to_owned(),
            role,
            account: None,
        });
    }
    Ok(out)
}

/// `POST /exercises`: plan an exercise, facilitated by the person planning it. A refused plan
/// comes back as typed, each problem beside its field.
pub(super) async fn plan(
    State(state): State<AppState>,
    s: Signed,
    WebForm(f): WebForm<HashMap<String, String>>,
) -> PageResult {
    s.check_csrf(&state, f.get("csrf").map_or("", String::as_str))?;
    let fail = s.fail();
    let facilitator = s
        .actor
        .user_id()
        .ok_or_else(|| AppError::forbidden("a person plans exercises"))
        .map_err(&fail)?;
    let mut form = PlanForm::from_sent(f);
    let mut orgs: Vec<OrgId> = Vec::new();
    let codes: Vec<String> = form
        .value("orgs")
        .split([',', ' ', '\n'])
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .collect();
    for code in codes {
        match state.app.org_by_code(&s.actor, &code).await {
            Ok(org) => orgs.push(org.id),
            Err(_) => form.put("orgs", &format!("'{code}' is not an organisation you can see.")),
        }
    }
    let planned_for = form.value("planned_for").trim().parse().ok();
    if planned_for.is_none() {
        form.put("planned_for", "give the planned date (YYYY-MM-DD).");
    }
    let people = match participants(form.value("participants")) {
        Ok(people) => people,
        Err(AppError::Invalid(problems)) => {
            for p in problems {
                form.put("participants", &format!("{}: {}", p.path, p.message));
            }
            Vec::new()
        }
        Err(e) => return Err(fail(e)),
    };
    let Some(planned_for) = planned_for.filter(|_| !form.has_errors()) else {
        return list_page(&state, &s, form, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let plan = ExercisePlan {
        title: form.value("title").to_owned(),
        scenario: form.value("scenario").to_owned(),
        kind: form.value("kind").parse().ok(),
        orgs,
        facilitator,
        planned_for,
        participants: people,
    };
    match state.app.plan_exercise(&s.actor, plan).await {
        Ok(v) => Ok(Redirect::to(&format!("/exercises/{}", v.exercise.id)).into_response()),
        Err(AppError::Invalid(problems)) => {
            for p in &problems {
                form.add_problem(&p.path, &p.message);
            }
            list_page(&state, &s, form, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(fail(e)),
    }
}

struct EntryLine {
    at: String,
    kind: &'static str,
    author: String,
    text: String,
}

struct InjectLine {
    number: u32,
    offset: String,
    target: &'static str,
    text: String,
    expected: String,
    released: Option<String>,
    entries: Vec<EntryLine>,
}

struct ActionLine {
    id: String,
    lesson: String,
    org: String,
    owner: String,
    due: String,
    status: &'static str,
    status_value: &'static str,
    overdue: bool,
    risk: Option<String>,
}

struct PersonChoice {
    value: String,
    label: String,
}

#[derive(Template)]
#[template(path = "exercise.html")]
struct ExerciseDetailPage {
    chrome: Option<Chrome>,
    title: String,
    id: String,
    line: ExerciseLine,
    kind: &'static str,
    facilitator: String,
    started: Option<String>,
    completed: Option<String>,
    scenario_summary: String,
    modelled_on: String,
    objectives: Vec<String>,
    /// (number, name, role, whether they take part with an account, role value).
    participants: Vec<(u32, String, &'static str, bool, &'static str)>,
    /// Whether the signed-in person takes part with their account (their injects have a page).
    playing: bool,
    /// The accounts that may be added as participants (while planned, for those who run it).
    participant_choices: Vec<PersonChoice>,
    /// The scenario's roles.
    role_choices: Vec<Choice>,
    injects: Vec<InjectLine>,
    may_run: bool,
    planned: bool,
    running: bool,
    completed_now: bool,
    went_well: String,
    to_improve: String,
    actions: Vec<ActionLine>,
    org_choices: Vec<PersonChoice>,
    owner_choices: Vec<PersonChoice>,
    action_statuses: Vec<Choice>,
    entry_kinds: Vec<Choice>,
    /// The times recorded per organisation and the form to record them.
    timings: TimingsSection,
}

fn exercise_id(s: &Signed, id: &str) -> Result<ExerciseId, PageError> {
    id.parse().map_err(|_| PageError::not_found(&s.chrome))
}

/// The people an action may be given to from the page: the signed-in person and everyone the
/// exercise already names (facilitator, releasers, authors, owners). The API takes any account.
fn owner_choices(s: &Signed, p: &ExercisePage) -> Vec<PersonChoice> {
    let mut people: BTreeMap<UserId, String> = BTreeMap::new();
    if let Some(me) = s.actor.user_id() {
        people.insert(me, format!("{} (you)", s.view.user.display_name));
    }
    if let Some(n) = &p.view.facilitator_name {
        people
            .entry(p.view.exercise.facilitator)
            .or_insert_with(|| n.clone());
    }
    for i in &p.injects {
        for e in &i.entries {
            if let Some(n) = &e.author_name {
                people.entry(e.entry.author).or_insert_with(|| n.clone());
            }
        }
    }
    for a in &p.actions {
        if let Some(n) = &a.owner_name {
            people.entry(a.action.owner).or_insert_with(|| n.clone());
        }
    }
    people
        .into_iter()
        .map(|(id, label)| PersonChoice {
            value: id.to_string(),
            label,
        })
        .collect()
}

/// `GET /exercises/{id}`.
pub(super) async fn exercise(State(s): State<AppState>, page: Signed, Path(id): Path<String>) -> PageResult {
    let id = exercise_id(&page, &id)?;
    detail(&s, &page, id, TimingsForm::default(), StatusCode::OK).await
}

/// The exercise page with the timings form as given (refused forms come back with `status` 422).
pub(super) async fn detail(
    s: &AppState,
    page: &Signed,
    id: ExerciseId,
    timings_form: TimingsForm,
    status: StatusCode,
) -> PageResult {
    let p = s.app.exercise(&page.actor, id).await.map_err(page.fail())?;
    let timings = super::exercise_timings::section(s, page, &p, timings_form).await?;
    let participant_choices = if p.may_run && p.view.exercise.status == ExerciseStatus::Planned {
        s.app
            .participant_choices(&page.actor, id)
            .await
            .map_err(page.fail())?
            .into_iter()
            .map(|c| PersonChoice {
                value: c.id.to_string(),
                label: c.display_name,
            })
            .collect()
    } else {
        Vec::new()
    };
    let e = &p.view.exercise;
    let orgs: BTreeMap<OrgId, String> = p
        .view
        .orgs
        .iter()
        .map(|o| (o.id, format!("{} ({})", o.name, o.code)))
        .collect();
    let view = ExerciseDetailPage {
        chrome: chrome_at(page, Section::Exercises),
        title: e.title.clone(),
        id: e.id.to_string(),
        line: ExerciseLine::from(&p.view),
        kind: e.kind.label(),
        facilitator: p
            .view
            .facilitator_name
            .clone()
            .unwrap_or_else(|| "Someone".into()),
        started: e.started_at.map(when),
        completed: e.completed_at.map(when),
        scenario_summary: p.scenario.summary.clone(),
        modelled_on: p.scenario.modelled_on.clone(),
        objectives: p.scenario.objectives.clone(),
        participants: e
            .participants
            .iter()
            .map(|x| {
                (
                    x.number,
                    x.name.clone(),
                    x.role.label(),
                    x.account.is_some(),
                    x.role.as_str(),
                )
            })
            .collect(),
        playing: p.playing.is_some(),
        participant_choices,
        role_choices: p
            .scenario
            .roles
            .iter()
            .map(|r| Choice {
                value: r.as_str(),
                label: r.label(),
            })
            .collect(),
        injects: p
            .injects
            .iter()
            .map(|i| InjectLine {
                number: i.number,
                offset: format!("+{} min", i.inject.offset_minutes),
                target: i.inject.target.label(),
                text: i.inject.text.clone(),
                expected: i.inject.expected.clone(),
                released: i.released_at.map(|t| {
                    format!(
                        "{} by {}",
                        when(t),
                        i.released_by_name.clone().unwrap_or_else(|| "someone".into())
                    )
                }),
                entries: i
                    .entries
                    .iter()
                    .map(|x| EntryLine {
                        at: when(x.entry.at),
                        kind: x.entry.kind.label(),
                        author: x.author_name.clone().unwrap_or_else(|| "Someone".into()),
                        text: x.entry.text.clone(),
                    })
                    .collect(),
            })
            .collect(),
        may_run: p.may_run,
        planned: e.status == ExerciseStatus::Planned,
        running: e.status == ExerciseStatus::Running,
        completed_now: e.status == ExerciseStatus::Completed,
        went_well: e.debrief.went_well.clone(),
        to_improve: e.debrief.to_improve.clone(),
        actions: p
            .actions
            .iter()
            .map(|a| ActionLine {
                id: a.action.id.to_string(),
                lesson: a.action.lesson.clone(),
                org: orgs.get(&a.action.org).cloned().unwrap_or_default(),
                owner: a.owner_name.clone().unwrap_or_else(|| "Someone".into()),
                due: day(a.action.due),
                status: a.action.status.label(),
                status_value: a.action.status.as_str(),
                overdue: a.overdue,
                risk: a.action.risk.map(|r| r.to_string()),
            })
            .collect(),
        org_choices: p
            .view
            .orgs
            .iter()
            .map(|o| PersonChoice {
                value: o.id.to_string(),
                label: format!("{} ({})", o.name, o.code),
            })
            .collect(),
        owner_choices: owner_choices(page, &p),
        action_statuses: ActionStatus::iter()
            .map(|v| Choice {
                value: v.as_str(),
                label: v.label(),
            })
            .collect(),
        entry_kinds: EntryKind::iter()
            .map(|v| Choice {
                value: v.as_str(),
                label: v.label(),
            })
            .collect(),
        timings,
    };
    Ok(render(status, &view))
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct StatusForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    status: String,
}

fn back(id: ExerciseId, anchor: &str) -> PageResult {
    Ok(Redirect::to(&format!("/exercises/{id}{anchor}")).into_response())
}

/// `POST /exercises/{id}/status`.
pub(super) async fn status(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<String>,
    WebForm(f): WebForm<StatusForm>,
) -> PageResult {
    s.check_csrf(&state, &f.csrf)?;
    let id = exercise_id(&s, &id)?;
    let to: ExerciseStatus = f
        .status
        .parse()
        .map_err(|_| s.fail()(AppError::invalid("status", "choose running or completed")))?;
    state
        .app
        .move_exercise(&s.actor, id, to)
        .await
        .map_err(s.fail())?;
    back(id, "")
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

/// `POST /exercises/{id}/injects/{number}/release`.
pub(super) async fn release(
    State(state): State<AppState>,
    s: Signed,
    Path((id, number)): Path<(String, u32)>,
    WebForm(f): WebForm<CsrfOnly>,
) -> PageResult {
    s.check_csrf(&state, &f.csrf)?;
    let id = exercise_id(&s, &id)?;
    state
        .app
        .release_inject(&s.actor, id, number)
        .await
        .map_err(s.fail())?;
    back(id, &format!("#inject-{number}"))
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct EntryForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    text: String,
}

/// `POST /exercises/{id}/injects/{number}/entries`.
pub(super) async fn record(
    State(state): State<AppState>,
    s: Signed,
    Path((id, number)): Path<(String, u32)>,
    WebForm(f): WebForm<EntryForm>,
) -> PageResult {
    s.check_csrf(&state, &f.csrf)?;
    let id = exercise_id(&s, &id)?;
    let kind = f
        .kind
        .parse()
        .map_err(|_| s.fail()(AppError::invalid("kind", "choose response or decision")))?;
    state
        .app
        .record_exercise_entry(&s.actor, id, number, EntryInput { kind, text: f.text })
        .await
        .map_err(s.fail())?;
    back(id, &format!("#inject-{number}"))
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct DebriefForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    went_well: String,
    #[serde(default)]
    to_improve: String,
}

/// `POST /exercises/{id}/debrief`.
pub(super) async fn debrief(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<String>,
    WebForm(f): WebForm<DebriefForm>,
) -> PageResult {
    s.check_csrf(&state, &f.csrf)?;
    let id = exercise_id(&s, &id)?;
    let d = Debrief {
        went_well: f.went_well,
        to_improve: f.to_improve,
    };
    state
        .app
        .debrief_exercise(&s.actor, id, d)
        .await
        .map_err(s.fail())?;
    back(id, "#debrief")
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct ActionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    org: String,
    #[serde(default)]
    lesson: String,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    due: String,
    #[serde(default)]
    risk: String,
}

/// `POST /exercises/{id}/actions`: a lesson becomes a tracked action, optionally raising a risk.
pub(super) async fn add_action(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<String>,
    WebForm(f): WebForm<ActionForm>,
) -> PageResult {
    s.check_csrf(&state, &f.csrf)?;
    let fail = s.fail();
    let id = exercise_id(&s, &id)?;
    let org = f
        .org
        .parse()
        .map_err(|_| fail(AppError::invalid("org", "choose the organisation")))?;
    let input = ActionInput {
        org,
        lesson: f.lesson,
        owner: f.owner.parse().ok(),
        due: f.due.trim().parse().ok(),
        status: None,
        risk: None,
        raise_risk: f.risk == "raise",
    };
    state
        .app
        .add_exercise_action(&s.actor, id, input)
        .await
        .map_err(&fail)?;
    back(id, "#actions")
}

/// `POST /exercises/{id}/actions/{action}`: move an action's status.
pub(super) async fn update_action(
    State(state): State<AppState>,
    s: Signed,
    Path((id, action)): Path<(String, String)>,
    WebForm(f): WebForm<StatusForm>,
) -> PageResult {
    s.check_csrf(&state, &f.csrf)?;
    let fail = s.fail();
    let id = exercise_id(&s, &id)?;
    let action: ExerciseActionId = action.parse().map_err(|_| PageError::not_found(&s.chrome))?;
    let status = f
        .status
        .parse()
        .map_err(|_| fail(AppError::invalid("status", "choose a status")))?;
    let page = state.app.exercise(&s.actor, id).await.map_err(&fail)?;
    let Some(a) = page.actions.into_iter().find(|a| a.action.id == action) else {
        return Err(PageError::not_found(&s.chrome));
    };
    let a = a.action;
    let input = ActionInput {
        org: a.org,
        lesson: a.lesson,
        owner: Some(a.owner),
        due: Some(a.due),
        status: Some(status),
        risk: a.risk,
        raise_risk: false,
    };
    state
        .app
        .update_exercise_action(&s.actor, id, action, input)
        .await
        .map_err(&fail)?;
    back(id, "#actions")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn participants_are_read_one_per_line_naming_the_bad_line() {
        let p = participants("Ada Lovelace, Clinical lead\n\nGrace, it_on_call\n").unwrap();
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].role, ExerciseRole::ClinicalLead);
        assert_eq!(p[1].role, ExerciseRole::ItOnCall);
        match participants("Ada\nBob, Wizard") {
            Err(AppError::Invalid(v)) => assert_eq!(v[0].path, "participants line 1"),
            other => panic!("{other:?}"),
        }
        match participants("Bob, Wizard") {
            Err(AppError::Invalid(v)) => assert!(v[0].message.contains("Wizard")),
            other => panic!("{other:?}"),
        }
    }
}
