//! Assessments: an organisation answers a framework version's indicators, each outcome's status is
//! derived the WebCAF way (`ward_engine::assurance`), an assessor may override it with a
//! justification (both are kept and shown), and the assessment moves draft > submitted > signed
//! off > published. Submitting lists every unanswered indicator.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ward_core::assurance::improvement::StandardStatus;
use ward_core::assurance::{
    Answer, Assessment, AssessmentHead, AssessmentKind, AssessmentStatus, Framework, Level, OutcomeNote,
    ProfileCategory,
};
use ward_core::{AssessmentId, OrgId};
use ward_engine::assurance::profile::{Shortfall, shortfalls};
use ward_engine::assurance::standing::{standard_status, unaddressed};
use ward_engine::assurance::{Derived, derive};

use crate::App;
use crate::actor::Actor;
use crate::authz::{Action, authorise, authorise_on};
use crate::error::{AppError, AppResult, FieldProblem};

/// What starting an assessment needs.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAssessment {
    pub org: OrgId,
    pub framework: String,
    pub version: String,
    pub year: i32,
    pub kind: AssessmentKind,
}

/// One outcome as the assessment stands: derived from the answers, the assessor's override if
/// any, and the status that counts (the override where there is one).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OutcomeView {
    pub code: String,
    pub title: String,
    #[schema(value_type = Object)]
    pub derived: Derived,
    pub note: OutcomeNote,
    pub status: Level,
}

/// An assessment with every outcome's standing.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AssessmentView {
    pub assessment: Assessment,
    pub outcomes: Vec<OutcomeView>,
    /// How many outcomes stand at each status.
    pub counts: BTreeMap<Level, usize>,
    /// Indicators not yet answered, in framework order.
    pub unanswered: Vec<String>,
    /// The organisation's standing against the profile in effect for its category, if one is
    /// published for this framework version.
    pub standard: Option<Standing>,
    /// The improvement plan (actions and approval), empty when there is none.
    pub plan: super::improvement::PlanView,
    /// The SIRO the organisation has named, who alone signs the assessment off.
    pub siro: Option<ward_core::assurance::signoff::Siro>,
    /// Who signed the assessment off, once someone has.
    pub signed_off: Option<ward_core::assurance::signoff::SignOff>,
}

/// An assessment against the profile (minimum standard) in effect.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Standing {
    pub category: ProfileCategory,
    pub profile_version: u32,
    /// Standards met: no outcome below its target.
    pub met: bool,
    /// The outcomes below their targets.
    #[schema(value_type = Vec<Object>)]
    pub shortfalls: Vec<Shortfall>,
    /// Every target of the profile, by outcome code.
    pub targets: BTreeMap<String, Level>,
    /// Met, Exceeded, Not Met, Not Met with a plan, or Approaching (`ward_engine::assurance::standing`).
    pub status: StandardStatus,
    /// Outcomes below target that no action of the improvement plan addresses.
    pub unaddressed: Vec<String>,
}

/// The assessment with each outcome's derived and effective status (standing left empty).
pub(crate) fn view(framework: &Framework, assessment: Assessment) -> AssessmentView {
    let answers: BTreeMap<String, bool> = assessment
        .answers
        .iter()
        .filter_map(|(k, a)| Some((k.clone(), a.value?)))
        .collect();
    let mut outcomes = Vec::new();
    let mut counts = BTreeMap::new();
    let mut unanswered = Vec::new();
    for o in framework.outcomes() {
        let derived = derive(o, &answers);
        let note = assessment.outcomes.get(&o.code).cloned().unwrap_or_default();
        let status = note.override_status.unwrap_or(derived.derived);
        *counts.entry(status).or_default() += 1;
        unanswered.extend(derived.unanswered.iter().cloned());
        outcomes.push(OutcomeView {
            code: o.code.clone(),
            title: o.title.clone(),
            derived,
            note,
            status,
        });
    }
    let plan = super::improvement::PlanView::default();
    AssessmentView {
        assessment,
        outcomes,
        counts,
        unanswered,
        standard: None,
        plan,
        siro: None,
        signed_off: None,
    }
}

impl App {
    pub(crate) async fn framework_of(&self, framework: &str, version: &str) -> AppResult<Framework> {
        self.store()
            .get_framework(framework, version)
            .await?
            .ok_or_else(|| AppError::invalid("framework", format!("{framework} {version} is not loaded")))
    }

    /// Start a draft assessment for an organisation in the caller's footprint.
    pub async fn start_assessment(&self, actor: &Actor, new: NewAssessment) -> AppResult<AssessmentHead> {
        let scope = authorise_on(self.store(), actor, Action::WriteAssessments, new.org, self.now()).await?;
        if !(2000..=2100).contains(&new.year) {
            return Err(AppError::invalid("year", "must be a year between 2000 and 2100"));
        }
        self.framework_of(&new.framework, &new.version).await?;
        let now = self.now();
        let head = AssessmentHead {
            id: AssessmentId::new_at(now, crate::accounts::secrets::random_bytes::<10>()?),
            org: new.org,
            framework: new.framework,
            version: new.version,
            year: new.year,
            kind: new.kind,
            status: AssessmentStatus::Draft,
            created_at: now,
            updated_at: now,
        };
        self.store()
            .create_assessment(&scope, &head, &actor.audit(now))
            .await?;
        Ok(head)
    }

