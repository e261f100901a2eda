//! The critical supplier register's pages: the register (criticality, dependants, assurance,
//! concentration drawn as SVG bars) and one supplier's record with its figures by area.

use std::collections::BTreeMap;

use super::exposure::{optional_enum, parse_enum};
use super::views::{Bar, Choice, Chrome, Section, thousands};
use super::{PageResult, Signed, WebForm, chrome_at, optional_date, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use strum::IntoEnumIterator;
use ward_app::AppError;
use ward_app::authz::{Action, scope_for};
use ward_app::suppliers::{AreaLevel, AssuranceInput, CertificateInput, ConcentrationRow, SupplierSummary};
use ward_core::certificate::{Certificate, CertificateKind, DsptStatus, SupplierAssurance};
use ward_core::supplier::ProductCategory;
use ward_core::supplier::criticality as rule;

/// The categories whose concentration the register draws (the others are in the table).
const DRAWN: [ProductCategory; 3] = [
    ProductCategory::Pathology,
    ProductCategory::UrgentCarePlatform,
    ProductCategory::GpClinicalSystem,
];

struct SupplierLine {
    code: String,
    name: String,
    criticality: &'static str,
    criticality_class: &'static str,
    products: String,
    organisations: String,
    services: String,
    patient_critical: String,
    dspt: String,
    charter: String,
    certificates: String,
}

struct ConcentrationLine {
    region: String,
    category: &'static str,
    supplier: String,
    organisations: String,
    capacity: String,
    share: String,
}

struct Chart {
    title: String,
    bars: Vec<Bar>,
}

struct CertificateLine {
    kind: &'static str,
    reference: String,
    issued: String,
    expires: String,
    current: &'static str,
}

struct AreaLine {
    level: &'static str,
    name: String,
    organisations: String,
    services: String,
    patient_critical: String,
    assets: String,
    declared: &'static str,
}

struct ProductLineView {
    name: String,
    category: &'static str,
    cpe: String,
    status: &'static str,
    releases: String,
}

fn criticality_class(c: rule::Criticality) -> &'static str {
    match c {
        rule::Criticality::Critical => "tag tag-danger",
        rule::Criticality::High => "tag tag-warn",
        rule::Criticality::Medium => "tag",
        rule::Criticality::Low => "tag tag-calm",
    }
}

fn current_certificates(certs: &[Certificate], org: ward_core::OrgId, today: jiff::civil::Date) -> String {
    let held: Vec<&str> = certs
        .iter()
        .filter(|c| c.org == org && c.is_current_on(today))
        .map(|c| c.kind.label())
        .collect();
    if held.is_empty() {
        "None current".into()
    } else {
        held.join(", ")
    }
}

fn dspt(a: Option<&SupplierAssurance>) -> String {
    match a {
        Some(a) => match &a.dspt_year {
            Some(y) => format!("{} ({y})", a.dspt_status.label()),
            None => a.dspt_status.label().to_owned(),
        },
        None => "Not recorded".into(),
    }
}

fn charter(a: Option<&SupplierAssurance>) -> String {
    match a.and_then(|a| a.charter_attested_on.map(|d| (d, a.charter_attested_by.clone()))) {
        Some((d, by)) => format!("{d}, {}", by.unwrap_or_default()),
        None => "Not attested".into(),
    }
}

