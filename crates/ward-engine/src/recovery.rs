//! Recovery metrics: time to detect, contain and recover, grouped by organisation, ICB, region,
//! NCSC category or supplier implicated, with a trend per month or quarter. Pure: the caller gives
//! the facts (already limited to its footprint) and each organisation's ICB and region.
//!
//! Every group carries counts and sums of minutes beside its median and 90th percentile, so a
//! wider picture adds groups up (counts and sums add; medians do not). A median is given from
//! [`MIN_FOR_MEDIAN`] values, a 90th percentile from [`MIN_FOR_P90`]: fewer say little and single
//! out the incidents behind them. Percentiles are nearest-rank, so each is a value observed.

use std::collections::{BTreeMap, HashMap};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use ward_core::OrgId;
use ward_core::incident::NcscCategory;
use ward_core::recovery::{RecoveryFact, RecoverySource};

/// Fewest values for a median.
pub const MIN_FOR_MEDIAN: u64 = 3;
/// Fewest values for a 90th percentile.
pub const MIN_FOR_P90: u64 = 10;
/// Most periods a trend shows (the latest).
pub const MAX_PERIODS: usize = 60;

/// What to group by.
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
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::Display,
    strum::EnumIter,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Grouping {
    #[default]
    Org,
    Icb,
    Region,
    Category,
    Supplier,
}

impl Grouping {
    pub fn label(self) -> &'static str {
        match self {
            Self::Org => "Organisation",
            Self::Icb => "ICB",
            Self::Region => "Region",
            Self::Category => "NCSC category",
            Self::Supplier => "Supplier implicated",
        }
    }
}

/// How long a trend's periods are.
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
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::Display,
    strum::EnumIter,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Period {
    Month,
    #[default]
    Quarter,
}

impl Period {
    pub fn label(self) -> &'static str {
        match self {
            Self::Month => "Month",
            Self::Quarter => "Quarter",
        }
    }

    /// The period holding `at` in London, as a number that counts up by one per period.
    fn index(self, at: Timestamp) -> i32 {
        let d = at.to_zoned(ward_core::local_time::home_zone()).date();
        let month = i32::from(d.year()) * 12 + i32::from(d.month()) - 1;
        match self {
            Self::Month => month,
            Self::Quarter => month.div_euclid(3),
        }
    }

    /// How a period is named: `2026-07` or `2026-Q3`.
    fn name(self, index: i32) -> String {
        match self {
            Self::Month => format!("{}-{:02}", index.div_euclid(12), index.rem_euclid(12) + 1),
            Self::Quarter => format!("{}-Q{}", index.div_euclid(4), index.rem_euclid(4) + 1),
        }
    }
}

/// The ICB and region above an organisation (each may be missing).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Areas {
    pub icb: Option<OrgId>,
    pub region: Option<OrgId>,
}

/// What a group is: an organisation (an organisation, ICB, region or supplier) or a category;
/// `None` in [`GroupFigures::key`] gathers facts with no such thing recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GroupKey {
    Org(OrgId),
    Category(NcscCategory),
}

/// One measure over a set of facts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct MeasureFigures {
    /// Facts with this measure recorded.
    pub count: u64,
    pub sum_minutes: u64,
    /// From [`MIN_FOR_MEDIAN`] values.
    pub median_minutes: Option<u64>,
    /// From [`MIN_FOR_P90`] values.
    pub p90_minutes: Option<u64>,
}

impl MeasureFigures {
    fn of(mut values: Vec<u64>) -> Self {
        values.sort_unstable();
        let count = values.len() as u64;
        let rank = |p: u64| {
            // Nearest rank: the ceil(p% of n)-th smallest value.
            let r = (p * count).div_ceil(100).max(1);
            values.get(usize::try_from(r - 1).unwrap_or(0)).copied()
        };
        Self {
            count,
            sum_minutes: values.iter().sum(),
            median_minutes: (count >= MIN_FOR_MEDIAN).then(|| rank(50)).flatten(),
            p90_minutes: (count >= MIN_FOR_P90).then(|| rank(90)).flatten(),
        }
    }

    /// The mean, for reading (not for adding up).
    pub fn mean_minutes(&self) -> Option<u64> {
        (self.count > 0).then(|| self.sum_minutes / self.count)
    }
}

