//! What a revision of a supplier's advisory does to the alert raised from it, once for both
//! backends: the alert's text reads as the revision does (its title, its summary when it gives
//! one, its required actions), with a `revised` timeline entry saying what changed; a revision
//! more severe than the alert raises it and brings its open records' clocks forward
//! (`Clocks::tightened`: never back); and
//! organisations Ward no longer sees exposed after the revision get a timeline entry of their own
//! (their records stay, with their answers).

use ward_core::alert::{AlertEvent, ClockPolicy, ClockSettings, Clocks, EventKind, Severity};
use ward_core::audit::AuditEvent;
use ward_core::supplier::advisory::AdvisoryRevision;
use ward_core::{AlertId, OrgId};

use super::alerts::{ALERT_COLUMNS, RECIPIENT_COLUMNS, alert, append_events, recipient, who};
use super::{Exec, Sql};
use crate::{AuditMeta, StoreError, StoreResult};

/// The longest text of one timeline entry.
const MAX_NOTE: usize = 4000;

fn clipped(text: String) -> String {
    if text.chars().count() <= MAX_NOTE {
        text
    } else {
        let mut t: String = text.chars().take(MAX_NOTE - 1).collect();
        t.push('…');
        t
    }
}

/// Rewrite alert `id`'s text from revision `v` (inside the caller's transaction) and append its
/// `revised` entry. Returns the `alert.revise` audit event to append with the revision's own.
pub(super) async fn revise_alert_text<E: Exec + ?Sized>(
    db: &mut E,
    id: AlertId,
    v: &AdvisoryRevision,
    clocks: &ClockSettings,
    meta: &AuditMeta,
) -> StoreResult<AuditEvent> {
    let row = db
        .fetch_optional(Sql::new(format!("SELECT {ALERT_COLUMNS} FROM alerts WHERE id = $1")).arg(id))
        .await?
        .ok_or_else(|| StoreError::not_found("alert", id))?;
    let before = alert(&row)?;
    drop(row);
    let summary = v
        .advisory
        .details
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map_or(before.summary, str::to_owned);
    let raised = v
        .severity
        .is_more_severe_than(before.severity)
        .then_some(before.severity);
    if raised.is_some() {
        let policy = before.policy.tightest(clocks.for_severity(v.severity));
        raise(db, id, v.severity, &policy, before.kev_due).await?;
    }
    let actions = serde_json::to_string(&v.actions)
        .map_err(|e| StoreError::Backend(format!("actions cannot be written as JSON: {e}")))?;
    db.execute(
        Sql::new("UPDATE alerts SET title = $1, summary = $2, actions = $3 WHERE id = $4")
            .arg(v.title.as_str())
            .arg(summary.as_str())
            .arg(actions)
            .arg(id),
    )
    .await?;
    let mut text = format!(
        "Revision {} (version {}) of {}: {}",
        v.number,
        v.version,
        v.advisory_id,
        v.changes.join("; ")
    );
    if let Some(before) = raised {
        text.push_str(&format!(
            ". The alert is now {} (was {}): open records' deadlines are brought forward to its allowances where that is sooner",
            v.severity.label(),
            before.label()
        ));
    }
    append_events(
        db,
        id,
        &[AlertEvent {
            alert: id,
            org: None,
            at: meta.at,
            kind: EventKind::Revised,
            actor: who(meta),
            text: Some(clipped(text)),
        }],
    )
    .await?;
    Ok(meta
        .change("alert.revise", "alert", id.to_string())
        .org(before.issuer)
        .detail(
            serde_json::json!({
                "supplier_advisory": v.advisory_id, "revision": v.number, "version": v.version,
                "severity_raised_from": raised,
            })
            .to_string(),
        )
        .build())
}

/// Raise alert `id` to `severity` with allowances `policy`, and bring the clocks of its open
/// records forward to what the policy would have started when each was targeted.
async fn raise<E: Exec + ?Sized>(
    db: &mut E,
    id: AlertId,
    severity: Severity,
    policy: &ClockPolicy,
    kev_due: Option<jiff::civil::Date>,
) -> StoreResult<()> {
    db.execute(
        Sql::new(
            "UPDATE alerts SET severity = $1, acknowledge_hours = $2, first_update_hours = $3, \
             remediate_days = $4 WHERE id = $5",
        )
        .arg(<&str>::from(severity))
        .arg(i64::from(policy.acknowledge_hours))
        .arg(i64::from(policy.first_update_hours))
        .arg(i64::from(policy.remediate_days))
        .arg(id),
    )
    .await?;
    let open = db
        .fetch_all(
            Sql::new(format!(
                "SELECT {RECIPIENT_COLUMNS} FROM alert_recipients WHERE alert_id = $1 AND closed_at IS NULL"
            ))
            .arg(id),
        )
        .await?
        .iter()
        .map(recipient)
        .collect::<StoreResult<Vec<_>>>()?;
    let changed: Vec<(OrgId, Clocks)> = open
        .iter()
        .filter_map(|r| {
            let tighter = r.clocks.tightened(policy, r.targeted_at, kev_due);
            (tighter != r.clocks).then_some((r.org, tighter))
        })
        .collect();
    for (org, tighter) in changed {
        db.execute(
            Sql::new(
                "UPDATE alert_recipients SET acknowledge_by = $1, first_update_by = $2, \
                 remediate_by = $3 WHERE alert_id = $4 AND org_id = $5",
            )
            .arg(tighter.acknowledge_by)
            .arg(tighter.first_update_by)
            .arg(tighter.remediate_by)
            .arg(id)
            .arg(org),
        )
        .await?;
    }
    Ok(())
}

/// The `no_longer_exposed` entries of those of `orgs` the alert reaches (inside the caller's
/// transaction). Returns the organisations noted.
pub(super) async fn note_no_longer_exposed<E: Exec + ?Sized>(
    db: &mut E,
    id: AlertId,
    orgs: &[OrgId],
    text: &str,
    meta: &AuditMeta,
) -> StoreResult<Vec<OrgId>> {
    let mut noted = Vec::new();
    for &org in orgs {
        let reached = db
            .fetch_optional(
                Sql::new("SELECT org_id FROM alert_recipients WHERE alert_id = $1 AND org_id = $2")
                    .arg(id)
                    .arg(org),
            )
            .await?
            .is_some();
        if reached && !noted.contains(&org) {
            noted.push(org);
        }
    }
    let events: Vec<AlertEvent> = noted
        .iter()
        .map(|&org| AlertEvent {
            alert: id,
            org: Some(org),
            at: meta.at,
            kind: EventKind::NoLongerExposed,
            actor: who(meta),
            text: Some(clipped(text.to_owned())),
        })
        .collect();
    append_events(db, id, &events).await?;
    Ok(noted)
}
