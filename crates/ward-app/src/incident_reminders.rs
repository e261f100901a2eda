//! Reminders of incidents' obligations, run by the `incidents.remind` job.
//!
//! Each run reads the incidents with an unmet regulatory clock or an open task, works out the
//! reminders due now ([`ward_core::incident_reminder::due_reminders`]: a clock due soon or
//! overdue, a task overdue) and records those not recorded yet. The store keys a reminder by
//! incident, subject and stage, so it is recorded once even when two runners (two replicas) take
//! it at the same moment, and each recorded reminder is audited. Then the notices of every
//! recorded reminder not yet queued go out through the `notify.email` job: a clock's to the people
//! holding an organisation role (admin, member, incident responder) at the incident's organisation,
//! a task's to its owner.

use serde::{Deserialize, Serialize};
use ward_core::incident_reminder::{Reminder, ReminderSubject, due_reminders};
use ward_core::role::Role;
use ward_core::tlp::Tlp;
use ward_core::{OrgId, UserId};
use ward_store::Scope;

use crate::App;
use crate::actor::Actor;
use crate::authz::{Action, authorise};
use crate::error::{AppError, AppResult};
use crate::notices::fan_out::Telling;
use crate::notify::{EMAIL_ATTEMPTS, MailSettings};
use ward_core::notice::NoticeTopic;

/// Reminders whose notices one run queues at most (the next run takes the rest).
const NOTICE_BATCH: u32 = 500;

/// Who is told of a clock: the people working the incident at its organisation.
const CLOCK_ROLES: [Role; 3] = [Role::OrgAdmin, Role::OrgMember, Role::IncidentResponder];

/// What one run of the reminders did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ReminderRun {
    /// Reminders recorded by this run (one another runner took first is not counted).
    pub reminders: Vec<Reminder>,
    /// Notification jobs queued (for this run's reminders and any left unqueued before).
    pub notices: u64,
}

/// What one `notify.email` job of a reminder delivers: the reminder, to one user.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ReminderEmail {
    pub(crate) reminder: Reminder,
    pub(crate) user: UserId,
}

impl App {
    /// Record every reminder due now and queue its notices. Ward itself only (the
    /// `incidents.remind` job, or the operator).
    pub async fn remind_incidents(&self, actor: &Actor) -> AppResult<ReminderRun> {
        let now = self.now();
        let scope = authorise(actor, Action::WriteIncidents, now)?;
        if !actor.is_system() || !matches!(scope, Scope::All) {
            return Err(AppError::forbidden("only Ward itself sends incident reminders"));
        }
        let mut due = Vec::new();
        for (incident, tasks) in self.store().incidents_to_remind().await? {
            due.extend(due_reminders(&incident, &tasks, now));
        }
        let reminders = self
            .store()
            .record_incident_reminders(&due, &actor.audit(now))
            .await?;
        let notices = self.queue_reminder_notices().await?;
        Ok(ReminderRun { reminders, notices })
    }

    /// Who a reminder is for.
    async fn reminded(&self, r: &Reminder, now: jiff::Timestamp) -> AppResult<Vec<UserId>> {
        match r.subject {
            ReminderSubject::Clock { .. } => self.holders(r.org, &CLOCK_ROLES, now).await,
            ReminderSubject::Task { task } => Ok(self
                .store()
                .incident_tasks(&Scope::All, r.incident)
                .await?
                .into_iter()
                .filter(|t| t.id == task)
                .map(|t| t.owner)
                .collect()),
        }
    }

