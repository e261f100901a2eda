//! A seeded Monte Carlo dry run over the dependency graph (`ward simulate`).
//!
//! Each trial draws what an attack takes out (a scenario), how long each lost thing takes to
//! recover (a log-normal draw around the scenario's median, which assumes a response team helps),
//! which lost things the teams help (the heaviest first; the others take half as long again), and
//! then, through the blast radius of each lost thing, how long
//! each service is stopped or degraded. It counts what is postponed: a stopped service loses its
//! whole daily throughput, a degraded one half of it (the workaround keeps the rest), every day
//! until the last lost thing it depends on is back.
//!
//! Built-in scenarios, modelled on the incidents in `DOMAIN.md`:
//! - `wannacry-2017`: every NHS trust is hit independently with probability 0.34 (81 of 236
//!   trusts) and every GP practice with 0.10 (595 of about 6,000 practices); each recovers in
//!   about 3 days with a team's help.
//! - `advanced-2022`: the urgent care platform with the most dependants is lost; about 35 days.
//! - `synnovis-2024`: the pathology system with the most dependants is lost; about 70 days.
//!
//! Mitigations: `offline-backups` (tested backups halve every recovery time),
//! `second-pathology-supplier` (losing a pathology system degrades instead of stopping, and the
//! degraded share lost falls to a quarter), `extra-response-team` (one more team than the three
//! the model assumes).
//!
//! Deterministic: the generator is a small SplitMix64 seeded by the caller, the graph is walked
//! in its own order and numbers are rounded before they are written, so the same seed on the
//! same graph gives byte-identical output. Pure: no I/O, no clock.

use serde::Serialize;
use ward_core::org::OrgKind;
use ward_core::service::ThroughputUnit;
use ward_core::supplier::ProductCategory;

use super::blast::{Effect, Loss};
use super::graph::ImpactGraph;

/// SplitMix64: small, fast, and the same sequence for the same seed everywhere.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Standard normal (Box-Muller).
    fn normal(&mut self) -> f64 {
        let u1 = self.next_f64().max(f64::MIN_POSITIVE);
        let u2 = self.next_f64();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }
}

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
    #[strum(serialize = "offline-backups")]
    OfflineBackups,
    #[strum(serialize = "second-pathology-supplier")]
    SecondPathologySupplier,
    #[strum(serialize = "extra-response-team")]
    ExtraResponseTeam,
}

fn names<T: strum::IntoEnumIterator + Into<&'static str>>() -> String {
    T::iter().map(Into::into).collect::<Vec<&str>>().join(", ")
}

fn by_name<T: strum::IntoEnumIterator + Into<&'static str> + Copy>(name: &str) -> Option<T> {
    T::iter().find(|v| (*v).into() == name.trim().to_ascii_lowercase())
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
    /// Median days to recover one lost thing, and the spread (sigma of its logarithm).
    fn recovery(self) -> (f64, f64) {
        match self {
            Self::Wannacry2017 => (3.0, 0.6),
            Self::Advanced2022 => (35.0, 0.4),
            Self::Synnovis2024 => (70.0, 0.3),
        }
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
}

/// Response teams the model assumes before mitigations.
pub const RESPONSE_TEAMS: usize = 3;
/// How much longer a lost thing takes to recover without a response team.
const UNHELPED: f64 = 1.5;

/// What to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimulationParams {
    pub scenario: Scenario,
    pub trials: u32,
    pub seed: u64,
    pub mitigations: Vec<Mitigation>,
}

/// The median and 90th percentile of a quantity over the trials.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Quantiles {
    pub median: f64,
    pub p90: f64,
}

/// The outcome over all trials.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimulationResult {
    pub scenario: &'static str,
    pub trials: u32,
    pub seed: u64,
    pub mitigations: Vec<&'static str>,
    /// What the scenario takes out (the product for a single-supplier scenario).
    pub target: Option<String>,
    pub outpatient_appointments_postponed: Quantiles,
    pub elective_procedures_postponed: Quantiles,
    /// Every appointment-counted service (outpatients, GP appointments, clinics).
    pub appointments_postponed: Quantiles,
    /// Daily throughput lost, summed over days, over every affected service.
    pub patient_days_lost: Quantiles,
    pub days_to_recover: Quantiles,
    pub organisations_affected: Quantiles,
    /// The two NHS trusts losing the most outpatient appointments and elective procedures in a
    /// trial, as published figures of real incidents are given (Synnovis 2024: over 10,000
    /// outpatient appointments and 1,693 elective procedures at the two most affected trusts).
    pub most_affected_trusts: TrustFigures,
}

/// Outpatient appointments and elective procedures postponed at a trial's two most affected NHS
/// trusts, over the trials.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TrustFigures {
    pub outpatient_appointments_postponed: Quantiles,
    pub elective_procedures_postponed: Quantiles,
}

/// How many of the most affected trusts [`TrustFigures`] adds up.
pub const MOST_AFFECTED_TRUSTS: usize = 2;

