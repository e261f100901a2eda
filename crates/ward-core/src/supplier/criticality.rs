//! How critical a supplier is to the sector: one rule, from how many organisations depend on it,
//! how much patient-critical service does, and how much of a region's capacity for one kind of
//! system (pathology, NHS 111 and urgent care, GP clinical systems, ...) runs on it.

use serde::{Deserialize, Serialize};

/// The facts the rule reads, counted over the whole sector.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CriticalityFacts {
    /// Organisations that depend on the supplier (a declared dependency on one of its products,
    /// or an asset running one).
    pub organisations: u32,
    /// Services of NPSA criticality Major (4) or Catastrophic (5) that depend on it.
    pub patient_critical_services: u32,
    /// The largest share (whole per cent, rounded down) of one region's capacity for one category
    /// of system that runs on the supplier's products.
    pub largest_regional_share: u8,
}

/// A supplier's criticality, lowest first.
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
    utoipa::ToSchema,
    strum::IntoStaticStr,
    strum::Display,
    strum::EnumIter,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Criticality {
    Low,
    Medium,
    High,
    Critical,
}

/// Thresholds of the rule, named so the page can print them.
pub const CRITICAL_SHARE: u8 = 50;
pub const CRITICAL_SERVICES: u32 = 25;
pub const HIGH_SHARE: u8 = 25;
pub const HIGH_SERVICES: u32 = 5;
pub const HIGH_ORGANISATIONS: u32 = 50;
pub const MEDIUM_ORGANISATIONS: u32 = 5;

impl Criticality {
    /// The rule:
    /// - **critical**: half or more of a region's capacity for one category of system runs on the
    ///   supplier, or 25 or more patient-critical services depend on it;
    /// - **high**: a quarter or more of a region's capacity, 5 or more patient-critical services,
    ///   or 50 or more organisations;
    /// - **medium**: any patient-critical service, or 5 or more organisations;
    /// - **low**: anything less (including no dependants).
    pub fn of(f: &CriticalityFacts) -> Self {
        if f.largest_regional_share >= CRITICAL_SHARE || f.patient_critical_services >= CRITICAL_SERVICES {
            Self::Critical
        } else if f.largest_regional_share >= HIGH_SHARE
            || f.patient_critical_services >= HIGH_SERVICES
            || f.organisations >= HIGH_ORGANISATIONS
        {
            Self::High
        } else if f.patient_critical_services >= 1 || f.organisations >= MEDIUM_ORGANISATIONS {
            Self::Medium
        } else {
            Self::Low
        }
    }

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Low => "Low",
            Self::Medium => "Medium",
            Self::High => "High",
            Self::Critical => "Critical",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(organisations: u32, services: u32, share: u8) -> CriticalityFacts {
        CriticalityFacts {
            organisations,
            patient_critical_services: services,
            largest_regional_share: share,
        }
    }

    #[test]
    fn the_rule_at_each_threshold() {
        use Criticality::*;
        assert_eq!(Criticality::of(&facts(0, 0, 0)), Low);
        assert_eq!(Criticality::of(&facts(4, 0, 24)), Low);
        assert_eq!(Criticality::of(&facts(5, 0, 0)), Medium);
        assert_eq!(Criticality::of(&facts(1, 1, 0)), Medium);
        assert_eq!(Criticality::of(&facts(49, 4, 24)), Medium);
        assert_eq!(Criticality::of(&facts(50, 0, 0)), High);
        assert_eq!(Criticality::of(&facts(1, 5, 0)), High);
        assert_eq!(Criticality::of(&facts(1, 0, 25)), High);
        assert_eq!(Criticality::of(&facts(1, 24, 49)), High);
        assert_eq!(Criticality::of(&facts(1, 0, 50)), Critical);
        assert_eq!(Criticality::of(&facts(1, 25, 0)), Critical);
    }

    #[test]
    fn more_dependence_is_never_less_critical() {
        let steps = [0u32, 1, 4, 5, 24, 25, 49, 50, 200];
        let shares = [0u8, 24, 25, 49, 50, 100];
        for &o in &steps {
            for &s in &steps {
                for &p in &shares {
                    let base = Criticality::of(&facts(o, s, p));
                    for (o2, s2, p2) in [(o + 1, s, p), (o, s + 1, p), (o, s, p.saturating_add(1))] {
                        assert!(Criticality::of(&facts(o2, s2, p2)) >= base, "{o} {s} {p}");
                    }
                }
            }
        }
    }

    #[test]
    fn one_spelling() {
        crate::text::check_serde_agrees::<Criticality>().unwrap();
    }
}
