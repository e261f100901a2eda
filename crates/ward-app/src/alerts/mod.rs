//! Cyber alerts sent to those actually exposed.
//!
//! The national team (the whole sector) or a regional team (its region only) issues an alert about
//! advisories Ward knows; every organisation in the issuer's footprint with an open exposure to one
//! of them receives it with its affected assets, plus any the issuer adds by kind or area. Each
//! organisation's clocks start when it is targeted ([`ward_core::alert::Clocks`]). Organisations
//! answer for themselves (and the organisations beneath them): acknowledge, applicability (not
//! affected writes their VEX statement), updates, close. An exposure that appears after issue
//! extends the alert ([`App::extend_alerts`], run by the `alerts.extend` job after imports).

mod escalate;
mod figures;
mod respond;
mod targets;

pub use escalate::{AlertEscalateJob, EscalationRun};
pub use figures::{FigureLevel, FigureRow, figures_csv};

use serde::{Deserialize, Serialize};
use ward_core::alert::{
    Alert, AlertEvent, Clock, ClockPolicy, Recipient, RecipientState, Severity, TargetReason,
};
use ward_core::org::OrgKind;
use ward_core::tlp::Tlp;
use ward_core::{AlertId, OrgId};
use ward_store::Scope;
use ward_store::alerts::AlertSummary;

use crate::App;
use crate::actor::Actor;
use crate::authz::{Action, authorise, authorise_on};
use crate::error::{AppError, AppResult, FieldProblem};
use crate::exposure::view::OrgRef;

/// What issuing an alert needs.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAlert {
    pub severity: Severity,
    pub title: String,
    #[serde(default)]
    pub summary: String,
    /// Advisory ids or aliases Ward knows (`CVE-2021-44228`, a GHSA id).
    pub advisories: Vec<String>,
    /// What organisations must do.
    #[serde(default)]
    pub actions: Vec<String>,
    /// Links (http or https).
    #[serde(default)]
    pub references: Vec<String>,
    /// TLP:AMBER when not given.
    #[serde(default)]
    pub tlp: Option<Tlp>,
    /// Also send it to every organisation of these kinds (inside `add_area` when given).
    #[serde(default)]
    #[schema(value_type = Vec<String>)]
    pub add_kinds: Vec<OrgKind>,
    /// Also send it to every organisation under this one (of `add_kinds` when given).
    #[serde(default)]
    pub add_area: Option<OrgId>,
    /// Clocks for this alert instead of the severity's.
    #[serde(default)]
    pub clocks: Option<ClockPolicy>,
}

/// What issuing did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Issued {
    pub alert: AlertId,
    /// Organisations targeted.
    pub organisations: u64,
    /// Of those, with an open exposure.
    pub exposed: u64,
    /// Affected assets across them.
    pub assets: u64,
    pub policy: ClockPolicy,
}

/// One organisation's record as the caller sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RecipientView {
    pub org: OrgRef,
    pub state: RecipientState,
    /// Clocks run out without their answer.
    pub overdue: Vec<Clock>,
    pub record: Recipient,
}

/// One alert as the caller sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AlertView {
    pub alert: Alert,
    pub recipients: Vec<RecipientView>,
    pub events: Vec<AlertEvent>,
    /// Escalation steps taken for the organisations shown, in the order taken.
    pub escalations: Vec<EscalationView>,
}

/// One escalation step as the caller sees it: the step, and who was told.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EscalationView {
    pub step: ward_core::alert::escalation::Escalation,
    /// The organisation whose people were told (its ICB, region or the national body are not
    /// secret to the organisation escalated).
    pub notified: Option<OrgRef>,
}

pub(crate) fn problem(path: impl Into<String>, message: impl Into<String>) -> FieldProblem {
    FieldProblem {
        path: path.into(),
        message: message.into(),
    }
}

fn check_text(problems: &mut Vec<FieldProblem>, path: &str, text: &str, max: usize, required: bool) {
    let n = text.trim().chars().count();
    if required && n == 0 {
        problems.push(problem(path, "must not be empty"));
    } else if n > max {
        problems.push(problem(path, format!("at most {max} characters")));
    }
}

fn check_new(new: &NewAlert) -> Result<(), Vec<FieldProblem>> {
    let mut p = Vec::new();
    check_text(&mut p, "title", &new.title, 200, true);
    check_text(&mut p, "summary", &new.summary, 10_000, false);
    if new.advisories.is_empty() {
        p.push(problem("advisories", "name at least one advisory"));
    }
    if new.advisories.len() > 100 {
        p.push(problem("advisories", "at most 100 advisories"));
    }
    for (i, a) in new.advisories.iter().enumerate() {
        check_text(&mut p, &format!("advisories[{i}]"), a, 100, true);
    }
    if new.actions.len() > 50 {
        p.push(problem("actions", "at most 50 actions"));
    }
    for (i, a) in new.actions.iter().enumerate() {
        check_text(&mut p, &format!("actions[{i}]"), a, 2000, true);
    }
    if new.references.len() > 50 {
        p.push(problem("references", "at most 50 references"));
    }
    for (i, r) in new.references.iter().enumerate() {
        let r = r.trim();
        if !(r.starts_with("https://") || r.starts_with("http://"))
            || r.len() > 2000
            || r.contains(char::is_whitespace)
        {
            p.push(problem(
                format!("references[{i}]"),
                "must be one http or https link",
            ));
        }
    }
    if let Some(c) = &new.clocks
        && let Err(e) = c.check()
    {
        p.push(problem(format!("clocks.{}", e.field), e.message));
    }
    if p.is_empty() { Ok(()) } else { Err(p) }
}

