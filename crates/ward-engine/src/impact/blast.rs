//! Blast radius: what stops and what degrades when something is lost.
//!
//! The rule, applied until nothing changes:
//! - A lost organisation stops every service it delivers and loses every asset it owns and every
//!   product it sells (a supplier is an organisation). A lost service stops. A lost product or
//!   asset is unavailable.
//! - A service that depends on something unavailable or stopped **stops** when its dependency
//!   records no workaround, and **degrades** when it does (the dependency's note says how the
//!   service copes without it).
//! - A service that depends on a degraded service **degrades**, workaround or not (the workaround
//!   is for losing the service, and a degraded service still delivers part of it).
//!
//! A service's state only rises (unaffected, degraded, stopped), so the work list settles in at
//! most two rises per service even when dependencies form cycles, and losing more never affects
//! less. Each affected service remembers what hit it: the loss itself, or the one dependency
//! whose target raised it to its final state. A state is only ever copied from a target whose
//! state is at least as bad, so following those causes always ends at a loss.

use std::collections::VecDeque;

use ward_core::{AssetId, OrgId, ProductId, ServiceId};

use super::graph::{DepIx, ImpactGraph, Node, ServiceIx};

/// Something lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(tag = "type", content = "id", rename_all = "snake_case")]
pub enum Loss {
    /// An organisation (a site, a trust, a supplier): its services, assets and products.
    Org(OrgId),
    /// A supplier's product, wherever it is used.
    Product(ProductId),
    /// One service.
    Service(ServiceId),
    /// One asset.
    Asset(AssetId),
}

/// What happens to a service.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    serde::Serialize,
    serde::Deserialize,
    strum::IntoStaticStr,
    strum::Display,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Effect {
    #[default]
    Unaffected,
    /// Delivered in part, through a workaround.
    Degraded,
    /// Not delivered.
    Stopped,
}

impl Effect {
    pub fn label(self) -> &'static str {
        match self {
            Self::Unaffected => "Unaffected",
            Self::Degraded => "Degraded",
            Self::Stopped => "Stopped",
        }
    }
}

/// Why a service is affected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cause {
    /// The service, or its organisation, was lost.
    Lost,
    /// Through this dependency, whose target was lost, stopped or degraded.
    Dependency(DepIx),
}

/// A loss that names nothing in the graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not in the dependency graph")]
pub struct UnknownLoss(pub Loss);

/// The services a loss affects, with their state and cause, over one graph.
#[derive(Debug, Clone)]
pub struct BlastRadius<'g> {
    pub(crate) graph: &'g ImpactGraph,
    pub(crate) losses: Vec<Loss>,
    /// Affected services in graph order, each once.
    pub(crate) affected: Vec<(ServiceIx, Effect, Cause)>,
    /// Products and assets lost directly.
    pub(crate) lost_nodes: Vec<Node>,
}

impl<'g> BlastRadius<'g> {
    /// What was lost.
    pub fn losses(&self) -> &[Loss] {
        &self.losses
    }
    /// How many services are affected (stopped or degraded), sector-wide.
    pub fn affected_count(&self) -> usize {
        self.affected.len()
    }
    /// The effect on one service.
    pub fn effect_on(&self, service: ServiceId) -> Effect {
        let Some(ix) = self.graph.service_ix(service) else {
            return Effect::Unaffected;
        };
        self.affected
            .binary_search_by_key(&ix, |(s, _, _)| *s)
            .ok()
            .and_then(|i| self.affected.get(i))
            .map_or(Effect::Unaffected, |(_, e, _)| *e)
    }
}

impl ImpactGraph {
    /// The blast radius of losing everything in `losses` together.
    pub fn blast_radius(&self, losses: &[Loss]) -> Result<BlastRadius<'_>, UnknownLoss> {
        let n = self.services.len();
        let mut state = vec![Effect::Unaffected; n];
        let mut cause: Vec<Option<Cause>> = vec![None; n];
        let mut queue: VecDeque<ServiceIx> = VecDeque::new();
        let mut lost_nodes: Vec<Node> = Vec::new();

        let mut raise =
            |s: ServiceIx, e: Effect, c: Cause, state: &mut [Effect], queue: &mut VecDeque<ServiceIx>| {
                if let Some(current) = state.get_mut(s.0 as usize)
                    && e > *current
                {
                    *current = e;
                    if let Some(slot) = cause.get_mut(s.0 as usize) {
                        *slot = Some(c);
                    }
                    queue.push_back(s);
                }
            };

        for loss in losses {
            let unknown = UnknownLoss(*loss);
            match *loss {
                Loss::Org(o) => {
                    let o = self.org_ix(o).ok_or(unknown)?;
                    for s in self.org_services.of(o.0 as usize) {
                        raise(*s, Effect::Stopped, Cause::Lost, &mut state, &mut queue);
                    }
                    lost_nodes.extend(
                        self.org_products
                            .of(o.0 as usize)
                            .iter()
                            .map(|p| Node::Product(*p)),
                    );
                    lost_nodes.extend(self.org_assets.of(o.0 as usize).iter().map(|a| Node::Asset(*a)));
                }
                Loss::Product(p) => lost_nodes.push(Node::Product(self.product_ix(p).ok_or(unknown)?)),
                Loss::Asset(a) => lost_nodes.push(Node::Asset(self.asset_ix(a).ok_or(unknown)?)),
                Loss::Service(s) => {
                    let s = self.service_ix(s).ok_or(unknown)?;
                    raise(s, Effect::Stopped, Cause::Lost, &mut state, &mut queue);
                }
            }
        }
        lost_nodes.sort();
        lost_nodes.dedup();

        let hit = |d: DepIx, from: Effect| -> Option<(ServiceIx, Effect)> {
            let edge = self.dep(d)?;
            let e = match (from, edge.workaround.is_some()) {
                (Effect::Stopped, false) => Effect::Stopped,
                (Effect::Stopped | Effect::Degraded, _) => Effect::Degraded,
                (Effect::Unaffected, _) => return None,
            };
            Some((edge.service, e))
        };
        for node in &lost_nodes {
            let dependants = match node {
                Node::Product(p) => self.product_dependants.of(p.0 as usize),
                Node::Asset(a) => self.asset_dependants.of(a.0 as usize),
                Node::Service(_) => &[],
            };
            for d in dependants {
                if let Some((s, e)) = hit(*d, Effect::Stopped) {
                    raise(s, e, Cause::Dependency(*d), &mut state, &mut queue);
                }
            }
        }
        while let Some(s) = queue.pop_front() {
            let from = state.get(s.0 as usize).copied().unwrap_or_default();
            for d in self.service_dependants.of(s.0 as usize) {
                if let Some((t, e)) = hit(*d, from) {
                    raise(t, e, Cause::Dependency(*d), &mut state, &mut queue);
                }
            }
        }

        let affected = state
            .iter()
            .zip(&cause)
            .enumerate()
            .filter_map(|(i, (e, c))| match (e, c) {
                (Effect::Unaffected, _) | (_, None) => None,
                (e, Some(c)) => Some((ServiceIx(i as u32), *e, *c)),
            })
            .collect();
        let mut losses = losses.to_vec();
        losses.sort();
        losses.dedup();
        Ok(BlastRadius {
            graph: self,
            losses,
            affected,
            lost_nodes,
        })
    }
}
