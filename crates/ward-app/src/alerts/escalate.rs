//! Escalation of overdue answers, run by the `alerts.escalate` job.
//!
//! Each run reads the open records whose acknowledgement or first update is overdue, works out the
//! steps due by the schedule ([`ward_core::alert::escalation::due_escalations`]) and who each level
//! is for that organisation (itself; its ICB, or its region when no ICB lead holds a role; the
//! national body), and records the steps not taken yet. The store keys a step by alert,
//! organisation, clock and level, so a step is recorded once even when two runners (two replicas)
//! take it at the same moment. Then the notices of every recorded step not yet queued go out
//! through the notify jobs: e-mail to the people holding that level's roles there, and its webhook.

use std::collections::{BTreeMap, BTreeSet};

use ward_core::alert::Clock;
use ward_core::alert::escalation::{Escalation, EscalationLevel, due_escalations};
use ward_core::org::OrgKind;
use ward_core::{AlertId, OrgId, UserId};
use ward_store::Scope;

use crate::App;
use crate::actor::Actor;
use crate::authz::{Action, authorise};
use crate::error::{AppError, AppResult};

/// Steps whose notices one run queues at most (the next run takes the rest).
const NOTICE_BATCH: u32 = 500;

/// What one run of escalation did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct EscalationRun {
    /// Steps recorded by this run (a step another runner took first is not counted).
    pub steps: Vec<Escalation>,
    /// Notification jobs queued (for this run's steps and any left unqueued before).
    pub notices: u64,
}

/// An organisation's ancestors with their kinds, nearest first.
type Ancestry = Vec<(OrgId, OrgKind)>;

impl App {
    /// Take every escalation step due now and queue its notices. Ward itself only (the
    /// `alerts.escalate` job, or the operator).
    pub async fn escalate_alerts(&self, actor: &Actor) -> AppResult<EscalationRun> {
        let now = self.now();
        let scope = authorise(actor, Action::IssueAlerts, now)?;
        if !matches!(scope, Scope::All) {
            return Err(AppError::forbidden("only Ward itself escalates alerts"));
        }
        let schedule = self.settings().alert_escalation;
        let records = self.store().records_to_escalate(now).await?;
        let mut taken: BTreeMap<AlertId, BTreeSet<(OrgId, Clock, EscalationLevel)>> = BTreeMap::new();
        let mut ancestry: BTreeMap<OrgId, Ancestry> = BTreeMap::new();
        let mut steps = Vec::new();
        for r in &records {
            let due = due_escalations(r, &schedule, now);
            if due.is_empty() {
                continue;
            }
            if let std::collections::btree_map::Entry::Vacant(slot) = taken.entry(r.alert) {
                let done = self
                    .store()
                    .alert_escalations(&Scope::All, r.alert)
                    .await?
                    .into_iter()
                    .map(|e| (e.org, e.clock, e.level))
                    .collect();
                slot.insert(done);
            }
            let done = taken.get(&r.alert);
            for d in due {
                if done.is_some_and(|t| t.contains(&(r.org, d.clock, d.level))) {
                    continue;
                }
                let notified = self.escalation_target(r.org, d.level, &mut ancestry, now).await?;
                steps.push(Escalation {
                    alert: r.alert,
                    org: r.org,
                    clock: d.clock,
                    level: d.level,
                    due_at: d.due_at,
                    at: now,
                    notified,
                });
            }
        }
        let steps = self.store().record_escalations(&steps, &actor.audit(now)).await?;
        let notices = self.queue_escalation_notices().await?;
        Ok(EscalationRun { steps, notices })
    }