fn line(
    s: &SupplierSummary,
    assurance: &[SupplierAssurance],
    certs: &[Certificate],
    today: jiff::civil::Date,
) -> SupplierLine {
    let a = assurance.iter().find(|a| a.supplier == s.supplier);
    SupplierLine {
        code: s.code.clone(),
        name: s.name.clone(),
        criticality: s.criticality.label(),
        criticality_class: criticality_class(s.criticality),
        products: if s.products.is_empty() {
            "None listed".into()
        } else {
            s.products
                .iter()
                .map(|p| p.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        },
        organisations: thousands(u64::from(s.organisations)),
        services: thousands(u64::from(s.services)),
        patient_critical: thousands(u64::from(s.patient_critical_services)),
        dspt: dspt(a),
        charter: charter(a),
        certificates: current_certificates(certs, s.supplier, today),
    }
}

fn concentration_line(c: &ConcentrationRow) -> ConcentrationLine {
    ConcentrationLine {
        region: c.region_name.clone(),
        category: c.category.label(),
        supplier: c.supplier_name.clone(),
        organisations: format!("{} of {}", c.organisations, c.total_organisations),
        capacity: format!(
            "{} of {} a day",
            thousands(c.throughput_per_day),
            thousands(c.total_throughput_per_day)
        ),
        share: format!("{}%", c.share_percent),
    }
}

/// One chart per drawn category: each (region, supplier) share of the region's capacity.
fn charts(rows: &[ConcentrationRow], with_supplier: bool) -> Vec<Chart> {
    let mut by_category: BTreeMap<ProductCategory, Vec<&ConcentrationRow>> = BTreeMap::new();
    for r in rows.iter().filter(|r| DRAWN.contains(&r.category)) {
        by_category.entry(r.category).or_default().push(r);
    }
    DRAWN
        .iter()
        .filter_map(|c| by_category.remove(c).map(|rows| (c, rows)))
        .map(|(c, rows)| Chart {
            title: c.label().to_owned(),
            bars: rows
                .into_iter()
                .take(12)
                .map(|r| Bar {
                    label: if with_supplier {
                        format!("{}: {}", r.region_name, r.supplier_name)
                    } else {
                        r.region_name.clone()
                    },
                    count: format!("{}%", r.share_percent),
                    width: u64::from(r.share_percent.min(100)),
                })
                .collect(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "suppliers.html")]
struct RegisterTemplate {
    chrome: Option<Chrome>,
    /// Whether to link the supplier advisory pages (who publishes, reads or chooses naming).
    advisories_link: bool,
    title: String,
    footprint: bool,
    suppliers: Vec<SupplierLine>,
    charts: Vec<Chart>,
    concentration: Vec<ConcentrationLine>,
    rule_critical: String,
    rule_high: String,
    rule_medium: String,
    /// The caller's own certificates and the form to record one (organisation admins).
    own_certificates: Option<Vec<CertificateLine>>,
    kinds: Vec<Choice>,
    org_code: String,
}

fn kinds() -> Vec<Choice> {
    CertificateKind::iter()
        .map(|k| Choice {
            value: k.as_str().to_owned(),
            label: k.label().to_owned(),
            selected: false,
        })
        .collect()
}

fn certificate_line(c: &Certificate, day: jiff::civil::Date) -> CertificateLine {
    CertificateLine {
        kind: c.kind.label(),
        reference: c.reference.clone().unwrap_or_default(),
        issued: c.issued_on.to_string(),
        expires: c.expires_on.to_string(),
        current: if c.is_current_on(day) {
            "Current"
        } else {
            "Not current"
        },
    }
}

fn can(page: &Signed, action: Action) -> bool {
    scope_for(page.actor.role, page.actor.org, action).is_some()
}

fn rule_text() -> (String, String, String) {
    (
        format!(
            "{}% or more of a region's capacity for one kind of system, or {} or more patient-critical services",
            rule::CRITICAL_SHARE,
            rule::CRITICAL_SERVICES
        ),
        format!(
            "{}% or more of a region's capacity, {} or more patient-critical services, or {} or more organisations",
            rule::HIGH_SHARE,
            rule::HIGH_SERVICES,
            rule::HIGH_ORGANISATIONS
        ),
        format!(
            "any patient-critical service, or {} or more organisations",
            rule::MEDIUM_ORGANISATIONS
        ),
    )
}

fn today(s: &AppState) -> jiff::civil::Date {
    s.app.now().to_zoned(jiff::tz::TimeZone::UTC).date()
}

/// `GET /suppliers`.
pub(super) async fn register(State(s): State<AppState>, page: Signed) -> PageResult {
    let r = s.app.supplier_register(&page.actor).await.map_err(page.fail())?;
    let day = today(&s);
    let (rule_critical, rule_high, rule_medium) = rule_text();
    let own_certificates = if can(&page, Action::RecordCertificates) && !can(&page, Action::ManageSuppliers) {
        let mine = s.app.certificates(&page.actor).await.map_err(page.fail())?;
        Some(mine.iter().map(|c| certificate_line(c, day)).collect())
    } else {
        None
    };
    let org_code = s
        .app
        .store()
        .get_org(&ward_store::Scope::All, page.actor.org)
        .await
        .map(|o| o.code.to_string())
        .unwrap_or_default();
    let view = RegisterTemplate {
        chrome: chrome_at(&page, Section::Suppliers),
        advisories_link: advisories_link(&page),
        title: "Critical suppliers".into(),
        footprint: r.seen == "footprint",
        suppliers: r
            .view
            .suppliers
            .iter()
            .map(|x| line(x, &r.assurance, &r.certificates, day))
            .collect(),
        charts: charts(&r.view.concentration, true),
        concentration: r.view.concentration.iter().map(concentration_line).collect(),
        rule_critical,
        rule_high,
        rule_medium,
        own_certificates,
        kinds: kinds(),
        org_code,
    };
    Ok(render(StatusCode::OK, &view))
}

#[derive(Template)]
#[template(path = "supplier.html")]
struct RecordTemplate {
    chrome: Option<Chrome>,
    /// Whether to link the supplier advisory pages (who publishes, reads or chooses naming).
    advisories_link: bool,
    title: String,
    footprint: bool,
    supplier: SupplierLine,
    facts: Option<String>,
    products: Vec<ProductLineView>,
    areas: Vec<AreaLine>,
    charts: Vec<Chart>,
    concentration: Vec<ConcentrationLine>,
    certificates: Vec<CertificateLine>,
    /// The national team's forms: assurance and certificates.
    manage: bool,
    kinds: Vec<Choice>,
    statuses: Vec<Choice>,
    assurance_on: String,
    assurance_by: String,
    assurance_year: String,
}

fn level(l: AreaLevel) -> &'static str {
    match l {
        AreaLevel::Nation => "Nation",
        AreaLevel::Region => "Region",
        AreaLevel::Icb => "ICB",
        AreaLevel::Organisation => "Organisation",
    }
}

/// `GET /suppliers/{id}`.
pub(super) async fn record(State(s): State<AppState>, page: Signed, Path(id): Path<String>) -> PageResult {
    let r = s
        .app
        .supplier_record(&page.actor, &id)
        .await
        .map_err(page.fail())?;
    let day = today(&s);
    let summary = &r.figures.summary;
    let assurance: Vec<SupplierAssurance> = r.assurance.clone().into_iter().collect();
    let view = RecordTemplate {
        chrome: chrome_at(&page, Section::Suppliers),
        advisories_link: advisories_link(&page),
        title: summary.name.clone(),
        footprint: r.seen == "footprint",
        supplier: line(summary, &assurance, &r.certificates, day),
        facts: summary.facts.map(|f| {
            format!(
                "Across the sector: {} organisations depend on it, {} patient-critical services, and at most {}% of one region's capacity for one kind of system.",
                thousands(u64::from(f.organisations)),
                thousands(u64::from(f.patient_critical_services)),
                f.largest_regional_share
            )
        }),
        products: summary
            .products
            .iter()
            .map(|p| ProductLineView {
                name: p.name.clone(),
                category: p.category.label(),
                cpe: p.cpe.clone().unwrap_or_default(),
                status: p.status.label(),
                releases: if p.releases.is_empty() {
                    "None seen".into()
                } else {
                    p.releases
                        .iter()
                        .map(|r| match &r.purl {
                            Some(purl) => format!("{} on {} assets ({purl})", r.version, thousands(u64::from(r.assets))),
                            None => format!("{} on {} assets", r.version, thousands(u64::from(r.assets))),
                        })
                        .collect::<Vec<_>>()
                        .join("; ")
                },
            })
            .collect(),
        areas: r
            .figures
            .areas
            .iter()
            .map(|a| AreaLine {
                level: level(a.level),
                name: format!("{} ({})", a.name, a.code),
                organisations: thousands(u64::from(a.organisations)),
                services: thousands(u64::from(a.services)),
                patient_critical: thousands(u64::from(a.patient_critical_services)),
                assets: thousands(u64::from(a.assets)),
                declared: if a.level != AreaLevel::Organisation {
                    ""
                } else if a.declared {
                    "Declared"
                } else {
                    "Inventory only"
                },
            })
            .collect(),
        charts: charts(&r.figures.concentration, false),
        concentration: r.figures.concentration.iter().map(concentration_line).collect(),
        certificates: r.certificates.iter().map(|c| certificate_line(c, day)).collect(),
        manage: can(&page, Action::ManageSuppliers),
        kinds: kinds(),
        statuses: DsptStatus::iter()
            .map(|d| Choice {
                value: d.as_str().to_owned(),
                label: d.label().to_owned(),
                selected: r.assurance.as_ref().is_some_and(|a| a.dspt_status == d),
            })
            .collect(),
        assurance_on: r
            .assurance
            .as_ref()
            .and_then(|a| a.charter_attested_on)
            .map(|d| d.to_string())
            .unwrap_or_default(),
        assurance_by: r
            .assurance
            .as_ref()
            .and_then(|a| a.charter_attested_by.clone())
            .unwrap_or_default(),
        assurance_year: r
            .assurance
            .as_ref()
            .and_then(|a| a.dspt_year.clone())
            .unwrap_or_default(),
    };
    Ok(render(StatusCode::OK, &view))
}

/// The assurance form of a supplier's page (national team).
#[derive(Debug, Default, Deserialize)]
pub(super) struct AssuranceForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    charter_attested_on: String,
    #[serde(default)]
    charter_attested_by: String,
    #[serde(default)]
    dspt_status: String,
    #[serde(default)]
    dspt_year: String,
}

/// `POST /suppliers/{id}/assurance`.
pub(super) async fn put_assurance(
    State(s): State<AppState>,
    page: Signed,
    Path(id): Path<String>,
    WebForm(form): WebForm<AssuranceForm>,
) -> PageResult {
    page.check_csrf(&s, &form.csrf)?;
    let fail = page.fail();
    let input = AssuranceInput {
        charter_attested_on: optional_date("charter_attested_on", &form.charter_attested_on)
            .map_err(&fail)?,
        charter_attested_by: Some(form.charter_attested_by),
        dspt_status: parse_enum("dspt_status", &form.dspt_status).map_err(&fail)?,
        dspt_year: Some(form.dspt_year),
    };
    s.app
        .put_supplier_assurance(&page.actor, &id, input)
        .await
        .map_err(&fail)?;
    Ok(Redirect::to(&format!("/suppliers/{id}")).into_response())
}

/// The certificate form (national team on a supplier's page; an admin for its organisation).
#[derive(Debug, Default, Deserialize)]
pub(super) struct CertificateForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    org: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    reference: String,
    #[serde(default)]
    issued_on: String,
    #[serde(default)]
    expires_on: String,
    /// Where to go back to (`/suppliers` or a supplier's page).
    #[serde(default)]
    back: String,
}

