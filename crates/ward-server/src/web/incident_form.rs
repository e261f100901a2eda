//! The incident forms: the details form (report a new incident, edit one, change its status) and
//! the timeline entry form. Each keeps what was typed, so a refused form comes back as it was
//! sent, with each problem beside its field. Times are typed and shown in London wall time
//! (`ward_core::local_time`).

use std::collections::HashMap;

use strum::IntoEnumIterator;
use ward_app::FieldProblem;
use ward_core::alert::Severity;
use ward_core::incident::{IncidentDetails, IncidentStatus, NcscCategory, TimelineInput};
use ward_core::incident_task::TaskInput;
use ward_core::local_time::{form_value, home_zone, parse_typed};
use ward_core::risk::Consequence;
use ward_core::tlp::Tlp;

use super::incident_picks::{ASSET, PICKS, SERVICE, SUPPLIER, picked};
use super::sent_form::{FormFields, SentForm};

/// A choice in a select: the value sent and the words shown.
pub(crate) struct Choice {
    pub value: String,
    pub label: String,
}

/// The incident forms' fields (details, timeline, tasks, links).
#[derive(Debug, Clone)]
pub(crate) struct IncidentFields;

impl FormFields for IncidentFields {
    const FIELDS: &'static [(&'static str, &'static str)] = FIELDS;
}

/// An incident form as typed (or as stored), and each problem by field.
pub(crate) type TypedForm = SentForm<IncidentFields>;

impl TypedForm {
    /// Put a problem from the app beside its field (`details.title` and `title` alike).
    pub(super) fn add_problem(&mut self, p: &FieldProblem) {
        let key = p.path.strip_prefix("details.").unwrap_or(&p.path);
        self.place(key, &p.message);
    }
}

/// Every field of the incident forms with the words a person reads for it.
const FIELDS: &[(&str, &str)] = &[
    ("title", "Title"),
    ("category", "NCSC category"),
    ("severity", "Severity"),
    ("tlp", "TLP"),
    ("status", "Status"),
    ("impact", "Impact"),
    ("resolution", "Resolution"),
    ("patient_harm", "Patient harm"),
    ("occurred_at", "Began"),
    ("detected_at", "Detected"),
    ("reported_at", "Initial report made"),
    ("nis_reported_at", "NIS report made"),
    ("ico_reported_at", "ICO report made"),
    ("contained_at", "Contained"),
    ("recovered_at", "Recovered"),
    ("at", "When"),
    ("text", "What happened"),
    ("owner", "Owner"),
    ("due_on", "Due"),
    ("kind", "Link to"),
    ("target", "Identifier"),
    ("advisory", "Advisory"),
    ("services", "Services affected"),
    ("assets", "Assets affected"),
    ("suppliers", "Suppliers implicated"),
];

/// The time fields of the details form, in the order of the form.
pub(crate) const TIME_FIELDS: [&str; 7] = [
    "occurred_at",
    "detected_at",
    "reported_at",
    "nis_reported_at",
    "ico_reported_at",
    "contained_at",
    "recovered_at",
];

pub(crate) fn categories() -> Vec<Choice> {
    NcscCategory::iter()
        .map(|c| Choice {
            value: c.to_string(),
            label: format!("{} {}", c.number(), c.label()),
        })
        .collect()
}

pub(crate) fn severities() -> Vec<Choice> {
    Severity::iter()
        .map(|s| Choice {
            value: s.to_string(),
            label: s.label().to_owned(),
        })
        .collect()
}

pub(crate) fn tlps() -> Vec<Choice> {
    Tlp::iter()
        .map(|t| Choice {
            value: t.as_str().to_owned(),
            label: t.as_str().to_owned(),
        })
        .collect()
}

pub(crate) fn statuses() -> Vec<Choice> {
    IncidentStatus::iter()
        .map(|s| Choice {
            value: s.to_string(),
            label: s.label().to_owned(),
        })
        .collect()
}

pub(crate) fn harms() -> Vec<Choice> {
    (1..=5)
        .filter_map(|n| Consequence::new(n).ok())
        .map(|c| Choice {
            value: c.value().to_string(),
            label: format!("{} {}", c.value(), c.label()),
        })
        .collect()
}

