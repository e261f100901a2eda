//! The dry run over the small sector of `tests.rs`.

use super::*;
use crate::impact::simulate::{Mitigation, Scenario, SimulationError, SimulationParams};
use ward_core::simulation::{
    AttackNode, AttackTarget, Days, MutualAid, Recovery, ScenarioSpec, Share, StagedRecovery, WorkaroundShare,
};

fn params(scenario: Scenario, seed: u64, mitigations: Vec<Mitigation>) -> SimulationParams {
    SimulationParams::builtin(scenario, 200, seed, mitigations)
}

fn node(name: &str, target: AttackTarget, after: Vec<usize>, lag: f64, median: f64) -> AttackNode {
    AttackNode {
        name: name.into(),
        target,
        probability: Share::ALL,
        after,
        lag: Days::new(lag).unwrap(),
        recovery: Recovery::new(median, 0.0).unwrap(),
    }
}

fn file(spec: ScenarioSpec) -> SimulationParams {
    SimulationParams {
        scenario: spec,
        from_file: true,
        trials: 50,
        seed: 1,
        mitigations: vec![],
    }
}

#[test]
fn the_same_seed_gives_the_same_output_byte_for_byte() {
    let g = sector().graph().unwrap();
    for scenario in [Scenario::Wannacry2017, Scenario::Synnovis2024] {
        let a = g.simulate(&params(scenario, 7, vec![]), 10_000).unwrap();
        let b = g.simulate(&params(scenario, 7, vec![]), 10_000).unwrap();
        assert_eq!(
            serde_json::to_string(&a).unwrap(),
            serde_json::to_string(&b).unwrap()
        );
    }
    let a = g
        .simulate(&params(Scenario::Wannacry2017, 1, vec![]), 10_000)
        .unwrap();
    let b = g
        .simulate(&params(Scenario::Wannacry2017, 2, vec![]), 10_000)
        .unwrap();
    assert_ne!(a, b, "another seed draws other trials");
}

#[test]
fn the_output_is_the_same_on_one_thread_and_on_several() {
    // Each trial draws from its own generator (the seed and its number) and the figures are
    // tallied in trial order, so how many threads run the trials does not show in the output.
    let g = sector().graph().unwrap();
    for scenario in [Scenario::Wannacry2017, Scenario::Synnovis2024] {
        let p = params(scenario, 11, vec![Mitigation::MutualAidAgreement]);
        let on = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| serde_json::to_string(&g.simulate(&p, 10_000).unwrap()).unwrap())
        };
        let one = on(1);
        if scenario == Scenario::Wannacry2017 {
            let v: serde_json::Value = serde_json::from_str(&one).unwrap();
            let redirected = v["patients_redirected"]["median"].as_f64().unwrap_or(0.0);
            assert!(redirected > 0.0, "mutual aid is part of what is compared: {one}");
        }
        assert_eq!(one, on(4), "{scenario:?}: 1 thread against 4");
        assert_eq!(one, on(3), "{scenario:?}: 1 thread against 3");
    }
}

#[test]
fn synnovis_takes_out_the_busiest_lab_system_for_weeks_and_mitigations_help() {
    let g = sector().graph().unwrap();
    let base = g
        .simulate(&params(Scenario::Synnovis2024, 3, vec![]), 10_000)
        .unwrap();
    assert_eq!(base.target.as_deref(), Some("Lab system"));
    assert!((50.0..100.0).contains(&base.days_to_recover.median), "{base:?}");
    assert!(base.patient_days_lost.median > 10_000.0, "{base:?}");
    assert_eq!(
        base.organisations_affected.median, 4.0,
        "both trusts and both practices"
    );
    // Both trusts are the two most affected: their figures are the sector's (practices have
    // neither outpatients nor theatres).
    let top = base.most_affected_trusts;
    assert!(top.outpatient_appointments_postponed.median > 0.0, "{base:?}");
    assert_eq!(
        top.outpatient_appointments_postponed, base.outpatient_appointments_postponed,
        "{base:?}"
    );
    let backups = g
        .simulate(
            &params(Scenario::Synnovis2024, 3, vec![Mitigation::OfflineBackups]),
            10_000,
        )
        .unwrap();
    assert!(backups.days_to_recover.median < base.days_to_recover.median);
    assert!(backups.patient_days_lost.median < base.patient_days_lost.median);
    let second = g
        .simulate(
            &params(
                Scenario::Synnovis2024,
                3,
                vec![Mitigation::SecondPathologySupplier],
            ),
            10_000,
        )
        .unwrap();
    assert!(second.patient_days_lost.median < base.patient_days_lost.median);
    assert_eq!(second.mitigations, vec!["second-pathology-supplier"]);
}

