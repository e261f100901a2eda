//! The facilitator console's timings: when, in scenario minutes, each organisation taking part
//! detected, contained and recovered (the figures the recovery metrics read). The form records
//! them through the same use case as `PUT /api/v1/exercises/{id}/timings`; a refused form comes
//! back as typed with each problem beside its field.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use ward_app::AppError;
use ward_app::exercises::ExercisePage;
use ward_app::recovery::duration_label;
use ward_core::recovery::ExerciseTimings;
use ward_core::{ExerciseId, OrgId};

use super::sent_form::{FormFields, SentForm};
use super::{PageError, PageResult, Signed, WebForm};
use crate::state::AppState;

/// The fields of the timings form, each with the words a person reads for it.
#[derive(Debug, Clone)]
pub(super) struct TimingFields;

impl FormFields for TimingFields {
    const FIELDS: &'static [(&'static str, &'static str)] = &[
        ("org", "Organisation"),
        ("detected_minutes", "Detected at minute"),
        ("contained_minutes", "Contained at minute"),
        ("recovered_minutes", "Recovered at minute"),
    ];
}

/// The timings form as typed (empty when nothing was sent), and each problem by field.
pub(super) type TimingsForm = SentForm<TimingFields>;

impl TimingsForm {
    /// A minute of the scenario: a whole number, optional unless `required`.
    fn minute(&mut self, field: &str, required: bool) -> Result<Option<u32>, ()> {
        let typed = self.value(field).trim().to_owned();
        if typed.is_empty() {
            if required {
                self.put(field, "give the minute of the scenario, a whole number");
                return Err(());
            }
            return Ok(None);
        }
        typed.parse().map(Some).map_err(|_| {
            self.put(
                field,
                &format!("'{typed}' is not a whole number of minutes from the start of the scenario"),
            );
        })
    }

    /// What the form asks to record, or `None` with the problems put beside their fields.
    fn timings(&mut self) -> Option<ExerciseTimings> {
        let org = self.value("org").trim().parse::<OrgId>().ok();
        if org.is_none() {
            self.put("org", "choose an organisation taking part");
        }
        let detected = self.minute("detected_minutes", true);
        let contained = self.minute("contained_minutes", false);
        let recovered = self.minute("recovered_minutes", false);
        Some(ExerciseTimings {
            org: org?,
            detected_minutes: detected.ok()??,
            contained_minutes: contained.ok()?,
            recovered_minutes: recovered.ok()?,
        })
    }
}

/// One organisation's recorded times.
pub(super) struct TimingLine {
    pub(super) org: String,
    pub(super) detected: String,
    pub(super) contained: String,
    pub(super) recovered: String,
}

/// The timings part of the exercise page.
pub(super) struct TimingsSection {
    pub(super) lines: Vec<TimingLine>,
    pub(super) form: TimingsForm,
}

/// The times recorded for the exercise's organisations the person reads (none for a person who
/// sees the exercise only as a participant), and the form as given.
pub(super) async fn section(
    st: &AppState,
    s: &Signed,
    p: &ExercisePage,
    form: TimingsForm,
) -> Result<TimingsSection, PageError> {
    let recorded = match st.app.exercise_timings(&s.actor, p.view.exercise.id).await {
        Ok(recorded) => recorded,
        // A participant reads the exercise but not through a footprint: no times for them.
        Err(AppError::Forbidden(_) | AppError::NotFound(_)) => Vec::new(),
        Err(e) => return Err(s.fail()(e)),
    };
    let minute = |m: Option<u32>| m.map_or_else(|| "Not yet".to_owned(), |m| format!("minute {m}"));
    let lines = recorded
        .iter()
        .map(|r| {
            let t = &r.timings;
            let since = |m: Option<u32>| {
                m.map(|m| {
                    format!(
                        " ({} after detection)",
                        duration_label(u64::from(m.saturating_sub(t.detected_minutes)))
                    )
                })
                .unwrap_or_default()
            };
            TimingLine {
                org: p
                    .view
                    .orgs
                    .iter()
                    .find(|o| o.id == t.org)
                    .map_or_else(|| t.org.to_string(), |o| format!("{} ({})", o.name, o.code)),
                detected: minute(Some(t.detected_minutes)),
                contained: format!("{}{}", minute(t.contained_minutes), since(t.contained_minutes)),
                recovered: format!("{}{}", minute(t.recovered_minutes), since(t.recovered_minutes)),
            }
        })
        .collect();
    Ok(TimingsSection { lines, form })
}

/// `POST /exercises/{id}/timings`: record (or replace) one organisation's times.
pub(super) async fn record(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<String>,
    WebForm(f): WebForm<HashMap<String, String>>,
) -> PageResult {
    s.check_csrf(&st, f.get("csrf").map_or("", String::as_str))?;
    let id: ExerciseId = id.parse().map_err(|_| PageError::not_found(&s.chrome))?;
    let mut form = TimingsForm::from_sent(f);
    let Some(timings) = form.timings() else {
        return super::exercises::detail(&st, &s, id, form, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    match st.app.record_exercise_timings(&s.actor, id, timings).await {
        Ok(_) => Ok(Redirect::to(&format!("/exercises/{id}#timings")).into_response()),
        Err(AppError::Invalid(problems)) => {
            for p in &problems {
                form.put(&p.path, &p.message);
            }
            super::exercises::detail(&st, &s, id, form, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(s.fail()(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(values: &[(&str, &str)]) -> TimingsForm {
        TimingsForm::from_sent(
            values
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn the_form_names_each_field_it_cannot_read() {
        let mut f = form(&[
            ("org", "nope"),
            ("detected_minutes", ""),
            ("contained_minutes", "ten"),
        ]);
        assert!(f.timings().is_none());
        assert!(f.error("org").is_some());
        assert!(f.error("detected_minutes").is_some());
        assert!(f.error("contained_minutes").unwrap().contains("'ten'"));
        assert!(f.error("recovered_minutes").is_none());
        assert_eq!(f.all_errors().len(), 3);
        assert!(f.all_errors()[0].starts_with("Contained at minute: "));
    }

    #[test]
    fn empty_later_times_are_not_yet_recorded() {
        let org = OrgId::from_uuid(uuid::Uuid::from_u128(7));
        let mut f = form(&[("org", &org.to_string()), ("detected_minutes", " 30 ")]);
        let t = f.timings().unwrap();
        assert_eq!((t.org, t.detected_minutes), (org, 30));
        assert_eq!((t.contained_minutes, t.recovered_minutes), (None, None));
    }
}
