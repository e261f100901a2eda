//! Assurance pages: the assessments in a person's footprint with the frameworks loaded, and one
//! assessment, outcome by outcome, with the indicator answers that derive each status, the
//! assessor's overrides, the standing against the minimum standard and the workflow.

use std::collections::BTreeMap;

use super::views::{Choice, Chrome, Section};
use super::{PageResult, Signed, WebForm, WebQuery, chrome_at, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use strum::IntoEnumIterator;
use ward_app::AppError;
use ward_app::assurance::assessments::{AssessmentView, NewAssessment};
use ward_app::authz::Action;
use ward_core::AssessmentId;
use ward_core::assurance::{Answer, AssessmentKind, AssessmentStatus, Framework, Level, OutcomeNote};

/// One assessment in the list.
struct AssessmentRow {
    id: String,
    org: String,
    framework: String,
    year: i32,
    kind: &'static str,
    status: &'static str,
    updated: String,
}

/// One framework version loaded.
struct FrameworkRow {
    name: String,
    version: String,
    outcomes: u64,
    indicators: u64,
}

#[derive(Template)]
#[template(path = "assurance.html")]
struct AssurancePage {
    chrome: Option<Chrome>,
    title: String,
    rows: Vec<AssessmentRow>,
    frameworks: Vec<FrameworkRow>,
    /// Framework versions to start an assessment against (`id|version`), when the person may.
    start: Vec<Choice>,
    kinds: Vec<Choice>,
    year: i32,
    /// The person may see the national view of claims against facts.
    may_compare: bool,
    may_rollup: bool,
    /// The board pack of the person's own organisation, when they may read it.
    board_pack: Option<String>,
}

/// `GET /assurance`.
pub(super) async fn assurance(State(s): State<AppState>, page: Signed) -> PageResult {
    let fail = page.fail();
    let heads = s.app.assessments(&page.actor).await.map_err(&fail)?;
    let org_ids: Vec<ward_core::OrgId> = heads.iter().map(|h| h.org).collect();
    let orgs = s.app.org_labels(&page.actor, org_ids).await.map_err(&fail)?;
    let frameworks = s.app.frameworks(&page.actor).await.map_err(&fail)?;
    let names: BTreeMap<(String, String), String> = frameworks
        .iter()
        .map(|f| ((f.id.clone(), f.version.clone()), f.name.clone()))
        .collect();
    let may_start = page.may(Action::WriteAssessments);
    let view = AssurancePage {
        chrome: chrome_at(&page, Section::Assurance),
        title: "Assurance".into(),
        rows: heads
            .iter()
            .map(|h| AssessmentRow {
                id: h.id.to_string(),
                org: orgs.get(&h.org).cloned().unwrap_or_default(),
                framework: format!(
                    "{} {}",
                    names
                        .get(&(h.framework.clone(), h.version.clone()))
                        .map_or(h.framework.as_str(), String::as_str),
                    h.version
                ),
                year: h.year,
                kind: h.kind.label(),
                status: h.status.label(),
                updated: h.updated_at.strftime("%-d %b %Y").to_string(),
            })
            .collect(),
        start: if may_start {
            frameworks
                .iter()
                .map(|f| Choice {
                    value: format!("{}|{}", f.id, f.version),
                    label: format!("{} {}", f.name, f.version),
                    selected: false,
                })
                .collect()
        } else {
            Vec::new()
        },
        frameworks: frameworks
            .iter()
            .map(|f| FrameworkRow {
                name: f.name.clone(),
                version: f.version.clone(),
                outcomes: f.outcomes,
                indicators: f.indicators,
            })
            .collect(),
        kinds: AssessmentKind::iter()
            .map(|k| Choice {
                value: k.to_string(),
                label: k.label().to_owned(),
                selected: k == AssessmentKind::Final,
            })
            .collect(),
        year: i32::from(s.app.now().to_zoned(jiff::tz::TimeZone::UTC).year()),
        may_compare: page.may(Action::ReadAssuranceOverview),
        may_rollup: page.may(Action::ReadAssuranceRollup),
        board_pack: page
            .may(Action::ReadBoardPack)
            .then(|| format!("/orgs/{}/board-pack", page.actor.org)),
    };
    Ok(render(StatusCode::OK, &view))
}

/// The start form.
#[derive(Debug, Default, Deserialize)]
pub(super) struct StartForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    framework: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    kind: String,
}