/// `POST /suppliers/certificates`.
pub(super) async fn add_certificate(
    State(s): State<AppState>,
    page: Signed,
    WebForm(form): WebForm<CertificateForm>,
) -> PageResult {
    page.check_csrf(&s, &form.csrf)?;
    let fail = page.fail();
    let date = |field: &str, v: &str| {
        optional_date(field, v)?.ok_or_else(|| AppError::invalid(field, "give the date"))
    };
    let kind: Option<CertificateKind> = optional_enum("kind", &form.kind).map_err(&fail)?;
    let input = CertificateInput {
        org: form.org,
        kind: kind
            .ok_or_else(|| AppError::invalid("kind", "choose a certificate"))
            .map_err(&fail)?,
        reference: Some(form.reference),
        issued_on: date("issued_on", &form.issued_on).map_err(&fail)?,
        expires_on: date("expires_on", &form.expires_on).map_err(&fail)?,
    };
    s.app.add_certificate(&page.actor, input).await.map_err(&fail)?;
    // Only back to a page of this section (never an address from elsewhere).
    let safe = form.back.starts_with("/suppliers")
        && form.back.chars().all(|c| c.is_ascii_alphanumeric() || c == '/');
    let back = if safe { form.back } else { "/suppliers".to_owned() };
    Ok(Redirect::to(&back).into_response())
}

/// Whether the person takes part in suppliers' advisories (publishes, reads or chooses naming).
fn advisories_link(page: &Signed) -> bool {
    use ward_app::authz::Action;
    [
        Action::PublishSupplierAdvisories,
        Action::ReadSupplierAdvisories,
        Action::SetNamingConsent,
    ]
    .into_iter()
    .any(|a| page.may(a))
}