    /// Who `level` is for organisation `org`: itself; its nearest ICB or region where a regional
    /// lead holds a role (else its nearest ICB or region); the national body above it.
    async fn escalation_target(
        &self,
        org: OrgId,
        level: EscalationLevel,
        ancestry: &mut BTreeMap<OrgId, Ancestry>,
        now: jiff::Timestamp,
    ) -> AppResult<Option<OrgId>> {
        if level == EscalationLevel::Organisation {
            return Ok(Some(org));
        }
        if let std::collections::btree_map::Entry::Vacant(slot) = ancestry.entry(org) {
            let mut list = Vec::new();
            for a in self.store().org_ancestors(org).await? {
                let kind = self.store().get_org(&Scope::All, a).await?.kind;
                list.push((a, kind));
            }
            slot.insert(list);
        }
        let above = ancestry.get(&org).map(Vec::as_slice).unwrap_or_default();
        if level == EscalationLevel::National {
            return Ok(above
                .iter()
                .find(|(_, k)| *k == OrgKind::NationalBody)
                .map(|(id, _)| *id));
        }
        let areas: Vec<OrgId> = above
            .iter()
            .filter(|(_, k)| matches!(k, OrgKind::Icb | OrgKind::Region))
            .map(|(id, _)| *id)
            .collect();
        for &area in &areas {
            if !self.holders(area, level.roles(), now).await?.is_empty() {
                return Ok(Some(area));
            }
        }
        Ok(areas.first().copied())
    }

    /// Users (not disabled) holding an active grant of one of `roles` at `org` itself.
    pub(crate) async fn holders(
        &self,
        org: OrgId,
        roles: &[ward_core::role::Role],
        now: jiff::Timestamp,
    ) -> AppResult<Vec<UserId>> {
        let mut out: Vec<UserId> = self
            .people_at(&[org], now)
            .await?
            .into_iter()
            .filter(|g| roles.contains(&g.role))
            .map(|g| g.user)
            .collect();
        out.dedup();
        Ok(out)
    }

    /// The active grants at `orgs` of users whose account is not disabled (one read): whom
    /// Ward tells at those organisations.
    pub(crate) async fn people_at(
        &self,
        orgs: &[OrgId],
        now: jiff::Timestamp,
    ) -> AppResult<Vec<ward_core::role::RoleGrant>> {
        let mut grants = self.store().grants_at(orgs).await?;
        grants.retain(|g| g.is_active(now));
        Ok(grants)
    }

    /// Queue the notices of every recorded step whose notices are not queued yet (this run's, and
    /// any a crashed run left), then mark each queued. Returns how many jobs were queued.
    async fn queue_escalation_notices(&self) -> AppResult<u64> {
        let now = self.now();
        let mut queued = 0;
        for step in self.store().unqueued_escalations(NOTICE_BATCH).await? {
            if let Some(to) = step.notified {
                // Told in Ward whether or not e-mail is configured.
                let users = self.holders(to, step.level.roles(), now).await?;
                queued += self.queue_escalation_jobs(&step, to, &users).await?;
            }
            self.store().mark_escalation_queued(&step, now).await?;
        }
        Ok(queued)
    }

    /// Queues the `alerts.escalate` job (once: a queued or running one is enough).
    pub async fn queue_alert_escalation(&self) -> AppResult<()> {
        self.enqueue_job(
            ward_core::job::JobKind::AlertsEscalate,
            serde_json::json!({}),
            None,
            3,
            Some("alerts.escalate"),
        )
        .await
        .map(|_| ())
    }
}

/// The `alerts.escalate` job: [`App::escalate_alerts`] as Ward itself.
pub struct AlertEscalateJob;

#[async_trait::async_trait]
impl crate::jobs::JobHandler for AlertEscalateJob {
    fn kind(&self) -> ward_core::job::JobKind {
        ward_core::job::JobKind::AlertsEscalate
    }

    async fn run(&self, app: &App, _job: &ward_core::job::Job) -> Result<(), String> {
        let actor = Actor::system("alerts.escalate", OrgId::from_uuid(uuid::Uuid::nil()));
        let run = app.escalate_alerts(&actor).await.map_err(|e| e.to_string())?;
        if !run.steps.is_empty() || run.notices > 0 {
            tracing::info!(steps = run.steps.len(), notices = run.notices, "alerts escalated");
        }
        Ok(())
    }
}
