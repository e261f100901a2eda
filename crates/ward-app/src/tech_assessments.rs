//! Technology assessments: an organisation (its admins and members) asks the national service to
//! assess a technology; the national team triages or declines the request, assesses it, records
//! findings (like exposures, naming an advisory and the organisation's assets, or as risks raised
//! in the organisation's register through the risk register's own rules) and reports them; the
//! organisation and the national team keep the remediation plan until the request is closed.
//! Regional leads read the requests of their region; nobody else reads them. The status rules are
//! `ward_core::tech_assessment`'s; the store applies them again inside each write's transaction.

use serde::{Deserialize, Serialize};
use ward_core::alert::Severity;
use ward_core::risk::register::{Risk, RiskDetails, RiskLinks, RiskScore, Treatment};
use ward_core::risk::{Consequence, Likelihood};
use ward_core::tech_assessment::{
    ChangeRefused, FindingKind, MAX_NAME, MAX_TEXT, RemediationAction, RemediationStatus, StatusChange,
    TechAssessment, TechAssessmentRecord, TechFinding, TechRequestInput, TechStatus, apply_change,
};
use ward_core::{AssetId, RemediationActionId, RiskId, TechAssessmentId, TechFindingId, UserId};
use ward_store::Scope;
use ward_store::tech_assessments::TechAssessmentFilter;

use crate::App;
use crate::actor::Actor;
use crate::authz::{Action, authorise, authorise_on};
use crate::error::{AppError, AppResult, FieldProblem};

/// A remediation action with its overdue flag.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RemediationView {
    pub action: RemediationAction,
    /// Open and past its due date (today, UTC).
    pub overdue: bool,
}

/// A request as shown: the record, the requesting organisation's code and name, and the plan's
/// overdue flags and counts.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TechAssessmentView {
    pub assessment: TechAssessment,
    pub org_code: String,
    pub org_name: String,
    pub findings: Vec<TechFinding>,
    pub actions: Vec<RemediationView>,
    pub open_actions: usize,
    pub overdue_actions: usize,
}

/// One line of the list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TechAssessmentLine {
    pub assessment: TechAssessment,
    pub org_code: String,
    pub org_name: String,
}

/// Which requests to list (query parameters of the API).
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams, utoipa::ToSchema)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TechAssessmentQuery {
    /// Only requests at this status (`requested`, `triaged`, ..., `closed`).
    pub status: Option<TechStatus>,
}

/// A finding the national team records.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewFinding {
    pub title: String,
    pub severity: Severity,
    #[serde(default)]
    pub description: String,
    /// `exposure` (naming an advisory or the organisation's assets) or `risk` (raised in the
    /// organisation's risk register and linked back).
    pub record: FindingKind,
    /// The advisory (its id or an alias such as a CVE) of an exposure finding.
    #[serde(default)]
    pub advisory: Option<String>,
    /// The organisation's assets the finding concerns.
    #[serde(default)]
    pub assets: Vec<AssetId>,
    /// The risk's owner in the organisation (a risk finding): an account that may write the
    /// organisation's risks.
    #[serde(default)]
    pub risk_owner: Option<UserId>,
}

/// A new action of the remediation plan.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRemediationAction {
    pub title: String,
    /// Who owns it (a name or post).
    pub owner: String,
    #[schema(value_type = String, format = Date)]
    pub due: jiff::civil::Date,
}

/// An action marked open or done.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RemediationUpdate {
    pub status: RemediationStatus,
}

fn problems(v: Vec<ward_core::ValidationError>) -> AppError {
    AppError::Invalid(
        v.into_iter()
            .map(|e| FieldProblem {
                path: e.field,
                message: e.message,
            })
            .collect(),
    )
}

