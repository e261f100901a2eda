//! A blast radius as people read it, limited to what one caller may see: totals, the
//! organisations and services affected with why, the worst NPSA consequence, and concentration
//! (the share of a service's capacity in a region that the loss takes out).
//!
//! Throughput is summed over affected services per unit (patients, appointments). A patient who
//! passes through several affected services is counted in each, so the totals are service-days of
//! disruption, an upper bound on the number of people; a degraded service counts whole, since the
//! model does not know how much of it the workaround keeps.

use std::collections::BTreeMap;

use serde::Serialize;
use ward_core::org::OrgKind;
use ward_core::risk::Consequence;
use ward_core::service::ThroughputUnit;
use ward_core::{OrgId, ServiceId};

use super::blast::{BlastRadius, Cause, Effect, Loss};
use super::graph::{ImpactGraph, Node, OrgIx};

/// Which organisations' services a caller may see, as the store's scopes say it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Visibility {
    /// The whole sector.
    All,
    /// These organisations and everything beneath them in the current hierarchy.
    Subtrees(Vec<OrgId>),
    /// Exactly these organisations.
    Orgs(Vec<OrgId>),
}

impl ImpactGraph {
    pub(crate) fn visible_marks(&self, v: &Visibility) -> Vec<bool> {
        match v {
            Visibility::All => vec![true; self.orgs.len()],
            Visibility::Subtrees(roots) => self.subtree_marks(roots),
            Visibility::Orgs(list) => {
                let mut marks = vec![false; self.orgs.len()];
                for ix in list.iter().filter_map(|o| self.org_ix(*o)) {
                    if let Some(m) = marks.get_mut(ix.0 as usize) {
                        *m = true;
                    }
                }
                marks
            }
        }
    }
}

/// A group for concentration: (region, folded service name).
type GroupKey = (Option<OrgIx>, u32);
/// One affected service for concentration: its group, organisation, throughput, and whether it
/// stopped.
type Hit = (GroupKey, OrgIx, u32, bool);

/// A node of the graph named for people.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct NodeRef {
    /// `service`, `product` or `asset`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub id: String,
    pub name: String,
    /// The owning organisation (or the product's supplier).
    pub org_code: String,
    pub org_name: String,
}

/// Why a service is affected, for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Why {
    /// `lost` (the service or its organisation was lost) or `dependency`.
    pub kind: &'static str,
    /// The dependency's target, for `dependency`.
    pub via: Option<NodeRef>,
    /// The workaround recorded on that dependency.
    pub workaround: Option<String>,
}

/// One affected service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AffectedService {
    pub id: ServiceId,
    pub name: String,
    pub org: OrgId,
    pub org_code: String,
    pub org_name: String,
    pub effect: Effect,
    /// NPSA consequence if the service stops.
    pub criticality: u8,
    pub daily_throughput: u32,
    pub throughput_unit: ThroughputUnit,
    /// Steps from the loss (0 for a service lost itself).
    pub depth: u32,
    pub why: Why,
}

/// One affected organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AffectedOrg {
    pub id: OrgId,
    pub code: String,
    pub name: String,
    pub kind: OrgKind,
    pub stopped: u32,
    pub degraded: u32,
    pub patients_per_day: u64,
    pub appointments_per_day: u64,
    pub worst_consequence: u8,
}

/// The share of one service's capacity in one region that the loss affects.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Concentration {
    /// The region's name, or `None` for organisations outside any region (suppliers, national).
    pub region: Option<String>,
    /// The service, by name (services with the same name, case and blanks aside, count together).
    pub service: String,
    pub throughput_unit: ThroughputUnit,
    /// Organisations delivering it in the region (that the caller may see).
    pub providers: u32,
    /// Of those, how many are affected.
    pub providers_affected: u32,
    /// Daily capacity in the region, and how much of it is affected or stopped.
    pub capacity_per_day: u64,
    pub affected_per_day: u64,
    pub stopped_per_day: u64,
    /// `affected_per_day / capacity_per_day` (0 when there is no capacity).
    pub share_affected: f64,
}

