//! Assurance scoring: an outcome's status derived from indicator answers the WebCAF way, whole
//! assessments, and the crosswalk between two versions of a framework.
//!
//! The rule, per contributing outcome: any not-achieved indicator answered true gives Not achieved;
//! otherwise every achieved indicator true gives Achieved; otherwise, where the outcome has a
//! partially-achieved column and every indicator in it is true, Partially achieved; otherwise Not
//! achieved. An achieved and a not-achieved indicator both true is a contradiction, flagged.

pub mod evidence;
pub mod profile;
pub mod standing;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;
use ward_core::assurance::{Framework, Level, Outcome};

/// What the answers say about one outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Derived {
    /// The derived status.
    pub derived: Level,
    /// Why, in a sentence.
    pub reason: &'static str,
    /// An achieved and a not-achieved indicator are both answered true.
    pub contradiction: bool,
    /// Indicators of this outcome with no answer, in order.
    pub unanswered: Vec<String>,
    /// How many of its indicators are answered.
    pub answered: usize,
}

/// One outcome's status and why, from which of its indicators are true (`is_true` of an
/// indicator's position in `outcome.indicators`; false and not answered count alike): the WebCAF
/// rule, the only place it is written. Also whether the answers contradict each other (an achieved
/// and a not-achieved statement both true).
pub fn status_of(outcome: &Outcome, is_true: impl Fn(usize) -> bool) -> (Level, &'static str, bool) {
    let column = |level: Level| {
        outcome
            .indicators
            .iter()
            .enumerate()
            .filter(move |(_, i)| i.level == level)
            .map(|(k, _)| k)
    };
    let any = |level: Level| column(level).any(&is_true);
    let all = |level: Level| {
        let mut c = column(level).peekable();
        c.peek().is_some() && c.all(&is_true)
    };
    let not_achieved = any(Level::NotAchieved);
    let contradiction = not_achieved && any(Level::Achieved);
    let (derived, reason) = if not_achieved {
        (Level::NotAchieved, "a not-achieved statement is true")
    } else if all(Level::Achieved) {
        (Level::Achieved, "every achieved statement is true")
    } else if all(Level::PartiallyAchieved) {
        (
            Level::PartiallyAchieved,
            "every partially-achieved statement is true",
        )
    } else {
        (
            Level::NotAchieved,
            "not every achieved or partially-achieved statement is true",
        )
    };
    (derived, reason, contradiction)
}

/// Derive one outcome's status from answers keyed by indicator identifier (true, false; absent is
/// not answered).
pub fn derive(outcome: &Outcome, answers: &BTreeMap<String, bool>) -> Derived {
    let answer = |id: &str| answers.get(id).copied();
    let (derived, reason, contradiction) =
        status_of(outcome, |k| answer(&outcome.indicators[k].id) == Some(true));
    let unanswered: Vec<String> = outcome
        .indicators
        .iter()
        .filter(|i| answer(&i.id).is_none())
        .map(|i| i.id.clone())
        .collect();
    Derived {
        derived,
        reason,
        contradiction,
        answered: outcome.indicators.len() - unanswered.len(),
        unanswered,
    }
}

/// A whole framework assessed from one set of answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assessment {
    /// Each outcome by code.
    pub outcomes: BTreeMap<String, Derived>,
    /// Every unanswered indicator, in framework order.
    pub unanswered: Vec<String>,
    /// Outcomes whose answers contradict each other.
    pub contradictions: Vec<String>,
    /// Answers naming indicators the framework lacks.
    pub unknown: Vec<String>,
    /// How many outcomes have each status.
    pub counts: BTreeMap<Level, usize>,
}

/// Assess every outcome of `framework` from `answers`.
pub fn assess(framework: &Framework, answers: &BTreeMap<String, bool>) -> Assessment {
    let known: BTreeSet<&str> = framework.indicators().map(|(_, i)| i.id.as_str()).collect();
    let mut out = Assessment {
        outcomes: BTreeMap::new(),
        unanswered: Vec::new(),
        contradictions: Vec::new(),
        unknown: answers
            .keys()
            .filter(|k| !known.contains(k.as_str()))
            .cloned()
            .collect(),
        counts: BTreeMap::new(),
    };
    for outcome in framework.outcomes() {
        let d = derive(outcome, answers);
        out.unanswered.extend(d.unanswered.iter().cloned());
        if d.contradiction {
            out.contradictions.push(outcome.code.clone());
        }
        *out.counts.entry(d.derived).or_default() += 1;
        out.outcomes.insert(outcome.code.clone(), d);
    }
    out
}

