//! Prioritisation that explains itself.
//!
//! The score is a weighted sum of seven factors, each valued from 0 to 1:
//!
//! | factor | value | default weight |
//! |---|---|---|
//! | `cvss` | base score / 10: CVSS v4 when the source states its score, else v3 (stated or computed from the vector), else v2, else a qualitative rating (critical 0.95, high 0.8, medium/moderate 0.55, low 0.25); 0.5 when nothing is known | 30 |
//! | `epss` | the EPSS probability of exploitation in the next 30 days (percentile shown in the explanation); 0 when not scored | 20 |
//! | `kev` | 1 when listed in CISA's KEV catalogue (its due date in the explanation, and whether it has passed) | 20 |
//! | `ransomware` | 1 when KEV records known ransomware use | 5 |
//! | `internet_facing` | 1 when the asset is reachable from the internet | 10 |
//! | `unsupported` | 1 when the software is past its end of life | 5 |
//! | `consequence` | (worst NPSA consequence − 1) / 4 among the services that depend on the asset, directly or through other services (other organisations' included); 0 when no service depends on it | 10 |
//!
//! With the defaults the score runs from 0 to 100. Every weight can be overridden from settings
//! (`PriorityWeights` deserialises with missing fields taking their defaults).

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use ward_core::dependency::{Dependency, DependencyTarget};
use ward_core::risk::Consequence;
use ward_core::service::Service;
use ward_core::vuln::{CvssBand, CvssV3, EpssScore, KevEntry, Severity, SeverityKind};
use ward_core::{AssetId, ServiceId};

use crate::eol::Unsupported;

/// The weights of the factors (see the module docs for the defaults).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PriorityWeights {
    /// CVSS base score.
    pub cvss: f64,
    /// EPSS probability.
    pub epss: f64,
    /// Listed in KEV.
    pub kev: f64,
    /// Known ransomware use.
    pub ransomware: f64,
    /// Internet-facing asset.
    pub internet_facing: f64,
    /// Unsupported software.
    pub unsupported: f64,
    /// Worst NPSA consequence among dependent services.
    pub consequence: f64,
}

impl Default for PriorityWeights {
    fn default() -> Self {
        Self {
            cvss: 30.0,
            epss: 20.0,
            kev: 20.0,
            ransomware: 5.0,
            internet_facing: 10.0,
            unsupported: 5.0,
            consequence: 10.0,
        }
    }
}

impl PriorityWeights {
    /// The weight of one factor.
    pub fn of(&self, kind: FactorKind) -> f64 {
        match kind {
            FactorKind::Cvss => self.cvss,
            FactorKind::Epss => self.epss,
            FactorKind::Kev => self.kev,
            FactorKind::Ransomware => self.ransomware,
            FactorKind::InternetFacing => self.internet_facing,
            FactorKind::Unsupported => self.unsupported,
            FactorKind::Consequence => self.consequence,
        }
    }
}

/// Which factor a [`Factor`] is, in the order a priority lists them. Its name (`internet_facing`) is
/// the name of its field in [`PriorityWeights`].
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
    strum::Display,
    strum::EnumIter,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum FactorKind {
    Cvss,
    Epss,
    Kev,
    Ransomware,
    InternetFacing,
    Unsupported,
    Consequence,
}

impl FactorKind {
    /// What raises this factor, in words for the priority legend.
    pub fn legend(self) -> &'static str {
        match self {
            Self::Cvss => "How severe the vulnerability is (its CVSS base score)",
            Self::Epss => "How likely it is to be exploited in the next 30 days (EPSS)",
            Self::Kev => "Attackers are known to be exploiting it (CISA's catalogue)",
            Self::Ransomware => "It is known to be used in ransomware campaigns",
            Self::InternetFacing => "The asset can be reached from the internet",
            Self::Unsupported => "The software no longer gets security fixes",
            Self::Consequence => "The worst harm to patients if a service depending on the asset stopped",
        }
    }
}

/// One factor of a priority.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Factor {
    /// Which factor (serialised as `name`).
    #[serde(rename = "name")]
    pub kind: FactorKind,
    /// The factor's value, 0 to 1.
    pub value: f64,
    /// Its weight.
    pub weight: f64,
    /// `value × weight`.
    pub contribution: f64,
    /// Why, in words.
    pub explanation: String,
}

/// A score with the factors that make it up, in a fixed order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Priority {
    /// The sum of the contributions.
    pub score: f64,
    /// The factors.
    pub factors: Vec<Factor>,
}

/// The service an asset's worst consequence comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServiceImpact {
    /// The worst consequence.
    pub consequence: Consequence,
    /// The service with that consequence.
    pub service: ServiceId,
    /// The chain from a service using the asset directly to `service` (one element when direct).
    pub path: Vec<ServiceId>,
}