/// The details form filled from stored details.
pub(super) fn from_details(d: &IncidentDetails) -> TypedForm {
    let mut v = HashMap::new();
    let mut put = |k: &str, x: String| {
        v.insert(k.to_owned(), x);
    };
    put("title", d.title.clone());
    put("category", d.category.to_string());
    put("severity", d.severity.to_string());
    put("tlp", d.tlp.as_str().to_owned());
    put("status", d.status.to_string());
    put("impact", d.impact.clone());
    put("resolution", d.resolution.clone());
    put("patient_harm", d.patient_harm.value().to_string());
    if d.nis_applies {
        put("nis_applies", "yes".into());
    }
    if d.ico_applies {
        put("ico_applies", "yes".into());
    }
    for (kind, ids) in [
        (
            SERVICE,
            d.services.iter().map(ToString::to_string).collect::<Vec<_>>(),
        ),
        (ASSET, d.assets.iter().map(ToString::to_string).collect()),
        (SUPPLIER, d.suppliers.iter().map(ToString::to_string).collect()),
    ] {
        for id in ids {
            put(&format!("{kind}:{id}"), "yes".into());
        }
    }
    for (k, t) in [
        ("occurred_at", d.occurred_at),
        ("detected_at", Some(d.detected_at)),
        ("reported_at", d.reported_at),
        ("nis_reported_at", d.nis_reported_at),
        ("ico_reported_at", d.ico_reported_at),
        ("contained_at", d.contained_at),
        ("recovered_at", d.recovered_at),
    ] {
        if let Some(t) = t {
            put(k, form_value(t));
        }
    }
    TypedForm::from_sent(v)
}

/// An empty details form for a new incident: open, both regulatory clocks running.
pub(super) fn blank() -> TypedForm {
    let mut f = TypedForm::default();
    for (k, v) in [
        ("status", "open"),
        ("nis_applies", "yes"),
        ("ico_applies", "yes"),
        ("tlp", "TLP:AMBER"),
        ("patient_harm", "1"),
    ] {
        f.values.insert(k.into(), v.into());
    }
    f
}

fn chosen<T>(form: &mut TypedForm, field: &str, what: &str, read: impl Fn(&str) -> Option<T>) -> Option<T> {
    let found = read(form.value(field).trim());
    if found.is_none() {
        form.put(field, &format!("choose {what}"));
    }
    found
}

/// Read the details form; problems of reading (no choice made, not a time) are put on the form
/// beside their fields. The services, assets and suppliers are those ticked when the form offered
/// them (it says so with `picks`), else kept from `keep` (the stored incident; none for a new one).
pub(super) fn details_from_form(
    form: &mut TypedForm,
    keep: Option<&IncidentDetails>,
) -> Option<IncidentDetails> {
    let category = chosen(form, "category", "an NCSC category", |s| {
        s.parse::<NcscCategory>().ok()
    });
    let severity = chosen(form, "severity", "a severity", |s| s.parse::<Severity>().ok());
    let tlp = chosen(form, "tlp", "a TLP label", |s| s.parse::<Tlp>().ok());
    let status = chosen(form, "status", "a status", |s| s.parse::<IncidentStatus>().ok());
    let patient_harm = chosen(form, "patient_harm", "a patient harm level from 1 to 5", |s| {
        s.parse::<u8>().ok().and_then(|n| Consequence::new(n).ok())
    });
    let mut times = HashMap::new();
    for field in TIME_FIELDS {
        match parse_typed(field, form.value(field)) {
            Ok(t) => {
                times.insert(field, t);
            }
            Err(e) => form.put(field, &e.message),
        }
    }
    let detected_at = times.get("detected_at").copied().flatten();
    if detected_at.is_none() && form.error("detected_at").is_none() {
        form.put("detected_at", "give the time the incident was detected");
    }
    if form.has_errors() {
        return None;
    }
    let time = |k: &str| times.get(k).copied().flatten();
    let (services, assets, suppliers) = if form.checked(PICKS) {
        (
            picked(form, SERVICE, "services")?,
            picked(form, ASSET, "assets")?,
            picked(form, SUPPLIER, "suppliers")?,
        )
    } else {
        (
            keep.map(|d| d.services.clone()).unwrap_or_default(),
            keep.map(|d| d.assets.clone()).unwrap_or_default(),
            keep.map(|d| d.suppliers.clone()).unwrap_or_default(),
        )
    };
    Some(IncidentDetails {
        title: form.value("title").to_owned(),
        category: category?,
        severity: severity?,
        tlp: tlp?,
        status: status?,
        impact: form.value("impact").to_owned(),
        resolution: form.value("resolution").to_owned(),
        patient_harm: patient_harm?,
        services,
        assets,
        suppliers,
        occurred_at: time("occurred_at"),
        detected_at: detected_at?,
        reported_at: time("reported_at"),
        nis_applies: form.checked("nis_applies"),
        ico_applies: form.checked("ico_applies"),
        nis_reported_at: time("nis_reported_at"),
        ico_reported_at: time("ico_reported_at"),
        contained_at: time("contained_at"),
        recovered_at: time("recovered_at"),
    })
}

