//! A dry-run scenario as people write it: what an attack takes out, when, how long each lost thing
//! takes to come back, how much of a service a workaround keeps, and how many response teams there
//! are. Built-in scenarios (`ward-engine::impact::simulate`) and scenario files
//! (`ward-feeds::scenario`) both become a [`ScenarioSpec`]; the engine resolves its names against
//! the dependency graph and refuses what names nothing.
//!
//! The numbers are validated values: a [`Share`] is in 0..=1, [`Days`] are finite and not
//! negative, a [`Recovery`] has a positive median and a bounded spread, and the `after` lists of
//! the nodes form no cycle ([`ScenarioSpec::new`] refuses one).

use crate::org::OrgKind;
use crate::supplier::ProductCategory;

/// A share of something, from 0 to 1 inclusive.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Share(f64);

impl Share {
    pub const NONE: Self = Self(0.0);
    pub const ALL: Self = Self(1.0);
    /// `None` unless finite and within 0..=1.
    pub fn new(v: f64) -> Option<Self> {
        (v.is_finite() && (0.0..=1.0).contains(&v)).then_some(Self(v))
    }
    /// The nearest share to `v`, in constants (NaN counts as none).
    pub const fn clamped_const(v: f64) -> Self {
        Self(if v.is_nan() { 0.0 } else { v.clamp(0.0, 1.0) })
    }
    /// The nearest share to `v` (NaN counts as none).
    pub fn clamped(v: f64) -> Self {
        Self(if v.is_nan() { 0.0 } else { v.clamp(0.0, 1.0) })
    }
    pub fn get(self) -> f64 {
        self.0
    }
}

/// A number of days: finite and not negative.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Days(f64);

/// The longest duration a scenario may name (ten years): longer is a typing mistake.
pub const MAX_DAYS: f64 = 3650.0;

impl Days {
    pub const ZERO: Self = Self(0.0);
    /// `None` unless finite and within 0..=[`MAX_DAYS`].
    pub fn new(v: f64) -> Option<Self> {
        (v.is_finite() && (0.0..=MAX_DAYS).contains(&v)).then_some(Self(v))
    }
    pub fn get(self) -> f64 {
        self.0
    }
}

/// How long a lost thing takes to recover with a response team's help: a log-normal draw with
/// this median and this spread (the standard deviation of its logarithm).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Recovery {
    median_days: f64,
    spread: f64,
}

/// The widest spread accepted (a p90 about 46 times the median).
pub const MAX_SPREAD: f64 = 3.0;

impl Recovery {
    /// `None` unless the median is a positive number of [`Days`] and the spread is within
    /// 0..=[`MAX_SPREAD`].
    pub fn new(median_days: f64, spread: f64) -> Option<Self> {
        let ok = Days::new(median_days).is_some()
            && median_days > 0.0
            && spread.is_finite()
            && (0.0..=MAX_SPREAD).contains(&spread);
        ok.then_some(Self { median_days, spread })
    }
    /// The nearest valid recovery (for constants written in code).
    pub fn clamped(median_days: f64, spread: f64) -> Self {
        let finite = |v: f64, d: f64| if v.is_finite() { v } else { d };
        Self {
            median_days: finite(median_days, 1.0).clamp(0.001, MAX_DAYS),
            spread: finite(spread, 0.0).clamp(0.0, MAX_SPREAD),
        }
    }
    pub fn median_days(self) -> f64 {
        self.median_days
    }
    pub fn spread(self) -> f64 {
        self.spread
    }
}

/// What one node of a scenario takes out, by the names people use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttackTarget {
    /// A supplier (an organisation), by name or ODS code: its products and services.
    Supplier(String),
    /// A product, by CPE (vendor and product) or name.
    Product(String),
    /// An organisation, by ODS code.
    Org(String),
    /// One service of an organisation, by the organisation's ODS code and the service's name.
    Service { org: String, name: String },
    /// Every organisation of this kind, each independently with the node's probability.
    EveryOrgOfKind(OrgKind),
    /// The product of this category with the most dependants.
    BusiestProduct(ProductCategory),
}

