//! Escalation steps and dead deliveries: a step is recorded once (even when two writers race),
//! never for an answered clock or a closed record, read only inside scope; a dead delivery is
//! kept once, listed inside scope and replayed once, every change audited.

use super::fixtures::{AuditCursor, Fixture, at, new_id};
use crate::{check_eq, check_err};
use std::sync::Arc;
use ward_core::alert::escalation::{Escalation, EscalationLevel};
use ward_core::alert::{Alert, Clock, ClockSettings, EventKind, Recipient, Response, Severity, TargetReason};
use ward_core::job::{DeadDelivery, Job, JobKind, JobStatus};
use ward_core::tlp::Tlp;
use ward_core::{AlertId, JobId};
use ward_store::{Scope, Store, StoreError};

fn alert(issuer: ward_core::OrgId) -> Alert {
    Alert {
        id: new_id(AlertId::new_at),
        severity: Severity::Critical,
        title: "Escalation check".into(),
        summary: String::new(),
        advisories: vec!["CVE-2021-44228".into()],
        actions: vec![],
        references: vec![],
        tlp: Tlp::Amber,
        issuer,
        area: None,
        issued_by: "user:contract".into(),
        issued_at: at(0),
        policy: ClockSettings::default().critical,
        kev_due: None,
    }
}

fn step(x: &Alert, r: &Recipient, clock: Clock, level: EscalationLevel, to: ward_core::OrgId) -> Escalation {
    Escalation {
        alert: x.id,
        org: r.org,
        clock,
        level,
        due_at: r
            .clocks
            .acknowledge_by
            .checked_add(jiff::SignedDuration::from_hours(match level {
                EscalationLevel::Organisation => 0,
                EscalationLevel::Area => 24,
                EscalationLevel::National => 48,
            }))
            .unwrap_or(r.clocks.acknowledge_by),
        at: at(80 * 3600),
        notified: Some(to),
    }
}

