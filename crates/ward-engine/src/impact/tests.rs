use proptest::prelude::*;
use ward_core::dependency::{Dependency, DependencyTarget};
use ward_core::org::{OdsCode, OrgKind, Organisation};
use ward_core::risk::Consequence;
use ward_core::service::{Service, ServiceKind, ThroughputUnit};
use ward_core::supplier::{Product, ProductCategory, ProductStatus};
use ward_core::{AssetId, DependencyId, OrgId, ProductId, ServiceId};

use super::*;

fn u(n: u128) -> uuid::Uuid {
    uuid::Uuid::from_u128(n)
}
fn org_id(n: u128) -> OrgId {
    OrgId::from_uuid(u(n))
}
fn svc_id(n: u128) -> ServiceId {
    ServiceId::from_uuid(u(1000 + n))
}
fn prod_id(n: u128) -> ProductId {
    ProductId::from_uuid(u(2000 + n))
}

fn org(n: u128, code: &str, kind: OrgKind, parent: Option<u128>) -> Organisation {
    Organisation {
        id: org_id(n),
        code: OdsCode::parse(code).unwrap(),
        name: format!("Org {code}"),
        kind,
        parent: parent.map(org_id),
        postcode: None,
        opened: None,
        closed: None,
    }
}

fn service(n: u128, org: u128, name: &str, crit: u8, throughput: u32, unit: ThroughputUnit) -> Service {
    Service {
        id: svc_id(n),
        org: org_id(org),
        name: name.into(),
        kind: ServiceKind::Clinical,
        criticality: Consequence::new(crit).unwrap(),
        daily_throughput: throughput,
        throughput_unit: unit,
    }
}

fn dep(n: u128, org: u128, service: u128, target: DependencyTarget, workaround: Option<&str>) -> Dependency {
    Dependency {
        id: DependencyId::from_uuid(u(3000 + n)),
        org: org_id(org),
        service: svc_id(service),
        target,
        note: workaround.map(str::to_owned),
    }
}

#[derive(Debug, Clone)]
struct Sector {
    orgs: Vec<Organisation>,
    services: Vec<Service>,
    products: Vec<Product>,
    assets: Vec<AssetRef>,
    deps: Vec<Dependency>,
    asset_services: Vec<(AssetId, ServiceId)>,
}

impl Sector {
    fn graph(&self) -> Result<ImpactGraph, GraphError> {
        ImpactGraph::build(GraphInput {
            orgs: &self.orgs,
            services: &self.services,
            products: &self.products,
            assets: &self.assets,
            dependencies: &self.deps,
            asset_services: &self.asset_services,
        })
    }
}

const PATIENTS: ThroughputUnit = ThroughputUnit::Patients;
const APPOINTMENTS: ThroughputUnit = ThroughputUnit::Appointments;

/// National body 1; region 2 (Y56) with ICB 3; trusts 4 (hub) and 5; practices 6 and 7; supplier
/// 9 selling a LIMS (product 1) and an EPR (product 2); region 8 (Y58) with trust 10.
fn sector() -> Sector {
    use DependencyTarget as T;
    let orgs = vec![
        org(1, "X26", OrgKind::NationalBody, None),
        org(2, "Y56", OrgKind::Region, Some(1)),
        org(3, "QMF", OrgKind::Icb, Some(2)),
        org(4, "RJZ", OrgKind::NhsTrust, Some(3)),
        org(5, "RAL", OrgKind::NhsTrust, Some(3)),
        org(6, "A81001", OrgKind::GpPractice, Some(3)),
        org(7, "A81002", OrgKind::GpPractice, Some(3)),
        org(8, "Y58", OrgKind::Region, Some(1)),
        org(9, "8CP05", OrgKind::Supplier, None),
        org(10, "RA7", OrgKind::NhsTrust, Some(8)),
    ];
    let product = |n: u128, name: &str, cpe: &str| Product {
        id: prod_id(n),
        supplier: org_id(9),
        name: name.into(),
        category: ProductCategory::Pathology,
        cpe: Some(cpe.into()),
        status: ProductStatus::Confirmed,
    };
    let products = vec![
        product(1, "Lab system", "cpe:2.3:a:capital:lab:*:*:*:*:*:*:*:*"),
        product(2, "Records", "cpe:2.3:a:capital:records:*:*:*:*:*:*:*:*"),
    ];
    let services = vec![
        service(1, 4, "Pathology", 5, 1800, PATIENTS),
        service(2, 4, "Emergency department", 5, 280, PATIENTS),
        service(3, 5, "Pathology", 5, 1000, PATIENTS),
        service(4, 6, "Referrals", 3, 60, PATIENTS),
        service(5, 7, "Referrals", 3, 40, PATIENTS),
        service(6, 6, "GP appointments", 3, 180, APPOINTMENTS),
        service(7, 10, "Pathology", 5, 900, PATIENTS),
        service(8, 5, "Outpatients", 3, 2500, APPOINTMENTS),
    ];
    let deps = vec![
        dep(
            1,
            4,
            1,
            T::Product(prod_id(1)),
            Some("Urgent samples couriered elsewhere"),
        ),
        dep(2, 4, 2, T::Service(svc_id(1)), None),
        dep(3, 5, 3, T::Product(prod_id(1)), None),
        dep(4, 6, 4, T::Service(svc_id(1)), Some("Urgent tests by phone")),
        dep(5, 7, 5, T::Service(svc_id(3)), None),
        dep(6, 6, 6, T::Product(prod_id(2)), Some("Paper lists")),
        dep(
            7,
            5,
            8,
            T::Service(svc_id(3)),
            Some("Clinics run without results"),
        ),
    ];
    Sector {
        orgs,
        services,
        products,
        assets: vec![],
        deps,
        asset_services: vec![],
    }
}

