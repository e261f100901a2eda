//! The exposure index: the whole sector matched against the current threat data, in memory.
//!
//! Built from one [`SectorSnapshot`] and one [`ThreatSnapshot`] by [`ExposureIndex::build`] (pure:
//! no I/O, no clock). Each (match, asset) pair becomes one compact [`Row`] with its effective status
//! after VEX and its priority score; rows are kept sorted by priority so that a page of the most
//! urgent exposures is a scan that stops early. Explanations (the priority factors, the service a
//! consequence comes from) are recomputed for the rows actually shown.
//!
//! The index has three parts, built in this order: the sector tables (organisations, assets,
//! services, installed software), the threat tables (advisories and their matches, VEX statements,
//! signals, unsupported software) and the rows. Tables refer to each other by typed positions
//! ([`ids`]) that only the build makes, after checking every reference of the snapshot once: an
//! inconsistent snapshot is refused with a [`SnapshotError`], and afterwards no lookup can miss.

mod facts;
mod ids;
mod rows;
mod sector;
#[cfg(test)]
mod tests;
mod threats;

use std::collections::HashMap;

use jiff::Timestamp;
use jiff::civil::Date;
use ward_core::supplier::Product;
use ward_core::{AssetId, OrgId, ServiceId};
use ward_engine::{Priority, PriorityWeights, ServiceImpact};
use ward_store::Scope;
use ward_store::sector::{SectorSnapshot, ThreatSnapshot};

pub use facts::ExposureFacts;
pub use ids::{AdvisoryIx, AssetIx, MatchIx, OrgIx, RowIx, StatementIx, UnsupportedIx};
pub(crate) use rows::RowTable;
pub(crate) use sector::SectorTables;
pub(crate) use threats::{Statement, ThreatTables, software_ref};

/// The effective status of one asset for one advisory. Its text (`under_investigation`) comes
/// from the derives, once for serde and strum.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    serde::Serialize,
    serde::Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::Display,
    strum::EnumIter,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Status {
    /// The installed version is affected (by the match, or a statement says so).
    Affected,
    /// Nobody knows yet (a statement says so, or the version could not be evaluated).
    UnderInvestigation,
    /// The match could not be evaluated (unparsable version, unknown ecosystem).
    CannotEvaluate,
    /// A statement says the asset is not affected.
    NotAffected,
    /// A statement says the installed software contains the fix.
    Fixed,
}

impl Status {
    /// Whether someone still has to act.
    pub fn needs_action(self) -> bool {
        matches!(
            self,
            Self::Affected | Self::UnderInvestigation | Self::CannotEvaluate
        )
    }
    pub fn as_str(self) -> &'static str {
        self.into()
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::Affected => "Affected",
            Self::UnderInvestigation => "Under investigation",
            Self::CannotEvaluate => "Cannot evaluate",
            Self::NotAffected => "Not affected",
            Self::Fixed => "Fixed",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
    }
}

/// One asset exposed through one match.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Row {
    pub asset: AssetIx,
    pub matched: MatchIx,
    pub status: Status,
    /// The statement that decided the status, when one did.
    pub statement: Option<StatementIx>,
    /// The priority score (0 to 100 with the default weights).
    pub score: f32,
}

/// Why a snapshot cannot be indexed: one of its references names nothing, or an identifier
/// appears twice. The store reads each snapshot in one transaction, so this means the data (or a
/// store) is broken, not that a write raced the read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SnapshotError {
    #[error("organisation {0} appears twice")]
    DuplicateOrganisation(OrgId),
    #[error("asset {0} appears twice")]
    DuplicateAsset(AssetId),
    #[error("service {0} appears twice")]
    DuplicateService(ServiceId),
    #[error("asset {asset} belongs to organisation number {org}, but there are only {orgs} organisations")]
    AssetOrganisation { asset: AssetId, org: u32, orgs: usize },
    #[error(
        "an installation names asset number {asset} and software number {software}, but there are {assets} \
         assets and {items} software items"
    )]
    Install {
        asset: u32,
        software: u32,
        assets: usize,
        items: usize,
    },
    #[error("service {service} belongs to organisation {org}, which does not exist")]
    ServiceOrganisation { service: ServiceId, org: OrgId },
    #[error("service {dependant} depends on service {on}, but service {unknown} does not exist")]
    ServiceDependency {
        dependant: ServiceId,
        on: ServiceId,
        unknown: ServiceId,
    },
    #[error("asset {asset} supports service {service}, which does not exist")]
    AssetService { asset: AssetId, service: ServiceId },
    #[error("a VEX statement was made by organisation {0}, which does not exist")]
    StatementOrganisation(OrgId),
    #[error("more {0} than one index can number")]
    TooMany(&'static str),
}

/// Refuses a table too long to number with `u32` positions.
fn fits(len: usize, what: &'static str) -> Result<(), SnapshotError> {
    u32::try_from(len)
        .map(|_| ())
        .map_err(|_| SnapshotError::TooMany(what))
}

