//! Standing against a minimum standard, and the improvement plan an organisation below it keeps.
//!
//! An assessment stands at one of five places against the profile in effect for its
//! organisation's category (the rule that picks one is `ward_engine::assurance::standing`):
//! Standards Not Met; Standards Not Met with an improvement plan addressing every outcome below
//! target; Approaching Standards once a regional or national role approved that plan; Standards
//! Met; Standards Exceeded (Met plus a current Cyber Essentials Plus certificate).

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::{AssessmentId, ImprovementActionId, OrgId, UserId};

/// Where an assessment stands against the minimum standard, worst first.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::Display,
    strum::EnumIter,
    utoipa::ToSchema,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum StandardStatus {
    /// Below target in at least one outcome, with no plan addressing every such outcome.
    NotMet,
    /// Below target, with an improvement plan addressing every outcome below target.
    NotMetWithPlan,
    /// Below target, with that plan approved by a regional or national role.
    Approaching,
    /// Every outcome at or above its target.
    Met,
    /// Met, and a current Cyber Essentials Plus certificate held.
    Exceeded,
}

impl StandardStatus {
    /// How people read it (the toolkit's own words).
    pub fn label(self) -> &'static str {
        match self {
            Self::NotMet => "Standards Not Met",
            Self::NotMetWithPlan => "Standards Not Met (improvement plan awaiting approval)",
            Self::Approaching => "Approaching Standards",
            Self::Met => "Standards Met",
            Self::Exceeded => "Standards Exceeded",
        }
    }
}

/// Whether an improvement action is still to do.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::Display,
    strum::EnumIter,
    utoipa::ToSchema,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum PlanActionStatus {
    Open,
    Done,
}

impl PlanActionStatus {
    /// How people read it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Open => "Open",
            Self::Done => "Done",
        }
    }
}

/// One action of an improvement plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ImprovementAction {
    pub id: ImprovementActionId,
    pub assessment: AssessmentId,
    /// The assessment's organisation.
    pub org: OrgId,
    /// What will be done.
    pub title: String,
    /// Who in the organisation owns it (a name or post).
    pub owner: String,
    #[schema(value_type = String, format = Date)]
    pub due: Date,
    /// The outcome codes it addresses (at least one).
    pub outcomes: Vec<String>,
    pub status: PlanActionStatus,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
}

impl ImprovementAction {
    /// Open and past its due date on `today`.
    pub fn overdue(&self, today: Date) -> bool {
        self.status == PlanActionStatus::Open && self.due < today
    }
}

/// A regional or national role's approval of an assessment's improvement plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PlanApproval {
    pub assessment: AssessmentId,
    /// The assessment's organisation.
    pub org: OrgId,
    /// The organisation the approver acted for (a region or the national body).
    pub approver_org: OrgId,
    /// The approving person, when a person approved (not a token or Ward itself).
    pub approved_by: Option<UserId>,
    #[schema(value_type = String, format = DateTime)]
    pub approved_at: Timestamp,
}

impl PlanApproval {
    /// An organisation never approves its own plan: the approver must act for another.
    pub fn check(&self) -> Result<(), crate::ValidationError> {
        if self.approver_org == self.org {
            return Err(crate::ValidationError::new(
                "approver",
                "an organisation cannot approve its own improvement plan",
            ));
        }
        Ok(())
    }
}

/// An assessment's improvement plan: its actions (oldest first) and approval, if given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ImprovementPlan {
    pub assessment: AssessmentId,
    pub actions: Vec<ImprovementAction>,
    pub approval: Option<PlanApproval>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org(n: u128) -> OrgId {
        OrgId::from_uuid(uuid::Uuid::from_u128(n))
    }

    #[test]
    fn text_is_kebab_case_and_serde_agrees() {
        assert_eq!(StandardStatus::NotMetWithPlan.to_string(), "not-met-with-plan");
        crate::text::check_serde_agrees::<StandardStatus>().unwrap();
        crate::text::check_serde_agrees::<PlanActionStatus>().unwrap();
    }

    #[test]
    fn an_organisation_cannot_approve_its_own_plan() {
        let mut a = PlanApproval {
            assessment: AssessmentId::from_uuid(uuid::Uuid::from_u128(9)),
            org: org(1),
            approver_org: org(1),
            approved_by: None,
            approved_at: Timestamp::UNIX_EPOCH,
        };
        assert!(a.check().is_err());
        a.approver_org = org(2);
        assert!(a.check().is_ok());
    }

    #[test]
    fn only_open_actions_past_their_due_date_are_overdue() {
        let mut a = ImprovementAction {
            id: ImprovementActionId::from_uuid(uuid::Uuid::from_u128(1)),
            assessment: AssessmentId::from_uuid(uuid::Uuid::from_u128(2)),
            org: org(1),
            title: "Patch".into(),
            owner: "CIO".into(),
            due: jiff::civil::date(2026, 6, 30),
            outcomes: vec!["B4.d".into()],
            status: PlanActionStatus::Open,
            created_at: Timestamp::UNIX_EPOCH,
            updated_at: Timestamp::UNIX_EPOCH,
        };
        assert!(!a.overdue(jiff::civil::date(2026, 6, 30)));
        assert!(a.overdue(jiff::civil::date(2026, 7, 1)));
        a.status = PlanActionStatus::Done;
        assert!(!a.overdue(jiff::civil::date(2026, 7, 1)));
    }
}