/// The three measures and the counts of one set of facts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Figures {
    pub incidents: u64,
    pub exercises: u64,
    pub detect: MeasureFigures,
    pub contain: MeasureFigures,
    pub recover: MeasureFigures,
}

impl Figures {
    fn of<'a>(facts: impl Iterator<Item = &'a RecoveryFact>) -> Self {
        let (mut incidents, mut exercises) = (0, 0);
        let (mut detect, mut contain, mut recover) = (Vec::new(), Vec::new(), Vec::new());
        for f in facts {
            match f.source {
                RecoverySource::Incident => incidents += 1,
                RecoverySource::Exercise => exercises += 1,
            }
            detect.extend(f.detect_minutes);
            contain.extend(f.contain_minutes);
            recover.extend(f.recover_minutes);
        }
        Self {
            incidents,
            exercises,
            detect: MeasureFigures::of(detect),
            contain: MeasureFigures::of(contain),
            recover: MeasureFigures::of(recover),
        }
    }
}

/// One group's figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct GroupFigures {
    /// `None`: the facts with no ICB, region, category or supplier recorded.
    pub key: Option<GroupKey>,
    pub figures: Figures,
}

/// One period of the trend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct TrendPoint {
    /// `2026-07` or `2026-Q3` (London time).
    pub period: String,
    pub figures: Figures,
}

/// The figures over a set of facts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RecoveryFigures {
    pub by: Grouping,
    pub period: Period,
    pub total: Figures,
    /// By key (organisations by id, categories 1 to 6), the unrecorded group last. With
    /// [`Grouping::Supplier`] an incident implicating two suppliers counts in both, so the groups
    /// add up to more than the total.
    pub groups: Vec<GroupFigures>,
    /// Every period from the first fact's to the last's (the latest [`MAX_PERIODS`]), empty
    /// periods included.
    pub trend: Vec<TrendPoint>,
}

/// The groups one fact falls in.
fn keys_of(f: &RecoveryFact, by: Grouping, areas: &HashMap<OrgId, Areas>) -> Vec<Option<GroupKey>> {
    let area = |pick: fn(&Areas) -> Option<OrgId>| areas.get(&f.org).and_then(pick).map(GroupKey::Org);
    match by {
        Grouping::Org => vec![Some(GroupKey::Org(f.org))],
        Grouping::Icb => vec![area(|a| a.icb)],
        Grouping::Region => vec![area(|a| a.region)],
        Grouping::Category => vec![f.category.map(GroupKey::Category)],
        Grouping::Supplier if f.suppliers.is_empty() => vec![None],
        Grouping::Supplier => f.suppliers.iter().map(|s| Some(GroupKey::Org(*s))).collect(),
    }
}

/// The figures of `facts`, grouped `by`, with a trend per `period`.
pub fn recovery_figures(
    facts: &[RecoveryFact],
    by: Grouping,
    period: Period,
    areas: &HashMap<OrgId, Areas>,
) -> RecoveryFigures {
    let mut groups: BTreeMap<(bool, Option<GroupKey>), Vec<&RecoveryFact>> = BTreeMap::new();
    let mut periods: BTreeMap<i32, Vec<&RecoveryFact>> = BTreeMap::new();
    for f in facts {
        for key in keys_of(f, by, areas) {
            groups.entry((key.is_none(), key)).or_default().push(f);
        }
        periods.entry(period.index(f.at)).or_default().push(f);
    }
    let trend = match (periods.keys().next(), periods.keys().next_back()) {
        (Some(&first), Some(&last)) => {
            let first = first.max(last.saturating_sub(MAX_PERIODS as i32 - 1));
            (first..=last)
                .map(|p| TrendPoint {
                    period: period.name(p),
                    figures: Figures::of(periods.get(&p).into_iter().flatten().copied()),
                })
                .collect()
        }
        _ => Vec::new(),
    };
    RecoveryFigures {
        by,
        period,
        total: Figures::of(facts.iter()),
        groups: groups
            .into_iter()
            .map(|((_, key), fs)| GroupFigures {
                key,
                figures: Figures::of(fs.into_iter()),
            })
            .collect(),
        trend,
    }
}

#[cfg(test)]
mod tests;