    /// Queue the notices of every recorded reminder whose notices are not queued yet (this run's,
    /// and any a crashed run left), then mark each queued. Returns how many jobs were queued.
    async fn queue_reminder_notices(&self) -> AppResult<u64> {
        let now = self.now();
        let mut queued = 0;
        for r in self.store().unqueued_incident_reminders(NOTICE_BATCH).await? {
            let key = format!(
                "notify.email:incident:{}:{}:{}",
                r.incident,
                r.subject.key(),
                r.stage
            );
            let what = match r.subject {
                ReminderSubject::Clock { clock } => clock.label().to_owned(),
                ReminderSubject::Task { .. } => "A task".to_owned(),
            };
            let telling = Telling {
                topic: NoticeTopic::Reminder,
                org: r.org,
                title: format!("Incident reminder: {what} is {}", r.stage.label().to_lowercase()),
                body: format!(
                    "{what} on one of your organisation's incidents is {} (due {}).",
                    r.stage.label().to_lowercase(),
                    ward_core::local_time::show(r.due_at)
                ),
                link: format!("/incidents/{}", r.incident),
                key,
                kind: ward_core::job::JobKind::NotifyEmail,
                attempts: EMAIL_ATTEMPTS,
            };
            let mut each = Vec::new();
            for user in self.reminded(&r, now).await? {
                let payload = ReminderEmail {
                    reminder: r.clone(),
                    user,
                };
                each.push((user, crate::notify::json(serde_json::to_value(&payload))?));
            }
            queued += self.tell(&telling, each).await?;
            self.store().mark_incident_reminder_queued(&r, now).await?;
        }
        Ok(queued)
    }

    /// Queues the `incidents.remind` job (once: a queued or running one is enough).
    pub async fn queue_incident_reminders(&self) -> AppResult<()> {
        self.enqueue_job(
            ward_core::job::JobKind::IncidentsRemind,
            serde_json::json!({}),
            None,
            3,
            Some("incidents.remind"),
        )
        .await
        .map(|_| ())
    }

    /// Send one reminder e-mail. The title is left out of incidents marked TLP:AMBER+STRICT or
    /// TLP:RED (the message leaves Ward); the link leads to the incident.
    pub(crate) async fn send_reminder_email(
        &self,
        mail: &MailSettings,
        p: &ReminderEmail,
    ) -> Result<(), String> {
        let user = self.store().get_user(p.user).await.map_err(|e| e.to_string())?;
        if user.disabled {
            return Ok(());
        }
        let incident = self
            .store()
            .get_incident(&Scope::All, p.reminder.incident)
            .await
            .map_err(|e| e.to_string())?;
        let org = self.org_name(p.reminder.org).await.map_err(|e| e.to_string())?;
        let d = &incident.details;
        let title = if matches!(d.tlp, Tlp::AmberStrict | Tlp::Red) {
            format!("an incident marked {}", d.tlp.as_str())
        } else {
            format!("\"{}\"", d.title)
        };
        let what = match p.reminder.subject {
            ReminderSubject::Clock { clock } => clock.label().to_owned(),
            ReminderSubject::Task { task } => {
                let tasks = self
                    .store()
                    .incident_tasks(&Scope::All, incident.id)
                    .await
                    .map_err(|e| e.to_string())?;
                match tasks.into_iter().find(|t| t.id == task) {
                    Some(t) if t.done_at.is_none() => format!("Task: {}", t.title),
                    _ => return Ok(()),
                }
            }
        };
        let due = ward_core::local_time::show(p.reminder.due_at);
        let subject = format!("[Ward incident] {}: {what}", p.reminder.stage.label());
        let body = format!(
            "Reminder for {org}: {what} on {title} is {} (due {due}).\n\n\
             Open the incident in Ward to record the report or the task: /incidents/{}\n",
            p.reminder.stage.label().to_lowercase(),
            incident.id
        );
        self.send_mail(mail, user.email.as_str(), subject, body).await
    }

    async fn org_name(&self, org: OrgId) -> AppResult<String> {
        let labels = self.store().org_labels(&Scope::All, &[org]).await?;
        Ok(labels.get(&org).map_or_else(
            || "your organisation".to_owned(),
            |(code, name)| format!("{name} ({code})"),
        ))
    }
}

/// The `incidents.remind` job: [`App::remind_incidents`] as Ward itself.
pub struct IncidentRemindJob;

#[async_trait::async_trait]
impl crate::jobs::JobHandler for IncidentRemindJob {
    fn kind(&self) -> ward_core::job::JobKind {
        ward_core::job::JobKind::IncidentsRemind
    }

    async fn run(&self, app: &App, _job: &ward_core::job::Job) -> Result<(), String> {
        let actor = Actor::system("incidents.remind", OrgId::from_uuid(uuid::Uuid::nil()));
        let run = app.remind_incidents(&actor).await.map_err(|e| e.to_string())?;
        if !run.reminders.is_empty() || run.notices > 0 {
            tracing::info!(
                reminders = run.reminders.len(),
                notices = run.notices,
                "incident reminders"
            );
        }
        Ok(())
    }
}