/// Totals over what the caller may see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub organisations: u32,
    pub services: u32,
    pub stopped: u32,
    pub degraded: u32,
    pub patients_per_day: u64,
    pub appointments_per_day: u64,
    /// Of those, what stopped services account for.
    pub patients_per_day_stopped: u64,
    pub appointments_per_day_stopped: u64,
    /// The worst NPSA consequence among affected services (their criticality), if any.
    pub worst_consequence: Option<u8>,
    pub worst_consequence_label: Option<&'static str>,
    /// Services affected outside what the caller may see (counted, never named).
    pub services_elsewhere: u32,
}

/// A blast radius for one caller.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImpactReport {
    pub losses: Vec<Loss>,
    /// The products and assets lost directly (the supplier's products for a supplier).
    pub lost: Vec<NodeRef>,
    pub totals: Totals,
    /// Worst consequence first, then most services affected, then code.
    pub organisations: Vec<AffectedOrg>,
    /// Stopped before degraded, then worst consequence, busiest, organisation code, name.
    pub services: Vec<AffectedService>,
    /// Highest share first; only groups with something affected.
    pub concentration: Vec<Concentration>,
}

fn per_unit(unit: ThroughputUnit, throughput: u32) -> (u64, u64) {
    match unit {
        ThroughputUnit::Patients => (u64::from(throughput), 0),
        ThroughputUnit::Appointments => (0, u64::from(throughput)),
    }
}

