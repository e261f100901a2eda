//! Response figures per organisation, ICB, region and nation over the caller's footprint: each
//! organisation's records counted ([`ResponseFigures::count`]), then added up to every ICB, region
//! and national body above it that the caller may see. Only counts, so any level (and later a
//! sector-wide picture) is a sum of the levels below.

use std::collections::BTreeMap;

use serde::Serialize;
use ward_core::OrgId;
use ward_core::alert::figures::{ResponseFigures, applicability_band_label};
use ward_core::org::OrgKind;

use crate::App;
use crate::actor::Actor;
use crate::authz::{Action, authorise};
use crate::error::AppResult;
use crate::exposure::view::OrgRef;

/// The level a row of figures is at.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Serialize,
    strum::IntoStaticStr,
    strum::Display,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum FigureLevel {
    Nation,
    Region,
    Icb,
    Organisation,
}

impl FigureLevel {
    pub fn label(self) -> &'static str {
        match self {
            Self::Nation => "Nation",
            Self::Region => "Region",
            Self::Icb => "ICB",
            Self::Organisation => "Organisation",
        }
    }

    fn of_area(kind: OrgKind) -> Option<Self> {
        match kind {
            OrgKind::NationalBody => Some(Self::Nation),
            OrgKind::Region => Some(Self::Region),
            OrgKind::Icb => Some(Self::Icb),
            _ => None,
        }
    }
}

/// One row: the figures of one organisation's own records, or of everything beneath an area.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FigureRow {
    pub level: FigureLevel,
    pub org: OrgRef,
    pub figures: ResponseFigures,
    /// Derived for reading (not for adding up): the share acknowledged within 48 hours, in whole
    /// percent, and the band holding the median time to applicability.
    pub acknowledged_within_48h_percent: Option<u64>,
    pub median_applicability: Option<String>,
}

impl App {
    /// The response figures over the caller's footprint: nation, regions, ICBs, then
    /// organisations, each by name.
    pub async fn response_figures(&self, actor: &Actor) -> AppResult<Vec<FigureRow>> {
        let now = self.now();
        let scope = authorise(actor, Action::ReadAlerts, now)?;
        let facts = self.store().response_facts(&scope).await?;
        let mut per_org: BTreeMap<OrgId, ResponseFigures> = BTreeMap::new();
        for (org, f) in &facts {
            per_org.entry(*org).or_default().count(f, now);
        }
        let orgs: Vec<OrgId> = per_org.keys().copied().collect();
        let mut per_area: BTreeMap<(FigureLevel, OrgId), ResponseFigures> = BTreeMap::new();
        for (org, area, kind) in self.store().figure_areas(&scope, &orgs).await? {
            let (Some(level), Some(f)) = (FigureLevel::of_area(kind), per_org.get(&org)) else {
                continue;
            };
            per_area.entry((level, area)).or_default().add(f);
        }
        let index = self.exposure_index().await?;
        let mut rows: Vec<FigureRow> = per_area
            .into_iter()
            .chain(
                per_org
                    .into_iter()
                    .map(|(o, f)| ((FigureLevel::Organisation, o), f)),
            )
            .map(|((level, org), figures)| FigureRow {
                level,
                org: index.org_ref_of(org),
                acknowledged_within_48h_percent: figures.acknowledged_within_48h_percent(),
                median_applicability: figures.median_applicability_band().map(applicability_band_label),
                figures,
            })
            .collect();
        rows.sort_by(|a, b| (a.level, &a.org.name, &a.org.code).cmp(&(b.level, &b.org.name, &b.org.code)));
        Ok(rows)
    }
}

/// The figures as CSV (one line per row, every field through
/// [`ward_core::spreadsheet::csv_field`]).
pub fn figures_csv(rows: &[FigureRow]) -> String {
    use ward_core::alert::figures::{APPLICABILITY_BANDS_HOURS, OPEN_AGE_BANDS_DAYS, open_age_band_label};
    let mut header: Vec<String> = [
        "level",
        "code",
        "name",
        "records",
        "acknowledged_within_48h",
        "acknowledged_within_48h_percent",
        "applicability_recorded",
        "median_applicability",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    for i in 0..=APPLICABILITY_BANDS_HOURS.len() {
        header.push(format!("applicability {}", applicability_band_label(i)));
    }
    header.push("open".into());
    for i in 0..=OPEN_AGE_BANDS_DAYS.len() {
        header.push(format!("open {}", open_age_band_label(i)));
    }
    header.extend(
        [
            "overdue_acknowledge",
            "overdue_first_update",
            "overdue_remediate",
            "escalations",
        ]
        .iter()
        .map(|s| (*s).to_owned()),
    );
    let mut out = ward_core::spreadsheet::csv_line(&header);
    out.push('\n');
    for r in rows {
        let f = &r.figures;
        let mut line = vec![
            r.level.label().to_owned(),
            r.org.code.clone(),
            r.org.name.clone(),
            f.records.to_string(),
            f.acknowledged_within_48h.to_string(),
            r.acknowledged_within_48h_percent
                .map(|p| p.to_string())
                .unwrap_or_default(),
            f.applicability_recorded.to_string(),
            r.median_applicability.clone().unwrap_or_default(),
        ];
        line.extend(f.applicability_by_band.iter().map(u64::to_string));
        line.push(f.open.to_string());
        line.extend(f.open_by_age.iter().map(u64::to_string));
        line.extend(
            [
                f.overdue_acknowledge,
                f.overdue_first_update,
                f.overdue_remediate,
                f.escalations,
            ]
            .iter()
            .map(u64::to_string),
        );
        out.push_str(&ward_core::spreadsheet::csv_line(&line));
        out.push('\n');
    }
    out
}