/// Why a simulation is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SimulationError {
    #[error("trials must be at least 1")]
    NoTrials,
    #[error("{asked} trials is more than the configured maximum of {max}")]
    TooManyTrials { asked: u32, max: u32 },
    #[error("the graph has no {0} product with dependants for this scenario")]
    NoTarget(&'static str),
}

/// One candidate lost thing: its loss's effect on each service, and whether a pathology product.
struct Candidate {
    effects: Vec<(u32, Effect)>,
    pathology: bool,
    /// Daily throughput it affects (to decide which lost things teams help first).
    weight: u64,
}

fn quantiles(mut v: Vec<f64>) -> Quantiles {
    v.sort_by(f64::total_cmp);
    let at = |q: f64| -> f64 {
        if v.is_empty() {
            return 0.0;
        }
        let i = ((v.len() as f64 * q).ceil() as usize).clamp(1, v.len()) - 1;
        v.get(i).copied().unwrap_or(0.0)
    };
    let round = |x: f64| (x * 10.0).round() / 10.0;
    Quantiles {
        median: round(at(0.5)),
        p90: round(at(0.9)),
    }
}

impl ImpactGraph {
    fn candidate(&self, loss: Loss, pathology: bool) -> Option<Candidate> {
        let r = self.blast_radius(&[loss]).ok()?;
        let effects: Vec<(u32, Effect)> = r.affected.iter().map(|(s, e, _)| (s.0, *e)).collect();
        let weight = effects
            .iter()
            .filter_map(|(s, _)| self.services.get(*s as usize))
            .map(|s| u64::from(s.throughput))
            .sum();
        Some(Candidate {
            effects,
            pathology,
            weight,
        })
    }

    /// The product of `category` with the most dependants (ties to the earlier one).
    fn busiest_product(&self, category: ProductCategory) -> Option<(Loss, String)> {
        self.products
            .iter()
            .enumerate()
            .filter(|(_, p)| p.category == category)
            .map(|(i, p)| (self.product_dependants.of(i).len(), p))
            .filter(|(n, _)| *n > 0)
            .fold(
                None,
                |best: Option<(usize, &super::graph::ProductNode)>, (n, p)| match best {
                    Some((m, _)) if m >= n => best,
                    _ => Some((n, p)),
                },
            )
            .map(|(_, p)| (Loss::Product(p.id), p.name.clone()))
    }