fn effect(r: &BlastRadius<'_>, n: u128) -> Effect {
    r.effect_on(svc_id(n))
}

#[test]
fn losing_the_supplier_stops_what_has_no_workaround_and_degrades_the_rest() {
    let s = sector();
    let g = s.graph().unwrap();
    let r = g.blast_radius(&[Loss::Org(org_id(9))]).unwrap();
    assert_eq!(effect(&r, 1), Effect::Degraded, "hub pathology has a workaround");
    assert_eq!(
        effect(&r, 2),
        Effect::Degraded,
        "ED depends on a degraded service"
    );
    assert_eq!(effect(&r, 3), Effect::Stopped, "no workaround recorded");
    assert_eq!(effect(&r, 4), Effect::Degraded);
    assert_eq!(
        effect(&r, 5),
        Effect::Stopped,
        "depends on a stopped service, no workaround"
    );
    assert_eq!(effect(&r, 6), Effect::Degraded, "the EPR is the supplier's too");
    assert_eq!(
        effect(&r, 7),
        Effect::Unaffected,
        "the other region uses nothing of it"
    );
    assert_eq!(effect(&r, 8), Effect::Degraded);
    let report = r.report(&Visibility::All);
    let t = &report.totals;
    assert_eq!((t.services, t.stopped, t.degraded), (7, 2, 5));
    assert_eq!(t.organisations, 4);
    assert_eq!(t.patients_per_day, 1800 + 280 + 1000 + 60 + 40);
    assert_eq!(t.appointments_per_day, 180 + 2500);
    assert_eq!(t.patients_per_day_stopped, 1000 + 40);
    assert_eq!(t.worst_consequence, Some(5));
    assert_eq!(t.services_elsewhere, 0);
    assert_eq!(report.lost.len(), 2, "both products are lost");
    // Stopped first, then the worst consequence.
    assert_eq!(report.services[0].effect, Effect::Stopped);
    assert_eq!(report.services[0].name, "Pathology");
    let referral = report.services.iter().find(|x| x.id == svc_id(5)).unwrap();
    assert_eq!(referral.depth, 2, "product -> pathology -> referrals");
    assert_eq!(referral.why.kind, "dependency");
    assert_eq!(referral.why.via.as_ref().unwrap().org_code, "RAL");
    let ed = report.services.iter().find(|x| x.id == svc_id(2)).unwrap();
    assert_eq!(ed.why.workaround, None);
    // Pathology in Y56: both trusts, 2,800 a day, all of it affected.
    let c = report
        .concentration
        .iter()
        .find(|c| c.service == "Pathology")
        .unwrap();
    assert_eq!(c.region.as_deref(), Some("Org Y56"));
    assert_eq!((c.providers, c.providers_affected), (2, 2));
    assert_eq!(
        (c.capacity_per_day, c.affected_per_day, c.stopped_per_day),
        (2800, 2800, 1000)
    );
    assert!((c.share_affected - 1.0).abs() < 1e-9);
}

