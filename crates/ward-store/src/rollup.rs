//! Per-organisation counters (`org_rollups`), the backend-neutral part: the metrics and the names
//! both backends store them under, the changes a write collects before applying them ([`Deltas`]), and how stored
//! (metric, value) pairs become an [`OrgOverview`] ([`fill`]). `sql::rollups` applies the deltas
//! to the organisation and its ancestors, once for both backends.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;

use ward_core::OrgId;
use ward_core::asset::{Asset, AssetKind};
use ward_core::org::{OrgKind, Organisation};
use ward_core::service::{Service, ServiceKind};
use ward_core::text::ByText;

use crate::{OrgOverview, StoreError, StoreResult};

/// A plain counter of `org_rollups`, by its stored name.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, strum::IntoStaticStr, strum::EnumString, strum::EnumIter,
)]
pub enum Total {
    #[strum(serialize = "services")]
    Services,
    #[strum(serialize = "services.clinical")]
    ClinicalServices,
    /// Services with criticality 4 (major) or 5 (catastrophic).
    #[strum(serialize = "services.critical")]
    CriticalServices,
    #[strum(serialize = "assets")]
    Assets,
    #[strum(serialize = "assets.internet_facing")]
    InternetFacingAssets,
    #[strum(serialize = "software.installs")]
    SoftwareInstalls,
}

/// One counter of `org_rollups`. Its stored name (the migrations use the same names) is
/// [`Metric::name`]: a [`Total`]'s name, or a prefix and the kind's stored name for the counters by
/// kind (`assets.kind.server`, `orgs.kind.nhs_trust`). Metrics order as their names do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Metric {
    Total(Total),
    /// Assets of one kind.
    AssetKind(AssetKind),
    /// Open organisations of one kind. An overview counts the organisations beneath the one it is
    /// about, so there an organisation's own count of its kind is left out.
    OrgKind(OrgKind),
}

const ASSET_KIND_PREFIX: &str = "assets.kind.";
const ORG_KIND_PREFIX: &str = "orgs.kind.";

impl Metric {
    /// The stored name in two parts (the second empty for a [`Total`]).
    fn parts(self) -> (&'static str, &'static str) {
        match self {
            Self::Total(t) => (t.into(), ""),
            Self::AssetKind(k) => (ASSET_KIND_PREFIX, k.as_str()),
            Self::OrgKind(k) => (ORG_KIND_PREFIX, k.as_str()),
        }
    }

    /// The stored name.
    pub fn name(self) -> String {
        let (a, b) = self.parts();
        format!("{a}{b}")
    }

    /// The metric with this stored name, if Ward knows it.
    pub fn parse(name: &str) -> Option<Self> {
        if let Some(k) = name.strip_prefix(ASSET_KIND_PREFIX) {
            k.parse().ok().map(Self::AssetKind)
        } else if let Some(k) = name.strip_prefix(ORG_KIND_PREFIX) {
            k.parse().ok().map(Self::OrgKind)
        } else {
            name.parse().ok().map(Self::Total)
        }
    }

    /// Whether this counts organisations (so an overview leaves out the organisation itself).
    pub fn is_org_kind(self) -> bool {
        matches!(self, Self::OrgKind(_))
    }
}

impl From<Total> for Metric {
    fn from(t: Total) -> Self {
        Self::Total(t)
    }
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (a, b) = self.parts();
        f.write_str(a)?;
        f.write_str(b)
    }
}

impl Ord for Metric {
    fn cmp(&self, other: &Self) -> Ordering {
        let ((a1, a2), (b1, b2)) = (self.parts(), other.parts());
        a1.bytes().chain(a2.bytes()).cmp(b1.bytes().chain(b2.bytes()))
    }
}

impl PartialOrd for Metric {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Changes of `own` counters, per organisation and metric, collected by a write before it applies
/// them in its transaction.
#[derive(Debug, Default)]
pub struct Deltas(BTreeMap<(OrgId, Metric), i64>);

impl Deltas {
    pub fn add(&mut self, org: OrgId, metric: impl Into<Metric>, n: i64) {
        if n != 0 {
            *self.0.entry((org, metric.into())).or_default() += n;
        }
    }

    /// Count (`sign` 1) or uncount (`sign` -1) an asset with its installs.
    pub fn asset(&mut self, a: &Asset, sign: i64) {
        self.add(a.org, Total::Assets, sign);
        self.add(a.org, Metric::AssetKind(a.kind), sign);
        if a.internet_facing {
            self.add(a.org, Total::InternetFacingAssets, sign);
        }
        let installs = i64::try_from(a.software.len()).unwrap_or(i64::MAX);
        self.add(a.org, Total::SoftwareInstalls, sign.saturating_mul(installs));
    }

    pub fn assets(&mut self, assets: &[Asset], sign: i64) {
        for a in assets {
            self.asset(a, sign);
        }
    }

    pub fn service(&mut self, s: &Service, sign: i64) {
        self.add(s.org, Total::Services, sign);
        if s.kind == ServiceKind::Clinical {
            self.add(s.org, Total::ClinicalServices, sign);
        }
        if s.criticality.value() >= 4 {
            self.add(s.org, Total::CriticalServices, sign);
        }
    }

