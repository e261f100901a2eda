//! The demo's incidents: closed incidents over the last fifteen months at the member's trust and
//! four other trusts, each with its start, detection, containment and recovery, some implicating
//! the demo's pathology supplier, so the recovery metrics have figures to show. Deterministic: the
//! same table every run, placed back from the day the demo is generated.

use jiff::SignedDuration;
use ward_app::App;
use ward_app::incidents::NewIncident;
use ward_core::alert::Severity;
use ward_core::incident::{IncidentDetails, IncidentStatus, NcscCategory};
use ward_core::org::OrgKind;
use ward_core::risk::Consequence;
use ward_core::role::Role;
use ward_core::tlp::Tlp;
use ward_core::{OrgId, UserId};
use ward_demo::DemoPlan;

use super::{app_err, operator};

/// One incident of the table: days before today it was detected, its category and severity, hours
/// from its start to detection, from detection to containment and from containment to recovery,
/// whether the pathology supplier is implicated, its title.
type Row = (i64, NcscCategory, Severity, i64, i64, i64, bool, &'static str);

const TABLE: &[Row] = &[
    (
        440,
        NcscCategory::Moderate,
        Severity::High,
        30,
        8,
        40,
        false,
        "Phishing led to a mailbox takeover",
    ),
    (
        380,
        NcscCategory::Substantial,
        Severity::Critical,
        72,
        20,
        210,
        true,
        "Pathology results service lost with the supplier",
    ),
    (
        300,
        NcscCategory::Localised,
        Severity::Medium,
        4,
        2,
        6,
        false,
        "Malware on a ward workstation",
    ),
    (
        250,
        NcscCategory::Moderate,
        Severity::High,
        200,
        12,
        60,
        false,
        "Unpatched VPN appliance exploited",
    ),
    (
        190,
        NcscCategory::Localised,
        Severity::Low,
        2,
        1,
        3,
        false,
        "Lost laptop without disk encryption",
    ),
    (
        150,
        NcscCategory::Substantial,
        Severity::Critical,
        48,
        30,
        300,
        true,
        "Ransomware at the pathology supplier",
    ),
    (
        110,
        NcscCategory::Moderate,
        Severity::Medium,
        12,
        6,
        30,
        false,
        "Credential stuffing against the staff portal",
    ),
    (
        70,
        NcscCategory::Localised,
        Severity::Medium,
        6,
        3,
        10,
        false,
        "Suspicious remote access session",
    ),
    (
        35,
        NcscCategory::Moderate,
        Severity::High,
        20,
        10,
        48,
        true,
        "Supplier remote access account misused",
    ),
    (
        12,
        NcscCategory::Localised,
        Severity::Low,
        3,
        1,
        4,
        false,
        "Malicious attachment opened in finance",
    ),
];

fn hours(h: i64) -> SignedDuration {
    SignedDuration::from_hours(h)
}

/// Record the table's incidents, the member's trust taking every other row and four other trusts
/// the rest in turn, reported by the demo's member. Returns how many it recorded.
pub(crate) async fn seed_incidents(
    app: &App,
    plan: &DemoPlan,
    member: Option<(UserId, OrgId)>,
) -> anyhow::Result<usize> {
    let Some((reporter, home)) = member else {
        return Ok(0);
    };
    let supplier = plan
        .personas
        .iter()
        .find(|p| p.role == Role::SupplierContact)
        .map(|p| p.org);
    let mut trusts: Vec<OrgId> = vec![home];
    trusts.extend(
        plan.orgs
            .iter()
            .filter(|o| o.kind == OrgKind::NhsTrust && o.id != home)
            .take(4)
            .map(|o| o.id),
    );
    let op = operator(app).await?;
    let now = app.now();
    let mut recorded = 0;
    for (i, (days, category, severity, to_detect, to_contain, to_recover, implicated, title)) in
        TABLE.iter().copied().enumerate()
    {
        let org = if i % 2 == 0 || trusts.len() == 1 {
            home
        } else {
            trusts[1 + (i / 2) % (trusts.len() - 1)]
        };
        let detected_at = now - hours(24 * days);
        let contained_at = detected_at + hours(to_contain);
        let recovered_at = contained_at + hours(to_recover);
        let details = IncidentDetails {
            title: title.to_owned(),
            category,
            severity,
            tlp: Tlp::Amber,
            status: IncidentStatus::Closed,
            impact: String::new(),
            resolution: "Closed after recovery and a lessons-learned review.".to_owned(),
            patient_harm: if implicated {
                Consequence::MODERATE
            } else {
                Consequence::NEGLIGIBLE
            },
            services: vec![],
            assets: vec![],
            suppliers: supplier.filter(|_| implicated).into_iter().collect(),
            occurred_at: Some(detected_at - hours(to_detect)),
            detected_at,
            reported_at: Some(detected_at + hours(6)),
            nis_applies: implicated,
            ico_applies: false,
            nis_reported_at: implicated.then(|| detected_at + hours(48)),
            ico_reported_at: None,
            contained_at: Some(contained_at),
            recovered_at: Some(recovered_at),
        };
        app.report_incident_for(&op, reporter, NewIncident { org, details })
            .await
            .map_err(app_err)?;
        recorded += 1;
    }
    Ok(recorded)
}