/// What a priority is computed from.
#[derive(Debug, Clone, Copy)]
pub struct PriorityInput<'a> {
    /// The advisory's severity ratings.
    pub severity: &'a [Severity],
    /// The EPSS score of its CVE, if scored.
    pub epss: Option<&'a EpssScore>,
    /// Its KEV entry, if listed.
    pub kev: Option<&'a KevEntry>,
    /// Whether the asset is internet-facing.
    pub internet_facing: bool,
    /// Why the software is unsupported, if it is.
    pub unsupported: Option<&'a Unsupported>,
    /// The worst consequence among dependent services.
    pub impact: Option<&'a ServiceImpact>,
    /// Today (to say whether a KEV due date has passed).
    pub today: Date,
}

/// The CVSS value of a set of ratings and its explanation (see the module docs for the order).
pub fn cvss_value(severity: &[Severity]) -> (f64, String) {
    usable_cvss(severity).unwrap_or_else(|| {
        let note = if severity.iter().any(|s| s.kind == SeverityKind::CvssV4) {
            "; a v4 vector is given without its score"
        } else {
            ""
        };
        (0.5, format!("no usable severity; assumed medium{note}"))
    })
}

/// The severity band of a set of ratings: the band of [`cvss_value`]'s score, or unscored when
/// the ratings give no usable severity (that value is then an assumption, not a rating).
pub fn cvss_band(severity: &[Severity]) -> CvssBand {
    match usable_cvss(severity) {
        // The value is the score over ten, kept to one decimal as the source gives it.
        Some((v, _)) => CvssBand::of_score((v * 100.0).round() / 10.0),
        None => CvssBand::Unscored,
    }
}

/// [`cvss_value`] when the ratings give a usable severity.
fn usable_cvss(severity: &[Severity]) -> Option<(f64, String)> {
    let stated = |kind: &SeverityKind| {
        severity
            .iter()
            .filter(|s| s.kind == *kind)
            .find_map(|s| s.base_score.map(|b| (b, s.score.clone())))
    };
    if let Some((b, vector)) = stated(&SeverityKind::CvssV4) {
        return Some((b / 10.0, format!("CVSS v4 base score {b:.1} ({vector})")));
    }
    let v3 = stated(&SeverityKind::CvssV3).or_else(|| {
        severity
            .iter()
            .filter(|s| s.kind == SeverityKind::CvssV3)
            .find_map(|s| {
                CvssV3::parse(&s.score)
                    .ok()
                    .map(|v| (v.base_score(), s.score.clone()))
            })
    });
    let had_v4 = severity.iter().any(|s| s.kind == SeverityKind::CvssV4);
    let note = if had_v4 {
        "; a v4 vector is given without its score"
    } else {
        ""
    };
    if let Some((b, vector)) = v3 {
        return Some((b / 10.0, format!("CVSS v3 base score {b:.1} ({vector}){note}")));
    }
    if let Some((b, vector)) = stated(&SeverityKind::CvssV2) {
        return Some((b / 10.0, format!("CVSS v2 base score {b:.1} ({vector}){note}")));
    }
    let label = severity.iter().find_map(|s| match &s.kind {
        SeverityKind::Other(_) => Some(s.score.to_lowercase()),
        _ => None,
    });
    let rated = label.as_deref().and_then(|l| match l {
        "critical" => Some(0.95),
        "high" | "important" => Some(0.8),
        "medium" | "moderate" => Some(0.55),
        "low" => Some(0.25),
        _ => None,
    });
    match (rated, label) {
        (Some(v), Some(l)) => Some((v, format!("no CVSS score; rated {l:?} by the source{note}"))),
        _ => None,
    }
}

