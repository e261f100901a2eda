use super::*;
use proptest::prelude::*;
use ward_core::recovery::{ExerciseTimings, RecoverySource};

fn org(n: u128) -> OrgId {
    OrgId::from_uuid(uuid::Uuid::from_u128(n))
}

fn fact(o: u128, at: &str, detect: Option<u64>, contain: Option<u64>, recover: Option<u64>) -> RecoveryFact {
    RecoveryFact {
        source: RecoverySource::Incident,
        org: org(o),
        category: Some(NcscCategory::Substantial),
        suppliers: vec![],
        at: at.parse().unwrap(),
        detect_minutes: detect,
        contain_minutes: contain,
        recover_minutes: recover,
    }
}

#[test]
fn medians_and_p90_only_where_counts_allow_and_nearest_rank() {
    let m = MeasureFigures::of(vec![10, 30, 20]);
    assert_eq!(
        (m.count, m.sum_minutes, m.median_minutes, m.p90_minutes),
        (3, 60, Some(20), None)
    );
    let m = MeasureFigures::of(vec![5, 1]);
    assert_eq!((m.count, m.median_minutes), (2, None));
    let m = MeasureFigures::of((1..=10).collect());
    assert_eq!((m.median_minutes, m.p90_minutes), (Some(5), Some(9)));
    let m = MeasureFigures::of((1..=20).rev().collect());
    assert_eq!((m.median_minutes, m.p90_minutes), (Some(10), Some(18)));
    assert_eq!(MeasureFigures::of(vec![]), MeasureFigures::default());
}

#[test]
fn groups_by_area_category_and_supplier_with_the_unrecorded_last() {
    let (icb, region) = (org(100), org(200));
    let areas: HashMap<OrgId, Areas> = [
        (
            org(1),
            Areas {
                icb: Some(icb),
                region: Some(region),
            },
        ),
        (
            org(2),
            Areas {
                icb: None,
                region: Some(region),
            },
        ),
    ]
    .into();
    let mut a = fact(1, "2026-01-10T10:00:00Z", Some(60), Some(120), Some(600));
    a.suppliers = vec![org(900), org(901)];
    let b = fact(2, "2026-02-10T10:00:00Z", None, Some(30), None);
    let exercise = RecoveryFact::of_exercise(
        &ExerciseTimings {
            org: org(1),
            detected_minutes: 15,
            contained_minutes: Some(75),
            recovered_minutes: None,
        },
        "2026-07-01T09:00:00Z".parse().unwrap(),
    );
    let facts = vec![a, b, exercise];

    let by_icb = recovery_figures(&facts, Grouping::Icb, Period::Quarter, &areas);
    assert_eq!(by_icb.total.incidents, 2);
    assert_eq!(by_icb.total.exercises, 1);
    assert_eq!(by_icb.total.detect.count, 2);
    assert_eq!(by_icb.total.contain.sum_minutes, 120 + 30 + 60);
    let keys: Vec<_> = by_icb
        .groups
        .iter()
        .map(|g| (g.key, g.figures.incidents))
        .collect();
    assert_eq!(keys, [(Some(GroupKey::Org(icb)), 1), (None, 1)]);

    let by_region = recovery_figures(&facts, Grouping::Region, Period::Quarter, &areas);
    assert_eq!(by_region.groups.len(), 1);
    assert_eq!(
        by_region.groups[0].figures.incidents + by_region.groups[0].figures.exercises,
        3
    );

    let by_supplier = recovery_figures(&facts, Grouping::Supplier, Period::Quarter, &areas);
    let keys: Vec<_> = by_supplier.groups.iter().map(|g| g.key).collect();
    assert_eq!(
        keys,
        [Some(GroupKey::Org(org(900))), Some(GroupKey::Org(org(901))), None]
    );

    let by_category = recovery_figures(&facts, Grouping::Category, Period::Quarter, &areas);
    let keys: Vec<_> = by_category.groups.iter().map(|g| g.key).collect();
    assert_eq!(keys, [Some(GroupKey::Category(NcscCategory::Substantial)), None]);
}

#[test]
fn the_trend_runs_through_empty_periods_in_london_time() {
    // 31 March 23:30 UTC is 1 April 00:30 BST: the second quarter.
    let facts = vec![
        fact(1, "2026-01-10T10:00:00Z", Some(1), None, None),
        fact(1, "2026-03-31T23:30:00Z", Some(2), None, None),
        fact(1, "2026-09-30T10:00:00Z", Some(3), None, None),
    ];
    let f = recovery_figures(&facts, Grouping::Org, Period::Quarter, &HashMap::new());
    let points: Vec<_> = f
        .trend
        .iter()
        .map(|t| (t.period.as_str(), t.figures.incidents))
        .collect();
    assert_eq!(points, [("2026-Q1", 1), ("2026-Q2", 1), ("2026-Q3", 1)]);
    let f = recovery_figures(&facts, Grouping::Org, Period::Month, &HashMap::new());
    assert_eq!(f.trend.len(), 9);
    assert_eq!(f.trend[0].period, "2026-01");
    assert_eq!(f.trend[2].figures.incidents, 0);
    assert_eq!(f.trend[3].period, "2026-04");
    assert_eq!(f.trend[3].figures.incidents, 1);
    assert!(
        recovery_figures(&[], Grouping::Org, Period::Month, &HashMap::new())
            .trend
            .is_empty()
    );
}

proptest! {
    /// Counts and sums add up: the groups by organisation sum to the total, and so do the trend's
    /// periods, whatever the facts.
    #[test]
    fn counts_and_sums_add_up(raw in proptest::collection::vec(
        (0u128..5, 0i64..1_500, proptest::option::of(0u64..10_000), proptest::option::of(0u64..10_000)),
        0..60,
    )) {
        let facts: Vec<RecoveryFact> = raw
            .iter()
            .map(|(o, day, d, c)| {
                let at = Timestamp::from_second(1_700_000_000 + day * 86_400).unwrap();
                RecoveryFact { at, ..fact(*o, "2026-01-01T00:00:00Z", *d, *c, None) }
            })
            .collect();
        let f = recovery_figures(&facts, Grouping::Org, Period::Month, &HashMap::new());
        let sum = |xs: &mut dyn Iterator<Item = &Figures>| xs.fold((0, 0, 0), |acc, g| {
            (acc.0 + g.incidents, acc.1 + g.detect.sum_minutes, acc.2 + g.contain.count)
        });
        let total = (f.total.incidents, f.total.detect.sum_minutes, f.total.contain.count);
        prop_assert_eq!(sum(&mut f.groups.iter().map(|g| &g.figures)), total);
        prop_assert_eq!(sum(&mut f.trend.iter().map(|t| &t.figures)), total);
    }
}
