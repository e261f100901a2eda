//! The overview of the acting organisation, any other organisation in scope, and the hierarchy.

use super::views::{Bar, Choice, Chrome, OrgRow, Pager, Section, bars, thousands};
use super::{PageResult, Signed, WebQuery, chrome_at, optional, page_request, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use strum::IntoEnumIterator;
use ward_app::authz::Action;
use ward_app::inventory::OrgDetail;
use ward_core::OrgId;
use ward_core::org::OrgKind;
use ward_store::OrgFilter;

/// Most children listed on an organisation page; the rest are one link away.
const CHILDREN_SHOWN: usize = 100;

/// One headline figure on an organisation page.
#[derive(Debug, Clone)]
struct Stat {
    value: String,
    label: &'static str,
    note: String,
    href: Option<String>,
    /// Draw attention (for example, services that would cause serious harm if they stopped).
    emphasis: bool,
}

#[derive(Template)]
#[template(path = "org.html")]
struct OrgPage {
    chrome: Option<Chrome>,
    title: String,
    is_home: bool,
    org: OrgRow,
    postcode: Option<String>,
    opened: Option<String>,
    /// Root first, ending with the organisation's parent.
    breadcrumb: Vec<OrgRow>,
    children: Vec<OrgRow>,
    more_children: Option<String>,
    children_href: String,
    show_inventory: bool,
    /// Whether the person may ask what losing this organisation would stop.
    can_impact: bool,
    can_people: bool,
    /// The person may read the organisation's board pack.
    can_board_pack: bool,
    can_import: bool,
    stats: Vec<Stat>,
    asset_bars: Vec<Bar>,
    org_bars: Vec<Bar>,
    /// Exposure by severity, the organisations beneath compared, unsupported software by product.
    charts: Vec<super::charts::Chart>,
}

fn org_page(
    page: &Signed,
    d: OrgDetail,
    is_home: bool,
    exposure: Option<ward_app::exposure::advisory::ExposureSummary>,
    kev_advisories: Option<u64>,
) -> OrgPage {
    let o = &d.org;
    let code = o.code.to_string();
    // Counts cover the whole subtree; the lists filter one organisation exactly. Link the figures
    // only where the two agree: the home page (the whole footprint) or an organisation with nothing beneath.
    let filter = if is_home {
        Some(String::new())
    } else if d.children.is_empty() {
        Some(format!("org={}", super::views::encode(&code)))
    } else {
        None
    };
    let link = |path: &str, extra: &str| {
        filter.as_ref().map(|f| {
            let q: Vec<&str> = [f.as_str(), extra]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect();
            if q.is_empty() {
                path.to_owned()
            } else {
                format!("{path}?{}", q.join("&"))
            }
        })
    };
    let ov = &d.overview;
    let stats = vec![
        Stat {
            value: thousands(ov.services),
            label: "Services",
            note: format!(
                "{} clinical, {} business",
                thousands(ov.clinical_services),
                thousands(ov.services - ov.clinical_services.min(ov.services))
            ),
            href: link("/services", ""),
            emphasis: false,
        },
        Stat {
            value: thousands(ov.critical_services),
            label: "Critical services",
            note: "would cause major or catastrophic harm if they stopped".into(),
            href: link("/services", "min_criticality=4"),
            emphasis: ov.critical_services > 0,
        },
        Stat {
            value: thousands(ov.assets),
            label: "Assets",
            note: "systems, servers, devices and network equipment".into(),
            href: link("/assets", ""),
            emphasis: false,
        },
        Stat {
            value: thousands(ov.internet_facing_assets),
            label: "Reachable from the internet",
            note: "assets that people outside can connect to".into(),
            href: link("/assets", "internet_facing=yes"),
            emphasis: ov.internet_facing_assets > 0,
        },
        Stat {
            value: thousands(ov.software_installs),
            label: "Software installed",
            note: "pieces of software recorded on those assets".into(),
            href: None,
            emphasis: false,
        },
    ];
    let mut stats = stats;
    if let Some(e) = exposure {
        // Exposure figures cover the subtree, and so does the exposure page's organisation filter.
        let exposures = format!("/exposures?org={}", super::views::encode(&code));
        stats.extend([
            // Each figure counts the rows its link opens (one per asset and vulnerability).
            Stat {
                value: thousands(e.open_exposures),
                label: "Exposures needing security action",
                note: format!("published vulnerabilities on {} assets", thousands(e.open_assets)),
                href: Some(exposures.clone()),
                emphasis: e.open_exposures > 0,
            },
            Stat {
                value: thousands(e.open_kev),
                label: "Known to be exploited",
                note: "exposures to vulnerabilities attackers are using now".into(),
                href: Some(format!("{exposures}&kev=yes")),
                emphasis: e.open_kev > 0,
            },
        ]);
        if let Some(n) = kev_advisories {
            stats.push(Stat {
                value: thousands(n),
                label: "Known-exploited vulnerabilities",
                note: "open where you can see, ranked by organisations affected".into(),
                href: Some("/advisories?kev=yes".to_owned()),
                emphasis: n > 0,
            });
        }
        stats.extend([Stat {
            value: thousands(e.unsupported_installs),
            label: "Unsupported software",
            note: format!(
                "releases that no longer get security fixes, on {} assets",
                thousands(e.unsupported_assets)
            ),
            href: Some(format!("/unsupported?org={}", super::views::encode(&code))),
            emphasis: e.unsupported_installs > 0,
        }]);
    }
    let more_children = (d.children.len() > CHILDREN_SHOWN).then(|| {
        format!(
            "See all {} organisations beneath",
            thousands(d.children.len() as u64)
        )
    });
    OrgPage {
        chrome: chrome_at(page, if is_home { Section::Overview } else { Section::Orgs }),
        title: o.name.clone(),
        is_home,
        org: OrgRow::from(o),
        postcode: o.postcode.clone(),
        opened: o.opened.map(|d| d.strftime("%e %B %Y").to_string()),
        breadcrumb: d.ancestors.iter().rev().map(OrgRow::from).collect(),
        children: d.children.iter().take(CHILDREN_SHOWN).map(OrgRow::from).collect(),
        more_children,
        children_href: format!("/orgs?parent={}", o.id),
        show_inventory: page.may(Action::ReadInventory),
        can_impact: page.may(Action::ReadImpact),
        can_people: page.may(Action::ReadPeople),
        can_board_pack: page.may(Action::ReadBoardPack),
        can_import: page.chrome.can_import,
        stats,
        asset_bars: bars(
            ov.assets_by_kind
                .iter()
                .map(|(k, n)| (k.0.label().to_owned(), *n)),
        ),
        org_bars: bars(ov.orgs_by_kind.iter().map(|(k, n)| (k.0.label().to_owned(), *n))),
        charts: Vec::new(),
    }
}

/// `GET /`: the organisation the person is acting for.
pub(super) async fn overview(State(s): State<AppState>, page: Signed) -> PageResult {
    let d = s.app.home(&page.actor).await.map_err(page.fail())?;
    let exposure = exposure_of(&s, &page, d.org.id).await?;
    // How many known-exploited vulnerabilities are open across the footprint: the advisory
    // index's first question, one click away.
    let kev_advisories = if exposure.is_some() {
        let query = ward_app::exposure::advisory_index::AdvisoryQuery {
            kev: true,
            ..Default::default()
        };
        let one = ward_store::PageRequest { offset: 0, limit: 1 };
        let found = s
            .app
            .advisory_index(&page.actor, &query, one)
            .await
            .map_err(page.fail())?;
        Some(found.total)
    } else {
        None
    };
    let id = d.org.id;
    let mut view = org_page(&page, d, true, exposure, kev_advisories);
    view.charts = charts_of(&s, &page, id, &view.org).await?;
    Ok(render(StatusCode::OK, &view))
}

/// The pictures of an organisation's page, when the person may see exposure.
async fn charts_of(
    s: &AppState,
    page: &Signed,
    id: OrgId,
    org: &OrgRow,
) -> Result<Vec<super::charts::Chart>, super::PageError> {
    if !page.may(Action::ReadExposure) {
        return Ok(Vec::new());
    }
    let pictures = s
        .app
        .org_pictures(&page.actor, id, 10)
        .await
        .map_err(page.fail())?;
    Ok(super::charts::org_charts(&pictures, &org.name, &org.code))
}

/// The exposure figures for an organisation's subtree, when the person may see exposure.
async fn exposure_of(
    s: &AppState,
    page: &Signed,
    org: OrgId,
) -> Result<Option<ward_app::exposure::advisory::ExposureSummary>, super::PageError> {
    if !page.may(Action::ReadExposure) {
        return Ok(None);
    }
    s.app
        .exposure_summary(&page.actor, Some(org), 3)
        .await
        .map(Some)
        .map_err(page.fail())
}

/// `GET /orgs/{id}`: another organisation in scope (out of scope reads as not found).
pub(super) async fn org(State(s): State<AppState>, page: Signed, Path(id): Path<String>) -> PageResult {
    let Ok(id) = id.parse::<OrgId>() else {
        return Err(super::PageError::not_found(&page.chrome));
    };
    let d = s.app.org_detail(&page.actor, id).await.map_err(page.fail())?;
    let is_home = id == page.actor.org;
    let exposure = exposure_of(&s, &page, id).await?;
    let mut view = org_page(&page, d, is_home, exposure, None);
    view.charts = charts_of(&s, &page, id, &view.org).await?;
    Ok(render(StatusCode::OK, &view))
}

/// Search parameters for the hierarchy.
#[derive(Debug, Deserialize)]
pub(super) struct OrgsQuery {
    q: Option<String>,
    kind: Option<String>,
    parent: Option<String>,
    closed: Option<String>,
    offset: Option<String>,
    limit: Option<String>,
}

#[derive(Template)]
#[template(path = "orgs.html")]
struct OrgsPage {
    chrome: Option<Chrome>,
    title: String,
    q: String,
    kinds: Vec<Choice>,
    closed: bool,
    parent: String,
    /// Each organisation with the one it is part of ("Name (CODE)"; empty at the top or when
    /// that one is outside the person's footprint), so same-named practices can be told apart.
    rows: Vec<(OrgRow, String)>,
    pager: Pager,
    filtered: bool,
}

/// `GET /orgs`: the organisations the person's role covers.
pub(super) async fn orgs(
    State(s): State<AppState>,
    page: Signed,
    WebQuery(q): WebQuery<OrgsQuery>,
) -> PageResult {
    let fail = page.fail();
    let kind = optional::<OrgKind>("kind", q.kind.as_deref()).map_err(&fail)?;
    let parent = optional::<OrgId>("parent", q.parent.as_deref()).map_err(&fail)?;
    let closed = q.closed.as_deref() == Some("yes");
    let text =
        q.q.as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned);
    let filter = OrgFilter {
        text: text.clone(),
        kind,
        parent,
        include_closed: closed,
    };
    let found = s
        .app
        .list_orgs(
            &page.actor,
            &filter,
            page_request(q.offset.as_deref(), q.limit.as_deref()).map_err(&fail)?,
        )
        .await
        .map_err(&fail)?;
    let parent_ids: Vec<OrgId> = found.items.iter().filter_map(|o| o.parent).collect();
    let parents = s.app.org_labels(&page.actor, parent_ids).await.map_err(&fail)?;
    let text = text.unwrap_or_default();
    let kind_value = kind.map(OrgKind::as_str).unwrap_or("");
    let parent_value = parent.map(|p| p.to_string()).unwrap_or_default();
    let pager = Pager::new(
        &found,
        "/orgs",
        &[
            ("q", &text),
            ("kind", kind_value),
            ("parent", &parent_value),
            ("closed", if closed { "yes" } else { "" }),
        ],
    );
    let view = OrgsPage {
        chrome: chrome_at(&page, Section::Orgs),
        title: "Organisations".into(),
        kinds: Choice::list(
            "Any type",
            kind_value,
            OrgKind::iter().map(|k| (k.as_str(), k.label())),
        ),
        closed,
        filtered: !text.is_empty() || kind.is_some() || parent.is_some() || closed,
        q: text,
        parent: parent_value,
        rows: found
            .items
            .iter()
            .map(|o| {
                let part_of = o
                    .parent
                    .and_then(|p| parents.get(&p).cloned())
                    .unwrap_or_default();
                (OrgRow::from(o), part_of)
            })
            .collect(),
        pager,
    };
    Ok(render(StatusCode::OK, &view))
}
