//! Recovery metrics (issue 10, item 8): time to detect, contain and recover over the caller's
//! footprint, from incidents and exercise runs, grouped by organisation, ICB, region, NCSC
//! category or supplier implicated, with a trend. Whoever reads incidents reads the metrics of
//! the incidents they may read (`Action::ReadIncidents`: an organisation its own, an ICB or region
//! its subtree, the national team everything); the figures are worked out by the one pure
//! function `ward_engine::recovery::recovery_figures`.
//!
//! Also the exercise side: a facilitator records, for each organisation taking part in a started
//! exercise, when in scenario time it detected, contained and recovered.

use std::collections::{BTreeSet, HashMap};

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use ward_core::incident::NcscCategory;
use ward_core::org::OrgKind;
use ward_core::recovery::{ExerciseTimings, RecordedTimings, RecoverySource};
use ward_core::{ExerciseId, OrgId};
use ward_engine::recovery::{Areas, MIN_FOR_MEDIAN, MIN_FOR_P90, recovery_figures};
pub use ward_engine::recovery::{Figures, GroupKey, Grouping, MeasureFigures, Period, TrendPoint};
use ward_store::Scope;
use ward_store::recovery::RecoveryFilter;

use crate::App;
use crate::actor::Actor;
use crate::authz::{Action, authorise, authorise_on};
use crate::error::{AppError, AppResult};

/// What to work out (query parameters of the API, fields of the page's form).
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams, utoipa::ToSchema)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RecoveryQuery {
    /// `org` (default), `icb`, `region`, `category` or `supplier`.
    pub by: Option<Grouping>,
    /// `quarter` (default) or `month`.
    pub period: Option<Period>,
    /// `incident` or `exercise` (default both).
    pub source: Option<RecoverySource>,
    /// Only incidents of this NCSC category (`significant`, ...).
    pub category: Option<NcscCategory>,
    /// Only incidents implicating this supplier.
    pub supplier: Option<OrgId>,
    /// Only this organisation and those beneath it (inside your footprint).
    pub org: Option<OrgId>,
    /// From this day (London), inclusive.
    #[param(value_type = Option<String>, format = Date)]
    #[schema(value_type = Option<String>, format = Date)]
    pub since: Option<Date>,
    /// Up to this day (London), inclusive.
    #[param(value_type = Option<String>, format = Date)]
    #[schema(value_type = Option<String>, format = Date)]
    pub until: Option<Date>,
}

/// One group as shown: its figures with the name of what it is.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RecoveryGroup {
    /// The organisation, ICB, region or supplier, or the category; none for "not recorded".
    pub key: Option<GroupKey>,
    /// ODS code of an organisation, or the category's number.
    pub code: String,
    pub label: String,
    pub figures: Figures,
}

/// The recovery metrics over the caller's footprint.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RecoveryReport {
    pub by: Grouping,
    pub period: Period,
    pub total: Figures,
    pub groups: Vec<RecoveryGroup>,
    pub trend: Vec<TrendPoint>,
    /// Fewest values behind a median, and behind a 90th percentile.
    pub min_for_median: u64,
    pub min_for_p90: u64,
}

/// The first instant of a London day.
fn start_of(day: Date) -> AppResult<jiff::Timestamp> {
    day.to_zoned(ward_core::local_time::home_zone())
        .map(|z| z.timestamp())
        .map_err(|_| AppError::invalid("since", "not a day that can be read"))
}

impl App {
    /// The recovery metrics the query asks for, over the caller's footprint (narrowed to `org`
    /// when given; an organisation outside the footprint is not found).
    pub async fn recovery_metrics(&self, actor: &Actor, q: &RecoveryQuery) -> AppResult<RecoveryReport> {
        let now = self.now();
        let mut scope = authorise(actor, Action::ReadIncidents, now)?;
        if let Some(org) = q.org {
            authorise_on(self.store(), actor, Action::ReadIncidents, org, now).await?;
            scope = Scope::subtree(org);
        }
        if let (Some(s), Some(u)) = (q.since, q.until)
            && u < s
        {
            return Err(AppError::invalid("until", "is before since"));
        }
        let until = match q.until {
            Some(u) => Some(start_of(
                u.tomorrow().map_err(|_| AppError::invalid("until", "too late"))?,
            )?),
            None => None,
        };
        let filter = RecoveryFilter {
            source: q.source,
            category: q.category,
            supplier: q.supplier,
            since: q.since.map(start_of).transpose()?,
            until,
        };
        let facts = self.store().recovery_facts(&scope, &filter).await?;
        let by = q.by.unwrap_or_default();
        let orgs: Vec<OrgId> = facts
            .iter()
            .map(|f| f.org)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let mut areas: HashMap<OrgId, Areas> = HashMap::new();
        if matches!(by, Grouping::Icb | Grouping::Region) {
            // The areas above the footprint's organisations are named whatever the caller's
            // scope: the figures under them are still only the caller's.
            for (org, area, kind) in self.store().figure_areas(&Scope::All, &orgs).await? {
                let a = areas.entry(org).or_default();
                match kind {
                    OrgKind::Icb => a.icb = Some(area),
                    OrgKind::Region => a.region = Some(area),
                    _ => {}
                }
            }
        }
        let figures = recovery_figures(&facts, by, q.period.unwrap_or_default(), &areas);
        let named: Vec<OrgId> = figures
            .groups
            .iter()
            .filter_map(|g| match g.key {
                Some(GroupKey::Org(o)) => Some(o),
                _ => None,
            })
            .collect();
        let labels = self.store().org_labels(&Scope::All, &named).await?;
        let groups = figures
            .groups
            .into_iter()
            .map(|g| {
                let (code, label) = match g.key {
                    Some(GroupKey::Org(o)) => labels.get(&o).cloned().unwrap_or_default(),
                    Some(GroupKey::Category(c)) => (c.number().to_string(), c.label().to_owned()),
                    None => (String::new(), not_recorded(by).to_owned()),
                };
                RecoveryGroup {
                    key: g.key,
                    code,
                    label,
                    figures: g.figures,
                }
            })
            .collect();
        Ok(RecoveryReport {
            by,
            period: figures.period,
            total: figures.total,
            groups,
            trend: figures.trend,
            min_for_median: MIN_FOR_MEDIAN,
            min_for_p90: MIN_FOR_P90,
        })
    }

