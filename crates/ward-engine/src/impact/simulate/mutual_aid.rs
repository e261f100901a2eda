//! Mutual aid: patients an affected service cannot see go to the same kind of service (the same
//! name, at the same kind of organisation) at other organisations nearby that are not out
//! themselves that day: those in the same ICB first, then those in the same region, each in
//! the graph's order, each taking up to its spare capacity (the scenario's spare share of its
//! daily throughput). Only the share of patients willing and able to travel goes.
//!
//! A helper's spare capacity is a budget per day: each day, the affected services that are out
//! that day share that day's spare capacity of their neighbours, in the graph's order, and a
//! helper that is itself out that day (for any part of it) has none to give. The trial works day
//! by day ([`Neighbours::begin_day`] starts a day's budget).
//!
//! Everything that depends only on the graph is worked out once per run and only read by the
//! trials: the groups of neighbours, each service's organisation and its spare capacity a day.
//! Each day only marks what it uses (by a generation number, so nothing is cleared or allocated
//! per trial or per day).

use std::collections::BTreeMap;

use ward_core::org::OrgKind;
use ward_core::simulation::MutualAid;

use super::super::graph::ImpactGraph;

const NO_GROUP: u32 = u32::MAX;

/// A group of neighbours: whether by region (else by ICB), the organisations' kind, the service's
/// name key, and the ICB's or region's index.
type GroupKey = (bool, Option<OrgKind>, u32, u32);

/// The same kind of service nearby: worked out once per run from the graph alone, then only
/// read by the trials (each with its own [`AidBudget`]).
pub(crate) struct Neighbours {
    aid: MutualAid,
    /// Per service: its group in its ICB and in its region (`NO_GROUP` when it has none).
    icb: Vec<u32>,
    region: Vec<u32>,
    /// Per group: where its members start and end in `members`.
    groups: Vec<(u32, u32)>,
    members: Vec<Member>,
    /// Per service: the service's organisation (to skip an organisation helping itself).
    org: Vec<u32>,
}

/// A member of a group of neighbours, with what a search reads of it (kept in the group's list
/// so that a search reads the list in order rather than looking each member up).
#[derive(Debug, Clone, Copy)]
struct Member {
    service: u32,
    org: u32,
    /// Its spare capacity a day (the spare share of its daily throughput).
    spare: f64,
}

/// A helper's spare capacity left today, valid when `stamp` is today's generation.
#[derive(Debug, Clone, Copy, Default)]
struct HelperToday {
    left: f64,
    stamp: u32,
}

/// One trial's use of its neighbours' spare capacity, day by day: the working memory a trial
/// keeps (and reuses) while the [`Neighbours`] are shared.
pub(crate) struct AidBudget {
    /// Per service: its spare capacity left today.
    helpers: Vec<HelperToday>,
    /// Per group: members before this one have nothing left to give today.
    cursor: Vec<u32>,
    cursor_stamp: Vec<u32>,
    generation: u32,
}

/// The ICB an organisation is in (itself for an ICB), walking up at most as many steps as there
/// are organisations.
fn icb_of(graph: &ImpactGraph, org: usize) -> Option<usize> {
    let mut at = Some(org);
    for _ in 0..graph.orgs.len() {
        let node = graph.orgs.get(at?)?;
        if node.kind == OrgKind::Icb {
            return at;
        }
        at = node.parent.map(|p| p.0 as usize);
    }
    None
}

