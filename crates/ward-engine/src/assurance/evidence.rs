//! Continuous evidence: what Ward's own facts suggest about CAF outcomes, beside what an
//! assessment claims. Every suggestion lists the facts it rests on.
//!
//! The rules (each a plain reading of the outcome's indicators against what Ward holds):
//!
//! * **A3.a Asset management**, from inventory coverage (the share of the organisation's assets
//!   with software recorded) and unsupported software installed: Achieved at 90 % coverage or more
//!   with no unsupported software; Partially achieved at 50 % or more (unsupported software caps it
//!   here); otherwise, or with no assets recorded, Not achieved.
//! * **B4.d Vulnerability management**, from open exposures to known-exploited (KEV)
//!   vulnerabilities: none open is Achieved; open ones all listed within the last 21 days (the
//!   usual KEV remediation window) is Partially achieved; an older one still open is Not achieved.
//! * **D1.c Testing and exercising**, from exercises completed in the last 12 months: at least one
//!   is Achieved, none is Not achieved.
//! * **B6.b Cyber security training**, from the imported training record (each person against
//!   each course their role requires): at least 95 % current (the Data Security and Protection
//!   Toolkit's expectation for staff training) is Achieved, at least 75 % Partially achieved,
//!   less Not achieved; no record imported, no suggestion.
//! * **A4.a Supply chain**, from the supplier register: of the suppliers the organisation depends
//!   on, those assured (supply-chain charter attested and a current Cyber Essentials Plus or ISO
//!   27001 certificate). All assured is Achieved, at least half Partially achieved, fewer Not
//!   achieved; depending on no supplier Ward knows of, no suggestion.
//!
//! A claim better than the facts suggest is the disagreement that matters; organisations are
//! ranked by how many steps (Not achieved to Partially achieved is one, to Achieved two) their
//! claims stand above the facts, then by steps below, then by their key.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Serialize;
use ward_core::assurance::Level;
use ward_core::assurance::evidence::Agreement;

/// Coverage (per cent) from which inventory suggests A3.a Achieved.
pub const A3A_ACHIEVED_COVERAGE: u64 = 90;
/// Coverage (per cent) from which inventory suggests A3.a Partially achieved.
pub const A3A_PARTIAL_COVERAGE: u64 = 50;
/// Days a KEV listing may stay open while B4.d is still Partially achieved.
pub const KEV_WINDOW_DAYS: i64 = 21;
/// Share (per cent) of required training current from which B6.b is Achieved.
pub const B6B_ACHIEVED_CURRENT: u64 = 95;
/// Share (per cent) of required training current from which B6.b is Partially achieved.
pub const B6B_PARTIAL_CURRENT: u64 = 75;

/// The suppliers an organisation depends on, from the supplier register.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SupplyFacts {
    pub suppliers: u64,
    /// Of those, with the charter attested and a current Cyber Essentials Plus or ISO 27001
    /// certificate.
    pub assured: u64,
}

/// Required training, person by course, from the organisation's imported record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct TrainingFacts {
    /// Person-and-course pairs the roles require.
    pub required: u64,
    /// Of those, completed within the last twelve months.
    pub current: u64,
}

/// What Ward holds about one organisation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OrgFacts {
    /// Assets recorded.
    pub assets: u64,
    /// Of those, assets with at least one piece of software recorded.
    pub assets_with_software: u64,
    /// Unsupported (end-of-life) software installations.
    pub unsupported: u64,
    /// Open (still to act on) exposures to known-exploited vulnerabilities, asset by advisory.
    pub open_kev: u64,
    /// When the oldest of those was added to the KEV catalogue.
    pub oldest_kev_listed: Option<Date>,
    /// Exercises completed in the last 12 months; none when Ward cannot tell.
    pub exercises_last_year: Option<u64>,
    /// Required training and how much of it is current; none when no record was imported.
    pub training: Option<TrainingFacts>,
    /// The suppliers depended on and how many are assured; none when Ward cannot tell.
    pub supply: Option<SupplyFacts>,
}

