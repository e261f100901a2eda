//! Exposure pages: the prioritised list for the person's footprint, one advisory across it ("who
//! is exposed"), and the forms on the asset page that change exposure (an SBOM upload, a statement
//! that the organisation is or is not affected).

use super::import::{file_label, upload_error};
use super::views::{Choice, Chrome, Pager, Section, thousands};
use super::{PageError, PageResult, Signed, WebQuery, chrome_at, page_request, render};
use crate::error::ApiError;
use crate::state::AppState;
use askama::Template;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use ward_app::AppError;
use ward_app::authz::Action;
use ward_app::exposure::advisory::{AdvisoryExposure, AdvisoryHead};
use ward_app::exposure::groups::{ExposureGroup, GroupBy};
use ward_app::exposure::{ExposureFilter, Sort};
use ward_core::AssetId;
use ward_core::vuln::{Justification, VexStatus};

mod rows;

pub(crate) use rows::{ExposureRow, level};

/// Query of the exposure list (all text; parsed here so empty choices mean "any").
#[derive(Debug, Deserialize)]
pub(super) struct ExposuresQuery {
    q: Option<String>,
    status: Option<String>,
    kev: Option<String>,
    internet_facing: Option<String>,
    /// A CVSS band (`critical`, ...), as the severity chart's bars link.
    severity: Option<String>,
    advisory: Option<String>,
    org: Option<String>,
    sort: Option<String>,
    /// `advisory` or `org`: one line per vulnerability or organisation instead of rows.
    group: Option<String>,
    offset: Option<String>,
    limit: Option<String>,
}

struct Stat {
    value: String,
    label: String,
    href: Option<String>,
}

/// One line of the grouped list, linking to its rows.
struct GroupLine {
    /// The vulnerability id or organisation name.
    name: String,
    /// The vulnerability's summary, or the organisation it is part of.
    note: String,
    href: String,
    rows: String,
    assets: String,
    /// Organisations (grouped by vulnerability) or vulnerabilities (grouped by organisation).
    spread: String,
    internet: String,
    priority: String,
    level: &'static str,
}

#[derive(Template)]
#[template(path = "exposures.html")]
struct ExposuresPage {
    chrome: Option<Chrome>,
    title: String,
    q: String,
    org: String,
    advisory: String,
    statuses: Vec<Choice>,
    kev: Vec<Choice>,
    internet: Vec<Choice>,
    severities: Vec<Choice>,
    sorts: Vec<Choice>,
    stats: Vec<Stat>,
    groups: Vec<Choice>,
    /// The grouping in force: "" (rows), `advisory` or `org`.
    group: String,
    lines: Vec<GroupLine>,
    rows: Vec<ExposureRow>,
    legend: Vec<rows::LegendLine>,
    pager: Pager,
    filtered: bool,
    notice: Option<String>,
    export_query: String,
    as_of: String,
    /// May raise a risk from a row (writes the organisation's risks); the form's CSRF token.
    raise_csrf: Option<String>,
}

