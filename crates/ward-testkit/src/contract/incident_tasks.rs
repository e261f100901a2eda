//! Incident tasks: added only to an incident in scope (taking the incident's organisation whatever
//! the task says), read back equal earliest due first, marked done and open again, invisible and
//! unchangeable outside scope and through another incident; every change audited.

use super::accounts::user;
use super::fixtures::{AuditCursor, Fixture, at, new_id};
use crate::{check_eq, check_err};
use std::sync::Arc;
use ward_core::alert::Severity;
use ward_core::incident::{Incident, IncidentDetails, IncidentStatus, NcscCategory};
use ward_core::incident_task::IncidentTask;
use ward_core::risk::Consequence;
use ward_core::tlp::Tlp;
use ward_core::{IncidentId, IncidentTaskId, OrgId, UserId};
use ward_store::{Scope, Store, StoreError};

pub(super) fn incident(org: OrgId, author: UserId) -> Incident {
    Incident {
        id: new_id(IncidentId::new_at),
        org,
        details: IncidentDetails {
            title: "Worm on the network".into(),
            category: NcscCategory::Substantial,
            severity: Severity::High,
            tlp: Tlp::Amber,
            status: IncidentStatus::Open,
            impact: String::new(),
            resolution: String::new(),
            patient_harm: Consequence::MINOR,
            services: vec![],
            assets: vec![],
            suppliers: vec![],
            occurred_at: None,
            detected_at: at(10),
            reported_at: None,
            nis_applies: true,
            ico_applies: true,
            nis_reported_at: None,
            ico_reported_at: None,
            contained_at: None,
            recovered_at: None,
        },
        created_by: author,
        created_at: at(10),
        updated_at: at(10),
    }
}

fn task(incident: &Incident, org: OrgId, owner: UserId, due: (i16, i8, i8), title: &str) -> IncidentTask {
    IncidentTask {
        id: new_id(IncidentTaskId::new_at),
        incident: incident.id,
        org,
        title: title.into(),
        owner,
        due_on: jiff::civil::date(due.0, due.1, due.2),
        done_at: None,
        done_by: None,
        created_by: owner,
        created_at: at(20),
    }
}

/// The task round trip on one backend.
pub async fn incident_tasks_round_trip(store: Arc<dyn Store>) -> anyhow::Result<()> {
    let fx = Fixture::new(store.clone(), "IT");
    let [_national, _region, icb, a, b] = fx.small_tree().await?;
    let owner = user("task-owner")?;
    store.create_user(&owner, &fx.meta(1)).await?;
    let scope_a = Scope::subtree(a.id);
    let i1 = incident(a.id, owner.id);
    store.create_incident(&scope_a, &i1, &fx.meta(10)).await?;
    let i2 = incident(b.id, owner.id);
    store
        .create_incident(&Scope::subtree(b.id), &i2, &fx.meta(11))
        .await?;
    let mut cursor = AuditCursor::at_end(&store).await?;

    // The organisation a task claims is ignored: it is the incident's.
    let late = store
        .add_incident_task(
            &scope_a,
            &task(&i1, b.id, owner.id, (2026, 6, 9), "Rebuild \"LIMS\" é"),
            &fx.meta(20),
        )
        .await?;
    check_eq!(late.org, a.id, "a task takes its incident's organisation");
    let early = store
        .add_incident_task(
            &scope_a,
            &task(&i1, a.id, owner.id, (2026, 6, 4), "Notify the ICO"),
            &fx.meta(21),
        )
        .await?;
    check_eq!(
        store.incident_tasks(&Scope::subtree(icb.id), i1.id).await?,
        vec![early.clone(), late.clone()],
        "the ICB reads them back, earliest due first"
    );

    cursor
        .expect(
            &store,
            "tasks added",
            &[
                ("incident.task.add", Some(a.id)),
                ("incident.task.add", Some(a.id)),
            ],
        )
        .await?;
    // Refusals write nothing.
    check_err!(
        store
            .add_incident_task(
                &Scope::subtree(b.id),
                &task(&i1, b.id, owner.id, (2026, 6, 4), "x"),
                &fx.meta(22)
            )
            .await,
        StoreError::NotFound { .. },
        "a task on an incident outside the scope"
    );
    check_err!(
        store.incident_tasks(&Scope::subtree(b.id), i1.id).await,
        StoreError::NotFound { .. },
        "tasks read from the sibling"
    );
    check_err!(
        store
            .set_incident_task_done(
                &Scope::subtree(b.id),
                i1.id,
                early.id,
                Some(owner.id),
                &fx.meta(22)
            )
            .await,
        StoreError::NotFound { .. },
        "a task marked done from the sibling"
    );
    check_err!(
        store
            .set_incident_task_done(
                &Scope::subtree(b.id),
                i2.id,
                early.id,
                Some(owner.id),
                &fx.meta(22)
            )
            .await,
        StoreError::NotFound { .. },
        "a task marked done through the sibling's own incident"
    );
    cursor.expect(&store, "refusals write nothing", &[]).await?;

    let done = store
        .set_incident_task_done(&scope_a, i1.id, early.id, Some(owner.id), &fx.meta(30))
        .await?;
    check_eq!(
        (done.done_at, done.done_by),
        (Some(at(30)), Some(owner.id)),
        "done at the time of the change, by whom"
    );
    let open = store
        .set_incident_task_done(&scope_a, i1.id, early.id, None, &fx.meta(31))
        .await?;
    check_eq!((open.done_at, open.done_by), (None, None), "open again");
    store
        .set_incident_task_done(&scope_a, i1.id, early.id, Some(owner.id), &fx.meta(30))
        .await?;
    check_eq!(
        store.incident_tasks(&scope_a, i1.id).await?,
        vec![done, late],
        "read back after the changes"
    );
    cursor
        .expect(
            &store,
            "task changes",
            &[
                ("incident.task.done", Some(a.id)),
                ("incident.task.reopen", Some(a.id)),
                ("incident.task.done", Some(a.id)),
            ],
        )
        .await?;
    Ok(())
}