/// One outcome: the claim, the suggestion and the facts behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suggestion {
    pub outcome: &'static str,
    /// The assessment's status for the outcome (the override where there is one).
    pub claimed: Option<Level>,
    /// What the facts suggest; none when Ward holds no facts for it.
    pub suggested: Option<Level>,
    /// The facts, in words.
    pub facts: Vec<String>,
    pub agreement: Agreement,
    /// How many steps apart claim and suggestion are (0 when they agree or one is missing).
    pub steps: u8,
}

/// The outcomes Ward offers evidence for, in framework order.
pub const OUTCOMES: [&str; 5] = ["A3.a", "A4.a", "B4.d", "B6.b", "D1.c"];

fn rank(l: Level) -> i8 {
    match l {
        Level::NotAchieved => 0,
        Level::PartiallyAchieved => 1,
        Level::Achieved => 2,
    }
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn asset_management(f: &OrgFacts) -> (Option<Level>, Vec<String>) {
    let coverage = (f.assets > 0).then(|| f.assets_with_software * 100 / f.assets);
    let facts = vec![
        format!(
            "{} recorded, {} with software recorded{}",
            plural(f.assets, "asset", "assets"),
            f.assets_with_software,
            coverage.map(|c| format!(" ({c} %)")).unwrap_or_default()
        ),
        plural(
            f.unsupported,
            "installation of unsupported software",
            "installations of unsupported software",
        ),
    ];
    let level = match coverage {
        Some(c) if c >= A3A_ACHIEVED_COVERAGE && f.unsupported == 0 => Level::Achieved,
        Some(c) if c >= A3A_PARTIAL_COVERAGE => Level::PartiallyAchieved,
        _ => Level::NotAchieved,
    };
    (Some(level), facts)
}

fn vulnerability_management(f: &OrgFacts, today: Date) -> (Option<Level>, Vec<String>) {
    let age = f
        .oldest_kev_listed
        .and_then(|d| d.until(today).ok())
        .map(|span| i64::from(span.get_days()));
    let mut facts = vec![format!(
        "{} open",
        plural(
            f.open_kev,
            "exposure to a known-exploited vulnerability",
            "exposures to known-exploited vulnerabilities"
        )
    )];
    if let (Some(d), Some(days)) = (f.oldest_kev_listed, age) {
        facts.push(format!(
            "the oldest was listed as known-exploited on {d} ({})",
            plural(days.max(0).unsigned_abs(), "day ago", "days ago")
        ));
    }
    let level = match (f.open_kev, age) {
        (0, _) => Level::Achieved,
        (_, Some(days)) if days <= KEV_WINDOW_DAYS => Level::PartiallyAchieved,
        _ => Level::NotAchieved,
    };
    (Some(level), facts)
}

fn exercising(f: &OrgFacts) -> (Option<Level>, Vec<String>) {
    match f.exercises_last_year {
        None => (None, vec!["exercises are not visible to you".to_owned()]),
        Some(n) => (
            Some(if n > 0 {
                Level::Achieved
            } else {
                Level::NotAchieved
            }),
            vec![format!(
                "{} completed in the last 12 months",
                plural(n, "exercise", "exercises")
            )],
        ),
    }
}

fn supply_chain(f: &OrgFacts) -> (Option<Level>, Vec<String>) {
    match f.supply {
        None => (None, vec!["no facts held yet".to_owned()]),
        Some(SupplyFacts { suppliers: 0, .. }) => {
            (None, vec!["depends on no supplier in the register".to_owned()])
        }
        Some(s) => {
            let level = if s.assured >= s.suppliers {
                Level::Achieved
            } else if s.assured * 2 >= s.suppliers {
                Level::PartiallyAchieved
            } else {
                Level::NotAchieved
            };
            (
                Some(level),
                vec![format!(
                    "{} depended on, {} with the supply-chain charter attested and a current Cyber \
                     Essentials Plus or ISO 27001 certificate",
                    plural(s.suppliers, "supplier", "suppliers"),
                    s.assured
                )],
            )
        }
    }
}

fn training(f: &OrgFacts) -> (Option<Level>, Vec<String>) {
    match f.training {
        None | Some(TrainingFacts { required: 0, .. }) => {
            (None, vec!["no training record imported".to_owned()])
        }
        Some(t) => {
            let share = t.current * 100 / t.required;
            let level = if share >= B6B_ACHIEVED_CURRENT {
                Level::Achieved
            } else if share >= B6B_PARTIAL_CURRENT {
                Level::PartiallyAchieved
            } else {
                Level::NotAchieved
            };
            (
                Some(level),
                vec![format!(
                    "{} of {} required trainings (each person, each course their role needs) \
                     completed in the last 12 months ({share} %)",
                    t.current, t.required
                )],
            )
        }
    }
}

/// What the facts suggest for each outcome of [`OUTCOMES`], beside `claims` (status by outcome
/// code), as of `today`.
pub fn suggest(facts: &OrgFacts, claims: &BTreeMap<String, Level>, today: Date) -> Vec<Suggestion> {
    OUTCOMES
        .iter()
        .map(|&outcome| {
            let (suggested, facts) = match outcome {
                "A3.a" => asset_management(facts),
                "B4.d" => vulnerability_management(facts, today),
                "D1.c" => exercising(facts),
                "B6.b" => training(facts),
                "A4.a" => supply_chain(facts),
                _ => (None, vec!["no facts held yet".to_owned()]),
            };
            let claimed = claims.get(outcome).copied();
            let (agreement, steps) = match (claimed, suggested) {
                (None, _) => (Agreement::NoClaim, 0),
                (Some(_), None) => (Agreement::NoFacts, 0),
                (Some(c), Some(s)) => {
                    let gap = rank(c) - rank(s);
                    let agreement = match gap {
                        0 => Agreement::Agrees,
                        g if g > 0 => Agreement::ClaimAboveFacts,
                        _ => Agreement::ClaimBelowFacts,
                    };
                    (agreement, gap.unsigned_abs())
                }
            };
            Suggestion {
                outcome,
                claimed,
                suggested,
                facts,
                agreement,
                steps,
            }
        })
        .collect()
}

/// How far one organisation's claims stand from the facts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Disagreement {
    /// Steps by which claims stand above the facts, summed over outcomes.
    pub above: u32,
    /// Steps by which claims stand below the facts.
    pub below: u32,
    /// The outcomes that disagree, in framework order.
    pub outcomes: Vec<&'static str>,
}

