//! Services and assets: searchable, filterable, paged lists and the asset page.

use super::views::{Choice, Chrome, OrgRow, Pager, Section, thousands};
use super::{PageError, PageResult, Signed, WebQuery, chrome_at, optional, page_request, render, yes_no};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use strum::IntoEnumIterator;
use ward_app::AppError;
use ward_core::asset::{Asset, AssetKind};
use ward_core::org::Organisation;
use ward_core::service::{Service, ServiceKind, ThroughputUnit};
use ward_core::{AssetId, OrgId, ServiceId};
use ward_store::{AssetFilter, Page, ServiceFilter};

/// A service as a table row.
#[derive(Debug, Clone)]
struct ServiceRow {
    id: String,
    name: String,
    /// The organisation running it, "Name (CODE)" (filled where a list spans organisations).
    org: String,
    kind: &'static str,
    criticality: u8,
    criticality_label: &'static str,
    throughput: String,
}

impl From<&Service> for ServiceRow {
    fn from(s: &Service) -> Self {
        let unit = match s.throughput_unit {
            ThroughputUnit::Patients => "patients",
            ThroughputUnit::Appointments => "appointments",
        };
        Self {
            id: s.id.to_string(),
            name: s.name.clone(),
            org: String::new(),
            kind: match s.kind {
                ServiceKind::Clinical => "Clinical",
                ServiceKind::Business => "Business",
            },
            criticality: s.criticality.value(),
            criticality_label: s.criticality.label(),
            throughput: format!("{} {unit} a day", thousands(u64::from(s.daily_throughput))),
        }
    }
}

/// The organisation filter: an ODS code typed by the person or carried in a link. Resolved to an
/// organisation in scope; one outside it reads exactly like one that does not exist.
async fn org_filter(s: &AppState, page: &Signed, code: Option<&str>) -> Result<OrgChoice, PageError> {
    let Some(code) = code.map(str::trim).filter(|c| !c.is_empty()) else {
        return Ok(OrgChoice::Any);
    };
    match s.app.org_by_code(&page.actor, code).await {
        Ok(o) => Ok(OrgChoice::Found(Box::new(o))),
        Err(AppError::NotFound(_) | AppError::Invalid(_)) => Ok(OrgChoice::Unknown(code.to_uppercase())),
        Err(e) => Err(page.fail()(e)),
    }
}

enum OrgChoice {
    Any,
    Found(Box<Organisation>),
    /// No organisation with this code among those the person can see.
    Unknown(String),
}

impl OrgChoice {
    fn id(&self) -> Option<OrgId> {
        match self {
            Self::Found(o) => Some(o.id),
            _ => None,
        }
    }
    fn code(&self) -> String {
        match self {
            Self::Any => String::new(),
            Self::Found(o) => o.code.to_string(),
            Self::Unknown(c) => c.clone(),
        }
    }
    fn notice(&self) -> Option<String> {
        match self {
            Self::Any => None,
            Self::Found(o) => Some(format!("Showing only {} ({}).", o.name, o.code)),
            Self::Unknown(c) => Some(format!(
                "No organisation with the code {c} is among those you can see."
            )),
        }
    }
}

fn empty<T>(limit: u32) -> Page<T> {
    Page {
        items: Vec::new(),
        total: 0,
        total_is_lower_bound: false,
        offset: 0,
        limit,
    }
}

/// Search parameters for services.
#[derive(Debug, Deserialize)]
pub(super) struct ServicesQuery {
    q: Option<String>,
    kind: Option<String>,
    org: Option<String>,
    min_criticality: Option<String>,
    offset: Option<String>,
    limit: Option<String>,
}

#[derive(Template)]
#[template(path = "services.html")]
struct ServicesPage {
    chrome: Option<Chrome>,
    title: String,
    q: String,
    org: String,
    kinds: Vec<Choice>,
    criticalities: Vec<Choice>,
    notice: Option<String>,
    rows: Vec<ServiceRow>,
    pager: Pager,
    filtered: bool,
    /// Whether the person may ask what losing a service would stop.
    can_impact: bool,
}