impl Neighbours {
    pub(crate) fn new(graph: &ImpactGraph, aid: MutualAid) -> Self {
        let n = graph.services.len();
        let mut by_key: BTreeMap<GroupKey, Vec<u32>> = BTreeMap::new();
        let mut keys: Vec<[Option<GroupKey>; 2]> = Vec::with_capacity(n);
        let org_of = |s: &super::super::graph::ServiceNode| s.org.0;
        for (i, s) in graph.services.iter().enumerate() {
            let org = graph.orgs.get(s.org.0 as usize);
            let kind = org.map(|o| o.kind);
            let icb = if aid.is_none() {
                None
            } else {
                icb_of(graph, s.org.0 as usize)
            };
            let region = if aid.is_none() {
                None
            } else {
                org.and_then(|o| o.region).map(|r| r.0)
            };
            let k = [
                icb.map(|p| (false, kind, s.name_key, p as u32)),
                region.map(|p| (true, kind, s.name_key, p)),
            ];
            for key in k.iter().flatten() {
                by_key.entry(*key).or_default().push(i as u32);
            }
            keys.push(k);
        }
        let mut index: BTreeMap<GroupKey, u32> = BTreeMap::new();
        let mut groups = Vec::with_capacity(by_key.len());
        let mut members = Vec::new();
        let member = |i: u32| {
            let s = graph.services.get(i as usize);
            Member {
                service: i,
                org: s.map_or(u32::MAX, org_of),
                spare: s.map_or(0.0, |s| f64::from(s.throughput) * aid.spare.get()),
            }
        };
        for (key, list) in by_key {
            index.insert(key, groups.len() as u32);
            let start = members.len() as u32;
            members.extend(list.into_iter().map(member));
            groups.push((start, members.len() as u32));
        }
        let group = |k: Option<GroupKey>| k.and_then(|k| index.get(&k).copied()).unwrap_or(NO_GROUP);
        Self {
            aid,
            icb: keys.iter().map(|k| group(k[0])).collect(),
            region: keys.iter().map(|k| group(k[1])).collect(),
            groups,
            members,
            org: graph.services.iter().map(org_of).collect(),
        }
    }

    /// Whether there is no mutual aid at all (nothing to work out).
    pub(crate) fn off(&self) -> bool {
        self.aid.is_none()
    }
}

impl AidBudget {
    pub(crate) fn new(neighbours: &Neighbours) -> Self {
        let (n, groups) = (neighbours.org.len(), neighbours.groups.len());
        Self {
            helpers: vec![HelperToday::default(); n],
            cursor: vec![0; groups],
            cursor_stamp: vec![0; groups],
            generation: 0,
        }
    }

    /// A new day (or run of days alike): every helper has its whole spare capacity again.
    pub(crate) fn begin_day(&mut self) {
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.helpers.iter_mut().for_each(|h| h.stamp = 0);
            self.cursor_stamp.iter_mut().for_each(|s| *s = 0);
            self.generation = 1;
        }
    }

    /// How many of the `lost` patients service `s` cannot see today go elsewhere today among
    /// its `nb` neighbours, given which services are `down` today.
    pub(crate) fn absorb(
        &mut self,
        nb: &Neighbours,
        s: usize,
        lost: f64,
        down: impl Fn(usize) -> bool,
    ) -> f64 {
        if nb.aid.is_none() || lost <= 0.0 {
            return 0.0;
        }
        let wanting = lost * nb.aid.travel.get();
        let mut need = wanting;
        let own = nb.org.get(s).copied();
        for group in [nb.icb.get(s), nb.region.get(s)] {
            let Some(&g) = group else { continue };
            if need <= 0.0 || g == NO_GROUP {
                continue;
            }
            let g = g as usize;
            let Some(&(start, end)) = nb.groups.get(g) else {
                continue;
            };
            let generation = self.generation;
            if self.cursor_stamp.get(g) != Some(&generation) {
                if let Some(c) = self.cursor.get_mut(g) {
                    *c = start;
                }
                if let Some(c) = self.cursor_stamp.get_mut(g) {
                    *c = generation;
                }
            }
            let mut at = self.cursor.get(g).copied().unwrap_or(end);
            let mut skipping = true;
            while at < end && need > 0.0 {
                let Some(m) = nb.members.get(at as usize) else {
                    break;
                };
                let h = m.service as usize;
                let left = match self.helpers.get_mut(h) {
                    Some(today) => {
                        if today.stamp != generation {
                            today.left = if down(h) { 0.0 } else { m.spare };
                            today.stamp = generation;
                        }
                        today.left
                    }
                    None => 0.0,
                };
                if left <= 0.0 {
                    // Nothing left for anyone: the next search starts after it.
                    if skipping && let Some(c) = self.cursor.get_mut(g) {
                        *c = at + 1;
                    }
                } else {
                    skipping = false;
                    if Some(m.org) != own {
                        let take = left.min(need);
                        need -= take;
                        if let Some(today) = self.helpers.get_mut(h) {
                            today.left -= take;
                        }
                    }
                }
                at += 1;
            }
        }
        wanting - need.max(0.0)
    }
}