    /// The assessments in the caller's footprint.
    pub async fn assessments(&self, actor: &Actor) -> AppResult<Vec<AssessmentHead>> {
        let scope = authorise(actor, Action::ReadAssessments, self.now())?;
        Ok(self.store().list_assessments(&scope).await?)
    }

    /// One assessment with every outcome's derived and effective status.
    pub async fn assessment(&self, actor: &Actor, id: AssessmentId) -> AppResult<AssessmentView> {
        let scope = authorise(actor, Action::ReadAssessments, self.now())?;
        self.assessment_in(&scope, id).await
    }

    /// One assessment inside `scope`, for callers that have already decided the scope.
    pub(crate) async fn assessment_in(
        &self,
        scope: &ward_store::Scope,
        id: AssessmentId,
    ) -> AppResult<AssessmentView> {
        let a = self.store().get_assessment(scope, id).await?;
        let f = self.framework_of(&a.head.framework, &a.head.version).await?;
        let mut v = view(&f, a);
        let plan = self.store().improvement_plan(scope, id).await?;
        v.plan = super::improvement::PlanView::of(plan, self.today());
        if let Some(a) = &v.plan.approval {
            let labels = self
                .store()
                .org_labels(&ward_store::Scope::All, &[a.approver_org])
                .await?;
            let people: Vec<_> = a.approved_by.into_iter().collect();
            let names = self.store().people_names(&people).await?;
            let (org_code, org_name) = labels.get(&a.approver_org).cloned().unwrap_or_default();
            v.plan.approver = Some(super::improvement::ApproverNames {
                org_code,
                org_name,
                person: a.approved_by.and_then(|p| names.get(&p).cloned()),
            });
        }
        v.standard = self.standing(&v).await?;
        v.siro = self.store().siro_of(scope, v.assessment.head.org).await?;
        v.signed_off = self.store().signoff_of(scope, id).await?;
        Ok(v)
    }

    /// The standing of `v` against the latest profile version in effect today for its
    /// organisation's category.
    async fn standing(&self, v: &AssessmentView) -> AppResult<Option<Standing>> {
        let h = &v.assessment.head;
        let kind = self.store().get_org(&ward_store::Scope::All, h.org).await?.kind;
        let Some(category) = ProfileCategory::of(kind) else {
            return Ok(None);
        };
        let today = self.now().to_zoned(jiff::tz::TimeZone::UTC).date();
        let versions = self
            .store()
            .profile_versions(&h.framework, &h.version, category)
            .await?;
        let Some(profile) = versions.iter().rev().find(|p| p.effective_from <= today) else {
            return Ok(None);
        };
        let statuses: BTreeMap<String, Level> =
            v.outcomes.iter().map(|o| (o.code.clone(), o.status)).collect();
        let shortfalls = shortfalls(profile, &statuses);
        let actions: Vec<_> = v.plan.actions.iter().map(|a| a.action.clone()).collect();
        let approved = v.plan.approval.is_some();
        // A current Cyber Essentials Plus certificate makes Standards Met into Exceeded.
        let has_current_ce_plus = self
            .holds_current_certificate(
                v.assessment.head.org,
                ward_core::certificate::CertificateKind::CyberEssentialsPlus,
            )
            .await?;
        Ok(Some(Standing {
            category,
            profile_version: profile.version,
            met: shortfalls.is_empty(),
            status: standard_status(&shortfalls, &actions, approved, has_current_ce_plus),
            unaddressed: unaddressed(&shortfalls, &actions),
            targets: profile.targets.clone(),
            shortfalls,
        }))
    }

    /// Start a draft of the same organisation, year and kind against another version of the
    /// framework, with the answers that carry: where the outcome carries (same, renamed or moved)
    /// and the statement reads the same. Returns the draft and the older answers that did not carry.
    pub async fn carry_assessment(
        &self,
        actor: &Actor,
        from: AssessmentId,
        version: &str,
    ) -> AppResult<(AssessmentView, Vec<String>)> {
        let old = self.assessment(actor, from).await?;
        let h = &old.assessment.head;
        let old_framework = self.framework_of(&h.framework, &h.version).await?;
        let new_framework = self.framework_of(&h.framework, version).await?;
        let answers: BTreeMap<String, bool> = old
            .assessment
            .answers
            .iter()
            .filter_map(|(k, a)| Some((k.clone(), a.value?)))
            .collect();
        let carried = ward_engine::assurance::carry(&old_framework, &new_framework, &answers);
        let head = self
            .start_assessment(
                actor,
                NewAssessment {
                    org: h.org,
                    framework: h.framework.clone(),
                    version: version.to_owned(),
                    year: h.year,
                    kind: h.kind,
                },
            )
            .await?;
        let answers = carried
            .answers
            .into_iter()
            .map(|(id, value)| {
                let comment = format!("carried from {} {}", h.framework, h.version);
                (
                    id,
                    Answer {
                        value: Some(value),
                        comment,
                        evidence: Vec::new(),
                    },
                )
            })
            .collect();
        let view = self.answer_assessment(actor, head.id, answers).await?;
        Ok((view, carried.not_carried))
    }