#[test]
fn losing_one_product_or_one_site_takes_out_less() {
    let s = sector();
    let g = s.graph().unwrap();
    let product = g.blast_radius(&[Loss::Product(prod_id(2))]).unwrap();
    assert_eq!(product.affected_count(), 1);
    assert_eq!(effect(&product, 6), Effect::Degraded);
    let hub = g.blast_radius(&[Loss::Org(org_id(4))]).unwrap();
    assert_eq!(effect(&hub, 1), Effect::Stopped);
    assert_eq!(effect(&hub, 2), Effect::Stopped);
    assert_eq!(
        effect(&hub, 4),
        Effect::Degraded,
        "the practice phones urgent tests"
    );
    assert_eq!(effect(&hub, 3), Effect::Unaffected);
    let report = hub.report(&Visibility::All);
    assert_eq!(report.totals.organisations, 2);
    let lost = report.services.iter().find(|x| x.id == svc_id(1)).unwrap();
    assert_eq!((lost.why.kind, lost.depth), ("lost", 0));
    // Concentration: the hub's pathology is 1,800 of Y56's 2,800.
    let c = report
        .concentration
        .iter()
        .find(|c| c.service == "Pathology")
        .unwrap();
    assert_eq!((c.capacity_per_day, c.affected_per_day), (2800, 1800));
}

#[test]
fn a_caller_sees_only_its_footprint_and_a_count_of_the_rest() {
    let s = sector();
    let g = s.graph().unwrap();
    let r = g.blast_radius(&[Loss::Org(org_id(9))]).unwrap();
    let practice = r.report(&Visibility::Subtrees(vec![org_id(6)]));
    assert_eq!(practice.totals.services, 2);
    assert_eq!(practice.totals.services_elsewhere, 5);
    assert!(practice.services.iter().all(|x| x.org_code == "A81001"));
    assert_eq!(practice.organisations.len(), 1);
    // Concentration only over what the caller sees.
    assert!(practice.concentration.iter().all(|c| c.providers == 1));
    let icb = r.report(&Visibility::Subtrees(vec![org_id(3)]));
    assert_eq!(icb.totals.services, 7);
    // A lost organisation's assets are named only to those who see them or depend on them.
    let mut s = sector();
    s.assets.push(AssetRef {
        id: AssetId::from_uuid(u(5001)),
        org: org_id(4),
        name: "Hub analyser".into(),
    });
    s.assets.push(AssetRef {
        id: AssetId::from_uuid(u(5002)),
        org: org_id(4),
        name: "Hub kiosk".into(),
    });
    s.deps.push(dep(
        30,
        6,
        6,
        DependencyTarget::Asset(AssetId::from_uuid(u(5001))),
        None,
    ));
    let g2 = s.graph().unwrap();
    let hub = g2.blast_radius(&[Loss::Org(org_id(4))]).unwrap();
    let names = |v: &Visibility| -> Vec<String> { hub.report(v).lost.into_iter().map(|n| n.name).collect() };
    assert_eq!(
        names(&Visibility::Subtrees(vec![org_id(6)])),
        vec!["Hub analyser".to_owned()]
    );
    assert_eq!(
        names(&Visibility::Subtrees(vec![org_id(7)])),
        Vec::<String>::new()
    );
    assert_eq!(names(&Visibility::All).len(), 2);
    let exact = r.report(&Visibility::Orgs(vec![org_id(3)]));
    assert_eq!(exact.totals.services, 0, "the ICB itself delivers nothing here");
}

#[test]
fn cycles_settle_and_every_service_in_them_is_hit() {
    use DependencyTarget as T;
    let mut s = sector();
    // Outpatients (8) and referrals (5) depend on each other... through pathology 3.
    s.deps.push(dep(8, 5, 3, T::Service(svc_id(8)), Some("loop")));
    s.deps.push(dep(9, 7, 5, T::Service(svc_id(5)), None)); // a self-loop
    let g = s.graph().unwrap();
    let r = g.blast_radius(&[Loss::Service(svc_id(8))]).unwrap();
    assert_eq!(effect(&r, 8), Effect::Stopped);
    assert_eq!(effect(&r, 3), Effect::Degraded);
    assert_eq!(effect(&r, 5), Effect::Degraded);
    let report = r.report(&Visibility::All);
    let depths: Vec<(ServiceId, u32)> = report.services.iter().map(|x| (x.id, x.depth)).collect();
    assert!(depths.contains(&(svc_id(8), 0)));
    assert!(depths.contains(&(svc_id(3), 1)));
    assert!(depths.contains(&(svc_id(5), 2)));
}

