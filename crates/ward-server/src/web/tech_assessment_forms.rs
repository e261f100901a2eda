//! The forms of a technology assessment's page that add to it: a finding (the national team's)
//! and a remediation action (whoever keeps the plan). A refused one comes back on the request's
//! page with status 422, what was typed kept and each problem beside its field, the app's own
//! checks (an unknown advisory, an owner who may not own the organisation's risks, a due date
//! in the past) included.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use ward_app::AppError;
use ward_app::tech_assessments::{NewFinding, NewRemediationAction};
use ward_core::alert::Severity;
use ward_core::tech_assessment::FindingKind;

use super::sent_form::{FormFields, SentForm};
use super::tech_assessments::{Forms, detail_with, parse_id};
use super::{PageResult, Signed, WebForm};
use crate::state::AppState;

pub(crate) struct FindingFields;

impl FormFields for FindingFields {
    const FIELDS: &'static [(&'static str, &'static str)] = &[
        ("title", "Finding"),
        ("severity", "Severity"),
        ("description", "Description"),
        ("record", "Record it as"),
        ("advisory", "Advisory"),
        ("risk_owner", "Risk owner"),
    ];
}

/// The finding form as sent (empty on a fresh page).
pub(crate) type FindingForm = SentForm<FindingFields>;

pub(crate) struct ActionFields;

impl FormFields for ActionFields {
    const FIELDS: &'static [(&'static str, &'static str)] =
        &[("title", "Action"), ("owner", "Owner"), ("due", "Due")];
}

/// The remediation action form as sent (empty on a fresh page).
pub(crate) type ActionForm = SentForm<ActionFields>;

impl SentForm<ActionFields> {
    /// The action as typed, or none with each problem beside its field.
    fn read(&mut self) -> Option<NewRemediationAction> {
        let due = match self.value("due").trim() {
            "" => Err("give the due date"),
            v => v.parse().map_err(|_| "a date such as 2027-03-31"),
        };
        match due {
            Ok(due) => Some(NewRemediationAction {
                title: self.value("title").to_owned(),
                owner: self.value("owner").to_owned(),
                due,
            }),
            Err(m) => {
                self.put("due", m);
                None
            }
        }
    }
}

/// Put the app's refusal on the form, or fail the page for any other error.
fn refused<F: FormFields>(
    page: &Signed,
    form: &mut SentForm<F>,
    e: AppError,
) -> Result<(), super::PageError> {
    match e {
        AppError::Invalid(problems) => {
            for p in &problems {
                form.place(&p.path, &p.message);
            }
            Ok(())
        }
        other => Err(page.fail()(other)),
    }
}

impl SentForm<FindingFields> {
    /// The finding as typed, or none with each problem beside its field.
    fn read(&mut self) -> Option<NewFinding> {
        let severity = self.value("severity").parse::<Severity>();
        let record = self.value("record").parse::<FindingKind>();
        let risk_owner = match self.value("risk_owner").trim() {
            "" => Ok(None),
            v => v.parse().map(Some),
        };
        if severity.is_err() {
            self.put("severity", "choose a severity");
        }
        if record.is_err() {
            self.put("record", "choose an exposure or a risk");
        }
        if risk_owner.is_err() {
            self.put("risk_owner", "choose who in the organisation owns the risk");
        }
        let (Ok(severity), Ok(record), Ok(risk_owner)) = (severity, record, risk_owner) else {
            return None;
        };
        Some(NewFinding {
            title: self.value("title").to_owned(),
            severity,
            description: self.value("description").to_owned(),
            record,
            advisory: Some(self.value("advisory").trim().to_owned()).filter(|a| !a.is_empty()),
            assets: Vec::new(),
            risk_owner,
        })
    }
}

/// After a write (none when the form did not read): to the page's section when it was done, else
/// the page again (422) with the form as typed and each problem beside its field.
async fn answered<F: FormFields>(
    st: &AppState,
    page: &Signed,
    id: ward_core::TechAssessmentId,
    mut form: SentForm<F>,
    written: Option<Result<(), AppError>>,
    section: &str,
    onto: fn(SentForm<F>) -> Forms,
) -> PageResult {
    match written {
        Some(Ok(())) => {
            return Ok(Redirect::to(&format!("/technology-assessments/{id}#{section}")).into_response());
        }
        Some(Err(e)) => refused(page, &mut form, e)?,
        None => {}
    }
    detail_with(st, page, id, onto(form), StatusCode::UNPROCESSABLE_ENTITY).await
}

/// `POST /technology-assessments/{id}/findings`.
pub(super) async fn finding(
    State(st): State<AppState>,
    page: Signed,
    Path(id): Path<String>,
    WebForm(sent): WebForm<HashMap<String, String>>,
) -> PageResult {
    page.check_csrf(&st, sent.get("csrf").map_or("", String::as_str))?;
    let id = parse_id(&id).map_err(page.fail())?;
    let mut form = FindingForm::from_sent(sent);
    let written = match form.read() {
        Some(new) => Some(st.app.record_tech_finding(&page.actor, id, new).await.map(drop)),
        None => None,
    };
    let onto = |finding| Forms {
        finding,
        ..Forms::default()
    };
    answered(&st, &page, id, form, written, "findings-h", onto).await
}

/// `POST /technology-assessments/{id}/actions`.
pub(super) async fn add_action(
    State(st): State<AppState>,
    page: Signed,
    Path(id): Path<String>,
    WebForm(sent): WebForm<HashMap<String, String>>,
) -> PageResult {
    page.check_csrf(&st, sent.get("csrf").map_or("", String::as_str))?;
    let id = parse_id(&id).map_err(page.fail())?;
    let mut form = ActionForm::from_sent(sent);
    let written = match form.read() {
        Some(new) => Some(
            st.app
                .add_remediation_action(&page.actor, id, new)
                .await
                .map(drop),
        ),
        None => None,
    };
    let onto = |action| Forms {
        action,
        ..Forms::default()
    };
    answered(&st, &page, id, form, written, "plan-h", onto).await
}
