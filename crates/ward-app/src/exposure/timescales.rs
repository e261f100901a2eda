//! NHS timescales on exposures: when an organisation must act on an exposure, and whether it is
//! late.
//!
//! Where an alert names the exposure's vulnerability (by any of its ids) and reaches the asset's
//! organisation, that organisation's clocks on the alert are the timescale, with the clocks that
//! have run out. Otherwise the timescale is Ward's default allowance to remediate for the
//! vulnerability's severity ([`Severity::of_vulnerability`], allowances from the alert settings),
//! counted from when Ward first saw the organisation exposed to the vulnerability (recorded as the
//! exposure index is built, [`App::record_first_seen`]), with an overdue flag once it has run out.
//! CISA's KEV due date binds US federal agencies, not the NHS: it is never a timescale here.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use jiff::Timestamp;
use serde::Serialize;
use ward_core::AlertId;
use ward_core::alert::{Clock, Recipient, Severity};

use super::ExposureIndex;
use super::advisory::vulnerability_name;
use super::index::AdvisoryIx;
use super::view::ExposureView;
use crate::App;
use crate::actor::Actor;
use crate::authz::{Action, authorise};
use crate::error::{AppError, AppResult};
use ward_engine::FactorKind;
use ward_store::first_seen::ExposureKey;
use ward_store::{AuditMeta, Scope};

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
    /// No alert does: Ward's default allowance for the vulnerability's severity, from when Ward
    /// first saw the organisation exposed (not known for a moment after a new exposure appears).
    Default {
        severity: Severity,
        remediate_days: u32,
        first_seen: Option<Timestamp>,
        remediate_by: Option<Timestamp>,
        overdue: bool,
    },
}

impl ExposureIndex {
    /// Every (organisation, vulnerability) with an exposure needing action, the vulnerability
    /// named as people know it ([`vulnerability_name`]); worked out once per index.
    pub(crate) fn open_vulnerabilities(&self) -> &HashSet<ExposureKey> {
        self.open_vulnerabilities
            .get_or_init(|| self.find_open_vulnerabilities())
    }

    fn find_open_vulnerabilities(&self) -> HashSet<ExposureKey> {
        let mut names: HashMap<AdvisoryIx, String> = HashMap::new();
        let mut out = HashSet::new();
        for r in self.rows.all() {
            if !r.status.needs_action() {
                continue;
            }
            let a = self.threats.advisory_of(r.matched);
            let name = names.entry(a).or_insert_with(|| {
                let adv = self.threats.advisory(a);
                vulnerability_name(&adv.id, &adv.aliases).to_owned()
            });
            let org = self.sector.org(self.sector.asset(r.asset).org).id;
            out.insert((org, name.clone()));
        }
        out
    }
}

/// The key of an exposure row's first sighting.
fn key_of(e: &ExposureView) -> ExposureKey {
    (e.org.id, vulnerability_name(&e.advisory, &e.aliases).to_owned())
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
        // The rows were read through the caller's scope; their organisations are theirs to see.
        let keys: Vec<ExposureKey> = rows.iter().map(key_of).collect();
        let seen: HashMap<ExposureKey, Timestamp> = self
            .store()
            .first_seen(&Scope::All, &keys)
            .await?
            .into_iter()
            .collect();
        let defaults = |e: &ExposureView| {
            let severity = severity_of(e);
            let remediate_days = clocks.for_severity(severity).remediate_days;
            let first_seen = seen.get(&key_of(e)).copied();
            let remediate_by = first_seen.and_then(|t| {
                t.checked_add(jiff::SignedDuration::from_hours(24 * i64::from(remediate_days)))
                    .ok()
            });
            Timescale::Default {
                severity,
                remediate_days,
                first_seen,
                remediate_by,
                overdue: remediate_by.is_some_and(|by| now > by),
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

impl App {
    /// Records the first sighting of every (organisation, vulnerability) needing action in `new`
    /// that `old` (the index it replaces) did not have; the first index built in a process offers
    /// them all, and the store keeps only those it has not seen. A failure is logged, never
    /// fatal: the timescales then show the allowance without a date.
    pub(crate) async fn record_first_seen(&self, new: &ExposureIndex, old: Option<&ExposureIndex>) {
        let before = old.map(ExposureIndex::open_vulnerabilities);
        let mut fresh: Vec<ExposureKey> = new
            .open_vulnerabilities()
            .iter()
            .filter(|k| before.is_none_or(|b| !b.contains(*k)))
            .cloned()
            .collect();
        if fresh.is_empty() {
            return;
        }
        fresh.sort();
        let meta = AuditMeta {
            actor: ward_core::audit::AuditActor::system("exposure-index"),
            at: new.built_at(),
            request_id: None,
        };
        match self.store().record_first_seen(&fresh, &meta).await {
            Ok(n) => tracing::debug!(offered = fresh.len(), recorded = n, "first sightings recorded"),
            Err(e) => tracing::warn!(error = %e, "could not record when exposures were first seen"),
        }
    }
}