/// Reminders are recorded once per incident, subject and stage, even when two runners record the
/// same ones at once; the candidates are the incidents with an unmet clock or an open task; queued
/// reminders are not offered again.
pub async fn incident_reminders_recorded_once(store: Arc<dyn Store>) -> anyhow::Result<()> {
    use ward_core::incident_reminder::due_reminders;
    let fx = Fixture::new(store.clone(), "IR");
    let [_national, _region, _icb, a, b] = fx.small_tree().await?;
    let owner = user("reminded")?;
    store.create_user(&owner, &fx.meta(1)).await?;
    let i = incident(a.id, owner.id);
    store
        .create_incident(&Scope::subtree(a.id), &i, &fx.meta(10))
        .await?;
    let mut met = incident(b.id, owner.id);
    met.details.reported_at = Some(at(20));
    met.details.nis_applies = false;
    met.details.ico_applies = false;
    store
        .create_incident(&Scope::subtree(b.id), &met, &fx.meta(11))
        .await?;
    let overdue_task = task(&i, a.id, owner.id, (1970, 1, 1), "Overdue already");
    store
        .add_incident_task(&Scope::All, &overdue_task, &fx.meta(12))
        .await?;

    let candidates = store.incidents_to_remind().await?;
    let found = candidates.iter().find(|(c, _)| c.id == i.id);
    check_eq!(
        found.map(|(_, t)| t.iter().map(|t| t.id).collect::<Vec<_>>()),
        Some(vec![overdue_task.id]),
        "an incident with unmet clocks is a candidate, with its open tasks"
    );
    check_eq!(
        candidates.iter().any(|(c, _)| c.id == met.id),
        false,
        "an incident with every clock met and no open task is not"
    );
    let now = at(10 + 100 * 3600);
    let Some((incident_now, tasks)) = found.cloned() else {
        anyhow::bail!("the incident is not a candidate");
    };
    let due = due_reminders(&incident_now, &tasks, now);
    check_eq!(due.len(), 4, "three clocks overdue and the task");
    let mut cursor = AuditCursor::at_end(&store).await?;
    let (m1, m2) = (fx.meta(100), fx.meta(100));
    let (x, y) = tokio::join!(
        store.record_incident_reminders(&due, &m1),
        store.record_incident_reminders(&due, &m2)
    );
    check_eq!(
        x?.len() + y?.len(),
        4,
        "each reminder recorded once by two runners together"
    );
    check_eq!(
        store.record_incident_reminders(&due, &fx.meta(101)).await?.len(),
        0,
        "and never again"
    );
    let events = cursor.take(&store).await?;
    check_eq!(
        events
            .iter()
            .filter(|r| r.event.action == "incident.reminder")
            .count(),
        4,
        "each audited once"
    );
    let unqueued: Vec<_> = store
        .unqueued_incident_reminders(1000)
        .await?
        .into_iter()
        .filter(|r| r.incident == i.id)
        .collect();
    check_eq!(unqueued.len(), 4, "not queued yet");
    for r in &unqueued {
        store.mark_incident_reminder_queued(r, at(200)).await?;
    }
    check_eq!(
        store
            .unqueued_incident_reminders(1000)
            .await?
            .iter()
            .any(|r| r.incident == i.id),
        false,
        "queued reminders are not offered again"
    );
    check_eq!(
        store
            .incident_reminders(&Scope::subtree(a.id), i.id)
            .await?
            .iter()
            .all(|r| r.queued_at == Some(at(200))),
        true,
        "read back queued"
    );
    check_err!(
        store.incident_reminders(&Scope::subtree(b.id), i.id).await,
        StoreError::NotFound { .. },
        "reminders read from the sibling"
    );
    Ok(())
}