/// One thing the attack takes out.
#[derive(Debug, Clone, PartialEq)]
pub struct AttackNode {
    /// A short name, unique in the scenario, that `after` lists refer to.
    pub name: String,
    pub target: AttackTarget,
    /// The chance a trial takes it out (each organisation separately for
    /// [`AttackTarget::EveryOrgOfKind`]).
    pub probability: Share,
    /// Nodes (by position) that fall first: this one falls `lag` days after the last of them (and
    /// only in a trial where at least one of them fell).
    pub after: Vec<usize>,
    /// Days from the start (or from the last of `after`) until it is lost.
    pub lag: Days,
    pub recovery: Recovery,
}

/// How much of a service's daily throughput a workaround keeps while something it depends on is
/// lost (the services named so, in any organisation).
#[derive(Debug, Clone, PartialEq)]
pub struct WorkaroundShare {
    /// The service's name, compared without regard to case and surrounding blanks.
    pub service: String,
    pub keeps: Share,
}

/// Mutual aid: patients an affected service cannot see go to the same kind of service at other
/// organisations nearby (the same ICB first, then the same region) that are not affected
/// themselves, up to the spare capacity those keep.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MutualAid {
    /// The share of each helping service's daily throughput spare for redirected patients.
    pub spare: Share,
    /// The share of the patients an affected service loses who are willing and able to travel.
    pub travel: Share,
}

impl MutualAid {
    /// No mutual aid.
    pub const NONE: Self = Self {
        spare: Share(0.0),
        travel: Share(0.0),
    };
    /// What a scenario assumes unless it says otherwise: a tenth spare, half the patients travel.
    pub const DEFAULT: Self = Self {
        spare: Share(0.1),
        travel: Share(0.5),
    };
    pub fn is_none(self) -> bool {
        self.spare.get() <= 0.0 || self.travel.get() <= 0.0
    }
}

/// Staged recovery: a share of the lost capacity is back at a first stage, part of the way
/// through each recovery, and the rest when the recovery is complete.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StagedRecovery {
    /// The share of the lost capacity back at the first stage.
    pub first_share: Share,
    /// When the first stage comes, as a share of the recovery time.
    pub first_at: Share,
}

impl StagedRecovery {
    /// The share of an outage's lost capacity that is lost over the whole outage (1 when
    /// everything comes back only at the end).
    pub fn lost_factor(self) -> f64 {
        1.0 - self.first_share.get() * (1.0 - self.first_at.get())
    }
}

/// A whole scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioSpec {
    pub name: String,
    nodes: Vec<AttackNode>,
    /// Teams that help the heaviest losses first; the others take [`ScenarioSpec::unhelped`] times as
    /// long.
    pub response_teams: u32,
    /// How much longer a lost thing takes without a team (at least 1).
    pub unhelped: f64,
    /// Days between a loss and the services depending on it losing capacity (stocks, buffers).
    pub dependency_lag: Days,
    /// What a degraded service keeps when no [`WorkaroundShare`] names it.
    pub default_keeps: Share,
    pub workarounds: Vec<WorkaroundShare>,
    /// Patients redirected to providers with spare capacity ([`MutualAid::DEFAULT`] unless said).
    pub mutual_aid: MutualAid,
    /// Capacity returning in steps (`None`: all of it when the recovery is complete).
    pub staged_recovery: Option<StagedRecovery>,
}

/// Why a set of nodes cannot make a scenario.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScenarioShapeError {
    #[error("a scenario takes out at least one thing")]
    NoNodes,
    #[error("node {node} follows node {after}, which does not exist")]
    UnknownAfter { node: usize, after: usize },
    #[error("node {0} is part of a cycle of `after` (each would wait for the other)")]
    Cycle(usize),
}

impl ScenarioSpec {
    /// A scenario with these nodes; refuses none, an `after` naming no node and cycles of `after`.
    pub fn new(name: impl Into<String>, nodes: Vec<AttackNode>) -> Result<Self, ScenarioShapeError> {
        if nodes.is_empty() {
            return Err(ScenarioShapeError::NoNodes);
        }
        for (i, n) in nodes.iter().enumerate() {
            if let Some(a) = n.after.iter().find(|a| **a >= nodes.len()) {
                return Err(ScenarioShapeError::UnknownAfter { node: i, after: *a });
            }
        }
        if let Some(c) = first_in_cycle(&nodes) {
            return Err(ScenarioShapeError::Cycle(c));
        }
        Ok(Self {
            name: name.into(),
            nodes,
            response_teams: 3,
            unhelped: 1.5,
            dependency_lag: Days::ZERO,
            default_keeps: Share(0.5),
            workarounds: Vec::new(),
            mutual_aid: MutualAid::DEFAULT,
            staged_recovery: None,
        })
    }

