//! Risk registers: an organisation records and edits its own risks in the sector's one risk
//! language (`ward_core::risk::register`), raises a risk from an exposure in one call, and has an
//! acceptance approved by someone other than the risk's owner; regional and national roles and
//! auditors read their footprint; grades roll up into ICBs, regions and the nation.

pub mod heat;
mod owners;
mod raise;
pub mod rollup;

pub use raise::RaiseFromExposure;
pub use rollup::{GradeRow, RiskRollup};
pub use ward_engine::fair::{ExceedancePoint, FairInputs, LossExceedance, Pert};

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use ward_core::risk::RiskGrade;
use ward_core::risk::register::{ConsequenceDomain, Risk, RiskDetails, Treatment};
use ward_core::risk::vocabulary::{Vocabulary, VocabularyEntry, VocabularyKind, check_code};
use ward_core::{OrgId, RiskId, UserId};
use ward_store::risks::RiskFilter;

use crate::App;
use crate::actor::Actor;
use crate::authz::{Action, authorise, authorise_on};
use crate::error::{AppError, AppResult, FieldProblem};

/// A risk as shown: the stored risk with its scores, grade, flags and owner's name.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RiskView {
    pub risk: Risk,
    pub inherent_score: u8,
    pub current_score: u8,
    pub target_score: u8,
    /// The current grade: what the register, heat map and roll-ups show.
    pub grade: RiskGrade,
    pub target_grade: RiskGrade,
    /// The consequence domain that gives the current score.
    pub worst_domain: ConsequenceDomain,
    /// The review date has passed (computed against today, never stored).
    pub overdue: bool,
    /// Treated by acceptance and not yet approved.
    pub awaits_approval: bool,
    pub owner_name: Option<String>,
    pub approver_name: Option<String>,
    /// The organisation's ODS code and name.
    pub org_code: String,
    pub org_name: String,
}

/// Which risks to list (query parameters of the API).
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams, utoipa::ToSchema)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RiskQuery {
    /// Only this organisation and the organisations beneath it.
    pub org: Option<OrgId>,
    /// Only risks currently at this grade (`low`, `moderate`, `high`, `extreme`).
    pub grade: Option<RiskGrade>,
    /// Only risks with this treatment (`reduce`, `accept`, `transfer`, `avoid`).
    pub treatment: Option<Treatment>,
    /// Only risks whose review is overdue.
    #[serde(default)]
    pub overdue: bool,
    /// Only risks owned by this account.
    pub owner: Option<UserId>,
}

/// A new risk for an organisation.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRisk {
    pub org: OrgId,
    pub details: RiskDetails,
}

/// A vocabulary entry a national role adds.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewVocabularyEntry {
    pub kind: VocabularyKind,
    pub code: String,
    pub label: String,
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

impl App {
    /// Today, for overdue flags and review dates.
    pub fn today(&self) -> Date {
        self.now().to_zoned(jiff::tz::TimeZone::UTC).date()
    }

    /// The vocabulary in force: built in, plus what national roles added.
    pub async fn risk_vocabulary(&self, actor: &Actor) -> AppResult<Vocabulary> {
        authorise(actor, Action::ReadRisks, self.now())?;
        self.vocabulary().await
    }

    async fn vocabulary(&self) -> AppResult<Vocabulary> {
        Ok(Vocabulary::with(self.store().risk_vocabulary().await?))
    }

    /// Add an entry to the sector's vocabulary (national roles).
    pub async fn add_risk_vocabulary(
        &self,
        actor: &Actor,
        new: NewVocabularyEntry,
    ) -> AppResult<VocabularyEntry> {
        authorise(actor, Action::ManageRiskVocabulary, self.now())?;
        let code = check_code("code", &new.code)?;
        let label = ward_core::error::require_text("label", &new.label, 120)?;
        if self.vocabulary().await?.get(new.kind, &code).is_some() {
            return Err(AppError::Conflict(format!(
                "the vocabulary already has a {} '{code}'",
                new.kind
            )));
        }
        let entry = VocabularyEntry {
            kind: new.kind,
            code,
            label,
            built_in: false,
        };
        self.store()
            .add_risk_vocabulary(&entry, &actor.audit(self.now()))
            .await?;
        Ok(entry)
    }

    /// Validate details against the vocabulary, and check the owner may own a risk of `org`: an
    /// enabled account holding an active grant that lets it write the organisation's risks.
    pub(crate) async fn checked_details(&self, org: OrgId, details: RiskDetails) -> AppResult<RiskDetails> {
        let vocabulary = self.vocabulary().await?;
        let details = details.validate(&vocabulary).map_err(invalid)?;
        if self.account_may(details.owner, Action::WriteRisks, org).await? {
            return Ok(details);
        }
        Err(AppError::invalid(
            "owner",
            "must be an enabled account that may write this organisation's risks",
        ))
    }

    /// Record a risk for an organisation in the caller's footprint.
    pub async fn create_risk(&self, actor: &Actor, new: NewRisk) -> AppResult<RiskView> {
        let scope = authorise_on(self.store(), actor, Action::WriteRisks, new.org, self.now()).await?;
        let details = self.checked_details(new.org, new.details).await?;
        let now = self.now();
        let risk = Risk {
            id: RiskId::new_at(now, crate::accounts::secrets::random_bytes::<10>()?),
            org: new.org,
            details,
            acceptance: None,
            created_at: now,
            updated_at: now,
        };
        self.store().create_risk(&scope, &risk, &actor.audit(now)).await?;
        Ok(self.views(vec![risk]).await?.remove(0))
    }

