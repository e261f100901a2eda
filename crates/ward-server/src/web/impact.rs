//! `GET /impact`: the blast radius of losing a supplier, a product, an organisation or a service,
//! with a picture of the affected part of the dependency graph drawn by the server.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use ward_app::impact::{ImpactQuery, ImpactView};

use super::impact_picture::{Picture, picture};
use super::views::{Chrome, Section, thousands};
use super::{PageResult, Signed, WebQuery, chrome_at, render};
use crate::state::AppState;

/// Services listed on the page at most (the API and `ward impact --json` list all).
const LISTED: usize = 200;

#[derive(Debug, Deserialize)]
pub(super) struct ImpactPageQuery {
    supplier: Option<String>,
    product: Option<String>,
    org: Option<String>,
    service: Option<String>,
}

/// A number with its label, for the summary.
#[derive(Debug, Clone)]
struct Stat {
    value: String,
    label: &'static str,
}

#[derive(Debug, Clone)]
struct OrgLine {
    name: String,
    code: String,
    kind: &'static str,
    stopped: u32,
    degraded: u32,
    patients: String,
    appointments: String,
    worst: u8,
}

#[derive(Debug, Clone)]
struct ServiceLine {
    name: String,
    org: String,
    effect: &'static str,
    stopped: bool,
    criticality: u8,
    throughput: String,
    why: String,
    workaround: String,
}

#[derive(Debug, Clone)]
struct ShareLine {
    region: String,
    service: String,
    share: u64,
    providers: String,
    affected: String,
}

#[derive(Template)]
#[template(path = "impact.html")]
struct ImpactPage {
    chrome: Option<Chrome>,
    title: String,
    supplier: String,
    product: String,
    org: String,
    service: String,
    heading: Option<String>,
    seen_all: bool,
    stats: Vec<Stat>,
    /// The worst NPSA consequence and its label.
    worst: Option<(u8, &'static str)>,
    elsewhere: u32,
    picture: Picture,
    orgs: Vec<OrgLine>,
    services: Vec<ServiceLine>,
    more_services: usize,
    shares: Vec<ShareLine>,
}

fn lines(view: &ImpactView) -> (Vec<OrgLine>, Vec<ServiceLine>, Vec<ShareLine>) {
    let orgs = view
        .affected_organisations
        .iter()
        .map(|o| OrgLine {
            name: o.name.clone(),
            code: o.code.clone(),
            kind: o.kind.label(),
            stopped: o.stopped,
            degraded: o.degraded,
            patients: thousands(o.patients_per_day),
            appointments: thousands(o.appointments_per_day),
            worst: o.worst_consequence,
        })
        .collect();
    let services = view
        .affected_services
        .iter()
        .take(LISTED)
        .map(|s| ServiceLine {
            name: s.name.clone(),
            org: format!("{} ({})", s.org_name, s.org_code),
            effect: s.effect.label(),
            stopped: s.effect == ward_app::impact::Effect::Stopped,
            criticality: s.criticality,
            throughput: format!(
                "{} {} a day",
                thousands(u64::from(s.daily_throughput)),
                s.throughput_unit
            ),
            why: match &s.why.via {
                None => "Lost itself".to_owned(),
                Some(v) => format!("Depends on {} ({})", v.name, v.org_code),
            },
            workaround: s.why.workaround.clone().unwrap_or_default(),
        })
        .collect();
    let shares = view
        .concentration
        .iter()
        .take(20)
        .map(|c| ShareLine {
            region: c
                .region
                .clone()
                .unwrap_or_else(|| "Outside any region".to_owned()),
            service: c.service.clone(),
            share: (c.share_affected * 100.0).round() as u64,
            providers: format!("{} of {}", c.providers_affected, c.providers),
            affected: format!(
                "{} of {} {} a day",
                thousands(c.affected_per_day),
                thousands(c.capacity_per_day),
                c.throughput_unit
            ),
        })
        .collect();
    (orgs, services, shares)
}

/// `GET /impact`.
pub(super) async fn impact(
    State(s): State<AppState>,
    page: Signed,
    WebQuery(q): WebQuery<ImpactPageQuery>,
) -> PageResult {
    let fail = page.fail();
    let text = |v: &Option<String>| v.as_deref().map(str::trim).unwrap_or("").to_owned();
    let (supplier, product, org, service) = (
        text(&q.supplier),
        text(&q.product),
        text(&q.org),
        text(&q.service),
    );
    let asked = [&supplier, &product, &org, &service]
        .iter()
        .any(|v| !v.is_empty());
    let mut view = ImpactPage {
        chrome: chrome_at(&page, Section::Services),
        title: "What if it were lost?".into(),
        supplier,
        product,
        org,
        service,
        heading: None,
        seen_all: false,
        stats: Vec::new(),
        worst: None,
        elsewhere: 0,
        picture: Picture::default(),
        orgs: Vec::new(),
        services: Vec::new(),
        more_services: 0,
        shares: Vec::new(),
    };
    if asked {
        let opt = |v: &String| Some(v.clone()).filter(|v| !v.is_empty());
        let query = ImpactQuery::from_parts(
            opt(&view.supplier),
            opt(&view.product),
            opt(&view.org),
            opt(&view.service),
        )
        .map_err(&fail)?;
        let result = s.app.impact(&page.actor, &query).await.map_err(&fail)?;
        let names: Vec<String> = result
            .subject
            .iter()
            .map(|x| match &x.code {
                Some(c) => format!("{} ({c})", x.name),
                None => x.name.clone(),
            })
            .collect();
        view.heading = Some(format!("If {} were lost", names.join(" and ")));
        view.title = view.heading.clone().unwrap_or_default();
        view.seen_all = result.seen == "sector";
        let t = &result.totals;
        view.stats = vec![
            Stat {
                value: thousands(u64::from(t.organisations)),
                label: "organisations affected",
            },
            Stat {
                value: thousands(u64::from(t.stopped)),
                label: "services stopped",
            },
            Stat {
                value: thousands(u64::from(t.degraded)),
                label: "services degraded",
            },
            Stat {
                value: thousands(t.patients_per_day),
                label: "patients a day",
            },
            Stat {
                value: thousands(t.appointments_per_day),
                label: "appointments a day",
            },
        ];
        view.worst = t.worst_consequence.zip(t.worst_consequence_label);
        view.elsewhere = t.services_elsewhere;
        view.picture = picture(&result);
        let (orgs, services, shares) = lines(&result);
        view.more_services = result.affected_services.len().saturating_sub(services.len());
        view.orgs = orgs;
        view.services = services;
        view.shares = shares;
    }
    Ok(render(StatusCode::OK, &view))
}
