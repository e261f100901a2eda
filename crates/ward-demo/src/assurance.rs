//! Synthetic but plausible assessments for a demo or benchmark sector: each organisation gets a
//! maturity (most are sound, some are not), each contributing outcome an intended status drawn
//! from it, and indicator answers that the WebCAF rule turns into that status; a few outcomes
//! carry an assessor's override one step up. Pure and deterministic: the same seed, framework and
//! organisation give the same answers.

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use ward_core::assurance::{Framework, Level, Outcome};

use crate::key::Key;

/// One organisation's answers to a framework: indicator identifier and value, and the overridden
/// outcomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoAnswers {
    pub answers: Vec<(String, bool)>,
    pub overrides: Vec<(String, Level)>,
}

/// Chances (in percent) of achieved and of partially achieved per outcome, by maturity.
fn chances(rng: &mut ChaCha8Rng) -> (u32, u32) {
    match rng.random_range(0..100u32) {
        0..55 => (85, 12),
        55..88 => (60, 28),
        _ => (30, 35),
    }
}

/// Answers giving `intended` under the WebCAF rule where the outcome's columns allow it: achieved
/// (every achieved and partially-achieved statement true), partially achieved (one achieved
/// statement false), not achieved (one not-achieved statement true, or else one partially-achieved
/// and one achieved statement false).
fn answer(o: &Outcome, intended: Level, rng: &mut ChaCha8Rng, out: &mut Vec<(String, bool)>) {
    let pick = |level: Level, rng: &mut ChaCha8Rng| -> Option<usize> {
        let column: Vec<usize> = (0..o.indicators.len())
            .filter(|&k| o.indicators[k].level == level)
            .collect();
        (!column.is_empty()).then(|| column[rng.random_range(0..column.len())])
    };
    let mut flip: Vec<usize> = Vec::new();
    let mut raise: Option<usize> = None;
    match intended {
        Level::Achieved => {}
        Level::PartiallyAchieved => flip.extend(pick(Level::Achieved, rng)),
        Level::NotAchieved => match pick(Level::NotAchieved, rng) {
            Some(k) => raise = Some(k),
            None => {
                flip.extend(pick(Level::Achieved, rng));
                flip.extend(pick(Level::PartiallyAchieved, rng));
            }
        },
    }
    for (k, i) in o.indicators.iter().enumerate() {
        let value = match i.level {
            Level::NotAchieved => raise == Some(k),
            _ => !flip.contains(&k),
        };
        out.push((i.id.clone(), value));
    }
}

/// The answers of the organisation with ODS code `code`.
pub fn assessment(seed: u64, framework: &Framework, code: &str) -> DemoAnswers {
    let mut rng = Key::new(seed, "assessment")
        .text(&framework.id)
        .text(&framework.version)
        .text(code)
        .rng();
    let (achieved, partially) = chances(&mut rng);
    let mut answers = Vec::new();
    let mut overrides = Vec::new();
    for o in framework.outcomes() {
        let roll = rng.random_range(0..100u32);
        let intended = if roll < achieved {
            Level::Achieved
        } else if roll < achieved + partially {
            Level::PartiallyAchieved
        } else {
            Level::NotAchieved
        };
        answer(o, intended, &mut rng, &mut answers);
        // About one outcome in fifty short of achieved is overridden one step up.
        if intended != Level::Achieved && rng.random_range(0..50u32) == 0 {
            let up = if intended == Level::NotAchieved {
                Level::PartiallyAchieved
            } else {
                Level::Achieved
            };
            overrides.push((o.code.clone(), up));
        }
    }
    DemoAnswers { answers, overrides }
}

/// One action of a demo improvement plan: what will be done, who owns it, how many days from the
/// seeding day it is due, and the outcomes below target it addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoAction {
    pub title: String,
    pub owner: String,
    pub due_in_days: i64,
    pub outcomes: Vec<String>,
}

/// A demo improvement plan: actions that together address every outcome below target, and
/// whether a regional role has approved it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoPlan {
    pub actions: Vec<DemoAction>,
    pub approved: bool,
}

/// Percent of organisations below their standard that have written an improvement plan.
const PLANNED: u32 = 45;
/// Percent of those plans a regional role has approved.
const APPROVED: u32 = 50;
/// Percent of organisations meeting their standard that hold a current Cyber Essentials Plus
/// certificate.
const CE_PLUS: u32 = 35;

/// What an action on one CAF objective's outcomes sets out to do.
fn objective_work(objective: &str) -> &'static str {
    match objective {
        "A" => "Board-approved cyber risk governance, asset register and supplier assurance",
        "B" => "Protective controls: identity and access, data security, patching and staff training",
        "C" => "Security monitoring and proactive detection of attacks",
        "D" => "Tested incident response and recovery plans, with lessons learned acted on",
        _ => "Close the remaining gaps against the minimum standard",
    }
}

const OWNERS: [&str; 5] = [
    "Chief Information Officer",
    "Head of IT Security",
    "Senior Information Risk Owner",
    "Information Governance Lead",
    "Director of Digital",
];