    /// Record one organisation's times in a started exercise (those who may run it).
    pub async fn record_exercise_timings(
        &self,
        actor: &Actor,
        id: ExerciseId,
        timings: ExerciseTimings,
    ) -> AppResult<RecordedTimings> {
        let now = self.now();
        let scope = authorise(actor, Action::WriteExercises, now)?;
        let by = actor.user_id().ok_or_else(|| {
            AppError::invalid("recorded_by", "is written by a signed-in person, not a token")
        })?;
        let timings = timings.validate().map_err(crate::incidents::invalid)?;
        self.store()
            .record_exercise_timings(&scope, id, &timings, by, &actor.audit(now))
            .await
            .map_err(crate::exercises::refused)
    }

    /// The times recorded in a visible exercise, for its organisations inside the footprint.
    pub async fn exercise_timings(&self, actor: &Actor, id: ExerciseId) -> AppResult<Vec<RecordedTimings>> {
        let scope = authorise(actor, Action::ReadExercises, self.now())?;
        self.store().exercise_record(&scope, id).await?;
        Ok(self.store().exercise_timings(&scope, id).await?)
    }
}

/// What the group of facts without the grouping's thing is called.
fn not_recorded(by: Grouping) -> &'static str {
    match by {
        Grouping::Org => "No organisation",
        Grouping::Icb => "Not under an ICB",
        Grouping::Region => "Not under a region",
        Grouping::Category => "Exercises (no category)",
        Grouping::Supplier => "No supplier implicated",
    }
}

/// A number of minutes as a person reads it: `45 min`, `3 h 20 min`, `2 d 4 h`.
pub fn duration_label(minutes: u64) -> String {
    let (d, h, m) = (minutes / 1440, (minutes % 1440) / 60, minutes % 60);
    match (d, h, m) {
        (0, 0, m) => format!("{m} min"),
        (0, h, 0) => format!("{h} h"),
        (0, h, m) => format!("{h} h {m} min"),
        (d, 0, _) => format!("{d} d"),
        (d, h, _) => format!("{d} d {h} h"),
    }
}

const MEASURES: [&str; 3] = ["detect", "contain", "recover"];

fn measure_cells(m: &MeasureFigures) -> [String; 4] {
    let opt = |v: Option<u64>| v.map(|v| v.to_string()).unwrap_or_default();
    [
        m.count.to_string(),
        m.sum_minutes.to_string(),
        opt(m.median_minutes),
        opt(m.p90_minutes),
    ]
}

fn figure_cells(f: &Figures) -> Vec<String> {
    let mut cells = vec![f.incidents.to_string(), f.exercises.to_string()];
    for m in [&f.detect, &f.contain, &f.recover] {
        cells.extend(measure_cells(m));
    }
    cells
}

/// The report as CSV: one line per group (`group`), the total (`total`) and each period of the
/// trend (`trend`); minutes as whole numbers; every field through the one CSV cell guard
/// (`ward_core::spreadsheet::csv_line`).
pub fn recovery_csv(r: &RecoveryReport) -> String {
    let mut header: Vec<String> = ["row", "code", "name", "incidents", "exercises"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    for m in MEASURES {
        for part in ["count", "sum_minutes", "median_minutes", "p90_minutes"] {
            header.push(format!("{m}_{part}"));
        }
    }
    let mut out = ward_core::spreadsheet::csv_line(&header);
    out.push('\n');
    let mut line = |kind: &str, code: &str, name: &str, f: &Figures| {
        let mut cells = vec![kind.to_owned(), code.to_owned(), name.to_owned()];
        cells.extend(figure_cells(f));
        out.push_str(&ward_core::spreadsheet::csv_line(&cells));
        out.push('\n');
    };
    for g in &r.groups {
        line("group", &g.code, &g.label, &g.figures);
    }
    line("total", "", "Total", &r.total);
    for t in &r.trend {
        line("trend", &t.period, &t.period, &t.figures);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_people_say_them() {
        assert_eq!(duration_label(45), "45 min");
        assert_eq!(duration_label(120), "2 h");
        assert_eq!(duration_label(200), "3 h 20 min");
        assert_eq!(duration_label(1440 * 2 + 250), "2 d 4 h");
        assert_eq!(duration_label(1440), "1 d");
    }

    #[test]
    fn csv_guards_every_cell() {
        let r = RecoveryReport {
            by: Grouping::Supplier,
            period: Period::Quarter,
            total: Figures::default(),
            groups: vec![RecoveryGroup {
                key: None,
                code: "=HYPERLINK(1)".into(),
                label: "Supplier, Ltd".into(),
                figures: Figures::default(),
            }],
            trend: vec![],
            min_for_median: MIN_FOR_MEDIAN,
            min_for_p90: MIN_FOR_P90,
        };
        let csv = recovery_csv(&r);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[0].starts_with("row,code,name,incidents,exercises,detect_count,"));
        assert!(lines[1].starts_with("group,'=HYPERLINK(1),\"Supplier, Ltd\",0,0,"));
        assert!(lines[2].starts_with("total,,Total,"));
    }
}
