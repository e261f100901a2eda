//! The worst consequence of losing each asset, for the whole sector at once.
//!
//! `ward_engine::ServiceGraph::worst_consequence` answers for one asset by walking every service
//! that depends on it; across a national inventory that walk repeats the same large subgraphs (a
//! trust's pathology service has hundreds of dependants). Here each service's worst reachable
//! consequence is propagated once: a service's value is the highest of its own criticality and its
//! dependants' values. Values only rise, from 1 to 5, so a work list settles in at most five
//! passes over the edges even when dependencies form cycles. Each service remembers the dependant
//! its value came from, and following those links gives the chain shown to people (it always
//! ends, because a value is only ever copied from a service that already held it).

use std::collections::{HashMap, VecDeque};

use ward_core::ServiceId;
use ward_core::risk::Consequence;
use ward_engine::ServiceImpact;

/// Per service: the worst consequence reachable through its dependants, and where it came from.
#[derive(Debug, Default)]
pub(crate) struct ImpactTable {
    /// (worst consequence, the dependant it came from, or `None` when it is the service's own).
    by_service: HashMap<ServiceId, (Consequence, Option<ServiceId>)>,
}

impl ImpactTable {
    pub(crate) fn new(
        criticality: impl IntoIterator<Item = (ServiceId, Consequence)>,
        service_dependencies: &[(ServiceId, ServiceId)],
    ) -> Self {
        let mut by_service: HashMap<ServiceId, (Consequence, Option<ServiceId>)> =
            criticality.into_iter().map(|(s, c)| (s, (c, None))).collect();
        // When a dependant's value rises, the services it depends on may rise.
        let mut depends_on: HashMap<ServiceId, Vec<ServiceId>> = HashMap::new();
        for (dependant, on) in service_dependencies {
            depends_on.entry(*dependant).or_default().push(*on);
        }
        let mut queue: VecDeque<ServiceId> = by_service.keys().copied().collect();
        while let Some(s) = queue.pop_front() {
            let Some(&(value, _)) = by_service.get(&s) else {
                continue;
            };
            for on in depends_on.get(&s).into_iter().flatten() {
                if by_service.get(on).is_some_and(|(current, _)| value > *current) {
                    by_service.insert(*on, (value, Some(s)));
                    queue.push_back(*on);
                }
            }
        }
        Self { by_service }
    }

    /// Among `direct` (the services using an asset), the one leading to the worst consequence, and
    /// that consequence; ties go to the smaller service id.
    fn start(&self, direct: &[ServiceId]) -> Option<(ServiceId, Consequence)> {
        direct
            .iter()
            .filter_map(|s| self.by_service.get(s).map(|(v, _)| (*s, *v)))
            .max_by(|(sa, va), (sb, vb)| va.cmp(vb).then(sb.cmp(sa)))
    }

    /// The worst consequence reachable from one service (its own or a dependant's).
    pub(crate) fn value_of(&self, service: ServiceId) -> Option<Consequence> {
        self.by_service.get(&service).map(|(v, _)| *v)
    }

    /// The worst consequence among the services in `direct` and those depending on them.
    pub(crate) fn worst_value(&self, direct: &[ServiceId]) -> Option<Consequence> {
        self.start(direct).map(|(_, v)| v)
    }

    /// [`Self::worst_value`] with the chain from the service using the asset to the service with
    /// that consequence.
    pub(crate) fn worst(&self, direct: &[ServiceId]) -> Option<ServiceImpact> {
        let (start, value) = self.start(direct)?;
        let mut path = vec![start];
        let mut at = start;
        while let Some((_, Some(next))) = self.by_service.get(&at) {
            if path.len() > self.by_service.len() {
                break;
            }
            path.push(*next);
            at = *next;
        }
        Some(ServiceImpact {
            consequence: value,
            service: at,
            path,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ward_core::AssetId;

    fn id(n: u128) -> ServiceId {
        ServiceId::from_uuid(uuid::Uuid::from_u128(n))
    }

    fn c(v: u8) -> Consequence {
        Consequence::new(v).unwrap()
    }

    #[test]
    fn the_worst_consequence_travels_up_dependencies_even_through_cycles() {
        // lab (3) <- ward round (5) ; lab <- clinic (2) ; clinic <-> admin (1) cycle.
        let (lab, ward, clinic, admin) = (id(1), id(2), id(3), id(4));
        let asset = [lab];
        let other = [admin];
        let t = ImpactTable::new(
            [(lab, c(3)), (ward, c(5)), (clinic, c(2)), (admin, c(1))],
            &[(ward, lab), (clinic, lab), (clinic, admin), (admin, clinic)],
        );
        let w = t.worst(&asset).unwrap();
        assert_eq!(w.consequence, c(5));
        assert_eq!(w.service, ward);
        assert_eq!(w.path, vec![lab, ward]);
        let o = t.worst(&other).unwrap();
        assert_eq!(o.consequence, c(2), "through the cycle to the clinic");
        assert_eq!(o.path, vec![admin, clinic]);
        assert!(t.worst(&[]).is_none());
        assert_eq!(t.worst_value(&asset), Some(c(5)));
    }

    #[test]
    fn it_agrees_with_the_engines_walk_on_the_value() {
        // A chain and a fan: every asset's value equals the engine's answer.
        let services: Vec<ServiceId> = (1..=12).map(id).collect();
        let crit: Vec<(ServiceId, Consequence)> = services
            .iter()
            .enumerate()
            .map(|(i, s)| (*s, c((i % 5) as u8 + 1)))
            .collect();
        let edges: Vec<(ServiceId, ServiceId)> =
            (1..12).map(|i| (services[i], services[(i - 1) / 2])).collect();
        let assets: HashMap<AssetId, Vec<ServiceId>> = services
            .iter()
            .enumerate()
            .map(|(i, s)| {
                (
                    AssetId::from_uuid(uuid::Uuid::from_u128(100 + i as u128)),
                    vec![*s],
                )
            })
            .collect();
        let t = ImpactTable::new(crit.clone(), &edges);
        let pairs: Vec<(AssetId, ServiceId)> = assets.iter().map(|(a, s)| (*a, s[0])).collect();
        let g = ward_engine::ServiceGraph::new(crit, pairs, edges.clone());
        for (a, direct) in &assets {
            assert_eq!(
                t.worst(direct).map(|i| i.consequence),
                g.worst_consequence(*a).map(|i| i.consequence),
                "{a:?}"
            );
        }
    }
}