/// Who an alert is issued by: the issuing team's (or supplier's) organisation, the area it covers
/// (`None`: the whole sector) and the person (`user:…`).
pub(crate) struct AlertIssuer {
    pub(crate) org: OrgId,
    pub(crate) area: Option<OrgId>,
    pub(crate) principal: String,
}

fn trimmed(list: &[String]) -> Vec<String> {
    list.iter().map(|s| s.trim().to_owned()).collect()
}

impl App {
    /// Issue an alert to every organisation in the caller's footprint exposed to its advisories
    /// (and those added by kind or area). An advisory Ward does not know is refused, named.
    pub async fn issue_alert(&self, actor: &Actor, new: NewAlert) -> AppResult<Issued> {
        let now = self.now();
        let scope = authorise(actor, Action::IssueAlerts, now)?;
        if let Some(area) = new.add_area {
            authorise_on(self.store(), actor, Action::IssueAlerts, area, now).await?;
        }
        let area = (!matches!(scope, Scope::All)).then_some(actor.org);
        let by = AlertIssuer {
            org: actor.org,
            area,
            principal: actor.audit_actor().principal,
        };
        self.issue_checked_alert(&scope, by, new, &actor.audit(now)).await
    }

    /// Issue a checked alert (see [`App::issue_alert`]) from `by`, targeting inside `scope`; also
    /// how a supplier's released advisory becomes an alert (`crate::supplier_advisories`).
    pub(crate) async fn issue_checked_alert(
        &self,
        scope: &Scope,
        by: AlertIssuer,
        new: NewAlert,
        meta: &ward_store::AuditMeta,
    ) -> AppResult<Issued> {
        let now = self.now();
        check_new(&new).map_err(AppError::Invalid)?;
        let policy = new
            .clocks
            .unwrap_or_else(|| self.settings().alert_clocks.for_severity(new.severity));
        policy
            .check()
            .map_err(|e| AppError::invalid(format!("clocks.{}", e.field), e.message))?;
        let advisories = trimmed(&new.advisories);
        let index = self.exposure_index().await?;
        let resolved = index.resolve_advisories(&advisories).map_err(|unknown| {
            AppError::Invalid(
                unknown
                    .into_iter()
                    .map(|(i, id)| {
                        problem(
                            format!("advisories[{i}]"),
                            format!("{id} is not an advisory Ward knows"),
                        )
                    })
                    .collect(),
            )
        })?;
        let alert = Alert {
            id: AlertId::new_at(now, crate::accounts::secrets::random_bytes::<10>()?),
            severity: new.severity,
            title: new.title.trim().to_owned(),
            summary: new.summary.trim().to_owned(),
            advisories,
            actions: trimmed(&new.actions),
            references: trimmed(&new.references),
            tlp: new.tlp.unwrap_or(Tlp::Amber),
            issuer: by.org,
            area: by.area,
            issued_by: by.principal,
            issued_at: now,
            policy,
            kev_due: resolved.kev_due,
        };
        let visible = index.visible(scope);
        let exposed = index.open_exposure_by_org(&resolved.advisories, &visible, None);
        let mut recipients: Vec<Recipient> = exposed
            .into_iter()
            .map(|(org, assets)| Recipient::new(&alert, org, TargetReason::Exposed, assets, now))
            .collect();
        let exposed_count = recipients.len() as u64;
        if !new.add_kinds.is_empty() || new.add_area.is_some() {
            let area_path = new.add_area.and_then(|a| index.org_path(a));
            for org in index.orgs_added(&new.add_kinds, &visible, area_path) {
                if !recipients.iter().any(|r| r.org == org) {
                    recipients.push(Recipient::new(&alert, org, TargetReason::Added, Vec::new(), now));
                }
            }
        }
        self.store()
            .create_alert(scope, &alert, &recipients, meta)
            .await?;
        let orgs: Vec<OrgId> = recipients.iter().map(|r| r.org).collect();
        self.queue_alert_emails_logged(&alert, &orgs).await;
        Ok(Issued {
            alert: alert.id,
            organisations: recipients.len() as u64,
            exposed: exposed_count,
            assets: recipients.iter().map(|r| r.assets.len() as u64).sum(),
            policy,
        })
    }

