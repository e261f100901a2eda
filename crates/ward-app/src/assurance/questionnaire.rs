//! The small care provider questionnaire (`ward_core::questionnaire`): an assessment of the
//! loaded NCSC CAF framework answered question by question instead of indicator by indicator.
//! Each answer is saved on its own together with the indicator answers it gives, so the
//! assessment's derived statuses are always those the WebCAF rule gives from those indicators;
//! the questionnaire can be left and resumed; submitting moves the assessment into the normal
//! workflow (submitted, signed off, published), requiring every question answered.

use serde::{Deserialize, Serialize};
use ward_core::assurance::{Answer, AssessmentHead, AssessmentKind, AssessmentStatus, Framework, Level};
use ward_core::questionnaire::{self, Question, QuestionAnswer};
use ward_core::{AssessmentId, OrgId};

use super::assessments::AssessmentView;
use crate::App;
use crate::actor::Actor;
use crate::authz::{Action, authorise, authorise_on};
use crate::error::{AppError, AppResult, FieldProblem};

/// What starting the questionnaire needs.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewQuestionnaire {
    pub org: OrgId,
    pub year: i32,
}

/// One question with its answer so far and the status its outcome stands at.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct QuestionView {
    #[schema(value_type = Object)]
    pub question: Question,
    pub answer: Option<QuestionAnswer>,
    /// The outcome's status as the WebCAF rule derives it from the indicator answers (the
    /// override where an assessor set one).
    pub status: Level,
    /// How many indicators of the outcome the answer stands for.
    pub indicators: usize,
}

/// The questionnaire as it stands.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct QuestionnaireView {
    pub assessment: AssessmentHead,
    pub questions: Vec<QuestionView>,
    pub answered: usize,
    pub total: usize,
}

impl QuestionnaireView {
    /// The first question not yet answered, where to resume.
    pub fn next(&self) -> Option<&QuestionView> {
        self.questions.iter().find(|q| q.answer.is_none())
    }
}

impl App {
    async fn questionnaire_framework(&self) -> AppResult<Framework> {
        self.store()
            .get_framework(questionnaire::FRAMEWORK, questionnaire::VERSION)
            .await?
            .ok_or_else(|| {
                AppError::invalid(
                    "framework",
                    format!(
                        "the questionnaire needs {} {} loaded (ward frameworks import)",
                        questionnaire::FRAMEWORK,
                        questionnaire::VERSION
                    ),
                )
            })
    }

    /// Start the questionnaire for an organisation in the caller's footprint: a draft final
    /// assessment of the questionnaire's framework for `year`.
    pub async fn start_questionnaire(
        &self,
        actor: &Actor,
        new: NewQuestionnaire,
    ) -> AppResult<QuestionnaireView> {
        let now = self.now();
        let scope = authorise_on(self.store(), actor, Action::WriteAssessments, new.org, now).await?;
        if !(2000..=2100).contains(&new.year) {
            return Err(AppError::invalid("year", "must be a year between 2000 and 2100"));
        }
        self.questionnaire_framework().await?;
        let head = AssessmentHead {
            id: AssessmentId::new_at(now, crate::accounts::secrets::random_bytes::<10>()?),
            org: new.org,
            framework: questionnaire::FRAMEWORK.to_owned(),
            version: questionnaire::VERSION.to_owned(),
            year: new.year,
            kind: AssessmentKind::Final,
            status: AssessmentStatus::Draft,
            created_at: now,
            updated_at: now,
        };
        self.store()
            .start_questionnaire(&scope, &head, &actor.audit(now))
            .await?;
        self.questionnaire(actor, head.id).await
    }

    /// The assessments in the caller's footprint answered through the questionnaire, newest first.
    pub async fn questionnaires(&self, actor: &Actor) -> AppResult<Vec<AssessmentHead>> {
        let scope = authorise(actor, Action::ReadAssessments, self.now())?;
        let ids: std::collections::HashSet<AssessmentId> = self
            .store()
            .questionnaire_ids(&scope)
            .await?
            .into_iter()
            .collect();
        Ok(self
            .store()
            .list_assessments(&scope)
            .await?
            .into_iter()
            .filter(|h| ids.contains(&h.id))
            .collect())
    }

