//! The board pack: for one organisation, everything a board needs to see about its cyber security
//! on a few pages, gathered in one use case ([`App::board_pack`]) from the functions that own
//! each figure, and returned as a plain [`BoardPack`] that the server renders twice (an HTML page
//! and a PDF, `ward-server::board_pack`).
//!
//! - standing against the minimum standard for the latest assessment (by year, final before
//!   interim) and the outcomes below target (`App::assessment`);
//! - claims Ward's own facts disagree with (`App::assessment_evidence`);
//! - the organisation's own risks by grade, the 5x5 heat map and the top risks (`App::risks`);
//! - exposures open, known-exploited and overdue (`App::exposure_summary`,
//!   `App::overdue_vulnerabilities`) and alert response (`ResponseFigures::count`, the rule the
//!   alert figures use);
//! - training completion and the board members accountable for cyber (`App::training_completion`,
//!   `App::board_members`);
//! - the improvement plan of the latest assessment.
//!
//! Reading the pack is a read, like the exports: nothing is written to the audit trail.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Serialize;
use ward_core::OrgId;
use ward_core::alert::figures::ResponseFigures;
use ward_core::assurance::evidence::Agreement;
use ward_core::assurance::improvement::{PlanActionStatus, StandardStatus};
use ward_core::assurance::{AssessmentHead, AssessmentKind, AssessmentStatus, Level, ProfileCategory};
use ward_core::org::OrgKind;
use ward_core::risk::RiskGrade;
use ward_core::risk::register::Treatment;
use ward_core::training::{BoardMember, CourseFigure};
use ward_core::{AssessmentId, RiskId};
use ward_store::Scope;

use crate::App;
use crate::actor::Actor;
use crate::authz::{Action, authorise, authorise_on};
use crate::error::{AppError, AppResult};
use crate::risks::RiskQuery;
use crate::risks::heat::{HeatCounts, heat_counts};

/// How many risks the pack lists (highest current score first).
pub const TOP_RISKS: usize = 10;

/// One organisation's board pack.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BoardPack {
    pub org: PackOrg,
    /// The day the pack was made (UTC).
    #[schema(value_type = String, format = Date)]
    pub made_on: Date,
    /// The latest assessment, when there is one.
    pub assessment: Option<PackAssessment>,
    pub risks: PackRisks,
    pub exposure: PackExposure,
    pub alerts: PackAlerts,
    pub training: PackTraining,
    /// Board members named as accountable for cyber security.
    pub board: Vec<BoardMember>,
}

/// The organisation the pack is about.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PackOrg {
    pub id: OrgId,
    pub code: String,
    pub name: String,
    #[schema(value_type = String)]
    pub kind: OrgKind,
}

/// The latest assessment and its standing.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PackAssessment {
    pub id: AssessmentId,
    /// The framework's name and version ("NCSC Cyber Assessment Framework 3.2").
    pub framework: String,
    pub year: i32,
    pub kind: AssessmentKind,
    pub status: AssessmentStatus,
    /// Outcomes at each status (the override where there is one).
    pub counts: BTreeMap<Level, usize>,
    /// Against the minimum standard in effect, when one is published for the framework version.
    pub standing: Option<PackStanding>,
    /// Outcomes where the claim and Ward's facts disagree.
    pub disagreements: Vec<PackDisagreement>,
    /// The improvement plan's actions, open ones first by due date.
    pub plan: Vec<PackAction>,
    /// The plan was approved (by a regional lead or the national team).
    pub plan_approved: bool,
}

/// Standing against the profile (minimum standard).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PackStanding {
    pub status: StandardStatus,
    pub category: ProfileCategory,
    pub profile_version: u32,
    /// Outcomes the profile sets a target for.
    pub targets: usize,
    /// The outcomes below target, in framework order.
    pub below: Vec<BelowTarget>,
}

/// An outcome below its target.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BelowTarget {
    pub code: String,
    pub title: String,
    /// The status reached; none when the assessment has none for the outcome.
    pub status: Option<Level>,
    pub target: Level,
    /// At least one action of the improvement plan addresses it.
    pub addressed: bool,
}

/// A claim the facts disagree with.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PackDisagreement {
    pub code: String,
    pub title: String,
    pub claimed: Option<Level>,
    pub suggested: Option<Level>,
    #[schema(value_type = String)]
    pub agreement: Agreement,
    /// The facts, in words.
    pub facts: Vec<String>,
}

/// An action of the improvement plan.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PackAction {
    pub title: String,
    pub owner: String,
    #[schema(value_type = String, format = Date)]
    pub due: Date,
    pub outcomes: Vec<String>,
    pub status: PlanActionStatus,
    pub overdue: bool,
}