#[test]
fn an_asset_supports_what_its_own_list_names_unless_a_dependency_says_how_it_copes() {
    use DependencyTarget as T;
    let mut s = sector();
    let (server, db) = (AssetId::from_uuid(u(700)), AssetId::from_uuid(u(701)));
    for id in [server, db] {
        s.assets.push(AssetRef {
            id,
            org: org_id(4),
            name: "server".into(),
        });
    }
    // The server lists pathology (1), which the emergency department (2) depends on; the
    // database lists outpatients (8), whose dependency on it records a workaround.
    s.asset_services = vec![(server, svc_id(1)), (db, svc_id(1)), (db, svc_id(8))];
    s.deps
        .push(dep(30, 5, 8, T::Asset(db), Some("Clinic lists on paper")));
    // A deleted asset's pair is left out.
    s.asset_services.push((AssetId::from_uuid(u(799)), svc_id(2)));
    let g = s.graph().unwrap();
    let r = g.blast_radius(&[Loss::Asset(server)]).unwrap();
    assert_eq!(effect(&r, 1), Effect::Stopped);
    assert_eq!(effect(&r, 2), Effect::Stopped, "through pathology");
    assert_eq!(effect(&r, 8), Effect::Unaffected);
    let r = g.blast_radius(&[Loss::Asset(db)]).unwrap();
    assert_eq!(effect(&r, 8), Effect::Degraded, "the recorded workaround holds");
    assert_eq!(effect(&r, 1), Effect::Stopped);

    s.asset_services.push((server, svc_id(404)));
    assert!(matches!(s.graph().unwrap_err(), GraphError::AssetService { .. }));
}

#[test]
fn inconsistent_input_is_an_error_naming_the_reference() {
    use DependencyTarget as T;
    let mut s = sector();
    s.deps.push(dep(20, 4, 1, T::Service(svc_id(99)), None));
    let e = s.graph().unwrap_err();
    assert!(matches!(e, GraphError::DependencyTarget { .. }), "{e}");
    assert!(e.to_string().contains("service"), "{e}");

    let mut s = sector();
    s.deps.push(dep(20, 5, 1, T::Product(prod_id(1)), None));
    assert!(matches!(
        s.graph().unwrap_err(),
        GraphError::DependencyOrganisation { .. }
    ));

    let mut s = sector();
    s.services.push(service(1, 4, "Twice", 1, 0, PATIENTS));
    assert_eq!(s.graph().unwrap_err(), GraphError::DuplicateService(svc_id(1)));

    let mut s = sector();
    s.orgs[1].parent = Some(org_id(3)); // the region under its own ICB
    assert!(matches!(s.graph().unwrap_err(), GraphError::ParentCycle(_)));

    let mut s = sector();
    s.orgs[3].parent = Some(org_id(77));
    assert!(matches!(s.graph().unwrap_err(), GraphError::UnknownParent { .. }));

    let mut s = sector();
    s.assets.push(AssetRef {
        id: AssetId::from_uuid(u(5000)),
        org: org_id(77),
        name: "x".into(),
    });
    assert!(matches!(
        s.graph().unwrap_err(),
        GraphError::AssetOrganisation { .. }
    ));

    let g = sector().graph().unwrap();
    let unknown = Loss::Service(svc_id(404));
    assert_eq!(g.blast_radius(&[unknown]).unwrap_err(), UnknownLoss(unknown));
}

#[test]
fn lookups_by_code_name_and_cpe() {
    let g = sector().graph().unwrap();
    assert_eq!(g.org_by_code("rjz"), Some(org_id(4)));
    assert_eq!(g.supplier_by_name(" org 8cp05 "), Some(org_id(9)));
    assert_eq!(g.supplier_by_name("8CP05"), Some(org_id(9)));
    assert_eq!(g.supplier_by_name("Org RJZ"), None, "a trust is not a supplier");
    assert_eq!(
        g.products_by_cpe("cpe:2.3:a:Capital:lab:2.1:*:*:*:*:*:*:*"),
        vec![prod_id(1)]
    );
    assert!(g.products_by_cpe("cpe:2.3:a:*:lab").is_empty());
    assert_eq!(g.depended_on_by(&[org_id(6)]), vec![org_id(4), org_id(9)]);
}

#[test]
fn a_footprint_may_start_from_itself_the_catalogue_and_what_it_depends_on() {
    let g = sector().graph().unwrap();
    let practice = Visibility::Subtrees(vec![org_id(6)]);
    // Its own organisation and service.
    assert!(g.may_start(&Loss::Org(org_id(6)), &practice));
    assert!(g.may_start(&Loss::Service(svc_id(4)), &practice));
    // The hub trust and its pathology, which the practice's referrals depend on.
    assert!(g.may_start(&Loss::Org(org_id(4)), &practice));
    assert!(g.may_start(&Loss::Service(svc_id(1)), &practice));
    // Suppliers and products: the shared catalogue.
    assert!(g.may_start(&Loss::Org(org_id(9)), &practice));
    assert!(g.may_start(&Loss::Product(prod_id(1)), &practice));
    // Not the other trust, its services, or another region, nor what does not exist.
    assert!(!g.may_start(&Loss::Org(org_id(5)), &practice));
    assert!(!g.may_start(&Loss::Service(svc_id(3)), &practice));
    assert!(!g.may_start(&Loss::Org(org_id(10)), &practice));
    assert!(!g.may_start(&Loss::Service(svc_id(404)), &practice));
    assert!(!g.may_start(&Loss::Product(prod_id(9)), &practice));
    // The national view starts anywhere.
    assert!(g.may_start(&Loss::Org(org_id(10)), &Visibility::All));
}

