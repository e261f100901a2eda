//! What a revision of a supplier's advisory does to the alert raised from it, once for both
//! backends: the alert's text reads as the revision does (its title, its summary when it gives
//! one, its required actions), with a `revised` timeline entry saying what changed; and
//! organisations Ward no longer sees exposed after the revision get a timeline entry of their own
//! (their records stay, with their answers).

use ward_core::alert::{AlertEvent, EventKind};
use ward_core::audit::AuditEvent;
use ward_core::supplier::advisory::AdvisoryRevision;
use ward_core::{AlertId, OrgId};

use super::alerts::{append_events, who};
use super::{Exec, RowRead, Sql};
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
    meta: &AuditMeta,
) -> StoreResult<AuditEvent> {
    let row = db
        .fetch_optional(Sql::new("SELECT issuer_id, summary FROM alerts WHERE id = $1").arg(id))
        .await?
        .ok_or_else(|| StoreError::not_found("alert", id))?;
    let issuer: OrgId = row.id("issuer_id")?;
    let summary = v
        .advisory
        .details
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map_or_else(|| row.text("summary"), |d| Ok(d.to_owned()))?;
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
    let text = format!(
        "Revision {} (version {}) of {}: {}",
        v.number,
        v.version,
        v.advisory_id,
        v.changes.join("; ")
    );
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
        .org(issuer)
        .detail(
            serde_json::json!({
                "supplier_advisory": v.advisory_id, "revision": v.number, "version": v.version,
            })
            .to_string(),
        )
        .build())
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