/// The organisation's own risks.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PackRisks {
    pub total: usize,
    /// Extreme first; every grade present.
    #[schema(value_type = Vec<Object>)]
    pub by_grade: Vec<(RiskGrade, usize)>,
    /// Current scores: `[consequence - 1][likelihood - 1]`.
    #[schema(value_type = Vec<Vec<u32>>)]
    pub heat: HeatCounts,
    /// Reviews past their date.
    pub overdue_reviews: usize,
    /// The highest current scores, at most [`TOP_RISKS`].
    pub top: Vec<PackRisk>,
}

/// One of the top risks.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PackRisk {
    pub id: RiskId,
    pub title: String,
    pub score: u8,
    pub grade: RiskGrade,
    pub target_score: u8,
    pub owner: Option<String>,
    pub treatment: Treatment,
    #[schema(value_type = String, format = Date)]
    pub review: Date,
    pub overdue: bool,
}

/// Exposure figures of the organisation (and any organisations beneath it).
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct PackExposure {
    /// Asset and vulnerability pairs needing action.
    pub open_exposures: u64,
    /// Assets with at least one.
    pub open_assets: u64,
    /// Open exposures to vulnerabilities known to be exploited (CISA KEV).
    pub open_kev: u64,
    /// Vulnerabilities needing action.
    pub open_vulnerabilities: u64,
    /// Of those, past their timescale (the alert's clocks, or Ward's default allowance).
    pub overdue_vulnerabilities: u64,
    /// Assets running software past its end of security support.
    pub unsupported_assets: u64,
}

/// Alert response of the organisation's own records.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PackAlerts {
    #[schema(value_type = Object)]
    pub figures: ResponseFigures,
    /// Share acknowledged within 48 hours, in whole percent (none without records).
    pub acknowledged_within_48h_percent: Option<u64>,
}

/// Training completion.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PackTraining {
    /// Per role and required course; empty without an imported record.
    #[schema(value_type = Vec<Object>)]
    pub courses: Vec<CourseFigure>,
    /// People-courses required, and current, over all courses.
    pub required: u64,
    pub current: u64,
}

impl PackTraining {
    /// Share of required training current, in whole percent (none without a record).
    pub fn percent_current(&self) -> Option<u64> {
        (self.current * 100).checked_div(self.required)
    }
}

/// The latest of an organisation's assessments: by year, final before interim, then newest.
pub fn latest_assessment(heads: &[AssessmentHead], org: OrgId) -> Option<&AssessmentHead> {
    heads
        .iter()
        .filter(|h| h.org == org)
        .max_by_key(|h| (h.year, h.kind == AssessmentKind::Final, h.created_at))
}

impl App {
    /// [`App::board_pack`] for an organisation named by identifier or ODS code; a name that is
    /// not an organisation the caller may read is not found, in the same words either way.
    pub async fn board_pack_of(&self, actor: &Actor, org: &str) -> AppResult<BoardPack> {
        authorise(actor, Action::ReadBoardPack, self.now())?;
        let not_found = || AppError::NotFound("organisation".into());
        let id = match org.trim().parse::<OrgId>() {
            Ok(id) => id,
            Err(_) => {
                let code = ward_core::org::OdsCode::parse(org.trim()).map_err(|_| not_found())?;
                match self.store().get_org_by_code(&Scope::All, &code).await {
                    Ok(o) => o.id,
                    Err(ward_store::StoreError::NotFound { .. }) => return Err(not_found()),
                    Err(e) => return Err(e.into()),
                }
            }
        };
        self.board_pack(actor, id).await
    }

    /// The board pack of one organisation: its own people, its ICB, region and the national team,
    /// and auditors (`Action::ReadBoardPack`); any other organisation is not found.
    pub async fn board_pack(&self, actor: &Actor, org: OrgId) -> AppResult<BoardPack> {
        authorise_on(self.store(), actor, Action::ReadBoardPack, org, self.now()).await?;
        let o = self.store().get_org(&Scope::All, org).await?;
        let assessment = self.pack_assessment(actor, org).await?;
        let risks = self.pack_risks(actor, org).await?;
        let summary = self.exposure_summary(actor, Some(org), 1).await?;
        let (open_vulnerabilities, overdue_vulnerabilities) =
            self.overdue_vulnerabilities(actor, org).await?;
        let now = self.now();
        let mut figures = ResponseFigures::default();
        for (_, f) in self.store().response_facts(&Scope::Orgs(vec![org])).await? {
            figures.count(&f, now);
        }
        let training = self.training_completion(actor, org).await?;
        Ok(BoardPack {
            org: PackOrg {
                id: o.id,
                code: o.code.as_str().to_owned(),
                name: o.name,
                kind: o.kind,
            },
            made_on: self.today(),
            assessment,
            risks,
            exposure: PackExposure {
                open_exposures: summary.open_exposures,
                open_assets: summary.open_assets,
                open_kev: summary.open_kev,
                open_vulnerabilities,
                overdue_vulnerabilities,
                unsupported_assets: summary.unsupported_assets,
            },
            alerts: PackAlerts {
                acknowledged_within_48h_percent: figures.acknowledged_within_48h_percent(),
                figures,
            },
            training: PackTraining {
                required: training.courses.iter().map(|c| c.people).sum(),
                current: training.courses.iter().map(|c| c.current).sum(),
                courses: training.courses,
            },
            board: self.board_members(actor, org).await?,
        })
    }

