//! The controlled vocabulary a risk is described in: its source, the event and the consequence
//! (the shared source > event > consequence taxonomy of the open OISRU risk universe). Ward ships a
//! built-in vocabulary; national roles add entries, which every organisation then uses.

use serde::{Deserialize, Serialize};

use crate::ValidationError;

/// Which part of a risk's description an entry names.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::Display,
    strum::EnumIter,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum VocabularyKind {
    /// Who or what causes it (criminals, an accident inside, a compromised supplier).
    Source,
    /// What happens (ransomware, a supplier outage, an information breach).
    Event,
    /// What it leads to (a safety failure, service disruption).
    Consequence,
}

/// One entry of the vocabulary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct VocabularyEntry {
    pub kind: VocabularyKind,
    /// Stable code, lower case with hyphens (`external-criminal`): what a risk stores.
    pub code: String,
    /// How people read it.
    pub label: String,
    /// Shipped with Ward (true) or added by a national role.
    pub built_in: bool,
}

const BUILT_IN: &[(VocabularyKind, &str, &str)] = {
    use VocabularyKind::*;
    &[
        (Source, "internal-accidental", "Internal: accidental"),
        (Source, "internal-malicious", "Internal: malicious"),
        (
            Source,
            "internal-ineffective",
            "Internal: ineffective process or control",
        ),
        (Source, "external-criminal", "External: criminals"),
        (Source, "external-hacktivist", "External: hacktivists"),
        (
            Source,
            "external-compromised-supplier",
            "External: compromised supplier",
        ),
        (Source, "external-state-actor", "External: state actor"),
        (Source, "external-researcher", "External: security researcher"),
        (Event, "supplier-outage", "Supplier outage"),
        (Event, "supplier-compromise", "Supplier compromise"),
        (Event, "malware-ransomware", "Malware or ransomware"),
        (Event, "availability-interruption", "Availability interruption"),
        (Event, "social-engineering", "Social engineering"),
        (Event, "information-breach", "Information breach"),
        (Event, "intrusion", "Intrusion"),
        (
            Event,
            "critical-vulnerability-published",
            "Critical vulnerability published",
        ),
        (Consequence, "safety-failure", "Patient safety failure"),
        (Consequence, "service-disruption", "Service disruption"),
        (Consequence, "slow-recovery", "Slow recovery"),
        (Consequence, "regulatory", "Regulatory"),
        (Consequence, "financial", "Financial"),
        (Consequence, "reputational", "Reputational"),
    ]
};

/// The vocabulary Ward ships, in order.
pub fn built_in() -> Vec<VocabularyEntry> {
    BUILT_IN
        .iter()
        .map(|(kind, code, label)| VocabularyEntry {
            kind: *kind,
            code: (*code).to_owned(),
            label: (*label).to_owned(),
            built_in: true,
        })
        .collect()
}

/// Check a code as a national role types it: 2 to 60 characters of lower-case letters, digits and
/// single hyphens, starting with a letter.
pub fn check_code(field: &str, code: &str) -> Result<String, ValidationError> {
    let c = code.trim();
    let ok = (2..=60).contains(&c.len())
        && c.starts_with(|ch: char| ch.is_ascii_lowercase())
        && !c.ends_with('-')
        && !c.contains("--")
        && c.chars()
            .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-');
    if ok {
        Ok(c.to_owned())
    } else {
        Err(ValidationError::new(
            field,
            "must be 2 to 60 lower-case letters, digits and single hyphens, starting with a letter",
        ))
    }
}

/// The whole vocabulary in force: the built-in entries and those added since.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Vocabulary {
    pub entries: Vec<VocabularyEntry>,
}

impl Vocabulary {
    /// The built-in entries followed by `added` (entries whose code is built in are ignored).
    pub fn with(added: Vec<VocabularyEntry>) -> Self {
        let mut entries = built_in();
        for e in added {
            if !entries.iter().any(|b| b.kind == e.kind && b.code == e.code) {
                entries.push(e);
            }
        }
        Self { entries }
    }

    /// The entry of `kind` with `code`.
    pub fn get(&self, kind: VocabularyKind, code: &str) -> Option<&VocabularyEntry> {
        self.entries.iter().find(|e| e.kind == kind && e.code == code)
    }

    /// The entries of one kind, in order.
    pub fn of(&self, kind: VocabularyKind) -> impl Iterator<Item = &VocabularyEntry> {
        self.entries.iter().filter(move |e| e.kind == kind)
    }

    /// Check that `code` is an entry of `kind`; the error names `field` and lists the choices.
    pub fn check(&self, field: &str, kind: VocabularyKind, code: &str) -> Result<(), ValidationError> {
        if self.get(kind, code.trim()).is_some() {
            return Ok(());
        }
        let choices: Vec<&str> = self.of(kind).map(|e| e.code.as_str()).collect();
        Err(ValidationError::new(
            field,
            format!(
                "'{code}' is not a {kind} in the vocabulary (one of: {})",
                choices.join(", ")
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_codes_are_valid_and_distinct() {
        let all = built_in();
        for e in &all {
            assert_eq!(check_code("code", &e.code).as_deref(), Ok(e.code.as_str()));
        }
        let mut codes: Vec<_> = all.iter().map(|e| (e.kind, e.code.clone())).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), all.len());
        crate::text::check_serde_agrees::<VocabularyKind>().unwrap();
    }

    #[test]
    fn codes_are_checked_and_added_entries_count() {
        assert!(check_code("code", "Bad Code").is_err());
        assert!(check_code("code", "a").is_err());
        assert!(check_code("code", "ends-").is_err());
        let v = Vocabulary::with(vec![VocabularyEntry {
            kind: VocabularyKind::Event,
            code: "medical-device-tampering".into(),
            label: "Medical device tampering".into(),
            built_in: false,
        }]);
        assert!(
            v.check("event", VocabularyKind::Event, "medical-device-tampering")
                .is_ok()
        );
        let e = v
            .check("source", VocabularyKind::Source, "medical-device-tampering")
            .unwrap_err();
        assert_eq!(e.field, "source");
        assert!(e.message.contains("external-criminal"), "{}", e.message);
    }
}