/// How likely and how harmful a risk raised from a finding starts out, by the finding's
/// severity; the organisation refines it in its register.
fn starting_score(severity: Severity) -> RiskScore {
    let (harm, likelihood) = match severity {
        Severity::Critical => (Consequence::MAJOR, Likelihood::LIKELY),
        Severity::High => (Consequence::MAJOR, Likelihood::POSSIBLE),
        Severity::Medium => (Consequence::MODERATE, Likelihood::POSSIBLE),
        Severity::Low => (Consequence::MINOR, Likelihood::UNLIKELY),
    };
    RiskScore::patient_safety(harm, likelihood)
}

impl App {
    fn id_bytes() -> AppResult<[u8; 10]> {
        crate::accounts::secrets::random_bytes::<10>()
    }

    async fn tech_view(&self, scope: &Scope, record: TechAssessmentRecord) -> AppResult<TechAssessmentView> {
        let org = record.assessment.org;
        let (org_code, org_name) = self
            .store()
            .org_labels(scope, &[org])
            .await?
            .remove(&org)
            .unwrap_or_default();
        let today = self.today();
        let actions: Vec<RemediationView> = record
            .actions
            .into_iter()
            .map(|action| RemediationView {
                overdue: action.overdue(today),
                action,
            })
            .collect();
        Ok(TechAssessmentView {
            open_actions: actions
                .iter()
                .filter(|a| a.action.status == RemediationStatus::Open)
                .count(),
            overdue_actions: actions.iter().filter(|a| a.overdue).count(),
            assessment: record.assessment,
            org_code,
            org_name,
            findings: record.findings,
            actions,
        })
    }

    async fn tech_in(&self, scope: &Scope, id: TechAssessmentId) -> AppResult<TechAssessmentView> {
        let record = self.store().tech_assessment(scope, id).await?;
        self.tech_view(scope, record).await
    }

    /// The requests in the caller's footprint, newest first.
    pub async fn tech_assessments(
        &self,
        actor: &Actor,
        q: &TechAssessmentQuery,
    ) -> AppResult<Vec<TechAssessmentLine>> {
        let scope = authorise(actor, Action::ReadTechAssessments, self.now())?;
        let found = self
            .store()
            .tech_assessments(&scope, &TechAssessmentFilter { status: q.status })
            .await?;
        let mut orgs: Vec<_> = found.iter().map(|a| a.org).collect();
        orgs.sort();
        orgs.dedup();
        let labels = self.store().org_labels(&scope, &orgs).await?;
        Ok(found
            .into_iter()
            .map(|assessment| {
                let (org_code, org_name) = labels.get(&assessment.org).cloned().unwrap_or_default();
                TechAssessmentLine {
                    assessment,
                    org_code,
                    org_name,
                }
            })
            .collect())
    }

    /// One request, with its findings and remediation plan.
    pub async fn tech_assessment(
        &self,
        actor: &Actor,
        id: TechAssessmentId,
    ) -> AppResult<TechAssessmentView> {
        let scope = authorise(actor, Action::ReadTechAssessments, self.now())?;
        self.tech_in(&scope, id).await
    }

    /// Ask the national service to assess a technology for an organisation in the caller's
    /// footprint.
    pub async fn request_tech_assessment(
        &self,
        actor: &Actor,
        input: TechRequestInput,
    ) -> AppResult<TechAssessmentView> {
        let scope = authorise_on(
            self.store(),
            actor,
            Action::RequestTechAssessments,
            input.org,
            self.now(),
        )
        .await?;
        // Every problem at once: the texts and dates, and the supplier and product picked.
        let validated = input.validate(self.today());
        let input = match (validated, self.check_tech_request_picks(&input).await) {
            (Ok(valid), Ok(())) => valid,
            (validated, picks) => {
                let mut all = match validated {
                    Ok(_) => Vec::new(),
                    Err(v) => match problems(v) {
                        AppError::Invalid(p) => p,
                        other => return Err(other),
                    },
                };
                match picks {
                    Ok(()) => {}
                    Err(AppError::Invalid(p)) => all.extend(p),
                    Err(other) => return Err(other),
                }
                return Err(AppError::Invalid(all));
            }
        };
        let now = self.now();
        let request = TechAssessment {
            id: TechAssessmentId::new_at(now, Self::id_bytes()?),
            org: input.org,
            technology: input.technology,
            kind: input.kind,
            supplier: input.supplier,
            product: input.product,
            description: input.description,
            wanted_by: input.wanted_by,
            status: TechStatus::Requested,
            priority: None,
            assessor: None,
            reason: None,
            requested_by: actor.user_id(),
            created_at: now,
            updated_at: now,
        };
        self.store()
            .create_tech_assessment(&scope, &request, &actor.audit(now))
            .await?;
        self.tech_in(&scope, request.id).await
    }