/// A random sector: `n` services over 4 organisations, random dependencies on services and on
/// 3 products, some with workarounds.
fn arb_graph() -> impl Strategy<Value = Sector> {
    (
        2usize..30,
        prop::collection::vec((0usize..40, 0usize..43, any::<bool>()), 0..80),
    )
        .prop_map(|(n, edges)| {
            let mut s = sector();
            s.services.truncate(0);
            s.deps.truncate(0);
            let owners = [4u128, 5, 6, 10];
            for i in 0..n {
                let owner = owners[i % owners.len()];
                s.services.push(service(
                    i as u128,
                    owner,
                    &format!("S{}", i % 5),
                    (i % 5) as u8 + 1,
                    (i as u32 * 37) % 500,
                    if i % 3 == 0 { APPOINTMENTS } else { PATIENTS },
                ));
            }
            for (k, (from, to, workaround)) in edges.into_iter().enumerate() {
                let from = from % n;
                let owner = owners[from % owners.len()];
                let target = if to >= 40 {
                    DependencyTarget::Product(prod_id((to - 40) as u128 % 2 + 1))
                } else {
                    DependencyTarget::Service(svc_id((to % n) as u128))
                };
                s.deps.push(dep(
                    k as u128,
                    owner,
                    from as u128,
                    target,
                    workaround.then_some("manual"),
                ));
            }
            s
        })
}

fn arb_loss(n: usize) -> impl Strategy<Value = Loss> {
    prop_oneof![
        (0..n).prop_map(|i| Loss::Service(svc_id(i as u128))),
        (1u128..3).prop_map(|p| Loss::Product(prod_id(p))),
        prop::sample::select(vec![4u128, 5, 6, 9, 10]).prop_map(|o| Loss::Org(org_id(o))),
    ]
}

proptest! {
    #[test]
    fn losing_more_never_affects_less(
        s in arb_graph(),
        picks in prop::collection::vec(arb_loss(2), 0..4),
        extra in prop::collection::vec(arb_loss(2), 1..3),
    ) {
        let g = s.graph().unwrap();
        let small = g.blast_radius(&picks).unwrap();
        let mut more = picks.clone();
        more.extend(extra);
        let big = g.blast_radius(&more).unwrap();
        for svc in &s.services {
            prop_assert!(small.effect_on(svc.id) <= big.effect_on(svc.id), "{:?}", svc.id);
        }
        let (a, b) = (small.report(&Visibility::All), big.report(&Visibility::All));
        prop_assert!(a.totals.services <= b.totals.services);
        prop_assert!(a.totals.patients_per_day <= b.totals.patients_per_day);
        prop_assert!(a.totals.worst_consequence <= b.totals.worst_consequence);
    }

    #[test]
    fn every_affected_service_has_a_cause_reaching_a_loss(s in arb_graph(), loss in arb_loss(2)) {
        let g = s.graph().unwrap();
        let r = g.blast_radius(&[loss]).unwrap();
        let report = r.report(&Visibility::All);
        let n = s.services.len() as u32;
        for x in &report.services {
            prop_assert!(x.depth <= n + 1, "depth {} over {n} services", x.depth);
            prop_assert_eq!(x.why.kind == "lost", x.depth == 0);
            if x.effect == Effect::Stopped && x.why.kind == "dependency" {
                prop_assert!(x.why.workaround.is_none(), "stopped through a workaround");
            }
        }
        // A footprint sees a part: never more than the whole, and the rest is counted.
        let part = r.report(&Visibility::Subtrees(vec![org_id(4)]));
        prop_assert_eq!(part.totals.services + part.totals.services_elsewhere, report.totals.services);
        for c in &report.concentration {
            prop_assert!(c.affected_per_day <= c.capacity_per_day);
            prop_assert!((0.0..=1.0).contains(&c.share_affected));
        }
    }
}

#[path = "simulation_tests.rs"]
mod simulation;