#[test]
fn the_workaround_share_sets_what_a_degraded_service_loses() {
    // Outpatients (2,500 a day) degrade when the lab system is lost: 3 % lost under
    // synnovis-2024's shares, where half was lost before workaround shares existed.
    let g = sector().graph().unwrap();
    let base = g
        .simulate(&params(Scenario::Synnovis2024, 3, vec![]), 10_000)
        .unwrap();
    let days = base.days_to_recover.median;
    let op = base.outpatient_appointments_postponed.median;
    let expected = 2500.0 * days * 0.03;
    assert!(
        (op - expected).abs() < expected * 0.15,
        "{op} outpatient appointments against about {expected}"
    );
    let mut spec = Scenario::Synnovis2024.spec();
    spec.workarounds = vec![WorkaroundShare {
        service: "outpatients".into(),
        keeps: Share::new(0.5).unwrap(),
    }];
    let half = g
        .simulate(
            &SimulationParams {
                scenario: spec,
                ..params(Scenario::Synnovis2024, 3, vec![])
            },
            10_000,
        )
        .unwrap();
    assert!(
        half.outpatient_appointments_postponed.median > op * 10.0,
        "{half:?}"
    );
}

#[test]
fn the_recovery_curve_rises_and_the_slow_tenth_is_never_faster() {
    let g = sector().graph().unwrap();
    let r = g
        .simulate(&params(Scenario::Wannacry2017, 5, vec![]), 10_000)
        .unwrap();
    assert_eq!(r.recovery_curve.len(), 20);
    assert_eq!(r.recovery_curve.last().map(|p| p.share), Some(1.0));
    for w in r.recovery_curve.windows(2) {
        assert!(w[0].median_day <= w[1].median_day, "{:?}", r.recovery_curve);
    }
    for p in &r.recovery_curve {
        assert!(p.median_day <= p.p90_day, "{p:?}");
        assert!(p.median_day > 0.0);
    }
}

#[test]
fn a_node_after_another_falls_later_and_lags_delay_the_dependants() {
    let g = sector().graph().unwrap();
    // RAL's pathology falls on day 0 for 10 days; RJZ 5 days after it, for 10 days.
    let spec = ScenarioSpec::new(
        "chain",
        vec![
            node(
                "ral",
                AttackTarget::Service {
                    org: "RAL".into(),
                    name: "pathology".into(),
                },
                vec![],
                0.0,
                10.0,
            ),
            node("rjz", AttackTarget::Org("rjz".into()), vec![0], 5.0, 10.0),
        ],
    )
    .unwrap();
    let r = g.simulate(&file(spec.clone()), 10_000).unwrap();
    assert_eq!(r.days_to_recover.median, 15.0, "{r:?}");
    assert_eq!(r.target.as_deref(), Some("Pathology, RJZ"));
    // Services hit through a dependency lose capacity only after the scenario's lag: RAL's
    // outpatients (2,500 a day, keeping half) lose 10 days, then 7 with a 3-day lag.
    assert_eq!(r.outpatient_appointments_postponed.median, 12_500.0, "{r:?}");
    let mut lagged = spec;
    lagged.dependency_lag = Days::new(3.0).unwrap();
    let r = g.simulate(&file(lagged), 10_000).unwrap();
    assert_eq!(r.outpatient_appointments_postponed.median, 8_750.0, "{r:?}");
}