    /// A scenario of nodes that all fall from the start (no `after`), which cannot be refused.
    pub fn independent(name: impl Into<String>, first: AttackNode, rest: Vec<AttackNode>) -> Self {
        let mut nodes = vec![first];
        nodes.extend(rest);
        for n in &mut nodes {
            n.after.clear();
        }
        Self {
            name: name.into(),
            nodes,
            response_teams: 3,
            unhelped: 1.5,
            dependency_lag: Days::ZERO,
            default_keeps: Share(0.5),
            workarounds: Vec::new(),
            mutual_aid: MutualAid::DEFAULT,
            staged_recovery: None,
        }
    }

    pub fn nodes(&self) -> &[AttackNode] {
        &self.nodes
    }

    /// The nodes in an order where every node comes after those it follows.
    pub fn order(&self) -> Vec<usize> {
        topological(&self.nodes).unwrap_or_default()
    }
}

/// Kahn's order: every node not on or behind a cycle of `after`.
fn kahn(nodes: &[AttackNode]) -> Vec<usize> {
    let n = nodes.len();
    let mut waiting: Vec<usize> = nodes.iter().map(|x| x.after.len()).collect();
    let mut ready: Vec<usize> = (0..n).filter(|i| waiting.get(*i) == Some(&0)).rev().collect();
    let mut out = Vec::with_capacity(n);
    while let Some(i) = ready.pop() {
        out.push(i);
        for (j, node) in nodes.iter().enumerate() {
            for _ in node.after.iter().filter(|a| **a == i) {
                if let Some(w) = waiting.get_mut(j) {
                    *w -= 1;
                    if *w == 0 {
                        ready.insert(0, j);
                    }
                }
            }
        }
    }
    out
}

/// Kahn's order, or `None` when `after` has a cycle.
fn topological(nodes: &[AttackNode]) -> Option<Vec<usize>> {
    let out = kahn(nodes);
    (out.len() == nodes.len()).then_some(out)
}

/// The first node (by position) that is on or behind a cycle of `after`.
pub fn first_in_cycle(nodes: &[AttackNode]) -> Option<usize> {
    let order = kahn(nodes);
    (0..nodes.len()).find(|i| !order.contains(i))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(after: Vec<usize>) -> AttackNode {
        AttackNode {
            name: "n".into(),
            target: AttackTarget::Org("RJZ".into()),
            probability: Share::ALL,
            after,
            lag: Days::ZERO,
            recovery: Recovery::new(3.0, 0.5).unwrap_or(Recovery {
                median_days: 1.0,
                spread: 0.0,
            }),
        }
    }

    #[test]
    fn values_refuse_what_is_impossible() {
        assert!(Share::new(-0.1).is_none() && Share::new(1.01).is_none() && Share::new(f64::NAN).is_none());
        assert_eq!(Share::new(0.97).map(Share::get), Some(0.97));
        assert!(Days::new(-1.0).is_none() && Days::new(f64::INFINITY).is_none());
        assert!(Recovery::new(0.0, 0.3).is_none() && Recovery::new(5.0, -0.1).is_none());
        assert!(Recovery::new(5.0, 0.0).is_some());
    }

    #[test]
    fn cycles_of_after_are_refused_and_order_follows_after() {
        assert_eq!(
            ScenarioSpec::new("x", vec![node(vec![1]), node(vec![2]), node(vec![0])]).err(),
            Some(ScenarioShapeError::Cycle(0))
        );
        assert_eq!(
            ScenarioSpec::new("x", vec![node(vec![0])]).err(),
            Some(ScenarioShapeError::Cycle(0))
        );
        assert_eq!(
            ScenarioSpec::new("x", vec![node(vec![3])]).err(),
            Some(ScenarioShapeError::UnknownAfter { node: 0, after: 3 })
        );
        let s = ScenarioSpec::new("x", vec![node(vec![2]), node(vec![]), node(vec![1])]);
        assert_eq!(s.map(|s| s.order()).ok(), Some(vec![1, 2, 0]));
    }
}
