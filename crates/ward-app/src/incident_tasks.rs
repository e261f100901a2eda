//! Tasks in an incident's response: whoever may write the incident adds tasks, each with an owner
//! (an enabled account that may itself write the incident's organisation's incidents, so it can
//! see the task and mark it done) and a due day; tasks are marked done or open again. Every change
//! is audited by the store.

use serde::{Deserialize, Serialize};
use ward_core::incident_task::{IncidentTask, TaskInput};
use ward_core::{IncidentId, IncidentTaskId, OrgId, UserId};

use crate::App;
use crate::actor::Actor;
use crate::authz::{Action, authorise, scope_contains, scope_for};
use crate::error::{AppError, AppResult};

/// A task as shown: with its owner's name and whether it is overdue now.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TaskView {
    pub task: IncidentTask,
    pub owner_name: Option<String>,
    /// Open after its due day has ended (London).
    pub overdue: bool,
}

/// A change to a task: mark it done (`true`) or open again (`false`), and or change its title,
/// owner or due day. Whatever is left out stays as it was.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskChange {
    #[serde(default)]
    pub done: Option<bool>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub owner: Option<UserId>,
    /// The day it is due (London), `2026-06-04`.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub due_on: Option<jiff::civil::Date>,
}

/// Someone who may own a task of an incident.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TaskOwner {
    pub id: UserId,
    pub display_name: String,
}

impl App {
    /// Whether `user` is an enabled account holding an active grant that lets it do `action` on
    /// `org`'s data.
    pub(crate) async fn account_may(&self, user: UserId, action: Action, org: OrgId) -> AppResult<bool> {
        let account = match self.store().get_user(user).await {
            Ok(u) => u,
            Err(ward_store::StoreError::NotFound { .. }) => return Ok(false),
            Err(e) => return Err(e.into()),
        };
        if account.disabled {
            return Ok(false);
        }
        let now = self.now();
        for g in self.store().grants_of(user).await? {
            if g.is_active(now)
                && let Some(scope) = scope_for(g.role, g.org, action)
                && scope_contains(self.store(), &scope, org).await?
            {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Add a task to an incident in the caller's footprint.
    pub async fn add_incident_task(
        &self,
        actor: &Actor,
        id: IncidentId,
        input: TaskInput,
    ) -> AppResult<TaskView> {
        let now = self.now();
        let scope = authorise(actor, Action::WriteIncidents, now)?;
        let created_by = actor.user_id().ok_or_else(|| {
            AppError::invalid("created_by", "is written by a signed-in person, not a token")
        })?;
        let input = input.validate().map_err(crate::incidents::invalid)?;
        let incident = self.store().get_incident(&scope, id).await?;
        if !self
            .account_may(input.owner, Action::WriteIncidents, incident.org)
            .await?
        {
            return Err(AppError::invalid(
                "owner",
                "must be an enabled account that may work on this organisation's incidents",
            ));
        }
        let task = IncidentTask {
            id: IncidentTaskId::new_at(now, crate::accounts::secrets::random_bytes::<10>()?),
            incident: id,
            org: incident.org,
            title: input.title,
            owner: input.owner,
            due_on: input.due_on,
            done_at: None,
            done_by: None,
            created_by,
            created_at: now,
        };
        let task = self
            .store()
            .add_incident_task(&scope, &task, &actor.audit(now))
            .await?;
        Ok(self.task_views(vec![task]).await?.remove(0))
    }

    /// Change a task of an incident in the caller's footprint: its title, owner or due day (the
    /// owner under the same rule as a new task's), then done or open again.
    pub async fn change_incident_task(
        &self,
        actor: &Actor,
        id: IncidentId,
        task: IncidentTaskId,
        change: TaskChange,
    ) -> AppResult<TaskView> {
        let now = self.now();
        let scope = authorise(actor, Action::WriteIncidents, now)?;
        let by = actor
            .user_id()
            .ok_or_else(|| AppError::invalid("done_by", "is a signed-in person, not a token"))?;
        let mut current = self
            .store()
            .incident_tasks(&scope, id)
            .await?
            .into_iter()
            .find(|t| t.id == task)
            .ok_or_else(|| AppError::NotFound("task".into()))?;
        if change.title.is_some() || change.owner.is_some() || change.due_on.is_some() {
            let plan = TaskInput {
                title: change.title.unwrap_or_else(|| current.title.clone()),
                owner: change.owner.unwrap_or(current.owner),
                due_on: change.due_on.unwrap_or(current.due_on),
            }
            .validate()
            .map_err(crate::incidents::invalid)?;
            if plan.owner != current.owner
                && !self
                    .account_may(plan.owner, Action::WriteIncidents, current.org)
                    .await?
            {
                return Err(AppError::invalid(
                    "owner",
                    "must be an enabled account that may work on this organisation's incidents",
                ));
            }
            current = self
                .store()
                .edit_incident_task(&scope, id, task, &plan, &actor.audit(now))
                .await?;
        }
        if let Some(done) = change.done {
            current = self
                .store()
                .set_incident_task_done(&scope, id, task, done.then_some(by), &actor.audit(now))
                .await?;
        }
        Ok(self.task_views(vec![current]).await?.remove(0))
    }

    /// An incident's tasks, earliest due first.
    pub async fn incident_tasks(&self, actor: &Actor, id: IncidentId) -> AppResult<Vec<TaskView>> {
        let scope = authorise(actor, Action::ReadIncidents, self.now())?;
        let tasks = self.store().incident_tasks(&scope, id).await?;
        self.task_views(tasks).await
    }

    /// The accounts that may own a task of an incident in the caller's footprint, by e-mail.
    pub async fn task_owners(&self, actor: &Actor, id: IncidentId) -> AppResult<Vec<TaskOwner>> {
        let scope = authorise(actor, Action::WriteIncidents, self.now())?;
        let incident = self.store().get_incident(&scope, id).await?;
        self.accounts_that_may(Action::WriteIncidents, incident.org).await
    }

    /// The accounts of `org` and of the organisations above it that may do `action` at `org`
    /// ([`App::account_may`]), by name.
    pub(crate) async fn accounts_that_may(&self, action: Action, org: OrgId) -> AppResult<Vec<TaskOwner>> {
        let mut orgs = self.store().org_ancestors(org).await?;
        orgs.push(org);
        let mut out = Vec::new();
        for u in self.store().list_users(&ward_store::Scope::Orgs(orgs)).await? {
            if self.account_may(u.id, action, org).await? {
                out.push(TaskOwner {
                    id: u.id,
                    display_name: u.display_name,
                });
            }
        }
        Ok(out)
    }

    pub(crate) async fn task_views(&self, tasks: Vec<IncidentTask>) -> AppResult<Vec<TaskView>> {
        let now = self.now();
        let owners: Vec<UserId> = tasks
            .iter()
            .map(|t| t.owner)
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let names = self.store().people_names(&owners).await?;
        Ok(tasks
            .into_iter()
            .map(|task| TaskView {
                owner_name: names.get(&task.owner).cloned(),
                overdue: task.is_overdue(now),
                task,
            })
            .collect())
    }
}