#[test]
fn counting_is_limited_to_what_the_caller_sees() {
    let g = sector().graph().unwrap();
    let p = params(Scenario::Synnovis2024, 3, vec![]);
    let all = g.simulate(&p, 10_000).unwrap();
    let mut ticks = Vec::new();
    let seen = Visibility::Orgs(vec![org_id(5)]);
    let ral = g
        .simulate_seen(&p, 10_000, &seen, &mut |n| ticks.push(n))
        .unwrap();
    assert_eq!(ral.organisations_affected.median, 1.0);
    assert!(ral.patient_days_lost.median < all.patient_days_lost.median);
    assert_eq!(
        ral.outpatient_appointments_postponed, all.outpatient_appointments_postponed,
        "RAL's own"
    );
    assert_eq!(ticks.last(), Some(&200));
    assert!(ticks.windows(2).all(|w| w[0] <= w[1]));
}

#[test]
fn names_the_sector_lacks_are_refused_with_their_path() {
    let g = sector().graph().unwrap();
    let mut spec = ScenarioSpec::new(
        "bad",
        vec![
            node("a", AttackTarget::Org("RJZ".into()), vec![], 0.0, 3.0),
            node("b", AttackTarget::Org("ZZZ99".into()), vec![], 0.0, 3.0),
            node(
                "c",
                AttackTarget::Service {
                    org: "RJZ".into(),
                    name: "Dialysis".into(),
                },
                vec![],
                0.0,
                3.0,
            ),
            node("d", AttackTarget::Supplier("Nobody Ltd".into()), vec![], 0.0, 3.0),
        ],
    )
    .unwrap();
    spec.workarounds = vec![WorkaroundShare {
        service: "Dialysis".into(),
        keeps: Share::ALL,
    }];
    let SimulationError::Refused(problems) = g.simulate(&file(spec), 10_000).unwrap_err() else {
        panic!("refused for its names")
    };
    let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "nodes[1].org",
            "nodes[2].service",
            "nodes[3].supplier",
            "workarounds[0].service"
        ]
    );
    assert!(problems[0].reason.contains("ZZZ99"), "{problems:?}");
    assert!(problems[1].reason.contains("Dialysis"), "{problems:?}");
}

#[test]
fn bad_runs_are_refused() {
    let g = sector().graph().unwrap();
    let mut p = params(Scenario::Wannacry2017, 1, vec![]);
    p.trials = 10_001;
    assert_eq!(
        g.simulate(&p, 10_000).unwrap_err(),
        SimulationError::TooManyTrials {
            asked: 10_001,
            max: 10_000
        }
    );
    p.trials = 0;
    assert_eq!(g.simulate(&p, 10_000).unwrap_err(), SimulationError::NoTrials);
    // No urgent care platform in the small sector.
    let e = g
        .simulate(&params(Scenario::Advanced2022, 1, vec![]), 10_000)
        .unwrap_err();
    let SimulationError::Refused(problems) = e else {
        panic!("{e:?}")
    };
    assert_eq!(problems[0].path, "nodes[0].product_category");
    assert!(problems[0].reason.contains("nhs 111"), "{problems:?}");
    assert_eq!(Scenario::parse(" WannaCry-2017"), Some(Scenario::Wannacry2017));
    assert_eq!(
        Mitigation::parse("extra-response-team"),
        Some(Mitigation::ExtraResponseTeam)
    );
    assert_eq!(Scenario::parse("notpetya"), None);
}

fn service_node(org: &str, name: &str, median: f64) -> AttackNode {
    node(
        name,
        AttackTarget::Service {
            org: org.into(),
            name: name.into(),
        },
        vec![],
        0.0,
        median,
    )
}