    /// Run the simulation; refuses more trials than `max_trials`.
    pub fn simulate(
        &self,
        params: &SimulationParams,
        max_trials: u32,
    ) -> Result<SimulationResult, SimulationError> {
        if params.trials == 0 {
            return Err(SimulationError::NoTrials);
        }
        if params.trials > max_trials {
            return Err(SimulationError::TooManyTrials {
                asked: params.trials,
                max: max_trials,
            });
        }
        let has = |m| params.mitigations.contains(&m);
        // What the scenario may take out, each with the chance a trial takes it.
        let mut candidates: Vec<(f64, Candidate)> = Vec::new();
        let mut target = None;
        match params.scenario {
            Scenario::Wannacry2017 => {
                for o in &self.orgs {
                    let p = match o.kind {
                        OrgKind::NhsTrust => 0.34,
                        OrgKind::GpPractice => 0.10,
                        _ => continue,
                    };
                    if let Some(c) = self.candidate(Loss::Org(o.id), false) {
                        candidates.push((p, c));
                    }
                }
            }
            Scenario::Advanced2022 | Scenario::Synnovis2024 => {
                let (category, what) = if params.scenario == Scenario::Advanced2022 {
                    (ProductCategory::UrgentCarePlatform, "urgent care platform")
                } else {
                    (ProductCategory::Pathology, "pathology")
                };
                let (loss, name) = self
                    .busiest_product(category)
                    .ok_or(SimulationError::NoTarget(what))?;
                target = Some(name);
                if let Some(c) = self.candidate(loss, category == ProductCategory::Pathology) {
                    candidates.push((1.0, c));
                }
            }
        }
        let classes: Vec<(bool, bool, bool)> = self
            .services
            .iter()
            .map(|s| {
                let name = s.name.to_lowercase();
                (
                    name.contains("outpatient"),
                    name.contains("theatre") || name.contains("elective"),
                    s.unit == ThroughputUnit::Appointments,
                )
            })
            .collect();
        let (median, sigma) = params.scenario.recovery();
        let median = if has(Mitigation::OfflineBackups) {
            median * 0.5
        } else {
            median
        };
        let teams = RESPONSE_TEAMS + usize::from(has(Mitigation::ExtraResponseTeam));
        let second_pathology = has(Mitigation::SecondPathologySupplier);

        let mut rng = SplitMix64::new(params.seed);
        let n = self.services.len();
        let (mut outpatients, mut electives, mut appointments, mut lost_days, mut days, mut orgs) = (
            Vec::new(),
            Vec::new(),
            Vec::new(),
            Vec::new(),
            Vec::new(),
            Vec::new(),
        );
        // Per service: days down and the share of throughput lost, reset each trial.
        let mut down = vec![(0.0_f64, 0.0_f64); n];
        let mut touched: Vec<usize> = Vec::new();
        let (mut trust_op, mut trust_el) = (Vec::new(), Vec::new());
        // Per NHS trust: outpatient appointments and elective procedures lost in this trial.
        let mut per_trust: std::collections::BTreeMap<u32, (f64, f64)> = std::collections::BTreeMap::new();
        for _ in 0..params.trials {
            let mut hit: Vec<(usize, f64)> = Vec::new();
            for (i, (p, _)) in candidates.iter().enumerate() {
                if *p >= 1.0 || rng.next_f64() < *p {
                    let d = (median.ln() + sigma * rng.normal()).exp();
                    hit.push((i, d));
                }
            }
            // Teams help the heaviest losses first; the others take half as long again.
            let mut order: Vec<usize> = (0..hit.len()).collect();
            order.sort_by_key(|k| {
                let w = hit
                    .get(*k)
                    .and_then(|(i, _)| candidates.get(*i))
                    .map_or(0, |(_, c)| c.weight);
                (std::cmp::Reverse(w), *k)
            });
            for k in order.into_iter().skip(teams) {
                if let Some(h) = hit.get_mut(k) {
                    h.1 *= UNHELPED;
                }
            }
            let mut longest = 0.0_f64;
            for (i, d) in &hit {
                let Some((_, c)) = candidates.get(*i) else {
                    continue;
                };
                longest = longest.max(*d);
                for (s, e) in &c.effects {
                    let share = match (e, c.pathology && second_pathology) {
                        (Effect::Stopped, false) => 1.0,
                        (Effect::Degraded, false) | (Effect::Stopped, true) => 0.5,
                        (Effect::Degraded, true) => 0.25,
                        (Effect::Unaffected, _) => 0.0,
                    };
                    if let Some(slot) = down.get_mut(*s as usize) {
                        if slot.0 == 0.0 && slot.1 == 0.0 {
                            touched.push(*s as usize);
                        }
                        slot.0 = slot.0.max(*d);
                        slot.1 = slot.1.max(share);
                    }
                }
            }
            let (mut op, mut el, mut ap, mut all) = (0.0, 0.0, 0.0, 0.0);
            let mut affected_orgs: Vec<u32> = Vec::new();
            for s in touched.drain(..) {
                let (Some(slot), Some(node), Some(class)) =
                    (down.get_mut(s), self.services.get(s), classes.get(s))
                else {
                    continue;
                };
                let lost = f64::from(node.throughput) * slot.0 * slot.1;
                all += lost;
                if class.0 {
                    op += lost;
                }
                if class.1 {
                    el += lost;
                }
                if (class.0 || class.1)
                    && self
                        .orgs
                        .get(node.org.0 as usize)
                        .is_some_and(|o| o.kind == OrgKind::NhsTrust)
                {
                    let t = per_trust.entry(node.org.0).or_default();
                    if class.0 {
                        t.0 += lost;
                    }
                    if class.1 {
                        t.1 += lost;
                    }
                }
                if class.2 {
                    ap += lost;
                }
                affected_orgs.push(node.org.0);
                *slot = (0.0, 0.0);
            }
            affected_orgs.sort_unstable();
            affected_orgs.dedup();
            // The most affected trusts by what they lost, ties to the earlier trust.
            let mut trusts: Vec<(u32, (f64, f64))> = std::mem::take(&mut per_trust).into_iter().collect();
            trusts.sort_by(|a, b| (b.1.0 + b.1.1).total_cmp(&(a.1.0 + a.1.1)).then(a.0.cmp(&b.0)));
            let top = trusts.iter().take(MOST_AFFECTED_TRUSTS);
            let (top_op, top_el) = top.fold((0.0, 0.0), |acc, (_, (o, e))| (acc.0 + o, acc.1 + e));
            trust_op.push(top_op.round());
            trust_el.push(top_el.round());
            outpatients.push(op.round());
            electives.push(el.round());
            appointments.push(ap.round());
            lost_days.push(all.round());
            days.push(longest);
            orgs.push(affected_orgs.len() as f64);
        }
        let mut mitigations: Vec<Mitigation> = params.mitigations.clone();
        mitigations.sort();
        mitigations.dedup();
        Ok(SimulationResult {
            scenario: params.scenario.as_str(),
            trials: params.trials,
            seed: params.seed,
            mitigations: mitigations.into_iter().map(Mitigation::as_str).collect(),
            target,
            outpatient_appointments_postponed: quantiles(outpatients),
            elective_procedures_postponed: quantiles(electives),
            appointments_postponed: quantiles(appointments),
            patient_days_lost: quantiles(lost_days),
            days_to_recover: quantiles(days),
            organisations_affected: quantiles(orgs),
            most_affected_trusts: TrustFigures {
                outpatient_appointments_postponed: quantiles(trust_op),
                elective_procedures_postponed: quantiles(trust_el),
            },
        })
    }
}
