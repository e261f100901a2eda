//! The rows: one per (match, asset) pair with its effective status and priority, sorted by
//! priority, and listed per advisory and per organisation.

use std::collections::HashMap;

use jiff::civil::Date;
use ward_core::vuln::VexStatus;
use ward_engine::eol::SoftwareRef;
use ward_engine::{Effective, LayeredMatch, PriorityWeights, Verdict};

use super::ids::{AdvisoryIx, AssetIx, MatchIx, OrgIx, RowIx, StatementIx};
use super::sector::SectorTables;
use super::threats::{ThreatTables, software_ref};
use super::{Row, SnapshotError, Status, fits};

/// Every exposure of the sector.
#[derive(Debug)]
pub(crate) struct RowTable {
    /// Sorted by score (highest first), then advisory, then asset.
    rows: Vec<Row>,
    /// Rows per advisory, in row order.
    by_advisory: Vec<Vec<RowIx>>,
    /// Rows per organisation, in row order.
    by_org: Vec<Vec<RowIx>>,
}

fn status_of(effective: &Effective) -> (Status, Option<StatementIx>) {
    match effective {
        Effective::Matched { verdict } => match verdict {
            Verdict::Affected => (Status::Affected, None),
            Verdict::CannotEvaluate(_) => (Status::CannotEvaluate, None),
        },
        Effective::Stated { status, statement } => (
            match status {
                VexStatus::Affected => Status::Affected,
                VexStatus::NotAffected => Status::NotAffected,
                VexStatus::Fixed => Status::Fixed,
                VexStatus::UnderInvestigation => Status::UnderInvestigation,
            },
            Some(StatementIx::from_engine(*statement)),
        ),
    }
}

impl RowTable {
    /// One row per asset of each layered match, scored and sorted, with the per-advisory and
    /// per-organisation lists.
    pub(super) fn build(
        sector: &SectorTables,
        threats: &ThreatTables,
        layered: &[LayeredMatch],
        weights: &PriorityWeights,
        today: Date,
    ) -> Result<Self, SnapshotError> {
        let rows = score_rows(sector, threats, layered, weights, today);
        fits(rows.len(), "rows")?;
        let mut by_advisory = vec![Vec::new(); threats.advisory_count()];
        let mut by_org = vec![Vec::new(); sector.org_count()];
        for (i, r) in rows.iter().enumerate() {
            by_advisory[threats.advisory_of(r.matched).get()].push(RowIx::at(i));
        }
        for (i, r) in rows.iter().enumerate() {
            by_org[sector.asset(r.asset).org.get()].push(RowIx::at(i));
        }
        Ok(Self {
            rows,
            by_advisory,
            by_org,
        })
    }

    pub(crate) fn get(&self, row: RowIx) -> &Row {
        &self.rows[row.get()]
    }

    /// Every row, in index (priority) order.
    pub(crate) fn all(&self) -> &[Row] {
        &self.rows
    }

    /// Every row with its position, in index (priority) order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (RowIx, &Row)> {
        self.rows.iter().enumerate().map(|(i, r)| (RowIx::at(i), r))
    }

    /// The rows of one advisory, in row order.
    pub(crate) fn of_advisory(&self, advisory: AdvisoryIx) -> &[RowIx] {
        &self.by_advisory[advisory.get()]
    }

    /// The rows of one organisation's assets, in row order.
    pub(crate) fn of_org(&self, org: OrgIx) -> &[RowIx] {
        &self.by_org[org.get()]
    }
}

fn score_rows(
    sector: &SectorTables,
    threats: &ThreatTables,
    layered: &[LayeredMatch],
    weights: &PriorityWeights,
    today: Date,
) -> Vec<Row> {
    // A score depends only on the advisory, the software, whether the asset is internet-facing
    // and the worst consequence: computed once per combination, not once per asset.
    let mut scores: HashMap<(AdvisoryIx, SoftwareRef, bool, bool, Option<u8>), f32> = HashMap::new();
    let mut rows = Vec::new();
    for lm in layered {
        let matched = MatchIx::at(lm.match_index);
        let m = threats.matched(matched);
        let advisory = threats.advisory_of(matched);
        for group in &lm.groups {
            let (status, statement) = status_of(&group.effective);
            for &a in &group.assets {
                if threats.counted_through_package(sector.inventory(), matched, a) {
                    continue;
                }
                let asset = AssetIx::from_engine(a);
                let internet = sector.asset(asset).internet_facing;
                let unsupported = threats.unsupported_of(sector.inventory(), m.by, a);
                let key = (
                    advisory,
                    software_ref(m.by),
                    unsupported.is_some(),
                    internet,
                    sector.consequence_of(asset),
                );
                let score = *scores.entry(key).or_insert_with(|| {
                    let impact = sector.impact_of(asset);
                    threats
                        .priority(matched, unsupported, internet, impact.as_ref(), weights, today)
                        .score as f32
                });
                rows.push(Row {
                    asset,
                    matched,
                    status,
                    statement,
                    score,
                });
            }
        }
    }
    rows.sort_by(|x, y| {
        y.score
            .total_cmp(&x.score)
            .then_with(|| {
                let ax = threats.advisory(threats.advisory_of(x.matched));
                let ay = threats.advisory(threats.advisory_of(y.matched));
                ax.id.cmp(&ay.id)
            })
            .then_with(|| sector.asset(x.asset).name.cmp(&sector.asset(y.asset).name))
            .then_with(|| x.asset.cmp(&y.asset))
    });
    rows
}