    /// Move a request on (the national team): triage it (a priority and a national assessor),
    /// decline it (with a reason), start assessing, report the findings (which tells the
    /// organisation's admins and members in Ward), or close it (with a reason while remediation
    /// actions are still open).
    pub async fn change_tech_assessment_status(
        &self,
        actor: &Actor,
        id: TechAssessmentId,
        change: StatusChange,
    ) -> AppResult<TechAssessmentView> {
        let scope = authorise(actor, Action::AssessTechnology, self.now())?;
        let current = self.tech_in(&scope, id).await?;
        // The same rule the store applies in its transaction, here for field-by-field errors.
        if let Err(e) = apply_change(&current.assessment, &change, current.open_actions, self.now()) {
            return Err(match e {
                ChangeRefused::Move { .. } => AppError::Conflict(e.to_string()),
                ChangeRefused::Invalid(p) => problems(p),
            });
        }
        if let Some(a) = change.assessor
            && !self
                .account_may(a, Action::AssessTechnology, current.assessment.org)
                .await?
        {
            return Err(AppError::invalid(
                "assessor",
                "must be an enabled account of the national team that assesses technology",
            ));
        }
        let now = self.now();
        let after = self
            .store()
            .change_tech_assessment_status(&scope, id, &change, &actor.audit(now))
            .await?;
        if after.status == TechStatus::FindingsReported {
            self.tell_findings_reported(&after, current.findings.len())
                .await?;
        }
        self.tech_in(&scope, id).await
    }

