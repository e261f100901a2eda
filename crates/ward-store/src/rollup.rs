//! Per-organisation counters (`org_rollups`), the backend-neutral part: the metric names both
//! backends store, the changes a write collects before applying them ([`Deltas`]), and how stored
//! (metric, value) pairs become an [`OrgOverview`] ([`fill`]). Each backend applies the deltas to
//! the organisation and its ancestors in its own SQL.

use std::collections::BTreeMap;

use ward_core::OrgId;
use ward_core::asset::Asset;
use ward_core::org::Organisation;
use ward_core::service::{Service, ServiceKind};

use crate::{OrgOverview, StoreError, StoreResult};

/// The metric names stored in `org_rollups.metric` (the migrations use the same strings).
pub mod metric {
    pub const SERVICES: &str = "services";
    pub const CLINICAL_SERVICES: &str = "services.clinical";
    pub const CRITICAL_SERVICES: &str = "services.critical";
    pub const ASSETS: &str = "assets";
    /// Followed by `AssetKind::as_str`.
    pub const ASSET_KIND: &str = "assets.kind.";
    pub const INTERNET_FACING: &str = "assets.internet_facing";
    pub const SOFTWARE_INSTALLS: &str = "software.installs";
    /// Followed by `OrgKind::as_str`; counts open organisations.
    pub const ORG_KIND: &str = "orgs.kind.";
}

/// Changes of `own` counters, per organisation and metric, collected by a write before it applies
/// them in its transaction.
#[derive(Debug, Default)]
pub struct Deltas(BTreeMap<(OrgId, String), i64>);

impl Deltas {
    pub fn add(&mut self, org: OrgId, metric: &str, n: i64) {
        if n != 0 {
            *self.0.entry((org, metric.to_owned())).or_default() += n;
        }
    }

    /// Count (`sign` 1) or uncount (`sign` -1) an asset with its installs.
    pub fn asset(&mut self, a: &Asset, sign: i64) {
        self.add(a.org, metric::ASSETS, sign);
        self.add(a.org, &format!("{}{}", metric::ASSET_KIND, a.kind.as_str()), sign);
        if a.internet_facing {
            self.add(a.org, metric::INTERNET_FACING, sign);
        }
        let installs = i64::try_from(a.software.len()).unwrap_or(i64::MAX);
        self.add(a.org, metric::SOFTWARE_INSTALLS, sign.saturating_mul(installs));
    }

    pub fn assets(&mut self, assets: &[Asset], sign: i64) {
        for a in assets {
            self.asset(a, sign);
        }
    }

    pub fn service(&mut self, s: &Service, sign: i64) {
        self.add(s.org, metric::SERVICES, sign);
        if s.kind == ServiceKind::Clinical {
            self.add(s.org, metric::CLINICAL_SERVICES, sign);
        }
        if s.criticality.value() >= 4 {
            self.add(s.org, metric::CRITICAL_SERVICES, sign);
        }
    }

    /// Count or uncount an organisation among the open organisations of its kind (closed ones do
    /// not count).
    pub fn open_org(&mut self, o: &Organisation, sign: i64) {
        if o.closed.is_none() {
            self.add(o.id, &format!("{}{}", metric::ORG_KIND, o.kind.as_str()), sign);
        }
    }

    /// The changes that are not zero, by (organisation, metric).
    pub fn nonzero(&self) -> impl Iterator<Item = (&(OrgId, String), &i64)> {
        self.0.iter().filter(|(_, n)| **n != 0)
    }
}

/// The counters that give the number of assets of one kind or exposure: the metric to add and
/// the one to subtract, or None when the filters do not map onto counters (a kind and an exposure
/// together).
pub fn asset_total_metrics(
    kind: Option<ward_core::asset::AssetKind>,
    internet_facing: Option<bool>,
) -> Option<(String, Option<&'static str>)> {
    match (kind, internet_facing) {
        (None, None) => Some((metric::ASSETS.to_owned(), None)),
        (Some(k), None) => Some((format!("{}{}", metric::ASSET_KIND, k.as_str()), None)),
        (None, Some(true)) => Some((metric::INTERNET_FACING.to_owned(), None)),
        (None, Some(false)) => Some((metric::ASSETS.to_owned(), Some(metric::INTERNET_FACING))),
        (Some(_), Some(_)) => None,
    }
}

/// Add one stored (metric, value) pair to an overview; zero values add no map entries, unknown
/// metrics are ignored, negative values are a corrupted counter.
pub fn fill(out: &mut OrgOverview, metric: &str, value: i64) -> StoreResult<()> {
    let n = u64::try_from(value)
        .map_err(|_| StoreError::Backend(format!("stored counter {metric} is negative ({value})")))?;
    if n == 0 {
        return Ok(());
    }
    if let Some(kind) = metric.strip_prefix(metric::ORG_KIND) {
        *out.orgs_by_kind.entry(kind.to_owned()).or_default() += n;
    } else if let Some(kind) = metric.strip_prefix(metric::ASSET_KIND) {
        *out.assets_by_kind.entry(kind.to_owned()).or_default() += n;
    } else {
        match metric {
            metric::SERVICES => out.services += n,
            metric::CLINICAL_SERVICES => out.clinical_services += n,
            metric::CRITICAL_SERVICES => out.critical_services += n,
            metric::ASSETS => out.assets += n,
            metric::INTERNET_FACING => out.internet_facing_assets += n,
            metric::SOFTWARE_INSTALLS => out.software_installs += n,
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opposite_changes_cancel_and_overviews_add_up() {
        let org = OrgId::from_uuid(uuid::Uuid::from_u128(7));
        let mut d = Deltas::default();
        d.add(org, metric::ASSETS, 2);
        d.add(org, metric::ASSETS, -2);
        d.add(org, metric::SERVICES, 1);
        let left: Vec<_> = d.nonzero().map(|((_, m), n)| (m.clone(), *n)).collect();
        assert_eq!(left, vec![(metric::SERVICES.to_owned(), 1)]);

        let mut o = OrgOverview::default();
        fill(&mut o, metric::ASSETS, 3).unwrap();
        fill(&mut o, "assets.kind.server", 2).unwrap();
        fill(&mut o, "orgs.kind.nhs_trust", 0).unwrap();
        assert_eq!((o.assets, o.assets_by_kind.get("server").copied()), (3, Some(2)));
        assert!(o.orgs_by_kind.is_empty(), "zero adds no entry");
        assert!(fill(&mut o, metric::ASSETS, -1).is_err());
    }
}