/// Sum the disagreement of one organisation's suggestions.
pub fn disagreement(suggestions: &[Suggestion]) -> Disagreement {
    let mut d = Disagreement::default();
    for s in suggestions {
        match s.agreement {
            Agreement::ClaimAboveFacts => d.above += u32::from(s.steps),
            Agreement::ClaimBelowFacts => d.below += u32::from(s.steps),
            _ => continue,
        }
        d.outcomes.push(s.outcome);
    }
    d
}

/// The organisations whose claims and facts disagree, most first: by steps above the facts, then
/// steps below, then key. Those that agree throughout are left out.
pub fn rank_disagreement<K: Ord>(
    orgs: impl IntoIterator<Item = (K, Vec<Suggestion>)>,
) -> Vec<(K, Disagreement)> {
    let mut out: Vec<(K, Disagreement)> = orgs
        .into_iter()
        .map(|(k, s)| (k, disagreement(&s)))
        .filter(|(_, d)| !d.outcomes.is_empty())
        .collect();
    out.sort_by(|(ka, a), (kb, b)| b.above.cmp(&a.above).then(b.below.cmp(&a.below)).then(ka.cmp(kb)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use Level::*;

    fn today() -> Date {
        jiff::civil::date(2026, 12, 7)
    }

    fn claims(c: &[(&str, Level)]) -> BTreeMap<String, Level> {
        c.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect()
    }

    fn find<'a>(s: &'a [Suggestion], outcome: &str) -> &'a Suggestion {
        s.iter().find(|x| x.outcome == outcome).unwrap()
    }

    fn facts(assets: u64, with: u64, unsupported: u64) -> OrgFacts {
        OrgFacts {
            assets,
            assets_with_software: with,
            unsupported,
            ..OrgFacts::default()
        }
    }

    #[test]
    fn asset_management_follows_coverage_and_unsupported_software() {
        let at = |f: OrgFacts| find(&suggest(&f, &BTreeMap::new(), today()), "A3.a").suggested;
        assert_eq!(at(facts(0, 0, 0)), Some(NotAchieved), "no assets recorded");
        assert_eq!(at(facts(10, 9, 0)), Some(Achieved));
        assert_eq!(
            at(facts(10, 9, 1)),
            Some(PartiallyAchieved),
            "unsupported software caps it"
        );
        assert_eq!(at(facts(10, 5, 0)), Some(PartiallyAchieved));
        assert_eq!(at(facts(10, 4, 0)), Some(NotAchieved));
        let s = suggest(&facts(10, 9, 1), &BTreeMap::new(), today());
        assert_eq!(
            find(&s, "A3.a").facts,
            [
                "10 assets recorded, 9 with software recorded (90 %)",
                "1 installation of unsupported software"
            ]
        );
    }

    #[test]
    fn vulnerability_management_follows_open_kev_exposures_and_their_age() {
        let with = |open: u64, listed: Option<Date>| OrgFacts {
            open_kev: open,
            oldest_kev_listed: listed,
            ..OrgFacts::default()
        };
        let at = |f: OrgFacts| find(&suggest(&f, &BTreeMap::new(), today()), "B4.d").clone();
        assert_eq!(at(with(0, None)).suggested, Some(Achieved));
        let recent = at(with(2, Some(jiff::civil::date(2026, 11, 20))));
        assert_eq!(
            recent.suggested,
            Some(PartiallyAchieved),
            "17 days: inside the window"
        );
        assert_eq!(
            recent.facts[1],
            "the oldest was listed as known-exploited on 2026-11-20 (17 days ago)"
        );
        let old = at(with(1, Some(jiff::civil::date(2026, 11, 15))));
        assert_eq!(old.suggested, Some(NotAchieved), "22 days: past the window");
    }

    #[test]
    fn exercising_needs_one_exercise_in_twelve_months_and_unknown_is_no_facts() {
        let with = |n: Option<u64>| OrgFacts {
            exercises_last_year: n,
            ..OrgFacts::default()
        };
        let c = claims(&[("D1.c", Achieved)]);
        let at = |f: OrgFacts| find(&suggest(&f, &c, today()), "D1.c").clone();
        assert_eq!(at(with(Some(1))).agreement, Agreement::Agrees);
        let none = at(with(Some(0)));
        assert_eq!(
            (none.suggested, none.agreement, none.steps),
            (Some(NotAchieved), Agreement::ClaimAboveFacts, 2)
        );
        assert_eq!(at(with(None)).agreement, Agreement::NoFacts);
    }

    #[test]
    fn supply_chain_is_achieved_when_every_supplier_is_assured_and_partial_from_half() {
        let with = |suppliers, assured| OrgFacts {
            supply: Some(SupplyFacts { suppliers, assured }),
            ..OrgFacts::default()
        };
        let c = claims(&[("A4.a", Achieved)]);
        let at = |f: OrgFacts| find(&suggest(&f, &c, today()), "A4.a").clone();
        assert_eq!(at(with(3, 3)).suggested, Some(Achieved));
        assert_eq!(at(with(4, 2)).suggested, Some(PartiallyAchieved));
        let low = at(with(3, 1));
        assert_eq!(
            (low.suggested, low.agreement),
            (Some(NotAchieved), Agreement::ClaimAboveFacts)
        );
        assert!(
            low.facts[0].starts_with("3 suppliers depended on, 1 with"),
            "{:?}",
            low.facts
        );
        let none = at(with(0, 0));
        assert_eq!((none.suggested, none.agreement), (None, Agreement::NoFacts));
        assert_eq!(none.facts, ["depends on no supplier in the register"]);
    }

    #[test]
    fn supply_chain_holds_no_facts_yet_nor_training_without_a_record() {
        let s = suggest(
            &facts(10, 10, 0),
            &claims(&[("A4.a", Achieved), ("B6.b", NotAchieved)]),
            today(),
        );
        let a4a = find(&s, "A4.a");
        assert_eq!((a4a.suggested, a4a.agreement), (None, Agreement::NoFacts));
        assert_eq!(a4a.facts, ["no facts held yet"]);
        let b6b = find(&s, "B6.b");
        assert_eq!((b6b.suggested, b6b.agreement), (None, Agreement::NoFacts));
        assert_eq!(b6b.facts, ["no training record imported"]);
        assert_eq!(s.iter().map(|x| x.outcome).collect::<Vec<_>>(), OUTCOMES);
    }

    #[test]
    fn training_is_achieved_from_95_percent_current_and_partial_from_75() {
        let with = |required, current| OrgFacts {
            training: Some(TrainingFacts { required, current }),
            ..OrgFacts::default()
        };
        let c = claims(&[("B6.b", Achieved)]);
        let at = |f: OrgFacts| find(&suggest(&f, &c, today()), "B6.b").clone();
        assert_eq!(at(with(100, 95)).suggested, Some(Achieved));
        assert_eq!(at(with(100, 94)).suggested, Some(PartiallyAchieved));
        assert_eq!(at(with(100, 75)).suggested, Some(PartiallyAchieved));
        let low = at(with(100, 74));
        assert_eq!(
            (low.suggested, low.agreement, low.steps),
            (Some(NotAchieved), Agreement::ClaimAboveFacts, 2)
        );
        assert!(
            low.facts[0].starts_with("74 of 100 required trainings"),
            "{:?}",
            low.facts
        );
        assert_eq!(at(with(0, 0)).suggested, None, "nobody required: no suggestion");
    }

    #[test]
    fn claims_below_the_facts_are_flagged_too_and_missing_claims_are_not() {
        let s = suggest(
            &facts(10, 10, 0),
            &claims(&[("A3.a", PartiallyAchieved)]),
            today(),
        );
        let a = find(&s, "A3.a");
        assert_eq!((a.agreement, a.steps), (Agreement::ClaimBelowFacts, 1));
        assert_eq!(find(&s, "B4.d").agreement, Agreement::NoClaim);
    }

    #[test]
    fn ranking_puts_the_largest_overclaim_first_and_leaves_out_agreement() {
        let f = facts(10, 2, 3); // A3.a suggests Not achieved; B4.d suggests Achieved
        let org = |c: &[(&str, Level)]| suggest(&f, &claims(c), today());
        let ranked = rank_disagreement([
            ("agrees", org(&[("A3.a", NotAchieved), ("B4.d", Achieved)])),
            ("one-step", org(&[("A3.a", PartiallyAchieved)])),
            ("two-steps", org(&[("A3.a", Achieved)])),
            ("below", org(&[("B4.d", NotAchieved)])),
            (
                "one-step-and-below",
                org(&[("A3.a", PartiallyAchieved), ("B4.d", PartiallyAchieved)]),
            ),
        ]);
        let keys: Vec<(&str, u32, u32)> = ranked.iter().map(|(k, d)| (*k, d.above, d.below)).collect();
        assert_eq!(
            keys,
            [
                ("two-steps", 2, 0),
                ("one-step-and-below", 1, 1),
                ("one-step", 1, 0),
                ("below", 0, 2)
            ]
        );
        assert_eq!(ranked[1].1.outcomes, ["A3.a", "B4.d"]);
    }
}