/// `POST /assessments`: start a draft for the acting organisation.
pub(super) async fn start(
    State(s): State<AppState>,
    page: Signed,
    WebForm(form): WebForm<StartForm>,
) -> PageResult {
    page.check_csrf(&s, &form.csrf)?;
    let fail = page.fail();
    let (framework, version) = form
        .framework
        .split_once('|')
        .ok_or_else(|| AppError::invalid("framework", "choose a framework"))
        .map_err(&fail)?;
    let year: i32 = form
        .year
        .trim()
        .parse()
        .map_err(|_| AppError::invalid("year", "the year is a number such as 2026"))
        .map_err(&fail)?;
    let kind: AssessmentKind = super::exposure::parse_enum("kind", &form.kind).map_err(&fail)?;
    let head = s
        .app
        .start_assessment(
            &page.actor,
            NewAssessment {
                org: page.actor.org,
                framework: framework.to_owned(),
                version: version.to_owned(),
                year,
                kind,
            },
        )
        .await
        .map_err(&fail)?;
    Ok(Redirect::to(&format!("/assessments/{}", head.id)).into_response())
}

/// One indicator on the assessment page.
struct IndicatorLine {
    /// The form field suffix: the indicator's position in the framework (identifiers carry `#`
    /// and `.`, which are fine in a form but not in an element id).
    n: usize,
    id: String,
    text: String,
    yes: bool,
    no: bool,
    comment: String,
}

/// One column of an outcome's indicators.
struct Column {
    label: &'static str,
    indicators: Vec<IndicatorLine>,
}

/// One outcome on the assessment page.
struct OutcomeLine {
    code: String,
    title: String,
    principle: String,
    status: &'static str,
    status_class: &'static str,
    derived: &'static str,
    reason: &'static str,
    overridden: bool,
    justification: String,
    /// The override's status text, empty when the status is derived.
    override_value: String,
    contradiction: bool,
    unanswered: usize,
    target: Option<&'static str>,
    below_target: bool,
    columns: Vec<Column>,
}