    /// Record answers. Every identifier must be one of the framework version's indicators; those
    /// that are not are listed and nothing is stored.
    pub async fn answer_assessment(
        &self,
        actor: &Actor,
        id: AssessmentId,
        answers: BTreeMap<String, Answer>,
    ) -> AppResult<AssessmentView> {
        let scope = authorise(actor, Action::WriteAssessments, self.now())?;
        let a = self.store().get_assessment(&scope, id).await?;
        let f = self.framework_of(&a.head.framework, &a.head.version).await?;
        let known: std::collections::HashSet<&str> = f.indicators().map(|(_, i)| i.id.as_str()).collect();
        let mut problems: Vec<FieldProblem> = answers
            .keys()
            .filter(|k| !known.contains(k.as_str()))
            .map(|k| FieldProblem {
                path: format!("answers.{k}"),
                message: format!("{} {} has no indicator {k}", f.id, f.version),
            })
            .collect();
        for (k, a) in &answers {
            if a.evidence.iter().any(|e| e.trim().is_empty() || e.len() > 2_000) {
                problems.push(FieldProblem {
                    path: format!("answers.{k}.evidence"),
                    message: "each piece of evidence is a link of 1 to 2,000 characters".into(),
                });
            }
        }
        if !problems.is_empty() {
            return Err(AppError::Invalid(problems));
        }
        self.store()
            .save_answers(
                &scope,
                id,
                &answers,
                &super::derived::WebCafRule(&f),
                &actor.audit(self.now()),
            )
            .await?;
        self.assessment(actor, id).await
    }

    /// Record an outcome's note: an override needs a justification.
    pub async fn note_outcome(
        &self,
        actor: &Actor,
        id: AssessmentId,
        outcome: &str,
        note: OutcomeNote,
    ) -> AppResult<AssessmentView> {
        let scope = authorise(actor, Action::WriteAssessments, self.now())?;
        let a = self.store().get_assessment(&scope, id).await?;
        let f = self.framework_of(&a.head.framework, &a.head.version).await?;
        if f.outcome(outcome).is_none() {
            return Err(AppError::invalid(
                "outcome",
                format!("{} {} has no outcome {outcome}", f.id, f.version),
            ));
        }
        if note.override_status.is_some() && note.justification.as_deref().is_none_or(|j| j.trim().is_empty())
        {
            return Err(AppError::invalid(
                "justification",
                "an override of the derived status needs a justification",
            ));
        }
        self.store()
            .save_outcome_note(&scope, id, outcome, &note, &actor.audit(self.now()))
            .await?;
        self.assessment(actor, id).await
    }

    /// Move an assessment along its workflow. Submitting is refused while any indicator is
    /// unanswered, listing every one; signing off and publishing need the sign-off right, and
    /// signing off is for the organisation's named SIRO alone (`assurance::signoff`).
    pub async fn move_assessment(
        &self,
        actor: &Actor,
        id: AssessmentId,
        to: AssessmentStatus,
    ) -> AppResult<AssessmentView> {
        let action = match to {
            AssessmentStatus::Draft | AssessmentStatus::Submitted => Action::WriteAssessments,
            AssessmentStatus::SignedOff | AssessmentStatus::Published => Action::SignOffAssessments,
        };
        let scope = authorise(actor, action, self.now())?;
        let current = self.assessment(actor, id).await?;
        let from = current.assessment.head.status;
        if !from.may_become(to) {
            return Err(AppError::Conflict(format!(
                "the assessment is {from}; it cannot become {to}"
            )));
        }
        let unanswered = if to == AssessmentStatus::Submitted {
            self.required_unanswered(&scope, &current).await?
        } else {
            Vec::new()
        };
        if !unanswered.is_empty() {
            return Err(AppError::Invalid(
                unanswered
                    .iter()
                    .map(|i| FieldProblem {
                        path: format!("answers.{i}"),
                        message: "not answered".into(),
                    })
                    .collect(),
            ));
        }
        if to == AssessmentStatus::SignedOff {
            self.sign_off(actor, id).await?;
        } else {
            self.store()
                .move_assessment(&scope, id, from, to, &actor.audit(self.now()))
                .await?;
        }
        self.assessment(actor, id).await
    }
}