/// How an outcome of one framework version stands in the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, strum::IntoStaticStr, strum::Display)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum Change {
    /// Same code, same title.
    Same,
    /// Same code, another title.
    Renamed,
    /// Same title under another code.
    Moved,
    /// Only in the newer version.
    New,
    /// Only in the older version.
    Removed,
}

/// One row of a crosswalk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Crossing {
    /// The outcome's code in the older version.
    pub from: Option<String>,
    /// Its code in the newer version.
    pub to: Option<String>,
    /// How it changed.
    pub change: Change,
}

fn normal(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// Map the outcomes of `from` onto those of `to`: a title found under another code is a move
/// (CAF 3.2's A2.b Assurance is 4.0's A2.c), a code whose title changed and whose old title went
/// nowhere is a rename, the rest are new or removed. Sorted by the newer code, then the older.
pub fn crosswalk(from: &Framework, to: &Framework) -> Vec<Crossing> {
    let to_by_title: HashMap<String, &str> = to
        .outcomes()
        .map(|o| (normal(&o.title), o.code.as_str()))
        .collect();
    let from_by_title: HashMap<String, &str> = from
        .outcomes()
        .map(|o| (normal(&o.title), o.code.as_str()))
        .collect();
    let mut rows = Vec::new();
    let mut taken: BTreeSet<&str> = BTreeSet::new();
    for o in from.outcomes() {
        let title = normal(&o.title);
        let row = match (to.outcome(&o.code), to_by_title.get(&title)) {
            (Some(t), _) if normal(&t.title) == title => Some((t.code.as_str(), Change::Same)),
            (_, Some(&code)) => Some((code, Change::Moved)),
            // The code stays with another title, and no older outcome carries that title away.
            (Some(t), None) if !from_by_title.contains_key(&normal(&t.title)) => {
                Some((t.code.as_str(), Change::Renamed))
            }
            _ => None,
        };
        match row {
            Some((code, change)) if taken.insert(code) => rows.push(Crossing {
                from: Some(o.code.clone()),
                to: Some(code.to_owned()),
                change,
            }),
            _ => rows.push(Crossing {
                from: Some(o.code.clone()),
                to: None,
                change: Change::Removed,
            }),
        }
    }
    for o in to.outcomes() {
        if !taken.contains(o.code.as_str()) {
            rows.push(Crossing {
                from: None,
                to: Some(o.code.clone()),
                change: Change::New,
            });
        }
    }
    rows.sort_by(|a, b| (&a.to, &a.from).cmp(&(&b.to, &b.from)));
    rows
}

/// Answers carried from an assessment against `from` into a draft against `to`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Carried {
    /// The draft's answers, keyed by the newer version's identifiers.
    pub answers: BTreeMap<String, bool>,
    /// Older answers that did not carry (their outcome was removed, or their statement's text
    /// changed), to be answered again.
    pub not_carried: Vec<String>,
}

/// Carry answers where the outcome carries (same, renamed or moved) and the statement reads the
/// same in both versions (whitespace and case aside): a changed statement is a new question.
pub fn carry(from: &Framework, to: &Framework, answers: &BTreeMap<String, bool>) -> Carried {
    let walk = crosswalk(from, to);
    let target: HashMap<&str, &str> = walk
        .iter()
        .filter_map(|c| Some((c.from.as_deref()?, c.to.as_deref()?)))
        .collect();
    let mut out = Carried {
        answers: BTreeMap::new(),
        not_carried: Vec::new(),
    };
    for (outcome, indicator) in from.indicators() {
        let Some(&value) = answers.get(&indicator.id) else {
            continue;
        };
        let text = normal(&indicator.text);
        let matched = target
            .get(outcome.code.as_str())
            .and_then(|code| to.outcome(code))
            .and_then(|o| {
                o.indicators
                    .iter()
                    .find(|i| i.level == indicator.level && normal(&i.text) == text)
            });
        match matched {
            Some(i) => {
                out.answers.insert(i.id.clone(), value);
            }
            None => out.not_carried.push(indicator.id.clone()),
        }
    }
    out
}

#[cfg(test)]
mod tests;
