//! Reasons that hold: every harm reason an exposure gives ("Catastrophic harm (5) if Emergency
//! department stops (this asset supports Radiology, which supports Emergency department)") is
//! carried by the dependency graph the impact page answers from. On the demo sector, for every
//! exposure with a harm reason: the path starts at a service the asset supports, each next service
//! depends on the one before, and losing the asset affects every service on the path.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use ward_app::App;
use ward_app::actor::Actor;
use ward_app::exposure::{ExposureFilter, Sort};
use ward_core::clock::{Clock, SystemClock};
use ward_core::dependency::DependencyTarget;
use ward_core::org::OrgKind;
use ward_core::{AssetId, ServiceId};
use ward_demo::{DemoPlan, Scale};
use ward_engine::impact::{AssetRef, Effect, GraphInput, ImpactGraph, Loss};
use ward_store::{AuditMeta, PageRequest, Scope, Store};
use ward_testkit::app::test_settings;
use ward_testkit::db::{fresh_sqlite_store, test_key};

/// The small demo sector and its threat data, loaded as `ward demo` loads them.
pub(crate) async fn load_demo(store: &Arc<dyn Store>) -> DemoPlan {
    let meta = AuditMeta {
        actor: ward_core::audit::AuditActor::system("demo"),
        at: SystemClock.now(),
        request_id: None,
    };
    let today = jiff::civil::date(2026, 12, 1);
    let plan = DemoPlan::new(7, Scale::Small, today);
    store.upsert_orgs(&plan.orgs, today, &meta).await.unwrap();
    store
        .upsert_products(&Scope::All, &plan.products, &meta)
        .await
        .unwrap();
    let mut dependencies = Vec::new();
    for i in 0..plan.orgs.len() {
        let inv = plan.inventory(i);
        store
            .insert_services(&Scope::All, &inv.services, &meta)
            .await
            .unwrap();
        store
            .insert_assets(&Scope::All, &inv.assets, &meta)
            .await
            .unwrap();
        dependencies.extend(inv.dependencies);
    }
    store
        .insert_dependencies(&Scope::All, &dependencies, &meta)
        .await
        .unwrap();
    let t = ward_demo::threats();
    store.upsert_advisories(&t.advisories, &meta).await.unwrap();
    store
        .upsert_kev(&t.kev_catalog, &t.kev, false, &meta)
        .await
        .unwrap();
    store.upsert_epss(&t.epss_header, &t.epss, &meta).await.unwrap();
    store.upsert_eol(&t.eol, &meta).await.unwrap();
    plan
}

#[tokio::test]
async fn every_harm_reason_is_reachable_in_the_dependency_graph() {
    let db = fresh_sqlite_store().await;
    let store = Arc::clone(&db.store);
    let plan = load_demo(&store).await;
    let national = plan
        .orgs
        .iter()
        .find(|o| o.kind == OrgKind::NationalBody)
        .expect("a national body")
        .id;
    let app = App::new(
        Arc::clone(&store),
        Arc::new(SystemClock),
        test_settings(),
        &test_key(),
    )
    .unwrap();
    let actor = Actor::system("reasons", national);

    // The graph the impact page answers from, and each asset's own list of what it supports.
    let snap = store.dependency_snapshot().await.unwrap();
    let assets: Vec<AssetRef> = snap
        .assets
        .iter()
        .map(|a| AssetRef {
            id: a.id,
            org: a.org,
            name: a.name.clone(),
        })
        .collect();
    let graph = ImpactGraph::build(GraphInput {
        orgs: &snap.orgs,
        services: &snap.services,
        products: &snap.products,
        assets: &assets,
        dependencies: &snap.dependencies,
        asset_services: &snap.asset_services,
    })
    .unwrap();
    // What each asset supports: its own list and the dependencies on it.
    let mut supported: HashMap<AssetId, HashSet<ServiceId>> = HashMap::new();
    for (a, s) in store.sector_snapshot().await.unwrap().asset_services {
        supported.entry(a).or_default().insert(s);
    }
    let depends_on: HashSet<(ServiceId, ServiceId)> = snap
        .dependencies
        .iter()
        .filter_map(|d| match d.target {
            DependencyTarget::Service(on) => Some((d.service, on)),
            _ => None,
        })
        .collect();

    let filter = ExposureFilter {
        status: Some("all".into()),
        ..ExposureFilter::default()
    };
    let mut offset = 0;
    let (mut reasons, mut through, mut problems) = (0usize, 0usize, Vec::new());
    let mut checked_assets: HashSet<AssetId> = HashSet::new();
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
            let Some(i) = &e.impact else { continue };
            reasons += 1;
            let path = &i.path_services;
            assert_eq!(path.len(), i.path.len(), "names and identifiers agree");
            assert_eq!(
                path.last(),
                Some(&i.service),
                "the path ends at the harmed service"
            );
            if path.len() > 1 {
                through += 1;
            }
            let first_supported = path
                .first()
                .is_some_and(|s| supported.get(&e.asset).is_some_and(|set| set.contains(s)));
            let chained = path.windows(2).all(|w| depends_on.contains(&(w[1], w[0])));
            if !first_supported || !chained {
                problems.push(format!(
                    "{} on {}: the path {:?} is not asset > service > dependent service",
                    e.advisory, e.asset_name, i.path
                ));
            }
            if checked_assets.insert(e.asset) {
                let blast = graph.blast_radius(&[Loss::Asset(e.asset)]);
                let affected = |s: &ServiceId| {
                    blast
                        .as_ref()
                        .is_ok_and(|b| b.effect_on(*s) != Effect::Unaffected)
                };
                if let Some(s) = path.iter().find(|s| !affected(s)) {
                    problems.push(format!(
                        "{} ({}): the reason names {} ({s}), which losing the asset does not affect",
                        e.asset_name, e.asset, i.service_name
                    ));
                }
            }
        }
        offset += page.items.len() as u64;
        if page.items.is_empty() || offset >= page.total {
            break;
        }
    }
    assert!(reasons > 100, "the demo gives many harm reasons ({reasons})");
    assert!(through > 0, "some reasons run through a dependent service");
    assert!(
        problems.is_empty(),
        "{} of {reasons} reasons do not hold, for example:\n{}",
        problems.len(),
        problems.iter().take(10).cloned().collect::<Vec<_>>().join("\n")
    );
}
