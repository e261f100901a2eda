//! Escalation steps of overdue alert answers, once for both backends. A step's key (alert,
//! organisation, clock, level) is the table's primary key, so a step is recorded once however many
//! runners take it at the same moment: the second insert finds the first and does nothing.

use async_trait::async_trait;
use jiff::Timestamp;
use ward_core::AlertId;
use ward_core::alert::escalation::{ESCALATING_CLOCKS, Escalation};
use ward_core::alert::{AlertEvent, Clock, EventKind, Recipient};

use super::alerts::{RECIPIENT_COLUMNS, append_events, recipient, who};
use super::{Exec, RowRead, Sql, SqlBackend, Tx, audit};
use crate::alerts::EscalationStore;
use crate::{AuditMeta, Scope, StoreResult};

const COLUMNS: &str = "alert_id, org_id, clock, level, due_at, at, notified_id";

fn escalation(r: &impl RowRead) -> StoreResult<Escalation> {
    Ok(Escalation {
        alert: r.id("alert_id")?,
        org: r.id("org_id")?,
        clock: r.parsed("clock")?,
        level: r.parsed("level")?,
        due_at: r.ts("due_at")?,
        at: r.ts("at")?,
        notified: r.opt_id("notified_id")?,
    })
}

/// The record's column that answers `clock` (closing the record answers remediation).
fn answer_column(clock: Clock) -> &'static str {
    match clock {
        Clock::Acknowledge => "acknowledged_at",
        Clock::FirstUpdate => "first_update_at",
        Clock::Remediate => "closed_at",
    }
}

/// The record's column holding `clock`'s deadline.
fn deadline_column(clock: Clock) -> &'static str {
    match clock {
        Clock::Acknowledge => "acknowledge_by",
        Clock::FirstUpdate => "first_update_by",
        Clock::Remediate => "remediate_by",
    }
}

/// The timeline's words for a step.
fn step_text(e: &Escalation) -> String {
    format!(
        "{} overdue since {}: escalated ({})",
        e.clock.label(),
        e.due_at,
        e.level.label()
    )
}

#[async_trait]
impl<B: SqlBackend> EscalationStore for B {
    async fn records_to_escalate(&self, now: Timestamp) -> StoreResult<Vec<Recipient>> {
        let mut db = self.read().await?;
        // A clock counts until its last level has been told; then the record rests until answered.
        let not_done = |clock: &str| {
            format!(
                "NOT EXISTS (SELECT 1 FROM alert_escalations e WHERE e.alert_id = r.alert_id \
                 AND e.org_id = r.org_id AND e.clock = '{clock}' AND e.level = 'national')"
            )
        };
        let cols: String = RECIPIENT_COLUMNS
            .split(", ")
            .map(|c| format!("r.{}", c.trim()))
            .collect::<Vec<_>>()
            .join(", ");
        // Each clock that escalates (`ESCALATING_CLOCKS`): unanswered and past its deadline.
        let overdue: Vec<String> = ESCALATING_CLOCKS
            .iter()
            .map(|&clock| {
                format!(
                    "(r.{} IS NULL AND r.{} < $1 AND {})",
                    answer_column(clock),
                    deadline_column(clock),
                    not_done(<&str>::from(clock))
                )
            })
            .collect();
        let q = Sql::new(format!(
            "SELECT {cols} FROM alert_recipients r WHERE r.closed_at IS NULL AND ({}) \
             ORDER BY r.alert_id, r.org_id",
            overdue.join(" OR ")
        ))
        .arg(now);
        db.fetch_all(q).await?.iter().map(recipient).collect()
    }

    async fn record_escalations(
        &self,
        steps: &[Escalation],
        meta: &AuditMeta,
    ) -> StoreResult<Vec<Escalation>> {
        if steps.is_empty() {
            return Ok(Vec::new());
        }
        let mut tx = self.write().await?;
        let mut taken = Vec::new();
        for s in steps {
            // Only while the record is open and that clock still unanswered.
            let open = tx
                .fetch_optional(
                    Sql::new(format!(
                        "SELECT 1 AS n FROM alert_recipients WHERE alert_id = $1 AND org_id = $2 \
                         AND closed_at IS NULL AND {} IS NULL",
                        answer_column(s.clock)
                    ))
                    .arg(s.alert)
                    .arg(s.org),
                )
                .await?
                .is_some();
            if !open {
                continue;
            }
            let added = tx
                .execute(
                    Sql::new(format!(
                        "INSERT INTO alert_escalations ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                         ON CONFLICT (alert_id, org_id, clock, level) DO NOTHING"
                    ))
                    .arg(s.alert)
                    .arg(s.org)
                    .arg(<&str>::from(s.clock))
                    .arg(<&str>::from(s.level))
                    .arg(s.due_at)
                    .arg(s.at)
                    .arg(s.notified),
                )
                .await?;
            if added != 1 {
                continue;
            }
            append_events(
                &mut tx,
                s.alert,
                &[AlertEvent {
                    alert: s.alert,
                    org: Some(s.org),
                    at: s.at,
                    kind: EventKind::Escalated,
                    actor: who(meta),
                    text: Some(step_text(s)),
                }],
            )
            .await?;
            let detail = serde_json::json!({
                "clock": s.clock, "level": s.level, "due_at": s.due_at, "notified": s.notified,
            });
            let event = meta
                .change("alert.escalate", "alert", s.alert.to_string())
                .org(s.org)
                .detail(detail.to_string())
                .build();
            audit::append(&mut tx, self.keys(), event).await?;
            taken.push(s.clone());
        }
        tx.commit().await?;
        Ok(taken)
    }

    async fn alert_escalations(&self, scope: &Scope, alert: AlertId) -> StoreResult<Vec<Escalation>> {
        let mut db = self.read().await?;
        let mut q = Sql::new(format!(
            "SELECT {COLUMNS} FROM alert_escalations WHERE alert_id = $1"
        ))
        .arg(alert);
        db.scope_filter(&mut q, scope, "org_id");
        let mut steps = db
            .fetch_all(q)
            .await?
            .iter()
            .map(escalation)
            .collect::<StoreResult<Vec<_>>>()?;
        // In the order taken, then by the levels' own order (not their spelling).
        steps.sort_by_key(|s| (s.at, s.due_at, s.org, s.clock, s.level));
        Ok(steps)
    }

    async fn unqueued_escalations(&self, limit: u32) -> StoreResult<Vec<Escalation>> {
        let mut db = self.read().await?;
        let q = Sql::new(format!(
            "SELECT {COLUMNS} FROM alert_escalations WHERE notices_queued_at IS NULL \
             ORDER BY at, due_at, alert_id, org_id LIMIT $1"
        ))
        .arg(limit);
        db.fetch_all(q).await?.iter().map(escalation).collect()
    }

    async fn mark_escalation_queued(&self, s: &Escalation, at: Timestamp) -> StoreResult<()> {
        let mut tx = self.write().await?;
        tx.execute(
            Sql::new(
                "UPDATE alert_escalations SET notices_queued_at = $1 WHERE alert_id = $2 AND org_id = $3 \
                 AND clock = $4 AND level = $5",
            )
            .arg(at)
            .arg(s.alert)
            .arg(s.org)
            .arg(<&str>::from(s.clock))
            .arg(<&str>::from(s.level)),
        )
        .await?;
        tx.commit().await
    }
}
