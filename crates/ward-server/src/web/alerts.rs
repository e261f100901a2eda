//! Cyber alerts: the list (with acknowledged and overdue counts over the person's footprint, and
//! the issue form for national and regional teams), one alert's page with each organisation's
//! record, its answer forms and the timeline.

use super::exposure::{optional_enum, parse_enum, vex_justifications};
use super::sent_form::{FormFields, SentForm};
use super::views::{Choice, Chrome, Section};
use super::{PageResult, Signed, WebForm, chrome_at, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use std::collections::HashMap;
use strum::IntoEnumIterator;
use ward_app::AppError;
use ward_app::alerts::NewAlert;
use ward_app::authz::Action;
use ward_core::alert::{Applicability, Response, Severity};
use ward_core::vuln::Justification;
use ward_core::{AlertId, OrgId};

fn when(t: jiff::Timestamp) -> String {
    t.strftime("%e %b %Y %H:%M UTC").to_string().trim().to_owned()
}

struct AlertLine {
    id: String,
    severity: &'static str,
    title: String,
    issued: String,
    organisations: u64,
    acknowledged: u64,
    overdue: u64,
    closed: u64,
}

#[derive(Template)]
#[template(path = "alerts.html")]
struct AlertsPage {
    chrome: Option<Chrome>,
    title: String,
    rows: Vec<AlertLine>,
    issuer: bool,
    severities: Vec<Choice>,
    /// The issue form as sent, when it was refused.
    form: IssueForm,
}

/// `GET /alerts`.
pub(super) async fn alerts(State(s): State<AppState>, page: Signed) -> PageResult {
    list_page(&s, &page, IssueForm::default(), StatusCode::OK).await
}

/// The alerts with the issue form as given (empty, or refused with its problems).
async fn list_page(s: &AppState, page: &Signed, form: IssueForm, status: StatusCode) -> PageResult {
    let fail = page.fail();
    let list = s.app.alerts(&page.actor).await.map_err(&fail)?;
    let chosen = match form.value("severity") {
        "" => <&str>::from(Severity::High),
        v => v,
    };
    let view = AlertsPage {
        chrome: chrome_at(page, Section::Alerts),
        title: "Cyber alerts".into(),
        issuer: page.may(Action::IssueAlerts),
        rows: list
            .into_iter()
            .map(|a| AlertLine {
                id: a.alert.id.to_string(),
                severity: a.alert.severity.label(),
                title: a.alert.title,
                issued: when(a.alert.issued_at),
                organisations: a.organisations,
                acknowledged: a.acknowledged,
                overdue: a.overdue,
                closed: a.closed,
            })
            .collect(),
        severities: Severity::iter()
            .map(|v| Choice {
                value: <&str>::from(v).to_owned(),
                label: v.label().to_owned(),
                selected: <&str>::from(v) == chosen,
            })
            .collect(),
        form,
    };
    Ok(render(status, &view))
}

/// The issue form's fields, each with the words a person reads for it.
#[derive(Debug, Clone)]
pub(super) struct IssueFields;

impl FormFields for IssueFields {
    const FIELDS: &'static [(&'static str, &'static str)] = &[
        ("severity", "Severity"),
        ("title", "Title"),
        ("advisories", "Advisories"),
        ("summary", "Summary"),
        ("actions", "Required actions"),
    ];
}

/// The issue form as typed, and each problem by field.
pub(super) type IssueForm = SentForm<IssueFields>;