    /// Record a finding while the request is in assessment (the national team). A risk finding
    /// raises a risk in the organisation's register, owned by someone there who may write its
    /// risks, validated as every risk is, and linked back.
    pub async fn record_tech_finding(
        &self,
        actor: &Actor,
        id: TechAssessmentId,
        new: NewFinding,
    ) -> AppResult<TechAssessmentView> {
        let scope = authorise(actor, Action::AssessTechnology, self.now())?;
        let current = self.tech_in(&scope, id).await?;
        let org = current.assessment.org;
        let title = ward_core::error::require_text("title", &new.title, MAX_NAME)?;
        let description = if new.description.trim().is_empty() {
            String::new()
        } else {
            ward_core::error::require_text("description", &new.description, MAX_TEXT)?
        };
        let mut assets = new.assets.clone();
        assets.sort();
        assets.dedup();
        let now = self.now();
        let advisory = match new.advisory.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(a) => match self.store().find_advisories(a).await?.into_iter().next() {
                Some(found) => Some(found.id),
                None => {
                    return Err(AppError::invalid(
                        "advisory",
                        format!("Ward knows no advisory '{a}'"),
                    ));
                }
            },
        };
        let risk = match new.record {
            FindingKind::Exposure => {
                if new.risk_owner.is_some() {
                    return Err(AppError::invalid(
                        "risk_owner",
                        "only a risk finding raises a risk",
                    ));
                }
                None
            }
            FindingKind::Risk => {
                let Some(owner) = new.risk_owner else {
                    return Err(AppError::invalid(
                        "risk_owner",
                        "name who in the organisation owns the risk",
                    ));
                };
                let current_score = starting_score(new.severity);
                let details = RiskDetails {
                    title: title.clone(),
                    description: format!(
                        "Raised by the national technology assessment of {} ({}).\n\n{}",
                        current.assessment.technology,
                        current.assessment.kind.label(),
                        description
                    )
                    .trim_end()
                    .chars()
                    .take(MAX_TEXT)
                    .collect(),
                    source: "external-criminal".into(),
                    event: "intrusion".into(),
                    consequence: if new.severity <= Severity::High {
                        "safety-failure".into()
                    } else {
                        "service-disruption".into()
                    },
                    inherent: current_score.clone(),
                    current: current_score,
                    target: RiskScore::patient_safety(Consequence::MINOR, Likelihood::RARE),
                    owner,
                    review_date: self
                        .today()
                        .checked_add(jiff::Span::new().days(30))
                        .map_err(|e| AppError::Internal(e.to_string()))?,
                    treatment: Treatment::Reduce,
                    treatment_plan: "Follow the remediation plan of the technology assessment.".into(),
                    controls: Vec::new(),
                    links: RiskLinks {
                        assets: assets.clone(),
                        ..RiskLinks::default()
                    },
                };
                let details = self.checked_details(org, details).await.map_err(|e| match e {
                    AppError::Invalid(p) => AppError::Invalid(
                        p.into_iter()
                            .map(|f| FieldProblem {
                                path: if f.path == "owner" {
                                    "risk_owner".into()
                                } else {
                                    format!("risk.{}", f.path)
                                },
                                message: f.message,
                            })
                            .collect(),
                    ),
                    other => other,
                })?;
                Some(Risk {
                    id: RiskId::new_at(now, Self::id_bytes()?),
                    org,
                    details,
                    acceptance: None,
                    created_at: now,
                    updated_at: now,
                })
            }
        };
        let finding = TechFinding {
            id: TechFindingId::new_at(now, Self::id_bytes()?),
            assessment: id,
            org,
            title,
            severity: new.severity,
            description,
            kind: new.record,
            advisory,
            assets,
            risk: risk.as_ref().map(|r| r.id),
            recorded_by: actor.user_id(),
            created_at: now,
        };
        finding.check()?;
        self.store()
            .add_tech_finding(&scope, &finding, risk.as_ref(), &actor.audit(now))
            .await?;
        self.tech_in(&scope, id).await
    }

    /// The scope of a remediation plan write: the national team's, or the requesting
    /// organisation's own admins and members.
    fn plan_scope(&self, actor: &Actor) -> AppResult<Scope> {
        authorise(actor, Action::AssessTechnology, self.now())
            .or_else(|_| authorise(actor, Action::RequestTechAssessments, self.now()))
    }

    /// Add an action to the remediation plan once findings are reported.
    pub async fn add_remediation_action(
        &self,
        actor: &Actor,
        id: TechAssessmentId,
        new: NewRemediationAction,
    ) -> AppResult<TechAssessmentView> {
        let scope = self.plan_scope(actor)?;
        let current = self.tech_in(&scope, id).await?;
        let mut bad = Vec::new();
        let title = ward_core::error::require_text("title", &new.title, 500).map_err(|e| bad.push(e));
        let owner = ward_core::error::require_text("owner", &new.owner, MAX_NAME).map_err(|e| bad.push(e));
        let (Ok(title), Ok(owner)) = (title, owner) else {
            return Err(problems(bad));
        };
        let now = self.now();
        let action = RemediationAction {
            id: RemediationActionId::new_at(now, Self::id_bytes()?),
            assessment: id,
            org: current.assessment.org,
            title,
            owner,
            due: new.due,
            status: RemediationStatus::Open,
            created_at: now,
            updated_at: now,
        };
        self.store()
            .add_remediation_action(&scope, &action, &actor.audit(now))
            .await?;
        self.tech_in(&scope, id).await
    }

    /// Mark a remediation action open or done.
    pub async fn set_remediation_status(
        &self,
        actor: &Actor,
        id: TechAssessmentId,
        action: RemediationActionId,
        update: RemediationUpdate,
    ) -> AppResult<TechAssessmentView> {
        let scope = self.plan_scope(actor)?;
        self.store()
            .set_remediation_status(&scope, id, action, update.status, &actor.audit(self.now()))
            .await?;
        self.tech_in(&scope, id).await
    }
}