fn query_string(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", urlencoding(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Percent-encodes a query value (everything but unreserved characters).
fn urlencoding(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `GET /exposures`.
pub(super) async fn exposures(
    State(s): State<AppState>,
    page: Signed,
    WebQuery(q): WebQuery<ExposuresQuery>,
) -> PageResult {
    let fail = page.fail();
    let pr = page_request(q.offset.as_deref(), q.limit.as_deref()).map_err(&fail)?;
    let text = q.q.as_deref().map(str::trim).unwrap_or("").to_owned();
    let status = q.status.as_deref().map(str::trim).unwrap_or("").to_owned();
    let kev = q.kev.as_deref().unwrap_or("") == "yes";
    let internet = q.internet_facing.as_deref().unwrap_or("") == "yes";
    let advisory = q.advisory.as_deref().map(str::trim).unwrap_or("").to_owned();
    let severity_value = q.severity.as_deref().map(str::trim).unwrap_or("").to_owned();
    let severity = match severity_value.as_str() {
        "" => None,
        v => Some(v.parse::<ward_core::vuln::CvssBand>().map_err(|_| {
            fail(AppError::invalid(
                "severity",
                format!("'{v}' is not a severity band (critical, high, medium, low, none, unscored)"),
            ))
        })?),
    };
    let sort_value = q.sort.as_deref().unwrap_or("").to_owned();
    let sort = if sort_value == "published" {
        Sort::Published
    } else {
        Sort::Priority
    };
    let code = q.org.as_deref().map(str::trim).unwrap_or("").to_uppercase();
    let (org, notice) = if code.is_empty() {
        (None, None)
    } else {
        match s.app.org_by_code(&page.actor, &code).await {
            Ok(o) => (
                Some(o.id),
                Some(format!(
                    "Showing only {} ({}) and the organisations beneath it.",
                    o.name, o.code
                )),
            ),
            Err(AppError::NotFound(_) | AppError::Invalid(_)) => (
                None,
                Some(format!(
                    "No organisation with the code {code} is among those you can see."
                )),
            ),
            Err(e) => return Err(fail(e)),
        }
    };
    let filter = ExposureFilter {
        org,
        advisory: Some(advisory.clone()).filter(|a| !a.is_empty()),
        status: Some(status.clone()).filter(|s| !s.is_empty()),
        kev,
        internet_facing: internet,
        severity,
        q: Some(text.clone()).filter(|t| !t.is_empty()),
        ..ExposureFilter::default()
    };
    let unknown_org = !code.is_empty() && org.is_none();
    let group = match q.group.as_deref().map(str::trim).unwrap_or("") {
        "" => None,
        g => Some(g.parse::<GroupBy>().map_err(|_| {
            fail(AppError::invalid(
                "group",
                "choose to group by vulnerability or by organisation",
            ))
        })?),
    };
    let group_value: &str = group.map(<&str>::from).unwrap_or("");
    fn empty<T>(limit: u32) -> ward_store::Page<T> {
        ward_store::Page {
            items: Vec::new(),
            total: 0,
            total_is_lower_bound: false,
            offset: 0,
            limit,
        }
    }
    let (found, grouped) = match (unknown_org, group) {
        (true, _) => (empty(pr.limit), empty(pr.limit)),
        (false, None) => (
            s.app
                .list_exposures(&page.actor, &filter, sort, pr)
                .await
                .map_err(&fail)?,
            empty(pr.limit),
        ),
        (false, Some(by)) => (
            empty(pr.limit),
            s.app
                .group_exposures(&page.actor, &filter, by, pr)
                .await
                .map_err(&fail)?,
        ),
    };
    let timescales = s
        .app
        .exposure_timescales(&page.actor, &found.items)
        .await
        .map_err(&fail)?;
    let summary = s.app.exposure_summary(&page.actor, org, 5).await.map_err(&fail)?;
    let kev_value = if kev { "yes" } else { "" };
    let internet_value = if internet { "yes" } else { "" };
    let filters = [
        ("q", text.as_str()),
        ("status", status.as_str()),
        ("kev", kev_value),
        ("internet_facing", internet_value),
        ("severity", severity_value.as_str()),
        ("advisory", advisory.as_str()),
        ("org", code.as_str()),
        ("sort", sort_value.as_str()),
        ("group", group_value),
    ];
    let pager = match group {
        None => Pager::new(&found, "/exposures", &filters),
        Some(_) => Pager::new(&grouped, "/exposures", &filters),
    };
    // A group line opens its rows: the page's filters without the grouping, plus its own.
    let line_href = |key: (&str, &str)| {
        let pairs: Vec<(&str, &str)> = filters
            .iter()
            .copied()
            .filter(|(k, _)| *k != "group" && *k != key.0)
            .chain(std::iter::once(key))
            .collect();
        format!("/exposures?{}", query_string(&pairs))
    };
    let lines: Vec<GroupLine> = grouped
        .items
        .iter()
        .map(|g: &ExposureGroup| {
            let by_org = g.org.is_some();
            GroupLine {
                name: g
                    .org
                    .as_ref()
                    .map_or_else(|| g.key.clone(), |o| format!("{} ({})", o.name, o.code)),
                note: if by_org {
                    g.part_of
                        .as_ref()
                        .map(|p| format!("Part of {}", p.name))
                        .unwrap_or_default()
                } else {
                    g.summary.clone().unwrap_or_default()
                },
                href: line_href(if by_org {
                    ("org", g.key.as_str())
                } else {
                    ("advisory", g.key.as_str())
                }),
                rows: thousands(g.rows),
                assets: thousands(g.assets),
                spread: if by_org {
                    format!("{} vulnerabilities", thousands(g.advisories))
                } else {
                    format!("{} organisations", thousands(g.orgs))
                },
                internet: thousands(g.internet_facing),
                priority: format!("{:.0}", g.max_priority),
                level: level(g.max_priority),
            }
        })
        .collect();
    // The export links speak the API's language: booleans as `true`, the organisation by id.
    let org_text = org.map(|o| o.to_string()).unwrap_or_default();
    let export = [
        ("q", text.as_str()),
        ("status", status.as_str()),
        ("kev", if kev { "true" } else { "" }),
        ("internet_facing", if internet { "true" } else { "" }),
        ("severity", severity_value.as_str()),
        ("advisory", advisory.as_str()),
        ("org", org_text.as_str()),
    ];
    // Each figure counts the rows its link opens (one per asset and vulnerability needing action,
    // or one per asset and unsupported release), within the organisation chosen.
    let org_pair = [("org", code.as_str())];
    let within = |extra: &[(&str, &str)], path: &str| {
        let pairs: Vec<(&str, &str)> = org_pair.iter().chain(extra).copied().collect();
        let q = query_string(&pairs);
        if q.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{q}")
        }
    };
    let stats = vec![
        Stat {
            value: thousands(summary.open_exposures),
            label: format!(
                "exposures need action, on {} assets",
                thousands(summary.open_assets)
            ),
            href: Some(within(&[], "/exposures")),
        },
        Stat {
            value: thousands(summary.open_kev),
            label: "of them are to known-exploited vulnerabilities".into(),
            href: Some(within(&[("kev", "yes")], "/exposures")),
        },
        Stat {
            value: thousands(summary.open_internet_exposures),
            label: "of them are on assets reachable from the internet".into(),
            href: Some(within(&[("internet_facing", "yes")], "/exposures")),
        },
        Stat {
            value: thousands(summary.unsupported_installs),
            label: format!(
                "unsupported releases installed, on {} assets",
                thousands(summary.unsupported_assets)
            ),
            href: Some(within(&[], "/unsupported")),
        },
    ];
    let view = ExposuresPage {
        chrome: chrome_at(&page, Section::Exposure),
        title: "Exposure".into(),
        stats,
        statuses: Choice::list(
            "Needs action",
            &status,
            [
                ("all", "Any status"),
                ("affected", "Affected"),
                ("under_investigation", "Under investigation"),
                ("cannot_evaluate", "Cannot evaluate"),
                ("not_affected", "Not affected"),
                ("fixed", "Fixed"),
            ],
        ),
        kev: Choice::list("Any", kev_value, [("yes", "Known exploited only")]),
        internet: Choice::list("Any", internet_value, [("yes", "Reachable only")]),
        severities: Choice::list(
            "Any",
            &severity_value,
            [
                ("critical", "Critical"),
                ("high", "High"),
                ("medium", "Medium"),
                ("low", "Low"),
            ],
        ),
        sorts: Choice::list(
            "Highest priority first",
            &sort_value,
            [("published", "Newest advisory first")],
        ),
        groups: Choice::list(
            "One row per asset and vulnerability",
            group_value,
            [("advisory", "By vulnerability"), ("org", "By organisation")],
        ),
        group: group_value.to_owned(),
        filtered: filter != ExposureFilter::default()
            || !sort_value.is_empty()
            || group.is_some()
            || unknown_org,
        notice,
        export_query: query_string(&export),
        as_of: summary.as_of.strftime("%-d %b %Y %H:%M UTC").to_string(),
        rows: found
            .items
            .iter()
            .zip(&timescales)
            .map(|(e, t)| ExposureRow::from(e).with_timescale(t))
            .collect(),
        lines,
        legend: rows::legend(&s.app.settings().priority),
        raise_csrf: page.may(Action::WriteRisks).then(|| page.chrome.csrf.clone()),
        pager,
        q: text,
        org: code,
        advisory,
    };
    Ok(render(StatusCode::OK, &view))
}

#[derive(Template)]
#[template(path = "advisory.html")]
struct AdvisoryPage {
    chrome: Option<Chrome>,
    title: String,
    head: AdvisoryHead,
    cvss: String,
    epss: String,
    kev_added: String,
    kev_due: String,
    ransomware: bool,
    published: String,
    open_orgs: String,
    open_assets: String,
    matched_assets: String,
    rows: Vec<OrgLine>,
    national: bool,
    /// One line per supplier statement deciding some of the assets' status.
    supplier_statements: Vec<String>,
}

struct OrgLine {
    code: String,
    name: String,
    open: String,
    assets: String,
    internet: String,
    priority: String,
    level: &'static str,
    consequence: String,
    /// The consequence in NPSA words with its number (`Catastrophic (5)`).
    harm: String,
}

/// `GET /advisories/{id}`: one advisory across the person's footprint.
pub(super) async fn advisory(State(s): State<AppState>, page: Signed, Path(id): Path<String>) -> PageResult {
    let fail = page.fail();
    let a: AdvisoryExposure = s.app.advisory_exposure(&page.actor, &id).await.map_err(&fail)?;
    let head = a.advisory;
    let view = AdvisoryPage {
        chrome: chrome_at(&page, Section::Exposure),
        title: head.id.clone(),
        cvss: head.cvss.map(|c| format!("{c:.1}")).unwrap_or_default(),
        epss: head
            .epss
            .map(|(p, pct)| {
                format!(
                    "{:.1}% (higher than {:.0}% of scored vulnerabilities)",
                    p * 100.0,
                    pct * 100.0
                )
            })
            .unwrap_or_default(),
        kev_added: head
            .kev
            .as_ref()
            .map(|k| k.added.strftime("%-d %b %Y").to_string())
            .unwrap_or_default(),
        kev_due: head
            .kev
            .as_ref()
            .and_then(|k| k.due)
            .map(|d| d.strftime("%-d %b %Y").to_string())
            .unwrap_or_default(),
        ransomware: head.kev.as_ref().is_some_and(|k| k.ransomware),
        published: head
            .published
            .map(|p| p.strftime("%-d %b %Y").to_string())
            .unwrap_or_default(),
        open_orgs: thousands(a.open_orgs),
        open_assets: thousands(a.open_assets),
        matched_assets: thousands(a.matched_assets),
        rows: a
            .orgs
            .iter()
            .map(|o| OrgLine {
                code: o.org.code.clone(),
                name: o.org.name.clone(),
                open: thousands(o.open),
                assets: thousands(o.assets),
                internet: thousands(o.internet_facing),
                priority: format!("{:.0}", o.max_priority),
                level: level(o.max_priority),
                consequence: o.worst_consequence.map(|c| c.to_string()).unwrap_or_default(),
                harm: o
                    .worst_consequence
                    .and_then(|c| ward_core::risk::Consequence::new(c).ok())
                    .map(|c| format!("{} ({})", c.label(), c.value()))
                    .unwrap_or_default(),
            })
            .collect(),
        national: matches!(
            page.actor.role,
            ward_core::role::Role::NationalAnalyst | ward_core::role::Role::RegionalLead
        ),
        supplier_statements: a
            .supplier_statements
            .iter()
            .map(|st| {
                let why = st
                    .justification
                    .as_ref()
                    .map(|j| format!(" ({})", j.label().to_lowercase()))
                    .unwrap_or_default();
                let detail = st.detail.as_deref().map(|d| format!(" – {d}")).unwrap_or_default();
                format!(
                    "Supplier statement by {}: {} is {}{why}{detail}. It decides the status of {} of the assets above.",
                    st.supplier.name,
                    st.product,
                    st.status.label().to_lowercase(),
                    thousands(st.assets)
                )
            })
            .collect(),
        head,
    };
    Ok(render(StatusCode::OK, &view))
}

/// A form's choice among an enum's values, by the value's name.
pub(crate) fn parse_enum<T: std::str::FromStr>(field: &str, v: &str) -> Result<T, AppError> {
    v.parse()
        .map_err(|_| AppError::invalid(field, format!("choose a {field}")))
}

pub(crate) fn optional_enum<T: std::str::FromStr>(field: &str, v: &str) -> Result<Option<T>, AppError> {
    if v.trim().is_empty() {
        Ok(None)
    } else {
        parse_enum(field, v.trim()).map(Some)
    }
}

/// `POST /assets/{id}/sbom` (multipart: `csrf` first, then `file`).
pub(super) async fn upload_sbom(
    State(s): State<AppState>,
    page: Signed,
    Path(id): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> PageResult {
    let chrome = &page.chrome;
    let Ok(asset_id) = id.parse::<AssetId>() else {
        return Err(PageError::new(Some(chrome), AppError::NotFound("asset".into())));
    };
    let mut mp = multipart.map_err(|_| {
        PageError::new(
            Some(chrome),
            ApiError::bad_request("send the file from the asset page"),
        )
    })?;
    let token = match mp.next_field().await.map_err(|e| upload_error(chrome, &e))? {
        Some(f) if f.name() == Some("csrf") => f.text().await.map_err(|e| upload_error(chrome, &e))?,
        _ => String::new(),
    };
    page.check_csrf(&s, &token)?;
    // Refuse before the file is read: a role that may not write never makes the server buffer it.
    if !page.may(Action::WriteInventory) {
        return Err(page.fail()(AppError::forbidden(
            "your role does not allow uploading software lists",
        )));
    }
    let mut file = String::new();
    let mut bytes = Vec::new();
    while let Some(f) = mp.next_field().await.map_err(|e| upload_error(chrome, &e))? {
        if f.name() == Some("file") {
            file = file_label(f.file_name());
            bytes = f.bytes().await.map_err(|e| upload_error(chrome, &e))?.to_vec();
        }
    }
    if bytes.is_empty() {
        return super::inventory::asset_with_upload_problems(
            &s,
            &page,
            asset_id,
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["Choose an SBOM file. The file you sent was empty.".to_owned()],
        )
        .await;
    }
    let summary = match s.app.upload_sbom(&page.actor, asset_id, &file, bytes).await {
        Ok(summary) => summary,
        // What is wrong with the file goes beside the file field; anything else (no such asset,
        // not allowed) is the usual error page.
        Err(
            e @ (AppError::Invalid(_)
            | AppError::TooLarge { .. }
            | AppError::TimedOut(_)
            | AppError::Busy { .. }),
        ) => {
            let (status, problems) = match e {
                AppError::Invalid(fields) => (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    fields
                        .into_iter()
                        .map(|f| format!("{}: {}", f.path, f.message))
                        .collect(),
                ),
                AppError::TooLarge { path, message } => {
                    (StatusCode::PAYLOAD_TOO_LARGE, vec![format!("{path}: {message}")])
                }
                other => (StatusCode::SERVICE_UNAVAILABLE, vec![other.to_string()]),
            };
            return super::inventory::asset_with_upload_problems(&s, &page, asset_id, status, problems).await;
        }
        Err(e) => return Err(page.fail()(e)),
    };
    Ok(Redirect::to(&format!(
        "/assets/{asset_id}?done=sbom&stored={}&skipped={}#software-h",
        summary.stored,
        summary.skipped.len()
    ))
    .into_response())
}

/// The exposure section of the asset page.
pub(crate) async fn asset_exposures(
    s: &AppState,
    page: &Signed,
    asset: AssetId,
) -> Result<Vec<ExposureRow>, AppError> {
    let filter = ExposureFilter {
        asset: Some(asset),
        status: Some("all".into()),
        ..ExposureFilter::default()
    };
    let found = s
        .app
        .list_exposures(
            &page.actor,
            &filter,
            Sort::Priority,
            ward_store::PageRequest {
                offset: 0,
                limit: 200,
            },
        )
        .await?;
    Ok(found.items.iter().map(ExposureRow::from).collect())
}

/// The unsupported releases on one asset: (software, product and cycle, date support ended).
pub(crate) async fn asset_unsupported(
    s: &AppState,
    page: &Signed,
    asset: AssetId,
) -> Result<Vec<(String, String, String)>, AppError> {
    let found = s
        .app
        .list_unsupported(
            &page.actor,
            None,
            Some(asset),
            ward_store::PageRequest {
                offset: 0,
                limit: 100,
            },
        )
        .await?;
    Ok(found
        .items
        .iter()
        .map(|u| {
            (
                u.software_name.clone(),
                format!("{} {}", u.product, u.cycle),
                u.eol.map_or_else(
                    || "date not known".to_owned(),
                    |d| d.strftime("%-d %b %Y").to_string(),
                ),
            )
        })
        .collect())
}

struct UnsupportedLine {
    asset: String,
    asset_name: String,
    org_name: String,
    /// The organisation it is part of (its ICB or region), when the person can see it.
    part_of: String,
    software: String,
    /// The software as recorded (a package URL or CPE), one hover away.
    identifier: String,
    release: String,
    ended: String,
    internet_facing: bool,
}

#[derive(Template)]
#[template(path = "unsupported.html")]
struct UnsupportedPage {
    chrome: Option<Chrome>,
    title: String,
    rows: Vec<UnsupportedLine>,
    pager: Pager,
    notice: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct UnsupportedQuery {
    /// An organisation's code: only it and the organisations beneath it.
    org: Option<String>,
    offset: Option<String>,
    limit: Option<String>,
}

/// `GET /unsupported`: assets running releases past their end of security support.
pub(super) async fn unsupported(
    State(s): State<AppState>,
    page: Signed,
    WebQuery(q): WebQuery<UnsupportedQuery>,
) -> PageResult {
    let fail = page.fail();
    let pr = page_request(q.offset.as_deref(), q.limit.as_deref()).map_err(&fail)?;
    let code = q.org.as_deref().map(str::trim).unwrap_or("").to_uppercase();
    let (org, notice) = if code.is_empty() {
        (None, None)
    } else {
        match s.app.org_by_code(&page.actor, &code).await {
            Ok(o) => (
                Some(o.id),
                Some(format!(
                    "Showing only {} ({}) and the organisations beneath it.",
                    o.name, o.code
                )),
            ),
            Err(AppError::NotFound(_) | AppError::Invalid(_)) => (
                None,
                Some(format!(
                    "No organisation with the code {code} is among those you can see."
                )),
            ),
            Err(e) => return Err(fail(e)),
        }
    };
    let found = if !code.is_empty() && org.is_none() {
        ward_store::Page {
            items: Vec::new(),
            total: 0,
            total_is_lower_bound: false,
            offset: 0,
            limit: pr.limit,
        }
    } else {
        s.app
            .list_unsupported(&page.actor, org, None, pr)
            .await
            .map_err(&fail)?
    };
    let pager = Pager::new(&found, "/unsupported", &[("org", code.as_str())]);
    let view = UnsupportedPage {
        chrome: chrome_at(&page, Section::Exposure),
        title: "Unsupported software".into(),
        rows: found
            .items
            .iter()
            .map(|u| UnsupportedLine {
                asset: u.asset.to_string(),
                asset_name: u.asset_name.clone(),
                org_name: u.org.name.clone(),
                part_of: u.part_of.as_ref().map(|p| p.name.clone()).unwrap_or_default(),
                software: u.software_name.clone(),
                identifier: u.software.clone(),
                release: format!("{} {}", u.product, u.cycle),
                ended: u.eol.map_or_else(
                    || "date not known".to_owned(),
                    |d| d.strftime("%-d %b %Y").to_string(),
                ),
                internet_facing: u.internet_facing,
            })
            .collect(),
        pager,
        notice,
    };
    Ok(render(StatusCode::OK, &view))
}

/// Choices for the statement form.
pub(crate) fn vex_statuses() -> Vec<Choice> {
    Choice::list(
        "Choose…",
        "",
        [
            (VexStatus::NotAffected, "Not affected"),
            (VexStatus::Affected, "Affected: we are acting on it"),
            (VexStatus::Fixed, "Fixed"),
            (VexStatus::UnderInvestigation, "Under investigation"),
        ]
        .map(|(s, label)| (s.as_str(), label)),
    )
}

pub(crate) fn vex_justifications() -> Vec<Choice> {
    use Justification::*;
    // The five the CSAF VEX profile defines (OpenVEX shares them).
    let choices = [
        ComponentNotPresent,
        VulnerableCodeNotPresent,
        VulnerableCodeNotInExecutePath,
        VulnerableCodeCannotBeControlledByAdversary,
        InlineMitigationsAlreadyExist,
    ];
    Choice::list(
        "None (only for not affected)",
        "",
        choices.iter().map(|j| (j.as_str(), j.label())),
    )
}
