//! Incident pages: the incidents in the person's footprint with their regulatory clocks (overdue
//! ones flagged); one incident with its clocks, times and timeline as each entry was written; and
//! the forms to report an incident, edit it, change its status, add to its timeline and add, edit,
//! close and reopen its tasks. Times are shown and typed in London time.

use std::collections::HashMap;

use super::incident_form::{
    Choice, TypedForm, categories, details_from_form, harms, severities, statuses, timeline_from_form, tlps,
};
use super::incident_links::{LinkKind, LinkLine, link_choices_for, link_kinds, link_lines};
use super::incident_picks::Picks;
use super::views::{Chrome, Section};
use super::{PageError, PageResult, Signed, WebForm, WebQuery, chrome_at, optional, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use ward_app::AppError;
use ward_app::authz::Action;
use ward_app::incident_link_choices::IncidentLinkChoices;
use ward_app::incident_tasks::{TaskChange, TaskOwner};
use ward_app::incidents::{IncidentPage, IncidentQuery, IncidentView, NewIncident};
use ward_core::incident::{IncidentDetails, IncidentStatus};
use ward_core::local_time::{parse_typed, show as when};
use ward_core::{IncidentId, IncidentTaskId, OrgId};

pub(super) struct ClockLine {
    pub(super) label: &'static str,
    pub(super) due: String,
    pub(super) state: String,
    pub(super) overdue: bool,
}

pub(super) struct IncidentLine {
    pub(super) id: String,
    pub(super) title: String,
    pub(super) org: String,
    pub(super) category: String,
    pub(super) severity: &'static str,
    pub(super) status: &'static str,
    pub(super) harm: String,
    pub(super) detected: String,
    pub(super) overdue: bool,
    pub(super) clocks: Vec<ClockLine>,
}

impl From<&IncidentView> for IncidentLine {
    fn from(v: &IncidentView) -> Self {
        let d = &v.incident.details;
        Self {
            id: v.incident.id.to_string(),
            title: d.title.clone(),
            org: format!("{} ({})", v.org_name, v.org_code),
            category: format!("Category {}: {}", v.category_number, d.category.label()),
            severity: d.severity.label(),
            status: d.status.label(),
            harm: format!("{} ({})", d.patient_harm.label(), d.patient_harm.value()),
            detected: when(d.detected_at),
            overdue: v.overdue,
            clocks: v
                .clocks
                .iter()
                .map(|c| ClockLine {
                    label: c.clock.label(),
                    due: when(c.due),
                    state: if !c.applies {
                        "Does not apply".to_owned()
                    } else if let Some(m) = c.met_at {
                        format!("Reported {}{}", when(m), if c.late { ", late" } else { "" })
                    } else if c.overdue {
                        "Overdue".to_owned()
                    } else {
                        "Due".to_owned()
                    },
                    overdue: c.overdue,
                })
                .collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "incidents.html")]
struct IncidentsPage {
    chrome: Option<Chrome>,
    title: String,
    rows: Vec<IncidentLine>,
    can_write: bool,
}

/// `GET /incidents`.
pub(super) async fn incidents(State(s): State<AppState>, page: Signed) -> PageResult {
    let found = s
        .app
        .incidents(&page.actor, &IncidentQuery::default())
        .await
        .map_err(page.fail())?;
    let view = IncidentsPage {
        chrome: chrome_at(&page, Section::Incidents),
        title: "Incidents".into(),
        rows: found.iter().map(IncidentLine::from).collect(),
        can_write: page.may(Action::WriteIncidents),
    };
    Ok(render(StatusCode::OK, &view))
}

struct EntryLine {
    at: String,
    author: String,
    text: String,
}

/// The choices of the details form.
struct Choices {
    categories: Vec<Choice>,
    severities: Vec<Choice>,
    tlps: Vec<Choice>,
    statuses: Vec<Choice>,
    harms: Vec<Choice>,
}

impl Choices {
    fn new() -> Self {
        Self {
            categories: categories(),
            severities: severities(),
            tlps: tlps(),
            statuses: statuses(),
            harms: harms(),
        }
    }
}

#[derive(Template)]
#[template(path = "incident.html")]
struct IncidentDetailPage {
    chrome: Option<Chrome>,
    title: String,
    i: IncidentLine,
    tlp: &'static str,
    impact: String,
    resolution: String,
    times: Vec<(&'static str, String)>,
    timeline: Vec<EntryLine>,
    can_write: bool,
    saved: bool,
    /// The edit form (its fields as stored, or as typed when refused).
    form: TypedForm,
    /// The timeline entry form.
    entry: TypedForm,
    /// The status form.
    moved: TypedForm,
    /// The new-task form.
    task_form: TypedForm,
    tasks: Vec<TaskLine>,
    /// Who may own a task (empty for people who may not write).
    owners: Vec<Choice>,
    /// The link form.
    link_form: TypedForm,
    /// What the incident is linked to, as shown: (what, address, the form's value to remove it).
    links: Vec<LinkLine>,
    /// What the link form offers, per kind.
    link_kinds: Vec<LinkKind>,
    choices: Choices,
    /// The services, assets and suppliers offered on the edit form.
    picks: Picks,
    /// What the incident touched, as (what, words).
    affected: Vec<(&'static str, String)>,
}

struct TaskLine {
    id: String,
    title: String,
    owner: String,
    due: String,
    overdue: bool,
    done: Option<String>,
    /// The task's edit form: as stored, or as typed when it was refused (then shown open).
    edit: TypedForm,
}

/// A task's edit form with its stored title, owner and due day.
fn task_edit_form(t: &ward_app::incident_tasks::TaskView) -> TypedForm {
    TypedForm::from_sent(HashMap::from([
        ("title".to_owned(), t.task.title.clone()),
        ("owner".to_owned(), t.task.owner.to_string()),
        ("due_on".to_owned(), t.task.due_on.to_string()),
    ]))
}

impl IncidentDetailPage {
    fn build(
        s: &Signed,
        p: &IncidentPage,
        forms: Forms,
        owners: Vec<TaskOwner>,
        picks: Picks,
        link_choices: &IncidentLinkChoices,
    ) -> Self {
        let Forms {
            details: form,
            entry,
            moved,
            task: task_form,
            link: link_form,
            mut task_edit,
        } = forms;
        let d = &p.view.incident.details;
        let mut times = Vec::new();
        if let Some(t) = d.occurred_at {
            times.push(("Began", when(t)));
        }
        times.push(("Detected", when(d.detected_at)));
        for (label, t) in [
            ("Reported", d.reported_at),
            ("Contained", d.contained_at),
            ("Recovered", d.recovered_at),
        ] {
            if let Some(t) = t {
                times.push((label, when(t)));
            }
        }
        Self {
            chrome: chrome_at(s, Section::Incidents),
            title: d.title.clone(),
            tlp: d.tlp.as_str(),
            impact: d.impact.clone(),
            resolution: d.resolution.clone(),
            times,
            timeline: p
                .timeline
                .iter()
                .map(|t| EntryLine {
                    at: t.local.clone(),
                    author: t.author_name.clone().unwrap_or_else(|| "Someone".to_owned()),
                    text: t.entry.text.clone(),
                })
                .collect(),
            i: IncidentLine::from(&p.view),
            can_write: s.may(Action::WriteIncidents),
            saved: false,
            form: form.unwrap_or_else(|| super::incident_form::from_details(d)),
            entry,
            moved,
            task_form,
            link_form,
            links: link_lines(&p.links, link_choices),
            link_kinds: link_kinds(link_choices),
            tasks: p
                .tasks
                .iter()
                .map(|t| TaskLine {
                    edit: match task_edit.take_if(|(id, _)| *id == t.task.id) {
                        Some((_, refused)) => refused,
                        None => task_edit_form(t),
                    },
                    id: t.task.id.to_string(),
                    title: t.task.title.clone(),
                    owner: t.owner_name.clone().unwrap_or_else(|| "Someone".to_owned()),
                    due: t.task.due_on.strftime("%-d %b %Y").to_string(),
                    overdue: t.overdue,
                    done: t.task.done_at.map(when),
                })
                .collect(),
            owners: owners
                .into_iter()
                .map(|o| Choice {
                    value: o.id.to_string(),
                    label: o.display_name,
                })
                .collect(),
            choices: Choices::new(),
            picks,
            affected: affected(p),
        }
    }
}

/// What the incident touched, in words: its suppliers by name, and how many services and assets.
fn affected(p: &IncidentPage) -> Vec<(&'static str, String)> {
    let d = &p.view.incident.details;
    let mut out = Vec::new();
    if !p.suppliers.is_empty() {
        let names: Vec<String> = p
            .suppliers
            .iter()
            .map(|s| format!("{} ({})", s.name, s.code))
            .collect();
        out.push(("Suppliers implicated", names.join(", ")));
    }
    for (label, n) in [
        ("Services affected", d.services.len()),
        ("Assets affected", d.assets.len()),
    ] {
        if n > 0 {
            out.push((label, n.to_string()));
        }
    }
    out
}

/// The pickers for an incident form of `org`, for people who may write its incidents (none
/// otherwise, or when the choices cannot be listed: the form then keeps what is stored).
async fn picks_for(st: &AppState, s: &Signed, org: OrgId, stored: Option<&IncidentDetails>) -> Picks {
    if !s.may(Action::WriteIncidents) {
        return Picks::default();
    }
    match st.app.incident_choices(&s.actor, org).await {
        Ok(choices) => Picks::new(choices, stored),
        Err(_) => Picks::default(),
    }
}

pub(super) fn incident_id(s: &Signed, id: &str) -> Result<IncidentId, PageError> {
    id.parse()
        .map_err(|_| AppError::NotFound("incident".into()))
        .map_err(s.fail())
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct SavedQuery {
    saved: Option<String>,
}

/// `GET /incidents/{id}`.
pub(super) async fn incident(
    State(st): State<AppState>,
    page: Signed,
    Path(id): Path<String>,
    WebQuery(q): WebQuery<SavedQuery>,
) -> PageResult {
    let id = incident_id(&page, &id)?;
    let p = st.app.incident(&page.actor, id).await.map_err(page.fail())?;
    let owners = owners_for(&st, &page, id).await?;
    let picks = picks_for(&st, &page, p.view.incident.org, Some(&p.view.incident.details)).await;
    let link_choices = link_choices_for(&st, &page, p.view.incident.org, &p.links).await;
    let mut view = IncidentDetailPage::build(&page, &p, Forms::default(), owners, picks, &link_choices);
    view.saved = q.saved.is_some();
    Ok(render(StatusCode::OK, &view))
}

/// Put the app's problems on a refused form, or fail the page for any other error.
pub(super) fn refused(s: &Signed, form: &mut TypedForm, e: AppError) -> Result<(), PageError> {
    match e {
        AppError::Invalid(problems) => {
            problems.iter().for_each(|p| form.add_problem(p));
            Ok(())
        }
        other => Err(PageError::new(Some(&s.chrome), other)),
    }
}

pub(super) fn take_csrf(f: &mut HashMap<String, String>) -> String {
    f.remove("csrf").unwrap_or_default()
}

/// The forms of the incident page: each empty (the details form as stored) unless it was refused.
#[derive(Default)]
struct Forms {
    details: Option<TypedForm>,
    entry: TypedForm,
    moved: TypedForm,
    task: TypedForm,
    link: TypedForm,
    /// A task's edit form that was refused, as typed.
    task_edit: Option<(IncidentTaskId, TypedForm)>,
}

/// Which form of the incident page was refused.
pub(super) enum Refused {
    Details(TypedForm),
    Entry(TypedForm),
    Status(TypedForm),
    Task(TypedForm),
    Link(TypedForm),
    TaskEdit(IncidentTaskId, TypedForm),
}

/// Who may own a task of the incident, for people who may add tasks.
async fn owners_for(st: &AppState, s: &Signed, id: IncidentId) -> Result<Vec<TaskOwner>, PageError> {
    if !s.may(Action::WriteIncidents) {
        return Ok(Vec::new());
    }
    st.app.task_owners(&s.actor, id).await.map_err(s.fail())
}

/// The incident page again with a refused form as it was typed (422).
pub(super) async fn page_again(st: &AppState, s: &Signed, id: IncidentId, which: Refused) -> PageResult {
    let p = st.app.incident(&s.actor, id).await.map_err(s.fail())?;
    let mut forms = Forms::default();
    match which {
        Refused::Details(f) => forms.details = Some(f),
        Refused::Entry(f) => forms.entry = f,
        Refused::Status(f) => forms.moved = f,
        Refused::Task(f) => forms.task = f,
        Refused::Link(f) => forms.link = f,
        Refused::TaskEdit(task, f) => forms.task_edit = Some((task, f)),
    }
    let owners = owners_for(st, s, id).await?;
    let picks = picks_for(st, s, p.view.incident.org, Some(&p.view.incident.details)).await;
    let link_choices = link_choices_for(st, s, p.view.incident.org, &p.links).await;
    let view = IncidentDetailPage::build(s, &p, forms, owners, picks, &link_choices);
    Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &view))
}

pub(super) fn saved(id: IncidentId, anchor: &str) -> PageResult {
    Ok(Redirect::to(&format!("/incidents/{id}?saved=1{anchor}")).into_response())
}

/// `POST /incidents/{id}`: save the edit form.
pub(super) async fn update(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<String>,
    WebForm(mut f): WebForm<HashMap<String, String>>,
) -> PageResult {
    s.check_csrf(&st, &take_csrf(&mut f))?;
    let id = incident_id(&s, &id)?;
    let before = st.app.incident(&s.actor, id).await.map_err(s.fail())?;
    let mut form = TypedForm::from_sent(f);
    let Some(details) = details_from_form(&mut form, Some(&before.view.incident.details)) else {
        return page_again(&st, &s, id, Refused::Details(form)).await;
    };
    match st.app.update_incident(&s.actor, id, details).await {
        Ok(_) => saved(id, ""),
        Err(e) => {
            refused(&s, &mut form, e)?;
            page_again(&st, &s, id, Refused::Details(form)).await
        }
    }
}

/// `POST /incidents/{id}/status`: move the incident to a status, recording the containment or
/// recovery at the time given (now when none is).
pub(super) async fn change_status(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<String>,
    WebForm(mut f): WebForm<HashMap<String, String>>,
) -> PageResult {
    s.check_csrf(&st, &take_csrf(&mut f))?;
    let id = incident_id(&s, &id)?;
    let before = st.app.incident(&s.actor, id).await.map_err(s.fail())?;
    let mut form = TypedForm::from_sent(f);
    let status = form.value("status").parse::<IncidentStatus>().ok();
    let at = parse_typed("at", form.value("at"));
    let (status, at) = match (status, at) {
        (Some(status), Ok(at)) => (status, at.unwrap_or_else(|| st.app.now())),
        (status, at) => {
            if status.is_none() {
                form.add_problem(&ward_app::FieldProblem {
                    path: "status".into(),
                    message: "choose a status".into(),
                });
            }
            if let Err(e) = at {
                form.add_problem(&ward_app::FieldProblem {
                    path: e.field,
                    message: e.message,
                });
            }
            return page_again(&st, &s, id, Refused::Status(form)).await;
        }
    };
    let details = before.view.incident.details.clone().moved_to(status, at);
    match st.app.update_incident(&s.actor, id, details).await {
        Ok(_) => saved(id, ""),
        Err(e) => {
            refused(&s, &mut form, e)?;
            page_again(&st, &s, id, Refused::Status(form)).await
        }
    }
}

/// `POST /incidents/{id}/timeline`: add an entry.
pub(super) async fn add_entry(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<String>,
    WebForm(mut f): WebForm<HashMap<String, String>>,
) -> PageResult {
    s.check_csrf(&st, &take_csrf(&mut f))?;
    let id = incident_id(&s, &id)?;
    let mut form = TypedForm::from_sent(f);
    let Some(input) = timeline_from_form(&mut form) else {
        return page_again(&st, &s, id, Refused::Entry(form)).await;
    };
    match st.app.add_timeline_entry(&s.actor, id, input).await {
        Ok(_) => saved(id, "#timeline-h"),
        Err(e) => {
            refused(&s, &mut form, e)?;
            page_again(&st, &s, id, Refused::Entry(form)).await
        }
    }
}

/// The new-incident page.
#[derive(Template)]
#[template(path = "incident_new.html")]
struct NewIncidentPage {
    chrome: Option<Chrome>,
    title: String,
    org: String,
    form: TypedForm,
    choices: Choices,
    picks: Picks,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct NewQuery {
    org: Option<String>,
}

async fn new_page(st: &AppState, s: &Signed, org: OrgId, form: TypedForm, status: StatusCode) -> PageResult {
    let view = NewIncidentPage {
        chrome: chrome_at(s, Section::Incidents),
        title: "Report an incident".into(),
        org: org.to_string(),
        form,
        choices: Choices::new(),
        picks: picks_for(st, s, org, None).await,
    };
    Ok(render(status, &view))
}

/// `GET /incidents/new`: an empty form for the person's own organisation (or `?org=`).
pub(super) async fn new_form(
    State(st): State<AppState>,
    s: Signed,
    WebQuery(q): WebQuery<NewQuery>,
) -> PageResult {
    let org = optional::<OrgId>("org", q.org.as_deref())
        .map_err(s.fail())?
        .unwrap_or(s.actor.org);
    new_page(&st, &s, org, super::incident_form::blank(), StatusCode::OK).await
}

/// `POST /incidents/new`: report the incident.
pub(super) async fn create(
    State(st): State<AppState>,
    s: Signed,
    WebForm(mut f): WebForm<HashMap<String, String>>,
) -> PageResult {
    s.check_csrf(&st, &take_csrf(&mut f))?;
    let org = optional::<OrgId>("org", f.remove("org").as_deref())
        .map_err(s.fail())?
        .unwrap_or(s.actor.org);
    let mut form = TypedForm::from_sent(f);
    let Some(details) = details_from_form(&mut form, None) else {
        return new_page(&st, &s, org, form, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    match st
        .app
        .create_incident(&s.actor, NewIncident { org, details })
        .await
    {
        Ok(v) => saved(v.incident.id, ""),
        Err(e) => {
            refused(&s, &mut form, e)?;
            new_page(&st, &s, org, form, StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}

/// `POST /incidents/{id}/tasks`: add a task.
pub(super) async fn add_task(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<String>,
    WebForm(mut f): WebForm<HashMap<String, String>>,
) -> PageResult {
    s.check_csrf(&st, &take_csrf(&mut f))?;
    let id = incident_id(&s, &id)?;
    let mut form = TypedForm::from_sent(f);
    let Some(input) = super::incident_form::task_from_form(&mut form) else {
        return page_again(&st, &s, id, Refused::Task(form)).await;
    };
    match st.app.add_incident_task(&s.actor, id, input).await {
        Ok(_) => saved(id, "#tasks-h"),
        Err(e) => {
            refused(&s, &mut form, e)?;
            page_again(&st, &s, id, Refused::Task(form)).await
        }
    }
}

/// `POST /incidents/{id}/tasks/{task}`: mark a task done (`done=yes`) or open again, or (when the
/// form sends `title`) change its title, owner and due day, through the same use case as the API.
pub(super) async fn change_task(
    State(st): State<AppState>,
    s: Signed,
    Path((id, task)): Path<(String, String)>,
    WebForm(mut f): WebForm<HashMap<String, String>>,
) -> PageResult {
    s.check_csrf(&st, &take_csrf(&mut f))?;
    let id = incident_id(&s, &id)?;
    let task: IncidentTaskId = task
        .parse()
        .map_err(|_| AppError::NotFound("task".into()))
        .map_err(s.fail())?;
    if !f.contains_key("title") {
        let done = f.get("done").is_some_and(|d| d == "yes");
        let change = TaskChange {
            done: Some(done),
            ..TaskChange::default()
        };
        st.app
            .change_incident_task(&s.actor, id, task, change)
            .await
            .map_err(s.fail())?;
        return saved(id, "#tasks-h");
    }
    let mut form = TypedForm::from_sent(f);
    let Some(input) = super::incident_form::task_from_form(&mut form) else {
        return page_again(&st, &s, id, Refused::TaskEdit(task, form)).await;
    };
    let change = TaskChange {
        title: Some(input.title),
        owner: Some(input.owner),
        due_on: Some(input.due_on),
        done: None,
    };
    match st.app.change_incident_task(&s.actor, id, task, change).await {
        Ok(_) => saved(id, "#tasks-h"),
        Err(e) => {
            refused(&s, &mut form, e)?;
            page_again(&st, &s, id, Refused::TaskEdit(task, form)).await
        }
    }
}
