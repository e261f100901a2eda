//! Profiles (minimum standards): what changed between two versions, and where an organisation's
//! outcome statuses fall short of one.

use std::collections::BTreeMap;

use serde::Serialize;
use ward_core::assurance::{Level, Profile};

/// How one outcome's target changed from one profile version to the next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TargetChange {
    pub outcome: String,
    /// The earlier target (none: the outcome had no target).
    pub before: Option<Level>,
    /// The new target (none: the target was dropped).
    pub after: Option<Level>,
}

impl TargetChange {
    /// Whether the change asks more of organisations.
    pub fn raises(&self) -> bool {
        match (self.before, self.after) {
            (None, Some(_)) => true,
            (Some(b), Some(a)) => a > b,
            _ => false,
        }
    }
}

/// Every outcome whose target differs between `before` (none for a first version) and `after`,
/// by outcome code.
pub fn diff(before: Option<&Profile>, after: &Profile) -> Vec<TargetChange> {
    let empty = BTreeMap::new();
    let old = before.map_or(&empty, |p| &p.targets);
    let mut codes: Vec<&String> = old.keys().chain(after.targets.keys()).collect();
    codes.sort();
    codes.dedup();
    codes
        .into_iter()
        .filter_map(|code| {
            let (b, a) = (old.get(code).copied(), after.targets.get(code).copied());
            (b != a).then(|| TargetChange {
                outcome: code.clone(),
                before: b,
                after: a,
            })
        })
        .collect()
}

/// An outcome below its target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Shortfall {
    pub outcome: String,
    pub target: Level,
    /// The status reached; none when the assessment has no status for the outcome.
    pub reached: Option<Level>,
}

/// The outcomes of `statuses` (effective status by outcome code) below `profile`'s targets, by
/// outcome code; empty when the standard is met.
pub fn shortfalls(profile: &Profile, statuses: &BTreeMap<String, Level>) -> Vec<Shortfall> {
    profile
        .targets
        .iter()
        .filter_map(|(code, &target)| {
            let reached = statuses.get(code).copied();
            (reached.is_none_or(|r| r < target)).then(|| Shortfall {
                outcome: code.clone(),
                target,
                reached,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ward_core::assurance::ProfileCategory;

    fn profile(version: u32, targets: &[(&str, Level)]) -> Profile {
        Profile {
            framework: "ncsc-caf".into(),
            framework_version: "4.0".into(),
            category: ProfileCategory::GpPractices,
            version,
            effective_from: jiff::civil::date(2026, 4, 1),
            targets: targets.iter().map(|(c, l)| ((*c).to_owned(), *l)).collect(),
        }
    }

    #[test]
    fn diff_names_raised_lowered_added_and_dropped_targets() {
        use Level::*;
        let v1 = profile(
            1,
            &[
                ("A1.a", PartiallyAchieved),
                ("A1.b", Achieved),
                ("B4.d", PartiallyAchieved),
            ],
        );
        let v2 = profile(
            2,
            &[
                ("A1.a", Achieved),
                ("A1.b", PartiallyAchieved),
                ("C1.a", NotAchieved),
            ],
        );
        let d = diff(Some(&v1), &v2);
        let rows: Vec<(&str, Option<Level>, Option<Level>, bool)> = d
            .iter()
            .map(|c| (c.outcome.as_str(), c.before, c.after, c.raises()))
            .collect();
        assert_eq!(
            rows,
            [
                ("A1.a", Some(PartiallyAchieved), Some(Achieved), true),
                ("A1.b", Some(Achieved), Some(PartiallyAchieved), false),
                ("B4.d", Some(PartiallyAchieved), None, false),
                ("C1.a", None, Some(NotAchieved), true),
            ]
        );
        assert_eq!(diff(None, &v1).len(), 3, "a first version adds every target");
        assert!(diff(Some(&v1), &v1).is_empty());
    }

    #[test]
    fn shortfalls_list_outcomes_below_or_missing() {
        use Level::*;
        let p = profile(
            1,
            &[
                ("A1.a", PartiallyAchieved),
                ("A1.b", Achieved),
                ("A2.a", NotAchieved),
            ],
        );
        let statuses: BTreeMap<String, Level> = [
            ("A1.a".to_owned(), Achieved),
            ("A1.b".to_owned(), PartiallyAchieved),
        ]
        .into();
        let s = shortfalls(&p, &statuses);
        let rows: Vec<(&str, Level, Option<Level>)> = s
            .iter()
            .map(|x| (x.outcome.as_str(), x.target, x.reached))
            .collect();
        assert_eq!(
            rows,
            [
                ("A1.b", Achieved, Some(PartiallyAchieved)),
                ("A2.a", NotAchieved, None)
            ]
        );
    }
}