/// The sector and its exposures, ready to query.
#[derive(Debug)]
pub struct ExposureIndex {
    pub(crate) built_at: Timestamp,
    pub(crate) today: Date,
    pub(crate) weights: PriorityWeights,
    pub(crate) sector: SectorTables,
    pub(crate) threats: ThreatTables,
    pub(crate) rows: RowTable,
    /// Summaries already computed from this index, by footprint (the index never changes, so
    /// they stay right until it is replaced).
    pub(crate) summaries: std::sync::Mutex<HashMap<String, std::sync::Arc<super::advisory::ExposureSummary>>>,
    /// Organisation pages' pictures already computed, by footprint, organisation and size.
    pub(crate) pictures: std::sync::Mutex<HashMap<String, std::sync::Arc<super::pictures::OrgPictures>>>,
    /// The supplier register built from this index's generation (`crate::suppliers`), on first use.
    pub(crate) suppliers:
        tokio::sync::OnceCell<std::sync::Arc<ward_engine::supplier_register::SupplierRegister>>,
    /// Every (organisation, vulnerability) needing action (`timescales`), on first use.
    pub(crate) open_vulnerabilities:
        std::sync::OnceLock<std::collections::HashSet<ward_store::first_seen::ExposureKey>>,
}

impl ExposureIndex {
    /// Matches the sector against the threat data as of `today`. `confirmed` are the products
    /// national roles confirmed as their suppliers' (what suppliers' statements may speak for).
    /// Refuses a snapshot whose references do not hold together.
    pub fn build(
        sector: SectorSnapshot,
        threats: ThreatSnapshot,
        confirmed: Vec<Product>,
        weights: PriorityWeights,
        built_at: Timestamp,
        today: Date,
    ) -> Result<Self, SnapshotError> {
        let sector = SectorTables::build(sector)?;
        let (threats, layered) = ThreatTables::build(threats, confirmed, &sector, today)?;
        let rows = RowTable::build(&sector, &threats, &layered, &weights, today)?;
        Ok(Self {
            built_at,
            today,
            weights,
            sector,
            threats,
            rows,
            summaries: std::sync::Mutex::new(HashMap::new()),
            pictures: std::sync::Mutex::new(HashMap::new()),
            suppliers: tokio::sync::OnceCell::new(),
            open_vulnerabilities: std::sync::OnceLock::new(),
        })
    }

    /// End-of-life facts about the release match `m` found on `asset`, when it is unsupported.
    pub(crate) fn unsupported_of(&self, m: MatchIx, asset: AssetIx) -> Option<&ward_engine::Unsupported> {
        self.threats.unsupported_of(
            self.sector.inventory(),
            self.threats.matched(m).by,
            asset.get_engine(),
        )
    }

    /// The priority of match `m` on `asset`, with the worst impact of losing that asset.
    pub(crate) fn priority_with(
        &self,
        m: MatchIx,
        asset: AssetIx,
        impact: Option<&ServiceImpact>,
    ) -> Priority {
        let internet_facing = self.sector.asset(asset).internet_facing;
        let unsupported = self.unsupported_of(m, asset);
        self.threats
            .priority(m, unsupported, internet_facing, impact, &self.weights, self.today)
    }

    /// Which organisations `scope` covers.
    pub(crate) fn visible(&self, scope: &Scope) -> Visible {
        match scope {
            Scope::All => Visible::All,
            Scope::Orgs(list) => {
                let mut v = vec![false; self.sector.org_count()];
                for o in list {
                    if let Some(i) = self.sector.find_org(*o) {
                        v[i.get()] = true;
                    }
                }
                Visible::Some(v)
            }
            Scope::Subtrees(roots) => {
                let paths: Vec<&str> = roots
                    .iter()
                    .filter_map(|r| self.sector.find_org(*r))
                    .map(|i| self.sector.org(i).path.as_str())
                    .collect();
                Visible::Some(
                    self.sector
                        .orgs()
                        .map(|(_, o)| paths.iter().any(|p| o.path.starts_with(p)))
                        .collect(),
                )
            }
        }
    }

    /// The path of an organisation of the sector (the root of its subtree).
    pub(crate) fn org_path(&self, org: OrgId) -> Option<&str> {
        self.sector
            .find_org(org)
            .map(|i| self.sector.org(i).path.as_str())
    }

    pub fn built_at(&self) -> Timestamp {
        self.built_at
    }

    /// Number of (asset, advisory) rows, and how many need action.
    pub fn totals(&self) -> (usize, usize) {
        let rows = self.rows.all();
        (
            rows.len(),
            rows.iter().filter(|r| r.status.needs_action()).count(),
        )
    }
}

/// The organisations a caller may see in the index.
#[derive(Debug, Clone)]
pub(crate) enum Visible {
    All,
    /// Per organisation of the sector tables, in table order.
    Some(Vec<bool>),
}

impl Visible {
    pub(crate) fn org(&self, org: OrgIx) -> bool {
        match self {
            Self::All => true,
            // Made from the same index as `org`; anything else is refused, not allowed.
            Self::Some(v) => v.get(org.get()).copied().unwrap_or(false),
        }
    }
}