#[test]
fn mutual_aid_absorbs_up_to_the_spare_capacity_nearby() {
    let g = sector().graph().unwrap();
    // RAL's pathology (1,000 a day) is stopped for 10 days; so are practice A81002's referrals
    // (40 a day), and RAL's outpatients lose half of their 2,500. RJZ's pathology (1,800 a day,
    // same ICB, not hit) keeps a tenth spare: 180 a day; practice A81001's referrals (60) keep
    // 6. Nobody else runs outpatients; RA7's pathology is in another region.
    let mut spec = ScenarioSpec::new("ral", vec![service_node("RAL", "Pathology", 10.0)]).unwrap();
    let aid = |spare: f64, travel: f64| MutualAid {
        spare: Share::new(spare).unwrap(),
        travel: Share::new(travel).unwrap(),
    };
    spec.mutual_aid = MutualAid::NONE;
    let none = g.simulate(&file(spec.clone()), 10_000).unwrap();
    assert_eq!(none.patients_redirected.median, 0.0);
    assert_eq!(
        none.patient_days_lost.median,
        10_000.0 + 12_500.0 + 400.0,
        "{none:?}"
    );
    // Everyone travels: exactly the spare capacity is absorbed, 186 a day for 10 days.
    spec.mutual_aid = aid(0.1, 1.0);
    let all = g.simulate(&file(spec.clone()), 10_000).unwrap();
    assert_eq!(all.patients_redirected.median, 1_860.0, "{all:?}");
    assert_eq!(all.patient_days_lost.median, 22_900.0 - 1_860.0, "{all:?}");
    // A tenth travel: fewer want to go than there is room for (100 and 4 a day).
    spec.mutual_aid = aid(0.1, 0.1);
    let few = g.simulate(&file(spec.clone()), 10_000).unwrap();
    assert_eq!(few.patients_redirected.median, 1_040.0, "{few:?}");
    // A neighbour hit itself helps nobody: with RJZ down too, only the practice's referrals move.
    let mut both = ScenarioSpec::new(
        "both",
        vec![
            service_node("RAL", "Pathology", 10.0),
            service_node("RJZ", "Pathology", 10.0),
        ],
    )
    .unwrap();
    both.mutual_aid = aid(0.1, 1.0);
    let r = g.simulate(&file(both), 10_000).unwrap();
    assert_eq!(
        r.patients_redirected.median, 0.0,
        "A81001 depends on RJZ's pathology: {r:?}"
    );
}

#[test]
fn spare_capacity_is_a_budget_per_day_and_a_provider_down_that_day_has_none() {
    let g = sector().graph().unwrap();
    // RAL's pathology is out on days 0 to 9; RJZ's (same ICB) from day 10.5 to 15.5. Each helps
    // the other on the days it is not out itself: RJZ gives its 180 a day spare to RAL for 10
    // days; RAL gives its 100 a day to RJZ on day 10 (half a day out: 900 wanted), 11 to 14 and
    // 15 (half again). The practices' referrals follow their pathology: A81001 gives 6 a day to
    // A81002 for 10 days, A81002 gives 4 a day to A81001 on days 10 to 15.
    let mut spec = ScenarioSpec::new(
        "apart",
        vec![
            service_node("RAL", "Pathology", 10.0),
            node(
                "RJZ",
                AttackTarget::Service {
                    org: "RJZ".into(),
                    name: "Pathology".into(),
                },
                vec![],
                10.5,
                5.0,
            ),
        ],
    )
    .unwrap();
    spec.mutual_aid = MutualAid {
        spare: Share::new(0.1).unwrap(),
        travel: Share::ALL,
    };
    let r = g.simulate(&file(spec), 10_000).unwrap();
    let (ral_from_rjz, rjz_from_ral) = (180.0 * 10.0, 100.0 * 6.0);
    let (a81002_from_a81001, a81001_from_a81002) = (6.0 * 10.0, 4.0 * 6.0);
    assert_eq!(
        r.patients_redirected.median,
        ral_from_rjz + rjz_from_ral + a81002_from_a81001 + a81001_from_a81002,
        "{r:?}"
    );
}