#[derive(Template)]
#[template(path = "assessment.html")]
struct AssessmentPage {
    chrome: Option<Chrome>,
    title: String,
    id: String,
    heading: String,
    status: &'static str,
    counts: Vec<(&'static str, usize)>,
    unanswered: Vec<String>,
    standing: Option<String>,
    met: bool,
    outcomes: Vec<OutcomeLine>,
    /// Whether answers and overrides may change (a draft, and the person may write).
    editable: bool,
    /// Workflow moves the person may make: (target status text, button label).
    moves: Vec<(String, &'static str)>,
    levels: Vec<Choice>,
    notice: Option<String>,
    /// The CAF outcome exercises are evidence for (`D1.c`), and the organisation's exercises
    /// completed in the last year: (exercise id, title and completion day).
    exercise_outcome: &'static str,
    exercises: Vec<(String, String)>,
    /// Standards Met, Not Met, ... (the toolkit's words), and outcomes below target no action
    /// of the plan addresses.
    standard_status: Option<&'static str>,
    unaddressed: Vec<String>,
    plan: super::assurance_plan::PlanSection,
    evidence: Vec<super::assurance_plan::EvidenceLine>,
    siro: super::assurance_siro::SiroSection,
    files: super::assessment_files::FilesSection,
    /// The organisation's board pack, when the person may read it.
    board_pack: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct AssessmentQuery {
    done: Option<String>,
}

fn level_class(l: Level) -> &'static str {
    match l {
        Level::Achieved => "tag-calm",
        Level::PartiallyAchieved => "tag-warn",
        Level::NotAchieved => "tag-danger",
    }
}

fn parse_id(s: &str) -> Result<AssessmentId, AppError> {
    s.parse().map_err(|_| AppError::NotFound("assessment".into()))
}

/// `GET /assessments/{id}`.
pub(super) async fn assessment(
    State(s): State<AppState>,
    page: Signed,
    Path(id): Path<String>,
    WebQuery(q): WebQuery<AssessmentQuery>,
) -> PageResult {
    let fail = page.fail();
    let id = parse_id(&id).map_err(&fail)?;
    let v = s.app.assessment(&page.actor, id).await.map_err(&fail)?;
    let f = s
        .app
        .framework(
            &page.actor,
            &v.assessment.head.framework,
            &v.assessment.head.version,
        )
        .await
        .map_err(&fail)?;
    let org = s
        .app
        .org_detail(&page.actor, v.assessment.head.org)
        .await
        .map_err(&fail)?;
    let siro = super::assurance_siro::SiroSection::of(&s.app, &page, &v)
        .await
        .map_err(&fail)?;
    let codes = f
        .objectives
        .iter()
        .flat_map(|o| o.principles.iter())
        .flat_map(|p| p.outcomes.iter().map(|o| o.code.clone()))
        .collect();
    let files = super::assessment_files::FilesSection::of(&s.app, &page, id, v.assessment.head.status, codes)
        .await
        .map_err(&fail)?;
    let mut view = assessment_page(&page, &v, &f, &org.org.name, q.done.as_deref(), siro, files);
    // Exercising the response plan at least yearly: completed exercises of the last year.
    let since = s.app.today().saturating_sub(jiff::Span::new().days(365));
    view.exercises = match s
        .app
        .exercise_evidence(&page.actor, v.assessment.head.org, since)
        .await
    {
        Ok(found) => found
            .iter()
            .map(|e| {
                let done = e
                    .exercise
                    .completed_at
                    .map(|t| t.strftime(" (completed %-d %b %Y)").to_string())
                    .unwrap_or_default();
                (e.exercise.id.to_string(), format!("{}{done}", e.exercise.title))
            })
            .collect(),
        Err(AppError::Forbidden(_)) => Vec::new(),
        Err(e) => return Err(fail(e)),
    };
    let evidence = s.app.assessment_evidence(&page.actor, id).await.map_err(&fail)?;
    view.evidence = super::assurance_plan::evidence_lines(&evidence);
    view.board_pack = page
        .may(Action::ReadBoardPack)
        .then(|| format!("/orgs/{}/board-pack", super::views::encode(org.org.code.as_str())));
    Ok(render(StatusCode::OK, &view))
}

fn assessment_page(
    page: &Signed,
    v: &AssessmentView,
    f: &Framework,
    org_name: &str,
    done: Option<&str>,
    siro: super::assurance_siro::SiroSection,
    files: super::assessment_files::FilesSection,
) -> AssessmentPage {
    let h = &v.assessment.head;
    let targets: BTreeMap<&str, Level> = v
        .standard
        .iter()
        .flat_map(|s| s.shortfalls.iter().map(|x| (x.outcome.as_str(), x.target)))
        .collect();
    let mut n = 0;
    let mut outcomes = Vec::new();
    for objective in &f.objectives {
        for principle in &objective.principles {
            for o in &principle.outcomes {
                let Some(ov) = v.outcomes.iter().find(|x| x.code == o.code) else {
                    continue;
                };
                let columns = Level::ALL
                    .iter()
                    .filter(|l| o.indicators.iter().any(|i| i.level == **l))
                    .map(|l| Column {
                        label: l.label(),
                        indicators: o
                            .indicators
                            .iter()
                            .filter(|i| i.level == *l)
                            .map(|i| {
                                n += 1;
                                let a = v.assessment.answers.get(&i.id);
                                IndicatorLine {
                                    n,
                                    id: i.id.clone(),
                                    text: i.text.clone(),
                                    yes: a.is_some_and(|a| a.value == Some(true)),
                                    no: a.is_some_and(|a| a.value == Some(false)),
                                    comment: a.map(|a| a.comment.clone()).unwrap_or_default(),
                                }
                            })
                            .collect(),
                    })
                    .collect();
                let target = targets.get(o.code.as_str()).copied();
                outcomes.push(OutcomeLine {
                    code: o.code.clone(),
                    title: o.title.clone(),
                    principle: format!("{} {}", principle.code, principle.title),
                    status: ov.status.label(),
                    status_class: level_class(ov.status),
                    derived: ov.derived.derived.label(),
                    reason: ov.derived.reason,
                    overridden: ov.note.override_status.is_some(),
                    justification: ov.note.justification.clone().unwrap_or_default(),
                    override_value: ov.note.override_status.map(|l| l.to_string()).unwrap_or_default(),
                    contradiction: ov.derived.contradiction,
                    unanswered: ov.derived.unanswered.len(),
                    target: target.map(Level::label),
                    below_target: target.is_some(),
                    columns,
                });
            }
        }
    }
    let draft = h.status == AssessmentStatus::Draft;
    let may_write = page.may(Action::WriteAssessments);
    let may_sign = page.may(Action::SignOffAssessments);
    let moves = AssessmentStatus::iter()
        .filter(|to| h.status.may_become(*to))
        .filter(|to| match to {
            AssessmentStatus::Draft | AssessmentStatus::Submitted => may_write,
            // Only the named SIRO signs off.
            AssessmentStatus::SignedOff => may_sign && siro.is_siro,
            AssessmentStatus::Published => may_sign,
        })
        .map(|to| {
            let label = match to {
                AssessmentStatus::Draft => "Return to draft",
                AssessmentStatus::Submitted => "Submit for sign-off",
                AssessmentStatus::SignedOff => "Sign off",
                AssessmentStatus::Published => "Publish",
            };
            (to.to_string(), label)
        })
        .collect();
    let standing = v.standard.as_ref().map(|s| {
        if s.met {
            format!(
                "Meets the minimum standard for {} (version {}).",
                s.category.label(),
                s.profile_version
            )
        } else {
            format!(
                "Below the minimum standard for {} (version {}) in {} outcome{}.",
                s.category.label(),
                s.profile_version,
                s.shortfalls.len(),
                if s.shortfalls.len() == 1 { "" } else { "s" }
            )
        }
    });
    AssessmentPage {
        chrome: chrome_at(page, Section::Assurance),
        title: format!("{} {} – {}", f.name, f.version, org_name),
        id: h.id.to_string(),
        heading: format!("{org_name}: {} {}", f.name, f.version),
        status: h.status.label(),
        counts: Level::ALL
            .iter()
            .map(|l| (l.label(), v.counts.get(l).copied().unwrap_or(0)))
            .collect(),
        unanswered: v.unanswered.clone(),
        met: v.standard.as_ref().is_some_and(|s| s.met),
        standing,
        outcomes,
        editable: draft && may_write,
        moves,
        levels: Level::ALL
            .iter()
            .map(|l| Choice {
                value: l.to_string(),
                label: l.label().to_owned(),
                selected: false,
            })
            .collect(),
        notice: match done {
            Some("answers") => Some("Your answers are saved.".to_owned()),
            Some("note") => Some("The outcome's status is saved.".to_owned()),
            Some("plan") => Some("The improvement plan is saved.".to_owned()),
            Some("approved") => Some("The improvement plan is approved.".to_owned()),
            Some("siro") => Some("The SIRO is named.".to_owned()),
            Some("file") => Some("The file is kept with the assessment.".to_owned()),
            Some("file-removed") => Some("The file is removed.".to_owned()),
            Some("unanswered") => Some(
                "The assessment was not submitted: every indicator needs an answer first (listed below)."
                    .to_owned(),
            ),
            Some(s) => AssessmentStatus::iter()
                .find(|x| x.to_string() == s)
                .map(|x| format!("The assessment is now {}.", x.label().to_lowercase())),
            None => None,
        },
        exercise_outcome: ward_core::exercise::CAF_OUTCOME,
        exercises: Vec::new(),
        standard_status: v.standard.as_ref().map(|s| s.status.label()),
        unaddressed: v
            .standard
            .as_ref()
            .map(|s| s.unaddressed.clone())
            .unwrap_or_default(),
        plan: super::assurance_plan::PlanSection::of(page, v),
        evidence: Vec::new(),
        siro,
        files,
        board_pack: None,
    }
}

/// `POST /assessments/{id}/answers`: the answers of one outcome's indicators. Fields come in
/// pairs per indicator: `id-N` (its identifier), `value-N` (`yes`, `no` or empty) and
/// `comment-N`.
pub(super) async fn answers(
    State(s): State<AppState>,
    page: Signed,
    Path(id): Path<String>,
    WebForm(form): WebForm<Vec<(String, String)>>,
) -> PageResult {
    let csrf = form
        .iter()
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.as_str())
        .unwrap_or("");
    page.check_csrf(&s, csrf)?;
    let fail = page.fail();
    let id = parse_id(&id).map_err(&fail)?;
    let fields: BTreeMap<&str, &str> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let mut answers = BTreeMap::new();
    for (key, indicator) in form.iter().filter(|(k, _)| k.starts_with("id-")) {
        let n = &key[3..];
        let value = match fields.get(format!("value-{n}").as_str()).copied().unwrap_or("") {
            "yes" => Some(true),
            "no" => Some(false),
            "" => None,
            other => {
                return Err(fail(AppError::invalid(
                    "value",
                    format!("'{other}' is not yes or no"),
                )));
            }
        };
        let comment = fields
            .get(format!("comment-{n}").as_str())
            .map(|c| c.trim().to_owned())
            .unwrap_or_default();
        if value.is_none() && comment.is_empty() {
            continue;
        }
        answers.insert(
            indicator.clone(),
            Answer {
                value,
                comment,
                evidence: Vec::new(),
            },
        );
    }
    s.app
        .answer_assessment(&page.actor, id, answers)
        .await
        .map_err(&fail)?;
    Ok(Redirect::to(&format!("/assessments/{id}?done=answers")).into_response())
}

/// The override form of one outcome.
#[derive(Debug, Default, Deserialize)]
pub(super) struct NoteForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    justification: String,
}