/// `GET /services`.
pub(super) async fn services(
    State(s): State<AppState>,
    page: Signed,
    WebQuery(q): WebQuery<ServicesQuery>,
) -> PageResult {
    let fail = page.fail();
    let kind = optional::<ServiceKind>("kind", q.kind.as_deref()).map_err(&fail)?;
    let min_criticality = optional::<u8>("min_criticality", q.min_criticality.as_deref())
        .map_err(&fail)?
        .filter(|c| (1..=5).contains(c));
    let pr = page_request(q.offset.as_deref(), q.limit.as_deref()).map_err(&fail)?;
    let org = org_filter(&s, &page, q.org.as_deref()).await?;
    let text = q.q.as_deref().map(str::trim).unwrap_or("").to_owned();
    let found = if matches!(org, OrgChoice::Unknown(_)) {
        empty(pr.limit)
    } else {
        let f = ServiceFilter {
            org: org.id(),
            text: Some(text.clone()).filter(|t| !t.is_empty()),
            kind,
            min_criticality,
        };
        s.app.list_services(&page.actor, &f, pr).await.map_err(&fail)?
    };
    // Rows can span organisations (five "Blood transfusion" rows): name each one's organisation.
    let org_ids: Vec<ward_core::OrgId> = found.items.iter().map(|svc| svc.org).collect();
    let orgs = s.app.org_labels(&page.actor, org_ids).await.map_err(&fail)?;
    let kind_value = kind.map(ServiceKind::as_str).unwrap_or("");
    let crit_value = min_criticality.map(|c| c.to_string()).unwrap_or_default();
    let code = org.code();
    let pager = Pager::new(
        &found,
        "/services",
        &[
            ("q", &text),
            ("kind", kind_value),
            ("org", &code),
            ("min_criticality", &crit_value),
        ],
    );
    let view = ServicesPage {
        chrome: chrome_at(&page, Section::Services),
        title: "Services".into(),
        kinds: Choice::list(
            "Any type",
            kind_value,
            [("clinical", "Clinical"), ("business", "Business")],
        ),
        criticalities: Choice::list(
            "Any",
            &crit_value,
            [
                ("5", "Catastrophic only"),
                ("4", "Major or worse"),
                ("3", "Moderate or worse"),
                ("2", "Minor or worse"),
            ],
        ),
        filtered: !text.is_empty() || kind.is_some() || min_criticality.is_some() || !code.is_empty(),
        notice: org.notice(),
        q: text,
        org: code,
        rows: found
            .items
            .iter()
            .map(|svc| ServiceRow {
                org: orgs.get(&svc.org).cloned().unwrap_or_default(),
                ..ServiceRow::from(svc)
            })
            .collect(),
        pager,
        can_impact: page.may(ward_app::authz::Action::ReadImpact),
    };
    Ok(render(StatusCode::OK, &view))
}

/// Search parameters for assets.
#[derive(Debug, Deserialize)]
pub(super) struct AssetsQuery {
    q: Option<String>,
    kind: Option<String>,
    internet_facing: Option<String>,
    org: Option<String>,
    service: Option<String>,
    offset: Option<String>,
    limit: Option<String>,
}

/// An asset in a list.
#[derive(Debug, Clone)]
struct AssetRow {
    id: String,
    name: String,
    kind: &'static str,
    org_name: String,
    /// The organisation it is part of (its ICB or region), when the person can see it.
    part_of: String,
    hostname: String,
    internet_facing: bool,
    software: String,
    services: String,
}

#[derive(Template)]
#[template(path = "assets.html")]
struct AssetsPage {
    chrome: Option<Chrome>,
    title: String,
    q: String,
    org: String,
    service: String,
    kinds: Vec<Choice>,
    exposure: Vec<Choice>,
    notice: Option<String>,
    rows: Vec<AssetRow>,
    pager: Pager,
    filtered: bool,
}