/// The improvement plan of the organisation `code` whose outcomes `below` (codes such as
/// `B4.d`) are below target, if it has written one: one action per CAF objective with outcomes
/// below target (so the plan addresses every one of them), some approved. Deterministic.
pub fn improvement_plan(seed: u64, code: &str, below: &[String]) -> Option<DemoPlan> {
    if below.is_empty() {
        return None;
    }
    let mut rng = Key::new(seed, "improvement-plan").text(code).rng();
    if rng.random_range(0..100u32) >= PLANNED {
        return None;
    }
    let approved = rng.random_range(0..100u32) < APPROVED;
    let mut by_objective: std::collections::BTreeMap<String, Vec<String>> = std::collections::BTreeMap::new();
    for o in below {
        let objective: String = o.chars().take(1).collect();
        by_objective.entry(objective).or_default().push(o.clone());
    }
    let actions = by_objective
        .into_iter()
        .map(|(objective, outcomes)| DemoAction {
            title: format!("{} ({})", objective_work(&objective), outcomes.join(", ")),
            owner: OWNERS[rng.random_range(0..OWNERS.len())].to_owned(),
            due_in_days: rng.random_range(60..=300),
            outcomes,
        })
        .collect();
    Some(DemoPlan { actions, approved })
}

/// When the organisation `code`, meeting its standard, was issued a current Cyber Essentials
/// Plus certificate (days before the seeding day, within the last year), if it holds one.
pub fn ce_plus_issued_days_ago(seed: u64, code: &str) -> Option<i64> {
    let mut rng = Key::new(seed, "ce-plus").text(code).rng();
    (rng.random_range(0..100u32) < CE_PLUS).then(|| rng.random_range(14..=330))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;
    use ward_core::assurance::{FrameworkFormat, Indicator, Objective, Principle};

    fn outcome(code: &str, columns: &[Level]) -> Outcome {
        Outcome {
            code: code.into(),
            title: code.into(),
            description: String::new(),
            indicators: columns
                .iter()
                .enumerate()
                .map(|(k, l)| Indicator {
                    id: format!("{code}.{k}"),
                    level: *l,
                    text: "statement".into(),
                })
                .collect(),
            profiles: BTreeMap::new(),
        }
    }

    #[test]
    fn the_answers_give_the_intended_status_under_the_webcaf_rule() {
        use Level::*;
        let shapes = [
            vec![
                NotAchieved,
                PartiallyAchieved,
                PartiallyAchieved,
                Achieved,
                Achieved,
            ],
            vec![Achieved, Achieved],
            vec![PartiallyAchieved, Achieved],
        ];
        for (n, columns) in shapes.iter().enumerate() {
            let o = outcome(&format!("A{n}.a"), columns);
            for intended in [Achieved, PartiallyAchieved, NotAchieved] {
                let mut rng = Key::new(7, "test").num(n as u64).rng();
                let mut out = Vec::new();
                answer(&o, intended, &mut rng, &mut out);
                let truth: BTreeMap<String, bool> = out.into_iter().collect();
                let got = ward_engine::assurance::derive(&o, &truth).derived;
                let possible = intended != PartiallyAchieved || columns.contains(&PartiallyAchieved);
                if possible {
                    assert_eq!(got, intended, "{columns:?}");
                } else {
                    assert_eq!(got, NotAchieved, "{columns:?}: no partially column");
                }
            }
        }
        let f = Framework {
            id: "ncsc-caf".into(),
            version: "4.0".into(),
            name: "t".into(),
            format: FrameworkFormat::Webcaf,
            objectives: vec![Objective {
                code: "A".into(),
                title: "A".into(),
                description: String::new(),
                principles: vec![Principle {
                    code: "A1".into(),
                    title: "A1".into(),
                    description: String::new(),
                    outcomes: vec![outcome("A1.a", &shapes[0])],
                }],
            }],
        };
        assert_eq!(
            assessment(1, &f, "RJZ"),
            assessment(1, &f, "RJZ"),
            "deterministic"
        );
    }

    #[test]
    fn plans_address_every_outcome_below_target_and_shares_are_realistic() {
        let below: Vec<String> = ["A1.a", "A2.b", "B4.d", "D1.c"].map(str::to_owned).to_vec();
        let (mut planned, mut approved, mut certified) = (0, 0, 0);
        for n in 0..1000 {
            let code = format!("ORG{n}");
            if let Some(p) = improvement_plan(3, &code, &below) {
                planned += 1;
                approved += usize::from(p.approved);
                let mut addressed: Vec<String> = p.actions.iter().flat_map(|a| a.outcomes.clone()).collect();
                addressed.sort();
                assert_eq!(addressed, below, "every outcome below target addressed once");
                assert_eq!(p.actions.len(), 3, "one action per objective (A, B, D)");
                assert!(p.actions.iter().all(|a| (60..=300).contains(&a.due_in_days)));
                assert_eq!(improvement_plan(3, &code, &below), Some(p), "deterministic");
            }
            if let Some(days) = ce_plus_issued_days_ago(3, &code) {
                certified += 1;
                assert!((14..=330).contains(&days), "current: issued within the year");
            }
        }
        assert!((350..550).contains(&planned), "{planned} of 1000 planned");
        assert!(
            (planned / 4..planned * 3 / 4).contains(&approved),
            "{approved} approved"
        );
        assert!((250..450).contains(&certified), "{certified} certified");
        assert_eq!(
            improvement_plan(3, "ORG1", &[]),
            None,
            "nothing below target, no plan"
        );
    }
}
