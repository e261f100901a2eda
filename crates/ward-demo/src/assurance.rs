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
}