/// `POST /assessments/{id}/outcomes/{code}`: override (or clear the override of) an outcome's
/// derived status, with a justification.
pub(super) async fn note(
    State(s): State<AppState>,
    page: Signed,
    Path((id, code)): Path<(String, String)>,
    WebForm(form): WebForm<NoteForm>,
) -> PageResult {
    page.check_csrf(&s, &form.csrf)?;
    let fail = page.fail();
    let id = parse_id(&id).map_err(&fail)?;
    let override_status: Option<Level> =
        super::exposure::optional_enum("status", &form.status).map_err(&fail)?;
    let note = OutcomeNote {
        override_status,
        justification: Some(form.justification.trim().to_owned()).filter(|j| !j.is_empty()),
        owner: None,
    };
    s.app
        .note_outcome(&page.actor, id, &code, note)
        .await
        .map_err(&fail)?;
    Ok(Redirect::to(&format!("/assessments/{id}?done=note#o-{code}")).into_response())
}

/// The workflow form.
#[derive(Debug, Default, Deserialize)]
pub(super) struct MoveForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    to: String,
}

/// `POST /assessments/{id}/status`: move the assessment along its workflow.
pub(super) async fn move_to(
    State(s): State<AppState>,
    page: Signed,
    Path(id): Path<String>,
    WebForm(form): WebForm<MoveForm>,
) -> PageResult {
    page.check_csrf(&s, &form.csrf)?;
    let fail = page.fail();
    let id = parse_id(&id).map_err(&fail)?;
    let to: AssessmentStatus = super::exposure::parse_enum("to", &form.to).map_err(&fail)?;
    match s.app.move_assessment(&page.actor, id, to).await {
        Ok(_) => Ok(Redirect::to(&format!("/assessments/{id}?done={to}")).into_response()),
        // Submitting with indicators unanswered: back to the page, which lists every one.
        Err(AppError::Invalid(_)) if to == AssessmentStatus::Submitted => {
            Ok(Redirect::to(&format!("/assessments/{id}?done=unanswered#unanswered")).into_response())
        }
        Err(e) => Err(fail(e)),
    }
}
