//! The built-in scenarios, modelled on the incidents in `DOMAIN.md`, and the mitigations whose
//! difference a run shows. Each built-in scenario is a [`ScenarioSpec`] like a scenario file's, so
//! both take one path through the engine.
//!
//! - `wannacry-2017`: every NHS trust is hit independently with probability 0.34 (81 of 236
//!   trusts) and every GP practice with 0.10 (595 of about 6,000 practices); each recovers in
//!   about 3 days with a team's help (log-normal, spread 0.6).
//! - `advanced-2022`: the urgent care platform with the most dependants is lost; about 35 days
//!   (spread 0.4).
//! - `synnovis-2024`: the pathology system with the most dependants is lost; about 70 days
//!   (spread 0.3), with the workaround shares of [`SYNNOVIS_WORKAROUNDS`] and no mutual aid (the
//!   published counts those shares come from are net of it).
//!
//! The first two assume the modest default mutual aid ([`MutualAid::DEFAULT`]).

use ward_core::org::OrgKind;
use ward_core::simulation::{
    AttackNode, AttackTarget, Days, MutualAid, Recovery, ScenarioSpec, Share, WorkaroundShare,
};
use ward_core::supplier::ProductCategory;

/// A built-in scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumIter, strum::IntoStaticStr)]
pub enum Scenario {
    #[strum(serialize = "wannacry-2017")]
    Wannacry2017,
    #[strum(serialize = "advanced-2022")]
    Advanced2022,
    #[strum(serialize = "synnovis-2024")]
    Synnovis2024,
}

/// A mitigation whose difference the simulation shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, strum::EnumIter, strum::IntoStaticStr)]
pub enum Mitigation {
    /// Tested offline backups halve every recovery time.
    #[strum(serialize = "offline-backups")]
    OfflineBackups,
    /// Losing a pathology product degrades instead of stopping, and a degraded service loses half
    /// as much.
    #[strum(serialize = "second-pathology-supplier")]
    SecondPathologySupplier,
    /// One more response team than the scenario has.
    #[strum(serialize = "extra-response-team")]
    ExtraResponseTeam,
    /// Neighbouring providers agree to hold spare capacity for each other's patients, with
    /// transport arranged: at least [`AGREED_MUTUAL_AID`]'s shares.
    #[strum(serialize = "mutual-aid-agreement")]
    MutualAidAgreement,
}

/// What a mutual aid agreement assures: a fifth of each helper's throughput spare, and four in
/// five patients able to travel (transport arranged).
pub const AGREED_MUTUAL_AID: MutualAid = MutualAid {
    spare: Share::clamped_const(0.2),
    travel: Share::clamped_const(0.8),
};

fn names<T: strum::IntoEnumIterator + Into<&'static str>>() -> String {
    T::iter().map(Into::into).collect::<Vec<&str>>().join(", ")
}

fn by_name<T: strum::IntoEnumIterator + Into<&'static str> + Copy>(name: &str) -> Option<T> {
    T::iter().find(|v| (*v).into() == name.trim().to_ascii_lowercase())
}

/// Share of throughput kept while pathology is lost, by service, for `synnovis-2024`. Derived from
/// the published counts (over 10,000 outpatient appointments and 1,693 elective procedures
/// postponed at the two most affected trusts in ten weeks) set against the order of what two large
/// acute trusts deliver in ten weeks (about 330,000 outpatient appointments and 11,000 elective
/// procedures): outpatients lost about 3 %, theatres about 15 %. See `docs/impact.md`.
pub const SYNNOVIS_WORKAROUNDS: [(&str, f64); 2] =
    [("Outpatients", 0.97), ("Theatres and elective surgery", 0.85)];

/// What a degraded service keeps when no workaround share names it.
pub const DEFAULT_KEEPS: f64 = 0.5;

fn share(v: f64) -> Share {
    Share::clamped(v)
}

fn node(name: &str, target: AttackTarget, probability: f64, median: f64, spread: f64) -> AttackNode {
    AttackNode {
        name: name.to_owned(),
        target,
        probability: share(probability),
        after: Vec::new(),
        lag: Days::ZERO,
        recovery: Recovery::clamped(median, spread),
    }
}

impl Scenario {
    pub fn parse(name: &str) -> Option<Self> {
        by_name(name)
    }
    /// Every built-in scenario's name, for messages.
    pub fn names() -> String {
        names::<Self>()
    }
    pub fn as_str(self) -> &'static str {
        self.into()
    }
    /// One line for people choosing a scenario.
    pub fn summary(self) -> &'static str {
        match self {
            Self::Wannacry2017 => {
                "A worm hits a third of NHS trusts and a tenth of GP practices, each for days"
            }
            Self::Advanced2022 => {
                "The most used NHS 111 and urgent care platform is lost for about five weeks"
            }
            Self::Synnovis2024 => "The most used pathology system is lost for about ten weeks",
        }
    }

    /// The scenario as a spec, like one read from a file.
    pub fn spec(self) -> ScenarioSpec {
        let (first, rest) = match self {
            Self::Wannacry2017 => (
                node(
                    "nhs-trusts",
                    AttackTarget::EveryOrgOfKind(OrgKind::NhsTrust),
                    0.34,
                    3.0,
                    0.6,
                ),
                vec![node(
                    "gp-practices",
                    AttackTarget::EveryOrgOfKind(OrgKind::GpPractice),
                    0.10,
                    3.0,
                    0.6,
                )],
            ),
            Self::Advanced2022 => (
                node(
                    "urgent-care-platform",
                    AttackTarget::BusiestProduct(ProductCategory::UrgentCarePlatform),
                    1.0,
                    35.0,
                    0.4,
                ),
                Vec::new(),
            ),
            Self::Synnovis2024 => (
                node(
                    "pathology-system",
                    AttackTarget::BusiestProduct(ProductCategory::Pathology),
                    1.0,
                    70.0,
                    0.3,
                ),
                Vec::new(),
            ),
        };
        let mut spec = ScenarioSpec::independent(self.as_str(), first, rest);
        spec.default_keeps = share(DEFAULT_KEEPS);
        if self == Self::Synnovis2024 {
            // The published counts the workaround shares come from are what was postponed after
            // other hospitals had taken what they could: counting mutual aid again would take
            // it off twice. The `mutual-aid-agreement` mitigation shows what more of it changes.
            spec.mutual_aid = MutualAid::NONE;
            spec.workarounds = SYNNOVIS_WORKAROUNDS
                .iter()
                .map(|(service, keeps)| WorkaroundShare {
                    service: (*service).to_owned(),
                    keeps: share(*keeps),
                })
                .collect();
        }
        spec
    }
}

impl Mitigation {
    pub fn parse(name: &str) -> Option<Self> {
        by_name(name)
    }
    /// Every mitigation's name, for messages.
    pub fn names() -> String {
        names::<Self>()
    }
    pub fn as_str(self) -> &'static str {
        self.into()
    }
    /// What it changes, for people.
    pub fn label(self) -> &'static str {
        match self {
            Self::OfflineBackups => "Tested offline backups (every recovery takes half as long)",
            Self::SecondPathologySupplier => {
                "A second pathology supplier (losing one degrades instead of stopping)"
            }
            Self::ExtraResponseTeam => "One more response team",
            Self::MutualAidAgreement => {
                "A mutual aid agreement (neighbours hold a fifth of their capacity spare; transport arranged)"
            }
        }
    }
}
