//! Where an assessment stands against its minimum standard: the one rule.
//!
//! * No outcome below target: Standards Met, or Standards Exceeded with a current Cyber Essentials
//!   Plus certificate.
//! * Otherwise, an improvement plan whose actions address every outcome below target: Standards
//!   Not Met with a plan, or Approaching Standards once a regional or national role approved it.
//! * Otherwise Standards Not Met (a plan that leaves an outcome below target unaddressed does not
//!   count, approved or not).

use std::collections::BTreeSet;

use ward_core::assurance::improvement::{ImprovementAction, StandardStatus};

use super::profile::Shortfall;

/// The outcomes below target that no action of the plan addresses, by outcome code.
pub fn unaddressed(shortfalls: &[Shortfall], actions: &[ImprovementAction]) -> Vec<String> {
    let addressed: BTreeSet<&str> = actions
        .iter()
        .flat_map(|a| a.outcomes.iter().map(String::as_str))
        .collect();
    shortfalls
        .iter()
        .filter(|s| !addressed.contains(s.outcome.as_str()))
        .map(|s| s.outcome.clone())
        .collect()
}

/// The standing of an assessment with `shortfalls` (outcomes below the profile's targets), the
/// improvement plan's `actions`, whether that plan is `approved`, and whether the organisation
/// holds a current Cyber Essentials Plus certificate.
pub fn standard_status(
    shortfalls: &[Shortfall],
    actions: &[ImprovementAction],
    approved: bool,
    has_current_ce_plus: bool,
) -> StandardStatus {
    if shortfalls.is_empty() {
        return if has_current_ce_plus {
            StandardStatus::Exceeded
        } else {
            StandardStatus::Met
        };
    }
    if !unaddressed(shortfalls, actions).is_empty() {
        return StandardStatus::NotMet;
    }
    if approved {
        StandardStatus::Approaching
    } else {
        StandardStatus::NotMetWithPlan
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ward_core::assurance::Level;
    use ward_core::assurance::improvement::PlanActionStatus;

    fn short(code: &str) -> Shortfall {
        Shortfall {
            outcome: code.into(),
            target: Level::Achieved,
            reached: Some(Level::PartiallyAchieved),
        }
    }

    fn action(outcomes: &[&str]) -> ImprovementAction {
        ImprovementAction {
            id: ward_core::ImprovementActionId::from_uuid(uuid::Uuid::from_u128(1)),
            assessment: ward_core::AssessmentId::from_uuid(uuid::Uuid::from_u128(2)),
            org: ward_core::OrgId::from_uuid(uuid::Uuid::from_u128(3)),
            title: "Fix".into(),
            owner: "CIO".into(),
            due: jiff::civil::date(2026, 9, 30),
            outcomes: outcomes.iter().map(|s| (*s).to_owned()).collect(),
            status: PlanActionStatus::Open,
            created_at: jiff::Timestamp::UNIX_EPOCH,
            updated_at: jiff::Timestamp::UNIX_EPOCH,
        }
    }

    #[test]
    fn met_becomes_exceeded_only_with_a_current_ce_plus_certificate() {
        use StandardStatus::*;
        assert_eq!(standard_status(&[], &[], false, false), Met);
        assert_eq!(standard_status(&[], &[], false, true), Exceeded);
        // A plan or an approval does not matter once the standard is met.
        assert_eq!(standard_status(&[], &[action(&["A1.a"])], true, false), Met);
    }

    #[test]
    fn below_target_the_plan_and_its_approval_decide() {
        use StandardStatus::*;
        let s = [short("A1.a"), short("B4.d")];
        assert_eq!(standard_status(&s, &[], false, false), NotMet);
        // A certificate never lifts an organisation below target.
        assert_eq!(standard_status(&s, &[], false, true), NotMet);
        // A plan that leaves B4.d unaddressed does not count, even approved.
        let partial = [action(&["A1.a"])];
        assert_eq!(standard_status(&s, &partial, true, true), NotMet);
        assert_eq!(unaddressed(&s, &partial), ["B4.d"]);
        let whole = [action(&["A1.a"]), action(&["B4.d", "C1.a"])];
        assert!(unaddressed(&s, &whole).is_empty());
        assert_eq!(standard_status(&s, &whole, false, false), NotMetWithPlan);
        assert_eq!(standard_status(&s, &whole, true, false), Approaching);
        assert_eq!(standard_status(&s, &whole, true, true), Approaching);
    }
}