/// Read the timeline form: a London wall time becomes a time in Europe/London (so the entry is
/// shown back in that zone); a time typed with its own offset or zone is kept as typed.
pub(super) fn timeline_from_form(form: &mut TypedForm) -> Option<TimelineInput> {
    let typed = form.value("at").trim().to_owned();
    let at = match parse_typed("at", &typed) {
        Ok(None) => {
            form.put("at", "give the time it happened");
            return None;
        }
        Err(e) => {
            form.put("at", &e.message);
            return None;
        }
        // Typed with its own offset or zone: kept as typed.
        Ok(Some(_)) if typed.parse::<jiff::Zoned>().is_ok() || typed.parse::<jiff::Timestamp>().is_ok() => {
            typed
        }
        // London wall time.
        Ok(Some(t)) => t.to_zoned(home_zone()).to_string(),
    };
    Some(TimelineInput {
        at,
        text: form.value("text").to_owned(),
    })
}

/// Read the task form (title, owner, due day).
pub(super) fn task_from_form(form: &mut TypedForm) -> Option<TaskInput> {
    let owner = chosen(form, "owner", "an owner", |s| s.parse().ok());
    let due_on = chosen(form, "due_on", "the day it is due (YYYY-MM-DD)", |s| {
        s.parse::<jiff::civil::Date>().ok()
    });
    Some(TaskInput {
        title: form.value("title").to_owned(),
        owner: owner?,
        due_on: due_on?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn details() -> IncidentDetails {
        IncidentDetails {
            title: "Pathology ransomware".into(),
            category: NcscCategory::Significant,
            severity: Severity::Critical,
            tlp: Tlp::AmberStrict,
            status: IncidentStatus::Contained,
            impact: "Blood tests diverted".into(),
            resolution: String::new(),
            patient_harm: Consequence::MAJOR,
            services: vec![],
            assets: vec![],
            suppliers: vec![],
            occurred_at: None,
            detected_at: "2026-06-03T08:00:00Z".parse().unwrap(),
            reported_at: Some("2026-06-03T20:00:00Z".parse().unwrap()),
            nis_applies: true,
            ico_applies: false,
            nis_reported_at: None,
            ico_reported_at: None,
            contained_at: Some("2026-06-04T10:30:00Z".parse().unwrap()),
            recovered_at: None,
        }
    }

    #[test]
    fn a_form_round_trips_details_in_london_time() {
        let d = details();
        let mut form = from_details(&d);
        assert_eq!(form.value("detected_at"), "2026-06-03T09:00");
        assert!(form.checked("nis_applies") && !form.checked("ico_applies"));
        assert_eq!(details_from_form(&mut form, None), Some(d));
    }

    #[test]
    fn problems_of_reading_land_beside_their_fields() {
        let mut form = from_details(&details());
        form.values.insert("detected_at".into(), String::new());
        form.values.insert("contained_at".into(), "tuesday".into());
        form.values.insert("category".into(), "7".into());
        assert_eq!(details_from_form(&mut form, None), None);
        assert!(form.error("detected_at").is_some());
        assert!(form.error("contained_at").unwrap().contains("tuesday"));
        assert!(form.error("category").is_some());
        assert_eq!(
            form.value("title"),
            "Pathology ransomware",
            "what was typed is kept"
        );
        form.add_problem(&FieldProblem {
            path: "details.title".into(),
            message: "must not be empty".into(),
        });
        assert_eq!(form.error("title"), Some("must not be empty"));
        assert!(form.all_errors().iter().any(|e| e.starts_with("Title: ")));
    }

    #[test]
    fn a_timeline_time_typed_in_london_is_kept_in_its_zone() {
        let mut form = TypedForm::default();
        form.values.insert("at".into(), "2026-06-03T09:15".into());
        form.values.insert("text".into(), "LIMS encrypted".into());
        let input = timeline_from_form(&mut form).unwrap();
        assert_eq!(input.at, "2026-06-03T09:15:00+01:00[Europe/London]");
        form.values.insert("at".into(), "2026-06-03T09:15+02:00".into());
        assert_eq!(
            timeline_from_form(&mut form).unwrap().at,
            "2026-06-03T09:15+02:00"
        );
        form.values.insert("at".into(), "2026-10-25T01:30".into());
        assert!(timeline_from_form(&mut form).is_none());
        assert!(form.error("at").is_some());
    }
}
