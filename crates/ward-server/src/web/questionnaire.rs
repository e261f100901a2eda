//! The small care provider questionnaire pages: the questionnaires in the person's footprint with
//! a start form, and one questionnaire asked question by question. Each answer is its own small
//! form, saved on its own, so a manager can stop and come back; the page shows how far they are
//! and takes them to the next unanswered question. Plain HTML, no script, usable at phone width.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use strum::IntoEnumIterator;
use ward_app::AppError;
use ward_app::assurance::questionnaire::{NewQuestionnaire, QuestionnaireView};
use ward_app::authz::Action;
use ward_core::AssessmentId;
use ward_core::assurance::AssessmentStatus;
use ward_core::questionnaire::{QuestionAnswer, sections};

use super::views::{Chrome, Section};
use super::{PageError, PageResult, Signed, WebForm, chrome_at, render};
use crate::state::AppState;

struct QuestionnaireLine {
    id: String,
    year: i32,
    status: &'static str,
}

#[derive(Template)]
#[template(path = "questionnaires.html")]
struct ListPage {
    chrome: Option<Chrome>,
    title: String,
    rows: Vec<QuestionnaireLine>,
    may_start: bool,
    own_code: String,
    year: i16,
}

/// `GET /questionnaire`.
pub(super) async fn list(State(s): State<AppState>, page: Signed) -> PageResult {
    let fail = page.fail();
    let heads = s.app.questionnaires(&page.actor).await.map_err(&fail)?;
    let own_code = s.app.own_org_code(&page.actor).await.map_err(&fail)?;
    let view = ListPage {
        chrome: chrome_at(&page, Section::Assurance),
        title: "Care provider questionnaire".into(),
        rows: heads
            .iter()
            .map(|h| QuestionnaireLine {
                id: h.id.to_string(),
                year: h.year,
                status: h.status.label(),
            })
            .collect(),
        may_start: page.may(Action::WriteAssessments),
        own_code,
        year: s.app.now().to_zoned(jiff::tz::TimeZone::UTC).year(),
    };
    Ok(render(StatusCode::OK, &view))
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct StartForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    org: String,
    #[serde(default)]
    year: String,
}

/// `POST /questionnaire`: start one and go to its first question.
pub(super) async fn start(
    State(s): State<AppState>,
    page: Signed,
    WebForm(f): WebForm<StartForm>,
) -> PageResult {
    page.check_csrf(&s, &f.csrf)?;
    let fail = page.fail();
    let org = s
        .app
        .org_by_code(&page.actor, f.org.trim())
        .await
        .map_err(&fail)?;
    let year = f
        .year
        .trim()
        .parse()
        .map_err(|_| fail(AppError::invalid("year", "give the year, such as 2026")))?;
    let q = s
        .app
        .start_questionnaire(&page.actor, NewQuestionnaire { org: org.id, year })
        .await
        .map_err(&fail)?;
    Ok(Redirect::to(&format!("/questionnaire/{}", q.assessment.id)).into_response())
}

struct Choice {
    value: &'static str,
    label: &'static str,
    checked: bool,
}

struct QuestionBlock {
    id: &'static str,
    number: usize,
    text: &'static str,
    help: &'static str,
    outcome: &'static str,
    status: &'static str,
    answered: bool,
    choices: Vec<Choice>,
}

struct SectionBlock {
    heading: &'static str,
    questions: Vec<QuestionBlock>,
}

#[derive(Template)]
#[template(path = "questionnaire.html")]
struct QuestionnairePage {
    chrome: Option<Chrome>,
    title: String,
    id: String,
    year: i32,
    answered: usize,
    total: usize,
    next: Option<&'static str>,
    draft: bool,
    may_answer: bool,
    status: &'static str,
    sections: Vec<SectionBlock>,
}

fn questionnaire_page(page: &Signed, v: &QuestionnaireView) -> QuestionnairePage {
    let mut number = 0;
    let sections = sections()
        .into_iter()
        .map(|(heading, qs)| SectionBlock {
            heading,
            questions: qs
                .into_iter()
                .map(|q| {
                    number += 1;
                    let seen = v.questions.iter().find(|x| x.question.id == q.id);
                    let answer = seen.and_then(|x| x.answer);
                    QuestionBlock {
                        id: q.id,
                        number,
                        text: q.text,
                        help: q.help,
                        outcome: q.outcome,
                        status: seen.map_or("Not achieved", |x| x.status.label()),
                        answered: answer.is_some(),
                        choices: QuestionAnswer::iter()
                            .map(|a| Choice {
                                value: a.as_str(),
                                label: a.label(),
                                checked: answer == Some(a),
                            })
                            .collect(),
                    }
                })
                .collect(),
        })
        .collect();
    QuestionnairePage {
        chrome: chrome_at(page, Section::Assurance),
        title: "Care provider questionnaire".into(),
        id: v.assessment.id.to_string(),
        year: v.assessment.year,
        answered: v.answered,
        total: v.total,
        next: v.next().map(|q| q.question.id),
        draft: v.assessment.status == AssessmentStatus::Draft,
        may_answer: page.may(Action::WriteAssessments),
        status: v.assessment.status.label(),
        sections,
    }
}

fn questionnaire_id(page: &Signed, id: &str) -> Result<AssessmentId, PageError> {
    id.parse()
        .map_err(|_| page.fail()(AppError::NotFound("questionnaire".into())))
}

/// `GET /questionnaire/{id}`.
pub(super) async fn questionnaire(
    State(s): State<AppState>,
    page: Signed,
    Path(id): Path<String>,
) -> PageResult {
    let id = questionnaire_id(&page, &id)?;
    let v = s.app.questionnaire(&page.actor, id).await.map_err(page.fail())?;
    Ok(render(StatusCode::OK, &questionnaire_page(&page, &v)))
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct AnswerForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    question: String,
    #[serde(default)]
    answer: String,
}

/// `POST /questionnaire/{id}/answer`: save one answer, then on to the next unanswered question.
pub(super) async fn answer(
    State(s): State<AppState>,
    page: Signed,
    Path(id): Path<String>,
    WebForm(f): WebForm<AnswerForm>,
) -> PageResult {
    page.check_csrf(&s, &f.csrf)?;
    let fail = page.fail();
    let id = questionnaire_id(&page, &id)?;
    let answer: QuestionAnswer = f
        .answer
        .parse()
        .map_err(|_| fail(AppError::invalid("answer", "choose Yes, Partly or No")))?;
    let v = s
        .app
        .answer_question(&page.actor, id, f.question.trim(), answer)
        .await
        .map_err(&fail)?;
    let anchor = v.next().map_or("finish", |q| q.question.id);
    Ok(Redirect::to(&format!("/questionnaire/{id}#{anchor}")).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct SubmitForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /questionnaire/{id}/submit`: into the normal assessment workflow.
pub(super) async fn submit(
    State(s): State<AppState>,
    page: Signed,
    Path(id): Path<String>,
    WebForm(f): WebForm<SubmitForm>,
) -> PageResult {
    page.check_csrf(&s, &f.csrf)?;
    let id = questionnaire_id(&page, &id)?;
    s.app
        .submit_questionnaire(&page.actor, id)
        .await
        .map_err(page.fail())?;
    Ok(Redirect::to(&format!("/assessments/{id}")).into_response())
}