/// `GET /assets`.
pub(super) async fn assets(
    State(s): State<AppState>,
    page: Signed,
    WebQuery(q): WebQuery<AssetsQuery>,
) -> PageResult {
    let fail = page.fail();
    let kind = optional::<AssetKind>("kind", q.kind.as_deref()).map_err(&fail)?;
    let internet_facing = yes_no("internet_facing", q.internet_facing.as_deref()).map_err(&fail)?;
    let service = optional::<ServiceId>("service", q.service.as_deref()).map_err(&fail)?;
    let pr = page_request(q.offset.as_deref(), q.limit.as_deref()).map_err(&fail)?;
    let org = org_filter(&s, &page, q.org.as_deref()).await?;
    let text = q.q.as_deref().map(str::trim).unwrap_or("").to_owned();
    let found = if matches!(org, OrgChoice::Unknown(_)) {
        empty(pr.limit)
    } else {
        let f = AssetFilter {
            org: org.id(),
            text: Some(text.clone()).filter(|t| !t.is_empty()),
            kind,
            internet_facing,
            service,
        };
        s.app.list_assets(&page.actor, &f, pr).await.map_err(&fail)?
    };
    let kind_value = kind.map(AssetKind::as_str).unwrap_or("");
    let exposure_value = match internet_facing {
        Some(true) => "yes",
        Some(false) => "no",
        None => "",
    };
    let code = org.code();
    let service_value = service.map(|s| s.to_string()).unwrap_or_default();
    let pager = Pager::new(
        &found,
        "/assets",
        &[
            ("q", &text),
            ("kind", kind_value),
            ("internet_facing", exposure_value),
            ("org", &code),
            ("service", &service_value),
        ],
    );
    let mut notice = org.notice();
    if service.is_some() {
        notice = Some(format!(
            "{} Showing only assets that support one service.",
            notice.unwrap_or_default()
        ));
    }
    // Rows can span organisations: name the one each organisation is part of.
    let parents = s
        .app
        .org_parents(&page.actor, found.items.iter().map(|a| a.org))
        .await
        .map_err(&fail)?;
    let rows = found
        .items
        .iter()
        .map(|a| AssetRow {
            id: a.id.to_string(),
            name: a.name.clone(),
            kind: a.kind.label(),
            org_name: a.org_name.clone(),
            part_of: parents.get(&a.org).map(|p| p.name.clone()).unwrap_or_default(),
            hostname: a.hostname.clone().unwrap_or_default(),
            internet_facing: a.internet_facing,
            software: thousands(u64::from(a.software_count)),
            services: thousands(u64::from(a.service_count)),
        })
        .collect();
    let view = AssetsPage {
        chrome: chrome_at(&page, Section::Assets),
        title: "Assets".into(),
        kinds: Choice::list(
            "Any type",
            kind_value,
            AssetKind::iter().map(|k| (k.as_str(), k.label())),
        ),
        exposure: Choice::list(
            "Either",
            exposure_value,
            [
                ("yes", "Reachable from the internet"),
                ("no", "Not reachable from the internet"),
            ],
        ),
        filtered: !text.is_empty()
            || kind.is_some()
            || internet_facing.is_some()
            || service.is_some()
            || !code.is_empty(),
        notice: notice.map(|n| n.trim().to_owned()),
        q: text,
        org: code,
        service: service_value,
        rows,
        pager,
    };
    Ok(render(StatusCode::OK, &view))
}

/// One installed piece of software, ready to show.
#[derive(Debug, Clone)]
struct SoftwareRow {
    name: String,
    vendor: String,
    version: String,
    purl: String,
    cpe: String,
}

#[derive(Template)]
#[template(path = "asset.html")]
struct AssetPage {
    chrome: Option<Chrome>,
    title: String,
    name: String,
    kind: &'static str,
    hostname: Option<String>,
    internet_facing: bool,
    owner: OrgRow,
    services: Vec<ServiceRow>,
    software: Vec<SoftwareRow>,
    software_count: String,
    id: String,
    /// The person may see exposure; `exposures` is then filled.
    show_exposure: bool,
    exposures: Vec<super::exposure::ExposureRow>,
    /// Releases on this asset past their end of security support: (software, release, ended).
    unsupported: Vec<(String, String, String)>,
    /// The person may upload SBOMs and make statements for this asset.
    can_change: bool,
    notice: Option<String>,
    /// Why the SBOM just sent was refused, shown beside the file field (nothing was stored).
    upload_problems: Vec<String>,
}