    /// Replace a risk's details. An approved acceptance survives only while the risk stays accepted
    /// at the same current score by the same owner.
    pub async fn update_risk(&self, actor: &Actor, id: RiskId, details: RiskDetails) -> AppResult<RiskView> {
        let scope = authorise(actor, Action::WriteRisks, self.now())?;
        let before = self.store().get_risk(&scope, id).await?;
        let details = self.checked_details(before.org, details).await?;
        let after = self
            .store()
            .update_risk(&scope, id, &details, &actor.audit(self.now()))
            .await?;
        Ok(self.views(vec![after]).await?.remove(0))
    }

    /// Approve a risk's acceptance. The approver is the signed-in person, who must not be its owner.
    pub async fn approve_risk(&self, actor: &Actor, id: RiskId) -> AppResult<RiskView> {
        let scope = authorise(actor, Action::ApproveRisks, self.now())?;
        let Some(approver) = actor.user_id() else {
            return Err(AppError::invalid(
                "approver",
                "an acceptance is approved by a signed-in person, not a token",
            ));
        };
        let risk = self.store().get_risk(&scope, id).await?;
        risk.check_approver(approver)?;
        let after = self
            .store()
            .approve_risk(&scope, id, approver, &actor.audit(self.now()))
            .await?;
        Ok(self.views(vec![after]).await?.remove(0))
    }

    /// One risk in the caller's footprint.
    pub async fn risk(&self, actor: &Actor, id: RiskId) -> AppResult<RiskView> {
        let scope = authorise(actor, Action::ReadRisks, self.now())?;
        let risk = self.store().get_risk(&scope, id).await?;
        Ok(self.views(vec![risk]).await?.remove(0))
    }

    /// The risks in the caller's footprint that `q` selects, highest current score first.
    pub async fn risks(&self, actor: &Actor, q: &RiskQuery) -> AppResult<Vec<RiskView>> {
        let scope = authorise(actor, Action::ReadRisks, self.now())?;
        if let Some(org) = q.org {
            authorise_on(self.store(), actor, Action::ReadRisks, org, self.now()).await?;
        }
        let filter = RiskFilter {
            org: q.org,
            grade: q.grade,
            treatment: q.treatment,
            review_before: q.overdue.then(|| self.today()),
            owner: q.owner,
        };
        let risks = self.store().list_risks(&scope, &filter).await?;
        self.views(risks).await
    }

    /// The quantitative view: a seeded FAIR-style Monte Carlo of annual loss (same inputs and
    /// seed, same curve), run off the async workers under the cap on heavy requests.
    pub async fn quantify_risk(
        &self,
        actor: &Actor,
        inputs: ward_engine::fair::FairInputs,
    ) -> AppResult<ward_engine::fair::LossExceedance> {
        authorise(actor, Action::ReadRisks, self.now())?;
        ward_engine::fair::check(&inputs)?;
        // Up to a second or two of work: it counts against the cap on heavy requests.
        let permit = self.heavy_permit()?;
        tokio::task::spawn_blocking(move || {
            let _held = permit;
            ward_engine::fair::simulate(&inputs)
        })
        .await
        .map_err(|e| AppError::Internal(format!("the simulation stopped: {e}")))?
        .map_err(AppError::from)
    }

    /// Each risk with its scores, flags and the names of its owner and approver.
    async fn views(&self, risks: Vec<Risk>) -> AppResult<Vec<RiskView>> {
        let today = self.today();
        let people: Vec<UserId> = risks
            .iter()
            .flat_map(|r| std::iter::once(r.details.owner).chain(r.acceptance.as_ref().map(|a| a.approver)))
            .collect::<std::collections::BTreeSet<UserId>>()
            .into_iter()
            .collect();
        let names = self.store().people_names(&people).await?;
        let orgs: Vec<OrgId> = risks
            .iter()
            .map(|r| r.org)
            .collect::<std::collections::BTreeSet<OrgId>>()
            .into_iter()
            .collect();
        let labels = self.store().org_labels(&ward_store::Scope::All, &orgs).await?;
        Ok(risks
            .into_iter()
            .map(|risk| {
                let (current_score, grade) = risk.current();
                let (target_score, target_grade) = risk.details.target.score();
                RiskView {
                    inherent_score: risk.details.inherent.score().0,
                    current_score,
                    target_score,
                    grade,
                    target_grade,
                    worst_domain: risk.details.current.worst().0,
                    overdue: risk.overdue(today),
                    awaits_approval: risk.awaits_approval(),
                    owner_name: names.get(&risk.details.owner).cloned(),
                    approver_name: risk
                        .acceptance
                        .as_ref()
                        .and_then(|a| names.get(&a.approver).cloned()),
                    org_code: labels.get(&risk.org).map(|l| l.0.clone()).unwrap_or_default(),
                    org_name: labels.get(&risk.org).map(|l| l.1.clone()).unwrap_or_default(),
                    risk,
                }
            })
            .collect())
    }
}
