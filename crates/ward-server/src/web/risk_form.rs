//! The risk edit form: its fields as typed (so a refused form comes back as it was sent), the
//! problems placed beside their fields, and the reading of the fields into `RiskDetails`.

use std::collections::{BTreeMap, HashMap};

use ward_app::FieldProblem;

use super::sent_form::{FormFields, SentForm};
use ward_core::risk::register::{
    ConsequenceDomain, Control, RiskDetails, RiskLinks, RiskScore, is_outcome_code,
};
use ward_core::risk::{Consequence, Likelihood};

pub(super) const STAGES: [(&str, &str); 3] = [
    ("inherent", "Inherent"),
    ("current", "Current"),
    ("target", "Target"),
];
pub(super) const DOMAINS: [ConsequenceDomain; 6] = [
    ConsequenceDomain::PatientSafety,
    ConsequenceDomain::ServiceInterruption,
    ConsequenceDomain::Data,
    ConsequenceDomain::Statutory,
    ConsequenceDomain::Reputation,
    ConsequenceDomain::Finance,
];

/// The risk form's fields. Its problems are worded to stand alone, so the summary shows them
/// without field words.
#[derive(Debug, Clone)]
pub(crate) struct RiskFields;

impl FormFields for RiskFields {
    const FIELDS: &'static [(&'static str, &'static str)] = &[];
}

/// The edit form: what was typed (or stored), and each problem by field.
pub(crate) type RiskForm = SentForm<RiskFields>;

impl RiskForm {
    pub(crate) fn cell(&self, stage: &str, domain: &ConsequenceDomain) -> &str {
        self.value(&format!("{stage}_{domain}"))
    }
    pub(crate) fn cell_error(&self, stage: &str, domain: &ConsequenceDomain) -> Option<&str> {
        self.error(&format!("{stage}_{domain}"))
    }

    /// The form filled from stored details.
    pub(super) fn from_details(d: &RiskDetails) -> Self {
        let mut v = HashMap::new();
        let mut put = |k: &str, x: String| {
            v.insert(k.to_owned(), x);
        };
        put("title", d.title.clone());
        put("description", d.description.clone());
        put("source", d.source.clone());
        put("event", d.event.clone());
        put("consequence", d.consequence.clone());
        put("review_date", d.review_date.to_string());
        put("treatment", d.treatment.to_string());
        put("treatment_plan", d.treatment_plan.clone());
        put("owner", d.owner.to_string());
        let controls: Vec<String> = d
            .controls
            .iter()
            .map(|c| match &c.caf_outcome {
                Some(code) => format!("{code}: {}", c.description),
                None => c.description.clone(),
            })
            .collect();
        put("controls", controls.join("\n"));
        for (stage, score) in [
            ("inherent", &d.inherent),
            ("current", &d.current),
            ("target", &d.target),
        ] {
            put(
                &format!("{stage}_likelihood"),
                score.likelihood.value().to_string(),
            );
            for (domain, c) in &score.consequences {
                put(&format!("{stage}_{domain}"), c.value().to_string());
            }
        }
        Self::from_sent(v)
    }

    /// Put a problem from the app (a field path such as `current.consequences.patient_safety`)
    /// beside its form field.
    pub(super) fn add_problem(&mut self, p: &FieldProblem) {
        let key = if p.path.starts_with("controls") {
            "controls".to_owned()
        } else if let Some((stage, domain)) = p.path.split_once(".consequences.") {
            format!("{stage}_{domain}")
        } else if matches!(p.path.as_str(), "inherent" | "current" | "target") {
            format!("{}_likelihood", p.path)
        } else {
            p.path.replace('.', "_")
        };
        let on_form = FORM_FIELDS.contains(&key.as_str())
            || STAGES
                .iter()
                .any(|(st, _)| DOMAINS.iter().any(|d| key == format!("{st}_{d}")));
        if !on_form {
            self.general.push(p.message.clone());
            return;
        }
        self.put(&key, &p.message);
    }
}

const FORM_FIELDS: &[&str] = &[
    "title",
    "description",
    "source",
    "event",
    "consequence",
    "review_date",
    "treatment",
    "treatment_plan",
    "owner",
    "controls",
    "inherent_likelihood",
    "current_likelihood",
    "target_likelihood",
];