/// Computes a priority (see the module docs).
pub fn prioritise(input: &PriorityInput<'_>, weights: &PriorityWeights) -> Priority {
    let mut factors = Vec::with_capacity(7);
    let mut add = |kind: FactorKind, value: f64, explanation: String| {
        let value = value.clamp(0.0, 1.0);
        let weight = weights.of(kind);
        factors.push(Factor {
            kind,
            value,
            weight,
            contribution: value * weight,
            explanation,
        });
    };
    let (cvss, why) = cvss_value(input.severity);
    add(FactorKind::Cvss, cvss, why);
    match input.epss {
        Some(e) => add(
            FactorKind::Epss,
            e.epss,
            format!(
                "EPSS {:.1}% chance of exploitation in 30 days (percentile {:.0})",
                e.epss * 100.0,
                e.percentile * 100.0
            ),
        ),
        None => add(FactorKind::Epss, 0.0, "no EPSS score".to_owned()),
    }
    match input.kev {
        Some(k) => {
            let due = match k.due_date {
                Some(d) if d < input.today => format!("; due {d}, passed"),
                Some(d) => format!("; due {d}"),
                None => String::new(),
            };
            add(
                FactorKind::Kev,
                1.0,
                format!("listed in CISA KEV on {}{due}", k.date_added),
            );
            let (v, why) = if k.known_ransomware {
                (1.0, "known use in ransomware campaigns".to_owned())
            } else {
                (0.0, "no known ransomware use".to_owned())
            };
            add(FactorKind::Ransomware, v, why);
        }
        None => {
            add(FactorKind::Kev, 0.0, "not in CISA KEV".to_owned());
            add(FactorKind::Ransomware, 0.0, "not in CISA KEV".to_owned());
        }
    }
    let (v, why) = if input.internet_facing {
        (1.0, "the asset is internet-facing")
    } else {
        (0.0, "the asset is not internet-facing")
    };
    add(FactorKind::InternetFacing, v, why.to_owned());
    match input.unsupported {
        Some(u) => {
            let when = u.eol.map_or_else(|| "ended".to_owned(), |d| format!("ended {d}"));
            add(
                FactorKind::Unsupported,
                1.0,
                format!("{} {}: security support {when}", u.product, u.cycle),
            );
        }
        None => add(FactorKind::Unsupported, 0.0, "supported or unknown".to_owned()),
    }
    match input.impact {
        Some(i) => {
            let via = if i.path.len() > 1 {
                format!(" through {} dependent service(s)", i.path.len() - 1)
            } else {
                String::new()
            };
            add(
                FactorKind::Consequence,
                f64::from(i.consequence.value() - 1) / 4.0,
                format!(
                    "{} consequence ({}) for service {}{via}",
                    i.consequence.label(),
                    i.consequence.value(),
                    i.service
                ),
            );
        }
        None => add(
            FactorKind::Consequence,
            0.0,
            "no service depends on the asset".to_owned(),
        ),
    }
    let score = factors.iter().map(|f| f.contribution).sum();
    Priority { score, factors }
}

/// Which services use which assets, how critical each service is, and which services depend on
/// other services (possibly of other organisations).
#[derive(Debug, Clone, Default)]
pub struct ServiceGraph {
    asset_services: BTreeMap<AssetId, BTreeSet<ServiceId>>,
    criticality: BTreeMap<ServiceId, Consequence>,
    dependents: BTreeMap<ServiceId, BTreeSet<ServiceId>>,
}

impl ServiceGraph {
    /// Builds the graph from plain maps: service criticalities, (asset, service using it) pairs and
    /// (dependent service, service it depends on) pairs.
    pub fn new(
        criticality: impl IntoIterator<Item = (ServiceId, Consequence)>,
        asset_services: impl IntoIterator<Item = (AssetId, ServiceId)>,
        service_dependencies: impl IntoIterator<Item = (ServiceId, ServiceId)>,
    ) -> Self {
        let mut g = Self {
            criticality: criticality.into_iter().collect(),
            ..Self::default()
        };
        for (asset, service) in asset_services {
            g.asset_services.entry(asset).or_default().insert(service);
        }
        for (dependent, on) in service_dependencies {
            g.dependents.entry(on).or_default().insert(dependent);
        }
        g
    }

    /// Builds the graph from core services, dependency edges, and assets' own service lists.
    pub fn from_core<'a>(
        services: &[Service],
        dependencies: &[Dependency],
        asset_services: impl IntoIterator<Item = (AssetId, &'a [ServiceId])>,
    ) -> Self {
        let mut pairs: Vec<(AssetId, ServiceId)> = Vec::new();
        let mut edges = Vec::new();
        for d in dependencies {
            match d.target {
                DependencyTarget::Asset(a) => pairs.push((a, d.service)),
                DependencyTarget::Service(s) => edges.push((d.service, s)),
                DependencyTarget::Product(_) => {}
            }
        }
        for (asset, list) in asset_services {
            pairs.extend(list.iter().map(|s| (asset, *s)));
        }
        Self::new(services.iter().map(|s| (s.id, s.criticality)), pairs, edges)
    }

    /// The worst consequence among services that use `asset` directly or depend on one that does
    /// (transitively); ties go to the shorter chain, then the smaller service id.
    pub fn worst_consequence(&self, asset: AssetId) -> Option<ServiceImpact> {
        let direct = self.asset_services.get(&asset)?;
        let mut seen: BTreeSet<ServiceId> = BTreeSet::new();
        let mut queue: VecDeque<Vec<ServiceId>> = VecDeque::new();
        for s in direct {
            if seen.insert(*s) {
                queue.push_back(vec![*s]);
            }
        }
        let mut best: Option<ServiceImpact> = None;
        while let Some(path) = queue.pop_front() {
            let Some(&service) = path.last() else {
                continue;
            };
            if let Some(&c) = self.criticality.get(&service) {
                let better = best.as_ref().is_none_or(|b| {
                    c > b.consequence
                        || (c == b.consequence && path.len() == b.path.len() && service < b.service)
                });
                if better {
                    best = Some(ServiceImpact {
                        consequence: c,
                        service,
                        path: path.clone(),
                    });
                }
            }
            for next in self.dependents.get(&service).into_iter().flatten() {
                if seen.insert(*next) {
                    let mut longer = path.clone();
                    longer.push(*next);
                    queue.push_back(longer);
                }
            }
        }
        best
    }
}