impl BlastRadius<'_> {
    fn org_names(&self, ix: OrgIx) -> (String, String) {
        self.graph
            .org(ix)
            .map(|o| (o.code.clone(), o.name.clone()))
            .unwrap_or_default()
    }

    pub(crate) fn node_ref(&self, node: Node) -> Option<NodeRef> {
        let g = self.graph;
        let (kind, id, name, org) = match node {
            Node::Service(s) => {
                let s = g.service(s)?;
                ("service", s.id.to_string(), s.name.clone(), s.org)
            }
            Node::Product(p) => {
                let p = g.product(p)?;
                ("product", p.id.to_string(), p.name.clone(), p.supplier)
            }
            Node::Asset(a) => {
                let a = g.asset(a)?;
                ("asset", a.id.to_string(), a.name.clone(), a.org)
            }
        };
        let (org_code, org_name) = self.org_names(org);
        Some(NodeRef {
            kind,
            id,
            name,
            org_code,
            org_name,
        })
    }

    /// Steps from the loss to each affected service, following causes (they always end at a
    /// loss; the bound only guards the loop).
    fn depths(&self) -> Vec<u32> {
        let g = self.graph;
        let mut depth = vec![u32::MAX; g.services.len()];
        let cause_of = |s: usize| -> Option<Cause> {
            let ix = super::graph::ServiceIx(s as u32);
            self.affected
                .binary_search_by_key(&ix, |(x, _, _)| *x)
                .ok()
                .and_then(|i| self.affected.get(i))
                .map(|(_, _, c)| *c)
        };
        for (s, _, _) in &self.affected {
            let mut chain: Vec<usize> = Vec::new();
            let mut at = s.0 as usize;
            // The depth of the last service put on the chain.
            let last = loop {
                if let Some(&d) = depth.get(at)
                    && d != u32::MAX
                {
                    break d.saturating_add(1);
                }
                chain.push(at);
                if chain.len() > g.services.len() {
                    break 0;
                }
                match cause_of(at).map(|c| match c {
                    Cause::Lost => None,
                    Cause::Dependency(d) => g.dep(d).map(|e| e.target),
                }) {
                    Some(Some(Node::Service(t))) => at = t.0 as usize,
                    // Hit through a lost product or asset: one step from the loss.
                    Some(Some(_)) => break 1,
                    _ => break 0,
                }
            };
            for (k, node) in chain.iter().rev().enumerate() {
                if let Some(slot) = depth.get_mut(*node) {
                    *slot = last.saturating_add(k as u32);
                }
            }
        }
        depth
    }

    /// The blast radius as `visibility` may see it.
    pub fn report(&self, visibility: &Visibility) -> ImpactReport {
        let g = self.graph;
        let visible = g.visible_marks(visibility);
        let sees = |o: OrgIx| visible.get(o.0 as usize).copied().unwrap_or(false);
        let depths = self.depths();

        let mut services = Vec::new();
        let mut orgs: BTreeMap<OrgIx, AffectedOrg> = BTreeMap::new();
        let mut totals = Totals {
            organisations: 0,
            services: 0,
            stopped: 0,
            degraded: 0,
            patients_per_day: 0,
            appointments_per_day: 0,
            patients_per_day_stopped: 0,
            appointments_per_day_stopped: 0,
            worst_consequence: None,
            worst_consequence_label: None,
            services_elsewhere: 0,
        };
        let mut worst: Option<Consequence> = None;
        // (region, service name, organisation, throughput, stopped) of every visible affected
        // service, for concentration.
        let mut hits: Vec<Hit> = Vec::new();
        let mut named: std::collections::HashMap<Node, Option<NodeRef>> = std::collections::HashMap::new();
        for (s, effect, cause) in &self.affected {
            let Some(node) = g.service(*s) else { continue };
            let Some(org) = g.org(node.org) else { continue };
            if !sees(node.org) {
                totals.services_elsewhere += 1;
                continue;
            }
            let stopped = *effect == Effect::Stopped;
            let (patients, appointments) = per_unit(node.unit, node.throughput);
            totals.services += 1;
            if stopped {
                totals.stopped += 1;
                totals.patients_per_day_stopped += patients;
                totals.appointments_per_day_stopped += appointments;
            } else {
                totals.degraded += 1;
            }
            totals.patients_per_day += patients;
            totals.appointments_per_day += appointments;
            worst = worst.max(Some(node.criticality));
            let (code, name) = (org.code.clone(), org.name.clone());
            let entry = orgs.entry(node.org).or_insert_with(|| AffectedOrg {
                id: org.id,
                code: code.clone(),
                name: name.clone(),
                kind: org.kind,
                stopped: 0,
                degraded: 0,
                patients_per_day: 0,
                appointments_per_day: 0,
                worst_consequence: 0,
            });
            if stopped {
                entry.stopped += 1;
            } else {
                entry.degraded += 1;
            }
            entry.patients_per_day += patients;
            entry.appointments_per_day += appointments;
            entry.worst_consequence = entry.worst_consequence.max(node.criticality.value());
            let region = org.region;
            hits.push(((region, node.name_key), node.org, node.throughput, stopped));
            let why = match cause {
                Cause::Lost => Why {
                    kind: "lost",
                    via: None,
                    workaround: None,
                },
                Cause::Dependency(d) => {
                    let edge = g.dep(*d);
                    // Many services share one target (a product): name it once.
                    let via = edge.and_then(|e| {
                        named
                            .entry(e.target)
                            .or_insert_with(|| self.node_ref(e.target))
                            .clone()
                    });
                    Why {
                        kind: "dependency",
                        via,
                        workaround: edge.and_then(|e| e.workaround.clone()),
                    }
                }
            };
            services.push(AffectedService {
                id: node.id,
                name: node.name.clone(),
                org: entry.id,
                org_code: code,
                org_name: name,
                effect: *effect,
                criticality: node.criticality.value(),
                daily_throughput: node.throughput,
                throughput_unit: node.unit,
                depth: depths
                    .get(s.0 as usize)
                    .copied()
                    .filter(|d| *d != u32::MAX)
                    .unwrap_or(0),
                why,
            });
        }
        totals.organisations = u32::try_from(orgs.len()).unwrap_or(u32::MAX);
        totals.worst_consequence = worst.map(Consequence::value);
        totals.worst_consequence_label = worst.map(Consequence::label);

        services.sort_by(|a, b| {
            b.effect
                .cmp(&a.effect)
                .then(b.criticality.cmp(&a.criticality))
                .then(b.daily_throughput.cmp(&a.daily_throughput))
                .then(a.org_code.cmp(&b.org_code))
                .then(a.name.cmp(&b.name))
                .then(a.id.cmp(&b.id))
        });
        let mut organisations: Vec<AffectedOrg> = orgs.into_values().collect();
        organisations.sort_by(|a, b| {
            b.worst_consequence
                .cmp(&a.worst_consequence)
                .then((b.stopped + b.degraded).cmp(&(a.stopped + a.degraded)))
                .then(a.code.cmp(&b.code))
        });

        let concentration = self.concentration(hits, &sees);
        // Products are the shared catalogue; an asset is named only inside the footprint or when
        // a service inside it depends on the asset directly.
        let lost = self
            .lost_nodes
            .iter()
            .filter(|n| match n {
                Node::Asset(a) => {
                    g.asset(*a).is_some_and(|x| sees(x.org))
                        || g.asset_dependants
                            .of(a.0 as usize)
                            .iter()
                            .filter_map(|d| g.dep(*d))
                            .filter_map(|d| g.service(d.service))
                            .any(|s| sees(s.org))
                }
                Node::Product(_) | Node::Service(_) => true,
            })
            .filter_map(|n| self.node_ref(*n))
            .collect();
        ImpactReport {
            losses: self.losses.clone(),
            lost,
            totals,
            organisations,
            services,
            concentration,
        }
    }

    fn concentration(&self, mut hits: Vec<Hit>, sees: &dyn Fn(OrgIx) -> bool) -> Vec<Concentration> {
        let g = self.graph;
        // Per (region, service): distinct affected providers, affected and stopped throughput.
        hits.sort_unstable_by_key(|(key, org, _, _)| (*key, *org));
        let mut hit: BTreeMap<GroupKey, (u32, u64, u64)> = BTreeMap::new();
        let mut last: Option<(GroupKey, OrgIx)> = None;
        for (key, org, throughput, stopped) in &hits {
            let h = hit.entry(*key).or_default();
            if last != Some((*key, *org)) {
                h.0 += 1;
                last = Some((*key, *org));
            }
            h.1 += u64::from(*throughput);
            if *stopped {
                h.2 += u64::from(*throughput);
            }
        }
        // Capacity of every (region, service) that something hit, over visible organisations.
        let mut all: Vec<(GroupKey, OrgIx, u32, ThroughputUnit)> = g
            .services
            .iter()
            .filter(|s| sees(s.org))
            .filter_map(|s| {
                let key = (g.org(s.org).and_then(|o| o.region), s.name_key);
                hit.contains_key(&key)
                    .then_some((key, s.org, s.throughput, s.unit))
            })
            .collect();
        all.sort_unstable_by_key(|(key, org, _, _)| (*key, *org));
        let mut capacity: BTreeMap<GroupKey, (u32, u64, ThroughputUnit)> = BTreeMap::new();
        let mut last: Option<(GroupKey, OrgIx)> = None;
        for (key, org, throughput, unit) in &all {
            let c = capacity.entry(*key).or_insert((0, 0, *unit));
            if last != Some((*key, *org)) {
                c.0 += 1;
                last = Some((*key, *org));
            }
            c.1 += u64::from(*throughput);
        }
        let mut out: Vec<Concentration> = hit
            .iter()
            .filter_map(|(key, (affected_orgs, affected, stopped))| {
                let (providers, cap, unit) = capacity.get(key)?;
                let (region, name_key) = *key;
                let service = g.names.get(name_key as usize).cloned().unwrap_or_default();
                Some(Concentration {
                    region: region.and_then(|r| g.org(r)).map(|r| r.name.clone()),
                    service,
                    throughput_unit: *unit,
                    providers: *providers,
                    providers_affected: *affected_orgs,
                    capacity_per_day: *cap,
                    affected_per_day: *affected,
                    stopped_per_day: *stopped,
                    share_affected: if *cap == 0 {
                        0.0
                    } else {
                        *affected as f64 / *cap as f64
                    },
                })
            })
            .collect();
        out.sort_by(|a, b| {
            b.share_affected
                .total_cmp(&a.share_affected)
                .then(b.affected_per_day.cmp(&a.affected_per_day))
                .then(a.region.cmp(&b.region))
                .then(a.service.cmp(&b.service))
        });
        out
    }
}