#[test]
fn the_mutual_aid_agreement_redirects_more_and_postpones_less() {
    let g = sector().graph().unwrap();
    let base = g
        .simulate(&params(Scenario::Wannacry2017, 9, vec![]), 10_000)
        .unwrap();
    let agreed = g
        .simulate(
            &params(Scenario::Wannacry2017, 9, vec![Mitigation::MutualAidAgreement]),
            10_000,
        )
        .unwrap();
    assert!(base.patients_redirected.p90 > 0.0, "{base:?}");
    assert!(
        agreed.patients_redirected.p90 > base.patients_redirected.p90,
        "{agreed:?}"
    );
    assert!(agreed.patient_days_lost.p90 < base.patient_days_lost.p90);
    assert!(agreed.patient_days_lost.median <= base.patient_days_lost.median);
    // Synnovis 2024 is calibrated net of mutual aid: none unless agreed.
    let s = g
        .simulate(&params(Scenario::Synnovis2024, 3, vec![]), 10_000)
        .unwrap();
    assert_eq!(s.patients_redirected.median, 0.0);
}

#[test]
fn a_team_moves_on_when_its_first_loss_is_back_and_the_second_recovers_sooner() {
    let g = sector().graph().unwrap();
    // One team; RAL's pathology (3,540 a day through its dependants) needs 2 days with a team,
    // RJZ's emergency department (280 a day) 4; alone things take twice as long.
    let mut spec = ScenarioSpec::new(
        "two",
        vec![
            service_node("RJZ", "Emergency department", 4.0),
            service_node("RAL", "Pathology", 2.0),
        ],
    )
    .unwrap();
    spec.unhelped = 2.0;
    spec.mutual_aid = MutualAid::NONE;
    let with_teams = |n: u32| {
        let mut s = spec.clone();
        s.response_teams = n;
        g.simulate(&file(s), 10_000).unwrap()
    };
    // The team is at RAL until day 2, then at the ED, which has done a day's worth alone: the
    // other 3 with the team, back on day 5, not day 8 as it would be if the team stayed put.
    let one = with_teams(1);
    assert_eq!(one.days_to_recover.median, 5.0, "{one:?}");
    assert_eq!(one.team_days.median, 5.0);
    let none = with_teams(0);
    assert_eq!(none.days_to_recover.median, 8.0, "{none:?}");
    assert_eq!(none.team_days.median, 0.0);
    let two = with_teams(2);
    assert_eq!(two.days_to_recover.median, 4.0);
    assert_eq!(two.team_days.median, 6.0);
}

#[test]
fn staged_recovery_brings_part_of_the_capacity_back_early() {
    let g = sector().graph().unwrap();
    let mut spec = ScenarioSpec::new("ral", vec![service_node("RAL", "Pathology", 10.0)]).unwrap();
    spec.mutual_aid = MutualAid::NONE;
    let whole = g.simulate(&file(spec.clone()), 10_000).unwrap();
    // Half of the lost capacity is back 60 % of the way through: 20 % less is lost in all.
    spec.staged_recovery = Some(StagedRecovery {
        first_share: Share::new(0.5).unwrap(),
        first_at: Share::new(0.6).unwrap(),
    });
    let staged = g.simulate(&file(spec), 10_000).unwrap();
    assert_eq!(whole.patient_days_lost.median, 22_900.0);
    assert_eq!(staged.patient_days_lost.median, 18_320.0);
    assert_eq!(
        staged.days_to_recover, whole.days_to_recover,
        "full recovery is no sooner"
    );
}

#[test]
fn shares_outside_0_to_1_are_not_shares() {
    for bad in [-0.1, 1.5, f64::NAN, f64::INFINITY] {
        assert!(Share::new(bad).is_none(), "{bad}");
    }
    assert!(Share::new(0.1).is_some() && Share::new(0.0).is_some() && Share::new(1.0).is_some());
}
