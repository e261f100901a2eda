//! `ward incidents metrics`: time to detect, contain and recover over the whole sector (the
//! operator's reach), grouped by organisation, ICB, region, NCSC category or supplier implicated,
//! with a trend; as a table, CSV (`--csv`, the web page's download) or JSON (`--json`, the API's
//! answer).

use ward_app::recovery::{Grouping, MeasureFigures, Period, RecoveryQuery, duration_label, recovery_csv};
use ward_core::recovery::RecoverySource;

use super::app_err;
use crate::CliError;

#[derive(Debug, clap::Args)]
pub(crate) struct MetricsArgs {
    /// org, icb, region, category or supplier.
    #[arg(long, default_value = "org")]
    by: String,
    /// quarter or month.
    #[arg(long, default_value = "quarter")]
    period: String,
    /// Only incidents or only exercises (incident, exercise).
    #[arg(long)]
    source: Option<String>,
    /// Only this organisation (ODS code) and those beneath it.
    #[arg(long)]
    pub(crate) org: Option<String>,
    /// Print CSV (a line per group, the total, a line per period of the trend).
    #[arg(long)]
    csv: bool,
}

fn rejected(option: &str, e: impl std::fmt::Display) -> anyhow::Error {
    CliError::Rejected(format!("--{option}: {e}")).into()
}

fn words(m: &MeasureFigures) -> String {
    let w = |v: Option<u64>| v.map_or_else(|| "-".to_owned(), duration_label);
    format!(
        "{:>5} {:>12} {:>12}",
        m.count,
        w(m.median_minutes),
        w(m.p90_minutes)
    )
}

pub(crate) async fn run(
    app: &ward_app::App,
    op: &ward_app::Actor,
    json_out: bool,
    a: MetricsArgs,
    org: Option<ward_core::OrgId>,
) -> anyhow::Result<()> {
    let q = RecoveryQuery {
        by: Some(a.by.parse::<Grouping>().map_err(|_| {
            rejected(
                "by",
                format!("'{}': choose org, icb, region, category or supplier", a.by),
            )
        })?),
        period: Some(
            a.period
                .parse::<Period>()
                .map_err(|_| rejected("period", format!("'{}': choose quarter or month", a.period)))?,
        ),
        source: a
            .source
            .as_deref()
            .map(|s| {
                s.parse::<RecoverySource>()
                    .map_err(|_| rejected("source", format!("'{s}': choose incident or exercise")))
            })
            .transpose()?,
        org,
        ..RecoveryQuery::default()
    };
    let r = app.recovery_metrics(op, &q).await.map_err(app_err)?;
    if a.csv {
        print!("{}", recovery_csv(&r));
        return Ok(());
    }
    if json_out {
        println!("{}", serde_json::to_string(&r)?);
        return Ok(());
    }
    println!(
        "{} incident(s), {} exercise result(s); by {}; count, median and 90th percentile of each measure",
        r.total.incidents,
        r.total.exercises,
        r.by.label().to_lowercase()
    );
    println!(
        "  {:<40} {:>30} {:>30} {:>30}",
        "", "time to detect", "time to contain", "time to recover"
    );
    for g in &r.groups {
        let f = &g.figures;
        let name = if g.code.is_empty() {
            g.label.clone()
        } else {
            format!("{} ({})", g.label, g.code)
        };
        println!(
            "  {:<40} {} {} {}",
            name.chars().take(40).collect::<String>(),
            words(&f.detect),
            words(&f.contain),
            words(&f.recover)
        );
    }
    println!(
        "  {:<40} {} {} {}",
        "All",
        words(&r.total.detect),
        words(&r.total.contain),
        words(&r.total.recover)
    );
    Ok(())
}
