//! `ward impact (--supplier NAME | --product CPE | --org CODE | --service ID) [--json]`: the blast
//! radius of losing one thing, over the whole sector (the operator's reach). Exit 3 when the
//! name matches nothing.

use clap::{ArgGroup, Args};
use ward_app::impact::{ImpactQuery, ImpactView};

use super::{app_err, open, operator};
use crate::settings::Settings;

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("what").required(true).args(["supplier", "product", "org", "service"])))]
pub(crate) struct ImpactArgs {
    /// A supplier, by name or ODS code (all its products and services are lost).
    #[arg(long)]
    supplier: Option<String>,
    /// A product, by CPE (vendor and product; any version) or identifier.
    #[arg(long)]
    product: Option<String>,
    /// An organisation (a site, a trust), by ODS code or identifier.
    #[arg(long)]
    org: Option<String>,
    /// A service, by identifier.
    #[arg(long)]
    service: Option<String>,
    /// How many affected services to list (0 for all); `--json` always lists all.
    #[arg(long, default_value_t = 20)]
    top: usize,
}

pub(crate) async fn run(settings: &Settings, json_out: bool, a: ImpactArgs) -> anyhow::Result<()> {
    let app = open(settings).await?;
    let op = operator(&app).await?;
    let query = ImpactQuery::from_parts(a.supplier, a.product, a.org, a.service).map_err(app_err)?;
    let view = app.impact(&op, &query).await.map_err(app_err)?;
    if json_out {
        println!("{}", serde_json::to_string(&view)?);
    } else {
        print_view(&view, a.top);
    }
    Ok(())
}

fn print_view(v: &ImpactView, top: usize) {
    for s in &v.subject {
        match &s.code {
            Some(c) => println!("Losing {} {} ({c})", s.kind, s.name),
            None => println!("Losing {} {}", s.kind, s.name),
        }
    }
    let t = &v.totals;
    println!(
        "{} organisations, {} services affected ({} stopped, {} degraded)",
        t.organisations, t.services, t.stopped, t.degraded
    );
    println!(
        "{} patients and {} appointments a day affected ({} and {} in stopped services)",
        t.patients_per_day,
        t.appointments_per_day,
        t.patients_per_day_stopped,
        t.appointments_per_day_stopped
    );
    match (t.worst_consequence, t.worst_consequence_label) {
        (Some(c), Some(l)) => println!("Worst NPSA consequence: {c} {l}"),
        _ => println!("Nothing is affected."),
    }
    let shown = if top == 0 {
        v.affected_services.len()
    } else {
        top.min(v.affected_services.len())
    };
    for s in v.affected_services.iter().take(shown) {
        let via = s
            .why
            .via
            .as_ref()
            .map(|n| format!(" via {} ({})", n.name, n.org_code))
            .unwrap_or_default();
        println!(
            "  {:<8} {} {:<40} {:>6} {}/day  {}{via}",
            s.effect.label(),
            s.criticality,
            s.name,
            s.daily_throughput,
            s.throughput_unit,
            s.org_code
        );
    }
    if shown < v.affected_services.len() {
        println!(
            "  ... and {} more (--top 0 lists all)",
            v.affected_services.len() - shown
        );
    }
    for c in v.concentration.iter().take(5) {
        println!(
            "  {:>3.0}% of {} capacity in {} ({} of {} providers)",
            c.share_affected * 100.0,
            c.service,
            c.region.as_deref().unwrap_or("no region"),
            c.providers_affected,
            c.providers
        );
    }
}