/// Read the form into details; problems of reading (not numbers, not dates) are put on the form.
pub(super) fn details_from_form(form: &mut RiskForm, links: RiskLinks) -> Option<RiskDetails> {
    let mut bad = Vec::new();
    let v = form.values.clone();
    let text = |k: &str| v.get(k).cloned().unwrap_or_default();
    let mut scores = Vec::new();
    for (stage, _) in STAGES {
        let lk = format!("{stage}_likelihood");
        let likelihood = match text(&lk)
            .trim()
            .parse::<u8>()
            .ok()
            .and_then(|n| Likelihood::new(n).ok())
        {
            Some(l) => l,
            None => {
                bad.push((lk, "choose a likelihood from 1 to 5".to_owned()));
                Likelihood::RARE
            }
        };
        let mut consequences = BTreeMap::new();
        for d in DOMAINS {
            let key = format!("{stage}_{d}");
            let raw = text(&key);
            if raw.trim().is_empty() {
                continue;
            }
            match raw
                .trim()
                .parse::<u8>()
                .ok()
                .and_then(|n| Consequence::new(n).ok())
            {
                Some(c) => {
                    consequences.insert(d, c);
                }
                None => bad.push((key, "choose a consequence from 1 to 5".to_owned())),
            }
        }
        scores.push(RiskScore {
            likelihood,
            consequences,
        });
    }
    let review_date = match text("review_date").trim().parse::<jiff::civil::Date>() {
        Ok(d) => Some(d),
        Err(_) => {
            bad.push(("review_date".into(), "enter a date as YYYY-MM-DD".into()));
            None
        }
    };
    let treatment = match text("treatment").parse() {
        Ok(t) => Some(t),
        Err(_) => {
            bad.push(("treatment".into(), "choose a treatment".into()));
            None
        }
    };
    let owner = match text("owner").parse() {
        Ok(o) => Some(o),
        Err(_) => {
            bad.push(("owner".into(), "choose an owner".into()));
            None
        }
    };
    let controls = text("controls")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|line| match line.split_once(':') {
            Some((code, rest)) if is_outcome_code(code.trim()) => Control {
                description: rest.trim().to_owned(),
                caf_outcome: Some(code.trim().to_owned()),
            },
            _ => Control {
                description: line.to_owned(),
                caf_outcome: None,
            },
        })
        .collect();
    for (k, m) in bad.iter() {
        form.errors.insert(k.clone(), m.clone());
    }
    let (review_date, treatment, owner) = (review_date?, treatment?, owner?);
    if !bad.is_empty() {
        return None;
    }
    let mut scores = scores.into_iter();
    let (Some(inherent), Some(current), Some(target)) = (scores.next(), scores.next(), scores.next()) else {
        return None;
    };
    Some(RiskDetails {
        title: text("title"),
        description: text("description"),
        source: text("source"),
        event: text("event"),
        consequence: text("consequence"),
        inherent,
        current,
        target,
        owner,
        review_date,
        treatment,
        treatment_plan: text("treatment_plan"),
        controls,
        links,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_land_beside_their_fields() {
        let mut f = RiskForm::default();
        for (path, msg) in [
            ("title", "must not be empty"),
            ("current.consequences.patient_safety", "must be scored"),
            ("controls[0].caf_outcome", "not a code"),
            ("target", "above current"),
            ("", "something general"),
        ] {
            f.add_problem(&FieldProblem {
                path: path.into(),
                message: msg.into(),
            });
        }
        assert_eq!(f.error("title"), Some("must not be empty"));
        assert_eq!(f.error("current_patient_safety"), Some("must be scored"));
        assert_eq!(f.error("controls"), Some("not a code"));
        assert_eq!(f.error("target_likelihood"), Some("above current"));
        assert_eq!(f.general, ["something general"]);
    }

    #[test]
    fn a_form_round_trips_details() {
        let d = RiskDetails {
            title: "T".into(),
            description: String::new(),
            source: "external-criminal".into(),
            event: "intrusion".into(),
            consequence: "regulatory".into(),
            inherent: RiskScore::patient_safety(Consequence::MAJOR, Likelihood::LIKELY),
            current: RiskScore::patient_safety(Consequence::MAJOR, Likelihood::POSSIBLE),
            target: RiskScore::patient_safety(Consequence::MINOR, Likelihood::RARE),
            owner: ward_core::UserId::from_uuid(uuid::Uuid::from_u128(4)),
            review_date: jiff::civil::date(2027, 1, 2),
            treatment: ward_core::risk::register::Treatment::Transfer,
            treatment_plan: "Insure".into(),
            controls: vec![
                Control {
                    description: "Backups".into(),
                    caf_outcome: Some("B5.c".into()),
                },
                Control {
                    description: "Note: no code".into(),
                    caf_outcome: None,
                },
            ],
            links: RiskLinks::default(),
        };
        let mut form = RiskForm::from_details(&d);
        assert_eq!(details_from_form(&mut form, RiskLinks::default()), Some(d));
        form.values.insert("current_likelihood".into(), "9".into());
        assert_eq!(details_from_form(&mut form, RiskLinks::default()), None);
        assert!(form.error("current_likelihood").is_some());
    }
}