    async fn pack_assessment(&self, actor: &Actor, org: OrgId) -> AppResult<Option<PackAssessment>> {
        // Authorised for `org` already: only its own assessments are read.
        let heads = self.store().list_assessments(&Scope::Orgs(vec![org])).await?;
        let Some(head) = latest_assessment(&heads, org) else {
            return Ok(None);
        };
        let v = self.assessment(actor, head.id).await?;
        let f = self.framework_of(&head.framework, &head.version).await?;
        let titles: BTreeMap<&str, &str> = v
            .outcomes
            .iter()
            .map(|o| (o.code.as_str(), o.title.as_str()))
            .collect();
        let title = |code: &str| titles.get(code).copied().unwrap_or_default().to_owned();
        let standing = v.standard.as_ref().map(|s| PackStanding {
            status: s.status,
            category: s.category,
            profile_version: s.profile_version,
            targets: s.targets.len(),
            below: s
                .shortfalls
                .iter()
                .map(|x| BelowTarget {
                    code: x.outcome.clone(),
                    title: title(&x.outcome),
                    status: x.reached,
                    target: x.target,
                    addressed: !s.unaddressed.contains(&x.outcome),
                })
                .collect(),
        });
        let evidence = self.assessment_evidence(actor, head.id).await?;
        let disagreements = evidence
            .suggestions
            .iter()
            .filter(|s| s.agreement.disagrees())
            .map(|s| PackDisagreement {
                code: s.outcome.to_owned(),
                title: title(s.outcome),
                claimed: s.claimed,
                suggested: s.suggested,
                agreement: s.agreement,
                facts: s.facts.clone(),
            })
            .collect();
        let mut plan: Vec<PackAction> = v
            .plan
            .actions
            .iter()
            .map(|a| PackAction {
                title: a.action.title.clone(),
                owner: a.action.owner.clone(),
                due: a.action.due,
                outcomes: a.action.outcomes.clone(),
                status: a.action.status,
                overdue: a.overdue,
            })
            .collect();
        plan.sort_by(|a, b| {
            (a.status == PlanActionStatus::Done, a.due, &a.title).cmp(&(
                b.status == PlanActionStatus::Done,
                b.due,
                &b.title,
            ))
        });
        Ok(Some(PackAssessment {
            id: head.id,
            framework: format!("{} {}", f.name, head.version),
            year: head.year,
            kind: head.kind,
            status: head.status,
            counts: v.counts.clone(),
            standing,
            disagreements,
            plan,
            plan_approved: v.plan.approval.is_some(),
        }))
    }

    async fn pack_risks(&self, actor: &Actor, org: OrgId) -> AppResult<PackRisks> {
        let q = RiskQuery {
            org: Some(org),
            ..RiskQuery::default()
        };
        // The organisation's own register (not those of organisations beneath it), highest first.
        let risks: Vec<_> = self
            .risks(actor, &q)
            .await?
            .into_iter()
            .filter(|r| r.risk.org == org)
            .collect();
        let by_grade = [
            RiskGrade::Extreme,
            RiskGrade::High,
            RiskGrade::Moderate,
            RiskGrade::Low,
        ]
        .into_iter()
        .map(|g| (g, risks.iter().filter(|r| r.grade == g).count()))
        .collect();
        Ok(PackRisks {
            total: risks.len(),
            by_grade,
            heat: heat_counts(&risks),
            overdue_reviews: risks.iter().filter(|r| r.overdue).count(),
            top: risks
                .iter()
                .take(TOP_RISKS)
                .map(|r| PackRisk {
                    id: r.risk.id,
                    title: r.risk.details.title.clone(),
                    score: r.current_score,
                    grade: r.grade,
                    target_score: r.target_score,
                    owner: r.owner_name.clone(),
                    treatment: r.risk.details.treatment,
                    review: r.risk.details.review_date,
                    overdue: r.overdue,
                })
                .collect(),
        })
    }
}