    /// Count or uncount an organisation among the open organisations of its kind (closed ones do
    /// not count).
    pub fn open_org(&mut self, o: &Organisation, sign: i64) {
        if o.closed.is_none() {
            self.add(o.id, Metric::OrgKind(o.kind), sign);
        }
    }

    /// The changes that are not zero, by (organisation, metric), in that order.
    pub fn nonzero(&self) -> impl Iterator<Item = (&(OrgId, Metric), &i64)> {
        self.0.iter().filter(|(_, n)| **n != 0)
    }
}

/// The counters that give the number of assets of one kind or exposure: the metric to add and
/// the one to subtract, or None when the filters do not map onto counters (a kind and an exposure
/// together).
pub fn asset_total_metrics(
    kind: Option<AssetKind>,
    internet_facing: Option<bool>,
) -> Option<(Metric, Option<Metric>)> {
    match (kind, internet_facing) {
        (None, None) => Some((Total::Assets.into(), None)),
        (Some(k), None) => Some((Metric::AssetKind(k), None)),
        (None, Some(true)) => Some((Total::InternetFacingAssets.into(), None)),
        (None, Some(false)) => Some((Total::Assets.into(), Some(Total::InternetFacingAssets.into()))),
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
    let Some(metric) = Metric::parse(metric) else {
        return Ok(());
    };
    let slot = match metric {
        Metric::OrgKind(k) => out.orgs_by_kind.entry(ByText(k)).or_default(),
        Metric::AssetKind(k) => out.assets_by_kind.entry(ByText(k)).or_default(),
        Metric::Total(Total::Services) => &mut out.services,
        Metric::Total(Total::ClinicalServices) => &mut out.clinical_services,
        Metric::Total(Total::CriticalServices) => &mut out.critical_services,
        Metric::Total(Total::Assets) => &mut out.assets,
        Metric::Total(Total::InternetFacingAssets) => &mut out.internet_facing_assets,
        Metric::Total(Total::SoftwareInstalls) => &mut out.software_installs,
    };
    *slot += n;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::IntoEnumIterator;

    fn every_metric() -> Vec<Metric> {
        let mut all: Vec<Metric> = Total::iter().map(Metric::from).collect();
        all.extend(AssetKind::iter().map(Metric::AssetKind));
        all.extend(OrgKind::iter().map(Metric::OrgKind));
        all
    }

    #[test]
    fn stored_names_are_the_ones_the_migrations_use_and_read_back() {
        let names: Vec<String> = [
            Metric::from(Total::Services),
            Total::ClinicalServices.into(),
            Total::CriticalServices.into(),
            Total::Assets.into(),
            Total::InternetFacingAssets.into(),
            Total::SoftwareInstalls.into(),
            Metric::AssetKind(AssetKind::EndUserDevice),
            Metric::OrgKind(OrgKind::NhsTrust),
        ]
        .into_iter()
        .map(Metric::name)
        .collect();
        assert_eq!(
            names,
            [
                "services",
                "services.clinical",
                "services.critical",
                "assets",
                "assets.internet_facing",
                "software.installs",
                "assets.kind.end_user_device",
                "orgs.kind.nhs_trust"
            ]
        );
        for m in every_metric() {
            assert_eq!(Metric::parse(&m.name()), Some(m), "{m:?}");
            assert_eq!(m.to_string(), m.name());
        }
        for unknown in ["", "assets.kind.", "assets.kind.laptop", "orgs.kind", "service"] {
            assert_eq!(Metric::parse(unknown), None, "{unknown}");
        }
    }

    #[test]
    fn metrics_order_as_their_names() {
        let mut by_metric = every_metric();
        by_metric.sort();
        let mut by_name: Vec<String> = by_metric.iter().map(|m| m.name()).collect();
        let sorted = {
            let mut v = by_name.clone();
            v.sort();
            v
        };
        assert_eq!(by_name, sorted);
        by_name.dedup();
        assert_eq!(by_name.len(), every_metric().len(), "names are distinct");
    }

    #[test]
    fn opposite_changes_cancel_and_overviews_add_up() {
        let org = OrgId::from_uuid(uuid::Uuid::from_u128(7));
        let mut d = Deltas::default();
        d.add(org, Total::Assets, 2);
        d.add(org, Total::Assets, -2);
        d.add(org, Total::Services, 1);
        let left: Vec<_> = d.nonzero().map(|((_, m), n)| (*m, *n)).collect();
        assert_eq!(left, vec![(Metric::from(Total::Services), 1)]);

        let mut o = OrgOverview::default();
        fill(&mut o, "assets", 3).unwrap();
        fill(&mut o, "assets.kind.server", 2).unwrap();
        fill(&mut o, "orgs.kind.nhs_trust", 0).unwrap();
        fill(&mut o, "orgs.kind.icb", 4).unwrap();
        fill(&mut o, "assets.kind.laptop", 5).unwrap();
        assert_eq!(
            (
                o.assets,
                o.assets_by_kind.get(&ByText(AssetKind::Server)).copied()
            ),
            (3, Some(2))
        );
        assert_eq!(o.orgs_by_kind.len(), 1, "zero adds no entry");
        assert_eq!(o.orgs_by_kind.get(&ByText(OrgKind::Icb)), Some(&4));
        assert_eq!(o.assets_by_kind.len(), 1, "unknown metrics are ignored");
        assert!(fill(&mut o, "assets", -1).is_err());
    }
}
