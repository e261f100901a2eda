//! The figures behind the organisation pages' pictures agree with the lists they summarise, on the
//! demo sector: open exposures by severity add up to the region's open (asset, vulnerability)
//! pairs with the known-exploited ones among them, the ICBs compared add up to no more than the
//! region's critical and high exposures and come most first, and unsupported software by product
//! counts each asset once, as the unsupported list has it.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use ward_app::App;
use ward_app::actor::Actor;
use ward_app::exposure::{ExposureFilter, FactorKind, Sort};
use ward_core::clock::SystemClock;
use ward_core::org::OrgKind;
use ward_core::vuln::CvssBand;
use ward_store::PageRequest;
use ward_testkit::app::test_settings;
use ward_testkit::db::{fresh_sqlite_store, test_key};

#[tokio::test]
async fn a_regions_pictures_add_up_to_its_lists() {
    let db = fresh_sqlite_store().await;
    let store = Arc::clone(&db.store);
    let plan = crate::reasons::load_demo(&store).await;
    let national = plan
        .orgs
        .iter()
        .find(|o| o.kind == OrgKind::NationalBody)
        .unwrap()
        .id;
    let region = plan.orgs.iter().find(|o| o.kind == OrgKind::Region).unwrap().id;
    let app = App::new(
        Arc::clone(&store),
        Arc::new(SystemClock),
        test_settings(),
        &test_key(),
    )
    .unwrap();
    let actor = Actor::system("pictures", national);
    let p = app.org_pictures(&actor, region, 50).await.unwrap();

    // Every open exposure of the region, once per asset and vulnerability.
    let filter = ExposureFilter {
        org: Some(region),
        ..ExposureFilter::default()
    };
    let (mut pairs, mut kev) = (HashSet::new(), HashSet::new());
    let mut offset = 0;
    loop {
        let page = app
            .list_exposures(
                &actor,
                &filter,
                Sort::Priority,
                PageRequest { offset, limit: 1000 },
            )
            .await
            .unwrap();
        for e in &page.items {
            pairs.insert((e.asset, e.advisory.clone()));
            if e.factors
                .iter()
                .any(|f| f.name == FactorKind::Kev && f.value > 0.0)
            {
                kev.insert((e.asset, e.advisory.clone()));
            }
        }
        offset += page.items.len() as u64;
        if page.items.is_empty() || offset >= page.total {
            break;
        }
    }
    let open: u64 = p.by_severity.iter().map(|s| s.open).sum();
    let marked: u64 = p.by_severity.iter().map(|s| s.kev).sum();
    assert!(open > 0, "the demo region has open exposure");
    assert_eq!(open, pairs.len() as u64, "severity bands add up to the list");
    assert_eq!(
        marked,
        kev.len() as u64,
        "known-exploited marked as the list marks them"
    );
    let bands: Vec<CvssBand> = p.by_severity.iter().map(|s| s.band).collect();
    assert_eq!(
        &bands[..4],
        &[
            CvssBand::Critical,
            CvssBand::High,
            CvssBand::Medium,
            CvssBand::Low
        ],
        "worst first, the four bands always drawn"
    );

    let critical_high: u64 = p
        .by_severity
        .iter()
        .filter(|s| matches!(s.band, CvssBand::Critical | CvssBand::High))
        .map(|s| s.open)
        .sum();
    let c = p.compared.expect("a region compares its ICBs");
    let icbs = plan.orgs.iter().filter(|o| o.parent == Some(region)).count();
    assert_eq!(
        c.shown.len() as u64 + c.rest_orgs,
        icbs as u64,
        "every ICB counted"
    );
    let beneath: u64 = c.shown.iter().map(|o| o.critical_high).sum::<u64>() + c.rest_critical_high;
    assert!(
        beneath > 0 && beneath <= critical_high,
        "{beneath} of {critical_high}"
    );
    assert!(
        c.shown
            .windows(2)
            .all(|w| w[0].critical_high >= w[1].critical_high),
        "most first"
    );
    assert!(c.shown.iter().all(|o| o.kev <= o.critical_high));

    // Unsupported software: distinct assets per product, as the list has them.
    let mut per_product: BTreeMap<String, HashSet<ward_core::AssetId>> = BTreeMap::new();
    let mut offset = 0;
    loop {
        let rows = app
            .list_unsupported(&actor, Some(region), None, PageRequest { offset, limit: 1000 })
            .await
            .unwrap();
        for r in &rows.items {
            per_product.entry(r.product.clone()).or_default().insert(r.asset);
        }
        offset += rows.items.len() as u64;
        if rows.items.is_empty() || offset >= rows.total {
            break;
        }
    }
    let mut expected: Vec<u64> = per_product.values().map(|a| a.len() as u64).collect();
    expected.sort_unstable_by(|a, b| b.cmp(a));
    let drawn: Vec<u64> = p.unsupported.iter().map(|u| u.assets).collect();
    assert!(!drawn.is_empty(), "the demo runs unsupported software");
    assert_eq!(drawn, expected[..drawn.len()].to_vec());
    assert_eq!(p.unsupported_rest.0, expected.len() as u64 - drawn.len() as u64);
    assert!(
        p.unsupported
            .iter()
            .all(|u| !u.product.contains('-') || u.product.contains(' ')),
        "products named for people: {:?}",
        p.unsupported
    );
}