pub async fn escalations_and_dead_deliveries(store: Arc<dyn Store>) -> anyhow::Result<()> {
    let fx = Fixture::new(store.clone(), "ES");
    let [national, _region, icb, a, b] = fx.small_tree().await?;
    let x = alert(national.id);
    let ra = Recipient::new(&x, a.id, TargetReason::Exposed, vec![], at(0));
    let rb = Recipient::new(&x, b.id, TargetReason::Exposed, vec![], at(0));
    store
        .create_alert(&Scope::All, &x, &[ra.clone(), rb.clone()], &fx.meta(0))
        .await?;
    let mut cursor = AuditCursor::at_end(&store).await?;
    // B acknowledges in time; A says nothing.
    store
        .respond_to_alert(&Scope::All, x.id, b.id, &Response::Acknowledge, &fx.meta(10))
        .await?;
    cursor.take(&store).await?;

    // Past B's first-update clock (72 hours).
    let late = at(80 * 3600);
    let due = store.records_to_escalate(late).await?;
    let mine: Vec<_> = due.iter().filter(|r| r.alert == x.id).map(|r| r.org).collect();
    check_eq!(
        mine,
        vec![a.id, b.id],
        "A (nothing given) and B (no first update) are due"
    );

    let org_step = step(&x, &ra, Clock::Acknowledge, EscalationLevel::Organisation, a.id);
    let icb_step = step(&x, &ra, Clock::Acknowledge, EscalationLevel::Area, icb.id);
    let answered = step(&x, &rb, Clock::Acknowledge, EscalationLevel::Organisation, b.id);
    // Two writers take the same steps at once: each step is recorded by exactly one.
    let first = [org_step.clone(), icb_step.clone()];
    let second = [org_step.clone(), icb_step.clone(), answered];
    let meta = fx.meta(80 * 3600);
    let (one, two) = tokio::join!(
        store.record_escalations(&first, &meta),
        store.record_escalations(&second, &meta),
    );
    let (one, two) = (one?, two?);
    check_eq!(one.len() + two.len(), 2, "each step recorded once across writers");
    cursor
        .expect(
            &store,
            "steps",
            &[("alert.escalate", Some(a.id)), ("alert.escalate", Some(a.id))],
        )
        .await?;
    check_eq!(
        store
            .record_escalations(std::slice::from_ref(&org_step), &fx.meta(81 * 3600))
            .await?,
        Vec::<Escalation>::new(),
        "a step already taken is left out"
    );
    cursor.expect(&store, "nothing again", &[]).await?;
    let steps = store.alert_escalations(&Scope::All, x.id).await?;
    check_eq!(steps.len(), 2, "two steps stored");
    check_eq!(
        steps.iter().map(|s| s.level).collect::<Vec<_>>(),
        vec![EscalationLevel::Organisation, EscalationLevel::Area],
        "in order"
    );
    check_eq!(steps[0], org_step, "the step reads back");
    check_eq!(
        store.alert_escalations(&Scope::subtree(b.id), x.id).await?,
        Vec::<Escalation>::new(),
        "B does not see A's steps"
    );
    let timeline = store.get_alert(&Scope::subtree(a.id), x.id).await?.events;
    check_eq!(
        timeline.iter().filter(|e| e.kind == EventKind::Escalated).count(),
        2,
        "each step is on A's timeline"
    );
    // Notices: both steps wait to be queued, then are marked.
    let unqueued: Vec<_> = store
        .unqueued_escalations(1000)
        .await?
        .into_iter()
        .filter(|s| s.alert == x.id)
        .collect();
    check_eq!(unqueued.len(), 2, "both wait for their notices");
    for s in &unqueued {
        store.mark_escalation_queued(s, late).await?;
    }
    check_eq!(
        store
            .unqueued_escalations(1000)
            .await?
            .iter()
            .filter(|s| s.alert == x.id)
            .count(),
        0,
        "marked queued"
    );

    // Dead deliveries.
    let dead = DeadDelivery {
        job: new_id(JobId::new_at),
        kind: JobKind::NotifyWebhook,
        about: ward_core::job::DeliveryAbout::Alert,
        alert: Some(x.id),
        org: a.id,
        recipient: "the organisation's webhook".into(),
        payload: serde_json::json!({ "alert": x.id, "org": a.id }),
        error: "the receiver answered 500".into(),
        attempts: 5,
        died_at: at(100),
        replayed_at: None,
        replayed_by: None,
        replay_job: None,
    };
    store.record_dead_delivery(&dead, &fx.meta(100)).await?;
    store.record_dead_delivery(&dead, &fx.meta(101)).await?;
    cursor
        .expect(&store, "dead once", &[("alert.webhook.dead", Some(a.id))])
        .await?;
    check_eq!(
        store.dead_deliveries(&Scope::subtree(a.id)).await?,
        vec![dead.clone()],
        "A lists its dead delivery"
    );
    check_eq!(
        store.dead_deliveries(&Scope::subtree(b.id)).await?.len(),
        0,
        "B does not"
    );
    let replay = Job {
        id: new_id(JobId::new_at),
        kind: JobKind::NotifyWebhook,
        payload: serde_json::Value::Null,
        status: JobStatus::Queued,
        run_at: at(200),
        attempts: 0,
        max_attempts: 5,
        lease_owner: None,
        lease_until: None,
        last_error: None,
        created_at: at(200),
    };
    check_err!(
        store
            .replay_dead_delivery(&Scope::subtree(b.id), dead.job, &replay, &fx.meta(200))
            .await,
        StoreError::NotFound { .. },
        "B replaying A's delivery"
    );
    let done = store
        .replay_dead_delivery(&Scope::subtree(a.id), dead.job, &replay, &fx.meta(200))
        .await?;
    check_eq!(done.replay_job, Some(replay.id), "the replay's job");
    let queued = store.get_job(replay.id).await?;
    check_eq!(
        queued.payload,
        dead.payload,
        "the dead job's payload is queued again"
    );
    check_eq!(queued.status, JobStatus::Queued, "queued");
    check_err!(
        store
            .replay_dead_delivery(&Scope::All, dead.job, &replay, &fx.meta(201))
            .await,
        StoreError::Conflict(_),
        "a second replay"
    );
    cursor
        .expect(&store, "replay", &[("alert.delivery.replay", Some(a.id))])
        .await?;
    Ok(())
}