impl ImpactGraph {
    /// Whether a caller who sees `visibility` may name `loss` as the start of a blast radius:
    /// products and suppliers always (the product catalogue is shared), anything else when it
    /// lies inside the footprint or when a service inside the footprint depends on it directly
    /// (the caller already sees it in that service's dependencies). Everything else reads as
    /// unknown, so naming it reveals nothing.
    pub fn may_start(&self, loss: &Loss, visibility: &Visibility) -> bool {
        if *visibility == Visibility::All {
            return true;
        }
        let marks = self.visible_marks(visibility);
        let sees = |o: OrgIx| marks.get(o.0 as usize).copied().unwrap_or(false);
        let any_visible_dependant = |deps: &[super::graph::DepIx]| {
            deps.iter()
                .filter_map(|d| self.dep(*d))
                .filter_map(|d| self.service(d.service))
                .any(|s| sees(s.org))
        };
        match *loss {
            Loss::Product(p) => self.product_ix(p).is_some(),
            Loss::Org(o) => {
                let Some(o) = self.org_ix(o) else { return false };
                if sees(o) || self.org(o).is_some_and(|n| n.kind == OrgKind::Supplier) {
                    return true;
                }
                let i = o.0 as usize;
                self.org_services
                    .of(i)
                    .iter()
                    .any(|s| any_visible_dependant(self.service_dependants.of(s.0 as usize)))
                    || self
                        .org_assets
                        .of(i)
                        .iter()
                        .any(|a| any_visible_dependant(self.asset_dependants.of(a.0 as usize)))
            }
            Loss::Service(s) => {
                let Some(s) = self.service_ix(s) else { return false };
                self.service(s).is_some_and(|n| sees(n.org))
                    || any_visible_dependant(self.service_dependants.of(s.0 as usize))
            }
            Loss::Asset(a) => {
                let Some(a) = self.asset_ix(a) else { return false };
                self.asset(a).is_some_and(|n| sees(n.org))
                    || any_visible_dependant(self.asset_dependants.of(a.0 as usize))
            }
        }
    }

    /// A name for what `loss` names: (kind, name, code or CPE), for headings.
    pub fn describe(&self, loss: &Loss) -> Option<(&'static str, String, Option<String>)> {
        Some(match *loss {
            Loss::Org(o) => {
                let o = self.org(self.org_ix(o)?)?;
                let kind = if o.kind == OrgKind::Supplier {
                    "supplier"
                } else {
                    "organisation"
                };
                (kind, o.name.clone(), Some(o.code.clone()))
            }
            Loss::Product(p) => {
                let p = self.product(self.product_ix(p)?)?;
                ("product", p.name.clone(), p.cpe.clone())
            }
            Loss::Service(s) => {
                let s = self.service(self.service_ix(s)?)?;
                let org = self.org(s.org).map(|o| o.name.clone()).unwrap_or_default();
                ("service", format!("{} ({org})", s.name), None)
            }
            Loss::Asset(a) => {
                let a = self.asset(self.asset_ix(a)?)?;
                ("asset", a.name.clone(), None)
            }
        })
    }
}