/// `POST /alerts`: issue an alert (national and regional teams). A refused alert comes back as
/// typed, each problem beside its field (an advisory Ward does not know is named).
pub(super) async fn issue(
    State(s): State<AppState>,
    page: Signed,
    WebForm(sent): WebForm<HashMap<String, String>>,
) -> PageResult {
    page.check_csrf(&s, sent.get("csrf").map_or("", String::as_str))?;
    let fail = page.fail();
    let mut form = IssueForm::from_sent(sent);
    let Ok(severity) = form.value("severity").parse::<Severity>() else {
        form.put("severity", "choose a severity");
        return list_page(&s, &page, form, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let new = NewAlert {
        severity,
        title: form.value("title").to_owned(),
        summary: form.value("summary").to_owned(),
        advisories: form
            .value("advisories")
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|a| !a.is_empty())
            .map(str::to_owned)
            .collect(),
        actions: form
            .value("actions")
            .lines()
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(str::to_owned)
            .collect(),
        references: Vec::new(),
        tlp: None,
        add_kinds: Vec::new(),
        add_area: None,
        clocks: None,
    };
    match s.app.issue_alert(&page.actor, new).await {
        Ok(issued) => Ok(Redirect::to(&format!("/alerts/{}", issued.alert)).into_response()),
        Err(AppError::Invalid(problems)) => {
            for p in &problems {
                let field = p.path.split(['[', '.']).next().unwrap_or(&p.path);
                form.place(field, &p.message);
            }
            list_page(&s, &page, form, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(fail(e)),
    }
}

struct AssetLine {
    name: String,
    advisory: String,
    software: String,
}

struct RecipientLine {
    org_id: String,
    org_name: String,
    org_code: String,
    state: &'static str,
    reason: &'static str,
    assets: Vec<AssetLine>,
    acknowledge_by: String,
    first_update_by: String,
    remediate_by: String,
    overdue: Vec<&'static str>,
    applicability: String,
    close_reason: String,
    open: bool,
    escalations: Vec<EscalationLine>,
}

/// One escalation step of a record.
struct EscalationLine {
    clock: &'static str,
    level: &'static str,
    notified: String,
    due: String,
    at: String,
}

struct EventLine {
    at: String,
    kind: &'static str,
    org: String,
    actor: String,
    text: String,
}

#[derive(Template)]
#[template(path = "alert.html")]
struct AlertPage {
    chrome: Option<Chrome>,
    id: String,
    title: String,
    severity: &'static str,
    tlp: &'static str,
    summary: String,
    advisories: Vec<String>,
    actions: Vec<String>,
    references: Vec<String>,
    issued: String,
    recipients: Vec<RecipientLine>,
    events: Vec<EventLine>,
    responder: bool,
    justifications: Vec<Choice>,
}

/// `GET /alerts/{id}`.
pub(super) async fn alert(State(s): State<AppState>, page: Signed, Path(id): Path<String>) -> PageResult {
    let fail = page.fail();
    let id: AlertId = id
        .parse()
        .map_err(|_| AppError::NotFound("alert".into()))
        .map_err(&fail)?;
    let v = s.app.alert(&page.actor, id).await.map_err(&fail)?;
    let names: std::collections::BTreeMap<OrgId, String> = v
        .recipients
        .iter()
        .map(|r| (r.org.id, r.org.name.clone()))
        .collect();
    let view = AlertPage {
        chrome: chrome_at(&page, Section::Alerts),
        id: v.alert.id.to_string(),
        title: v.alert.title.clone(),
        severity: v.alert.severity.label(),
        tlp: v.alert.tlp.as_str(),
        summary: v.alert.summary.clone(),
        advisories: v.alert.advisories.clone(),
        actions: v.alert.actions.clone(),
        references: v.alert.references.clone(),
        issued: when(v.alert.issued_at),
        responder: page.may(Action::RespondAlerts),
        justifications: vex_justifications(),
        events: v
            .events
            .iter()
            .map(|e| EventLine {
                at: when(e.at),
                kind: e.kind.label(),
                org: e
                    .org
                    .map(|o| names.get(&o).cloned().unwrap_or_else(|| o.to_string()))
                    .unwrap_or_default(),
                actor: e.actor.clone(),
                text: e.text.clone().unwrap_or_default(),
            })
            .collect(),
        recipients: v
            .recipients
            .iter()
            .map(|r| RecipientLine {
                org_id: r.org.id.to_string(),
                org_name: r.org.name.clone(),
                org_code: r.org.code.clone(),
                state: r.state.into(),
                reason: r.record.reason.into(),
                assets: r
                    .record
                    .assets
                    .iter()
                    .map(|a| AssetLine {
                        name: a.name.clone(),
                        advisory: a.advisory.clone(),
                        software: a.purl.clone().or_else(|| a.cpe.clone()).unwrap_or_default(),
                    })
                    .collect(),
                acknowledge_by: when(r.record.clocks.acknowledge_by),
                first_update_by: when(r.record.clocks.first_update_by),
                remediate_by: when(r.record.clocks.remediate_by),
                overdue: r.overdue.iter().map(|c| c.label()).collect(),
                applicability: match (&r.record.applicability, &r.record.applicability_reason) {
                    (Some(a), Some(why)) => format!("{a}: {why}"),
                    (Some(a), None) => a.to_string(),
                    _ => String::new(),
                },
                close_reason: r.record.close_reason.clone().unwrap_or_default(),
                open: r.record.closed_at.is_none(),
                escalations: v
                    .escalations
                    .iter()
                    .filter(|e| e.step.org == r.org.id)
                    .map(|e| EscalationLine {
                        clock: e.step.clock.label(),
                        level: e.step.level.label(),
                        notified: e
                            .notified
                            .as_ref()
                            .map(|o| format!("{} ({})", o.name, o.code))
                            .unwrap_or_else(|| "nobody found to tell".into()),
                        due: when(e.step.due_at),
                        at: when(e.step.at),
                    })
                    .collect(),
            })
            .collect(),
    };
    Ok(render(StatusCode::OK, &view))
}

/// One answer form of the alert page.
#[derive(Debug, Default, Deserialize)]
pub(super) struct AnswerForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    applicability: String,
    #[serde(default)]
    justification: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    text: String,
}

/// `POST /alerts/{id}/orgs/{org}`: an organisation's answer.
pub(super) async fn answer(
    State(s): State<AppState>,
    page: Signed,
    Path((id, org)): Path<(String, String)>,
    WebForm(form): WebForm<AnswerForm>,
) -> PageResult {
    page.check_csrf(&s, &form.csrf)?;
    let fail = page.fail();
    let not_found = |_| AppError::NotFound("alert".into());
    let id: AlertId = id.parse().map_err(not_found).map_err(&fail)?;
    let org: OrgId = org.parse().map_err(not_found).map_err(&fail)?;
    let reason = Some(form.reason.trim().to_owned()).filter(|r| !r.is_empty());
    let response = match form.action.as_str() {
        "acknowledge" => Response::Acknowledge,
        "applicability" => Response::Applicability {
            applicability: parse_enum::<Applicability>("applicability", &form.applicability)
                .map_err(&fail)?,
            reason,
            justification: optional_enum::<Justification>("justification", &form.justification)
                .map_err(&fail)?,
        },
        "update" => Response::Update { text: form.text },
        "close" => Response::Close { reason },
        _ => return Err(fail(AppError::invalid("action", "choose an answer"))),
    };
    s.app
        .respond_to_alert(&page.actor, id, org, response)
        .await
        .map_err(&fail)?;
    Ok(Redirect::to(&format!("/alerts/{id}")).into_response())
}
