//! Risk grades rolled up from organisations into ICBs, regions and the nation, on the same scale:
//! plain counts per grade, keyed by the grade, so any two roll-ups add up cell by cell.

use std::collections::BTreeMap;

use serde::Serialize;
use strum::IntoEnumIterator;
use ward_core::OrgId;
use ward_core::org::OrgKind;
use ward_core::risk::RiskGrade;
use ward_store::risks::GradeCount;

use crate::App;
use crate::actor::Actor;
use crate::authz::{Action, authorise};
use crate::error::AppResult;

/// One organisation's risks by current grade (every grade present, zero where none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct GradeRow {
    pub org: OrgId,
    pub code: String,
    pub name: String,
    #[schema(value_type = String)]
    pub kind: OrgKind,
    pub counts: BTreeMap<RiskGrade, u64>,
    pub total: u64,
}

/// Risk grades per organisation and rolled up; each level counts everything beneath it in the
/// caller's footprint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RiskRollup {
    /// Organisations holding risks, their own risks only, by code.
    pub organisations: Vec<GradeRow>,
    pub icbs: Vec<GradeRow>,
    pub regions: Vec<GradeRow>,
    /// The national body: the whole sector in the footprint.
    pub nation: Vec<GradeRow>,
    /// Every risk in the footprint.
    pub totals: BTreeMap<RiskGrade, u64>,
}

/// Zero for every grade.
pub fn empty_counts() -> BTreeMap<RiskGrade, u64> {
    RiskGrade::iter().map(|g| (g, 0)).collect()
}

/// Group (organisation, grade, count) rows into one row per organisation, in the given order.
pub fn rows(counts: &[GradeCount]) -> Vec<GradeRow> {
    let mut out: Vec<GradeRow> = Vec::new();
    for c in counts {
        let row = match out.iter_mut().position(|r| r.org == c.org) {
            Some(i) => &mut out[i],
            None => {
                out.push(GradeRow {
                    org: c.org,
                    code: c.code.clone(),
                    name: c.name.clone(),
                    kind: c.kind,
                    counts: empty_counts(),
                    total: 0,
                });
                let last = out.len() - 1;
                &mut out[last]
            }
        };
        *row.counts.entry(c.grade).or_default() += c.risks;
        row.total += c.risks;
    }
    out
}

/// The roll-up from the store's counts: own counts per organisation, and the rolled-up counts of
/// ICBs, regions and national bodies.
pub fn rollup(own: &[GradeCount], up: &[GradeCount]) -> RiskRollup {
    let organisations = rows(own);
    let mut totals = empty_counts();
    for r in &organisations {
        for (g, n) in &r.counts {
            *totals.entry(*g).or_default() += n;
        }
    }
    let level = |k: OrgKind| -> Vec<GradeRow> {
        let of_kind: Vec<GradeCount> = up.iter().filter(|c| c.kind == k).cloned().collect();
        rows(&of_kind)
    };
    RiskRollup {
        organisations,
        icbs: level(OrgKind::Icb),
        regions: level(OrgKind::Region),
        nation: level(OrgKind::NationalBody),
        totals,
    }
}

impl App {
    /// Risk grades in the caller's footprint, per organisation and rolled up.
    pub async fn risk_rollup(&self, actor: &Actor) -> AppResult<RiskRollup> {
        let scope = authorise(actor, Action::ReadRisks, self.now())?;
        let (own, up) = self.store().risk_grade_counts(&scope).await?;
        Ok(rollup(&own, &up))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(org: u128, kind: OrgKind, grade: RiskGrade, risks: u64) -> GradeCount {
        GradeCount {
            org: OrgId::from_uuid(uuid::Uuid::from_u128(org)),
            code: format!("O{org}"),
            name: format!("Org {org}"),
            kind,
            grade,
            risks,
        }
    }

    #[test]
    fn counts_are_per_grade_with_zeros_and_totals() {
        let own = [
            count(1, OrgKind::NhsTrust, RiskGrade::High, 2),
            count(1, OrgKind::NhsTrust, RiskGrade::Low, 1),
            count(2, OrgKind::GpPractice, RiskGrade::High, 1),
        ];
        let up = [
            count(10, OrgKind::Icb, RiskGrade::High, 3),
            count(10, OrgKind::Icb, RiskGrade::Low, 1),
            count(20, OrgKind::Region, RiskGrade::High, 3),
            count(20, OrgKind::Region, RiskGrade::Low, 1),
        ];
        let r = rollup(&own, &up);
        assert_eq!(r.organisations.len(), 2);
        assert_eq!(r.organisations[0].counts[&RiskGrade::Extreme], 0);
        assert_eq!(r.organisations[0].total, 3);
        assert_eq!(r.totals[&RiskGrade::High], 3);
        assert_eq!(r.icbs[0].counts, r.regions[0].counts);
        assert!(r.nation.is_empty());
        let json = serde_json::to_value(&r.totals).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"low": 1, "moderate": 0, "high": 3, "extreme": 0})
        );
    }
}
