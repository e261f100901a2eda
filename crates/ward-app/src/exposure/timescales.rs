//! NHS timescales on exposures: when an organisation must act on an exposure, and whether it is
//! late.
//!
//! Where an alert names the exposure's vulnerability (by any of its ids) and reaches the asset's
//! organisation, that organisation's clocks on the alert are the timescale, with the clocks that
//! have run out. Otherwise the timescale is Ward's default allowance to remediate for the
//! vulnerability's severity ([`Severity::of_vulnerability`], allowances from the alert settings).
//! CISA's KEV due date binds US federal agencies, not the NHS: it is never a timescale here.

use std::collections::{BTreeMap, BTreeSet};

use jiff::Timestamp;
use serde::Serialize;
use ward_core::AlertId;
use ward_core::alert::{Clock, Recipient, Severity};

use super::view::ExposureView;
use crate::App;
use crate::actor::Actor;
use crate::authz::{Action, authorise};
use crate::error::{AppError, AppResult};
use ward_engine::FactorKind;

/// The alert clocks of the asset's organisation for an exposure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AlertClocks {
    pub alert: AlertId,
    pub title: String,
    pub severity: Severity,
    pub acknowledge_by: Timestamp,
    pub first_update_by: Timestamp,
    pub remediate_by: Timestamp,
    /// Closed by the organisation: no clock runs.
    pub closed: bool,
    /// The clocks that have run out without their answer.
    pub overdue: Vec<Clock>,
}

/// When an exposure must be dealt with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Timescale {
    /// An alert reaches the organisation: its clocks.
    Alert(AlertClocks),
    /// No alert does: Ward's default allowance for the vulnerability's severity.
    Default { severity: Severity, remediate_days: u32 },
}

/// The severity Ward gives the exposure's vulnerability (from the priority's own facts).
fn severity_of(e: &ExposureView) -> Severity {
    let value = |k: FactorKind| e.factors.iter().find(|f| f.name == k).map(|f| f.value);
    // The CVSS factor is the base score over ten; exactly one half means no score was known.
    let cvss = value(FactorKind::Cvss)
        .filter(|v| (*v - 0.5).abs() > f64::EPSILON)
        .map(|v| v * 10.0);
    let exploited = value(FactorKind::Kev).is_some_and(|v| v > 0.0);
    Severity::of_vulnerability(cvss, exploited)
}

fn ids_of(e: &ExposureView) -> BTreeSet<String> {
    std::iter::once(&e.advisory)
        .chain(e.aliases.iter())
        .map(|id| id.trim().to_ascii_uppercase())
        .collect()
}

impl App {
    /// The timescale of each of `rows` (in the same order) for the actor: alert clocks where an
    /// alert the actor can see reaches the row's organisation, else the default allowance.
    pub async fn exposure_timescales(
        &self,
        actor: &Actor,
        rows: &[ExposureView],
    ) -> AppResult<Vec<Timescale>> {
        let now = self.now();
        let clocks = self.settings().alert_clocks;
        let defaults = |e: &ExposureView| {
            let severity = severity_of(e);
            Timescale::Default {
                severity,
                remediate_days: clocks.for_severity(severity).remediate_days,
            }
        };
        // Without the right to read alerts, there are only the defaults.
        let scope = match authorise(actor, Action::ReadAlerts, now) {
            Ok(scope) => scope,
            Err(AppError::Forbidden(_)) => return Ok(rows.iter().map(defaults).collect()),
            Err(e) => return Err(e),
        };
        let wanted: BTreeSet<String> = rows.iter().flat_map(ids_of).collect();
        let mut alerts: Vec<(
            BTreeSet<String>,
            ward_core::alert::Alert,
            BTreeMap<ward_core::OrgId, Recipient>,
        )> = Vec::new();
        for summary in self.store().list_alerts(&scope, now).await? {
            let named: BTreeSet<String> = summary
                .alert
                .advisories
                .iter()
                .map(|a| a.trim().to_ascii_uppercase())
                .collect();
            if named.is_disjoint(&wanted) {
                continue;
            }
            let detail = self.store().get_alert(&scope, summary.alert.id).await?;
            let recipients = detail.recipients.into_iter().map(|r| (r.org, r)).collect();
            alerts.push((named, detail.alert, recipients));
        }
        Ok(rows
            .iter()
            .map(|e| {
                let ids = ids_of(e);
                alerts
                    .iter()
                    .filter(|(named, _, _)| !named.is_disjoint(&ids))
                    .filter_map(|(_, alert, recipients)| recipients.get(&e.org.id).map(|r| (alert, r)))
                    .min_by_key(|(_, r)| r.clocks.remediate_by)
                    .map_or_else(
                        || defaults(e),
                        |(alert, r)| {
                            Timescale::Alert(AlertClocks {
                                alert: alert.id,
                                title: alert.title.clone(),
                                severity: alert.severity,
                                acknowledge_by: r.clocks.acknowledge_by,
                                first_update_by: r.clocks.first_update_by,
                                remediate_by: r.clocks.remediate_by,
                                closed: r.closed_at.is_some(),
                                overdue: r.overdue(now),
                            })
                        },
                    )
            })
            .collect())
    }
}