/// After a form on the asset page: what happened.
#[derive(Debug, Deserialize)]
pub(super) struct AssetQuery {
    done: Option<String>,
    stored: Option<u64>,
    skipped: Option<u64>,
}

/// What the asset page shows: the asset, its owner and the services it supports.
///
/// This composes three use cases; it belongs in `ward-app` as one `asset_detail` call.
async fn asset_detail(
    s: &AppState,
    actor: &ward_app::Actor,
    id: AssetId,
) -> Result<(Asset, Organisation, Vec<Service>), AppError> {
    let asset = s.app.asset(actor, id).await?;
    let owner = s.app.org_detail(actor, asset.org).await?.org;
    let mut services = Vec::with_capacity(asset.services.len());
    for sid in &asset.services {
        match s.app.service(actor, *sid).await {
            Ok(svc) => services.push(svc),
            Err(AppError::NotFound(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok((asset, owner, services))
}

/// `GET /assets/{id}`.
pub(super) async fn asset(
    State(s): State<AppState>,
    page: Signed,
    Path(id): Path<String>,
    WebQuery(q): WebQuery<AssetQuery>,
) -> PageResult {
    let Ok(id) = id.parse::<AssetId>() else {
        return Err(PageError::not_found(&page.chrome));
    };
    let notice = match q.done.as_deref() {
        Some("statement") => Some("Your statement is recorded. The exposure below reflects it.".to_owned()),
        Some("sbom") => Some(format!(
            "SBOM loaded: {} software records stored{}.",
            q.stored.unwrap_or(0),
            match q.skipped.unwrap_or(0) {
                0 => String::new(),
                n => format!(", {n} components left out because they did not say which version they are"),
            }
        )),
        _ => None,
    };
    let view = asset_view(&s, &page, id, notice, Vec::new()).await?;
    Ok(render(StatusCode::OK, &view))
}

/// The asset page again after a refused SBOM upload: the reasons beside the file field, with
/// the status the refusal carries (nothing was stored).
pub(super) async fn asset_with_upload_problems(
    s: &AppState,
    page: &Signed,
    id: AssetId,
    status: StatusCode,
    problems: Vec<String>,
) -> PageResult {
    let view = asset_view(s, page, id, None, problems).await?;
    Ok(render(status, &view))
}

async fn asset_view(
    s: &AppState,
    page: &Signed,
    id: AssetId,
    notice: Option<String>,
    upload_problems: Vec<String>,
) -> Result<AssetPage, PageError> {
    let (a, owner, services) = asset_detail(s, &page.actor, id).await.map_err(page.fail())?;
    let software: Vec<SoftwareRow> = a
        .software
        .iter()
        .map(|sw| SoftwareRow {
            name: sw.name.clone(),
            vendor: sw.vendor.clone().unwrap_or_default(),
            version: sw.version.clone(),
            purl: sw.purl.clone().unwrap_or_default(),
            cpe: sw.cpe.clone().unwrap_or_default(),
        })
        .collect();
    let show_exposure = page.may(ward_app::authz::Action::ReadExposure);
    let (exposures, unsupported) = if show_exposure {
        (
            super::exposure::asset_exposures(s, page, a.id)
                .await
                .map_err(page.fail())?,
            super::exposure::asset_unsupported(s, page, a.id)
                .await
                .map_err(page.fail())?,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let view = AssetPage {
        chrome: chrome_at(page, Section::Assets),
        id: a.id.to_string(),
        show_exposure,
        exposures,
        unsupported,
        can_change: page.may(ward_app::authz::Action::StateVex),
        notice,
        title: a.name.clone(),
        kind: a.kind.label(),
        hostname: a.hostname.clone(),
        internet_facing: a.internet_facing,
        owner: OrgRow::from(&owner),
        services: services.iter().map(ServiceRow::from).collect(),
        software_count: thousands(software.len() as u64),
        software,
        name: a.name,
        upload_problems,
    };
    Ok(view)
}