    /// The questionnaire of an assessment answered through it, with each answer so far.
    pub async fn questionnaire(&self, actor: &Actor, id: AssessmentId) -> AppResult<QuestionnaireView> {
        let scope = authorise(actor, Action::ReadAssessments, self.now())?;
        if !self.store().is_questionnaire(&scope, id).await? {
            return Err(AppError::NotFound("questionnaire".into()));
        }
        let answers = self.store().question_answers(&scope, id).await?;
        let view = self.assessment_in(&scope, id).await?;
        let framework = self.questionnaire_framework().await?;
        Ok(questionnaire_view(&framework, view, &answers))
    }

    /// Save one answer (and the indicator answers it gives) while the assessment is a draft.
    pub async fn answer_question(
        &self,
        actor: &Actor,
        id: AssessmentId,
        question: &str,
        answer: QuestionAnswer,
    ) -> AppResult<QuestionnaireView> {
        let now = self.now();
        let scope = authorise(actor, Action::WriteAssessments, now)?;
        let Some(q) = questionnaire::question(question) else {
            return Err(AppError::invalid(
                "question",
                format!("there is no question {question}"),
            ));
        };
        let by = actor
            .user_id()
            .ok_or_else(|| AppError::forbidden("questions are answered by a person"))?;
        let framework = self.questionnaire_framework().await?;
        let outcome = framework.outcome(q.outcome).ok_or_else(|| {
            AppError::Internal(format!(
                "{} {} has no outcome {}",
                framework.id, framework.version, q.outcome
            ))
        })?;
        let indicators = questionnaire::indicator_answers(outcome, answer)
            .into_iter()
            .map(|(k, v)| {
                let comment = format!("Questionnaire {}: {}", q.id, answer.label());
                (
                    k,
                    Answer {
                        value: Some(v),
                        comment,
                        evidence: Vec::new(),
                    },
                )
            })
            .collect();
        self.store()
            .save_question_answer(
                &scope,
                id,
                &ward_store::people::SavedAnswer {
                    question: q.id,
                    answer,
                    indicators: &indicators,
                    by,
                    rule: &super::derived::WebCafRule(&framework),
                },
                &actor.audit(now),
            )
            .await?;
        self.questionnaire(actor, id).await
    }

    /// Submit the questionnaire's assessment: refused while any question is unanswered, each
    /// listed; then the normal workflow's submission.
    pub async fn submit_questionnaire(&self, actor: &Actor, id: AssessmentId) -> AppResult<AssessmentView> {
        let view = self.questionnaire(actor, id).await?;
        let missing: Vec<FieldProblem> = view
            .questions
            .iter()
            .filter(|q| q.answer.is_none())
            .map(|q| FieldProblem {
                path: format!("answers.{}", q.question.id),
                message: format!("not answered: {}", q.question.text),
            })
            .collect();
        if !missing.is_empty() {
            return Err(AppError::Invalid(missing));
        }
        self.move_assessment(actor, id, AssessmentStatus::Submitted).await
    }

    /// The indicators a submission requires answered: every indicator, or for an assessment
    /// answered through the questionnaire those of the outcomes it asks about.
    pub(crate) async fn required_unanswered(
        &self,
        scope: &ward_store::Scope,
        view: &AssessmentView,
    ) -> AppResult<Vec<String>> {
        if !self
            .store()
            .is_questionnaire(scope, view.assessment.head.id)
            .await?
        {
            return Ok(view.unanswered.clone());
        }
        Ok(view
            .outcomes
            .iter()
            .filter(|o| questionnaire::QUESTIONS.iter().any(|q| q.outcome == o.code))
            .flat_map(|o| o.derived.unanswered.iter().cloned())
            .collect())
    }
}

fn questionnaire_view(
    framework: &Framework,
    view: AssessmentView,
    answers: &std::collections::BTreeMap<String, QuestionAnswer>,
) -> QuestionnaireView {
    let questions: Vec<QuestionView> = questionnaire::QUESTIONS
        .iter()
        .map(|q| QuestionView {
            question: *q,
            answer: answers.get(q.id).copied(),
            status: view
                .outcomes
                .iter()
                .find(|o| o.code == q.outcome)
                .map_or(Level::NotAchieved, |o| o.status),
            indicators: framework.outcome(q.outcome).map_or(0, |o| o.indicators.len()),
        })
        .collect();
    QuestionnaireView {
        answered: questions.iter().filter(|q| q.answer.is_some()).count(),
        total: questions.len(),
        assessment: view.assessment.head,
        questions,
    }
}
