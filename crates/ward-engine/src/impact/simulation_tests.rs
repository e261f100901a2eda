//! The dry run over the small sector of `tests.rs`.

use super::*;
use crate::impact::simulate::{Mitigation, Scenario, SimulationError, SimulationParams};
use ward_core::simulation::{AttackNode, AttackTarget, Days, Recovery, ScenarioSpec, Share, WorkaroundShare};

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