    /// The alerts the caller may see, newest first, with figures over its footprint.
    pub async fn alerts(&self, actor: &Actor) -> AppResult<Vec<AlertSummary>> {
        let now = self.now();
        let scope = authorise(actor, Action::ReadAlerts, now)?;
        Ok(self.store().list_alerts(&scope, now).await?)
    }

    /// One alert: its records and timeline inside the caller's footprint.
    pub async fn alert(&self, actor: &Actor, id: AlertId) -> AppResult<AlertView> {
        let now = self.now();
        let scope = authorise(actor, Action::ReadAlerts, now)?;
        let detail = self.store().get_alert(&scope, id).await?;
        let steps = self.store().alert_escalations(&scope, id).await?;
        let index = self.exposure_index().await?;
        let escalations = steps
            .into_iter()
            .map(|step| EscalationView {
                notified: step.notified.map(|o| index.org_ref_of(o)),
                step,
            })
            .collect();
        let recipients = detail
            .recipients
            .into_iter()
            .map(|r| RecipientView {
                org: index.org_ref_of(r.org),
                state: r.state(),
                overdue: r.overdue(now),
                record: r,
            })
            .collect();
        Ok(AlertView {
            alert: detail.alert,
            recipients,
            events: detail.events,
            escalations,
        })
    }

    /// Extends every alert to the organisations newly exposed to its advisories (inside its
    /// area), each with its own clocks from now. Returns how many records were added. Run by
    /// Ward itself (the `alerts.extend` job, queued after imports and SBOM uploads).
    pub async fn extend_alerts(&self, actor: &Actor) -> AppResult<u64> {
        let now = self.now();
        let scope = authorise(actor, Action::IssueAlerts, now)?;
        if !matches!(scope, Scope::All) {
            return Err(AppError::forbidden("only Ward itself extends alerts"));
        }
        let index = self.exposure_index().await?;
        let mut added = 0;
        for summary in self.store().list_alerts(&Scope::All, now).await? {
            let a = summary.alert;
            // Advisories withdrawn since issue are left out; the rest still count.
            let known: Vec<String> = a
                .advisories
                .iter()
                .filter(|id| !index.advisories_named(id).is_empty())
                .cloned()
                .collect();
            let Ok(resolved) = index.resolve_advisories(&known) else {
                continue;
            };
            let visible = index.visible(&a.area.map_or(Scope::All, Scope::subtree));
            let exposed = index.open_exposure_by_org(&resolved.advisories, &visible, None);
            if exposed.is_empty() {
                continue;
            }
            let reached: std::collections::BTreeSet<OrgId> = self
                .store()
                .get_alert(&Scope::All, a.id)
                .await?
                .recipients
                .iter()
                .map(|r| r.org)
                .collect();
            let new: Vec<Recipient> = exposed
                .into_iter()
                .filter(|(org, _)| !reached.contains(org))
                .map(|(org, assets)| Recipient::new(&a, org, TargetReason::Extended, assets, now))
                .collect();
            if new.is_empty() {
                continue;
            }
            let n = self
                .store()
                .extend_alert(&Scope::All, a.id, &new, &actor.audit(now))
                .await?;
            added += n;
            if n > 0 {
                let orgs: Vec<OrgId> = new.iter().map(|r| r.org).collect();
                self.queue_alert_emails_logged(&a, &orgs).await;
            }
        }
        Ok(added)
    }

    /// Queues the `alerts.extend` job (once: a queued or running one is enough).
    pub async fn queue_alert_extension(&self) -> AppResult<()> {
        self.enqueue_job(
            ward_core::job::JobKind::AlertsExtend,
            serde_json::json!({}),
            None,
            3,
            Some("alerts.extend"),
        )
        .await
        .map(|_| ())
    }

    /// [`App::queue_alert_extension`] after an import, when any alert exists: a failure to queue
    /// is logged, never the import's failure (the next import queues it again).
    pub(crate) async fn queue_alert_extension_logged(&self) {
        let queued = match self.store().any_alert().await {
            Ok(false) => return,
            Ok(true) => self.queue_alert_extension().await,
            Err(e) => Err(e.into()),
        };
        if let Err(e) = queued {
            tracing::warn!(error = %e, "the alerts.extend job was not queued");
        }
    }
}

/// The `alerts.extend` job: [`App::extend_alerts`] as Ward itself.
pub struct AlertExtendJob;

#[async_trait::async_trait]
impl crate::jobs::JobHandler for AlertExtendJob {
    fn kind(&self) -> ward_core::job::JobKind {
        ward_core::job::JobKind::AlertsExtend
    }

    async fn run(&self, app: &App, _job: &ward_core::job::Job) -> Result<(), String> {
        let actor = Actor::system("alerts.extend", OrgId::from_uuid(uuid::Uuid::nil()));
        let added = app.extend_alerts(&actor).await.map_err(|e| e.to_string())?;
        tracing::info!(added, "alerts extended to newly exposed organisations");
        Ok(())
    }
}
