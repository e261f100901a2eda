use super::*;
use ward_core::org::OdsCode;
use ward_core::risk::Consequence;
use ward_core::service::{ServiceKind, ThroughputUnit};
use ward_core::supplier::criticality::Criticality;
use ward_core::{DependencyId, OrgId};

fn id(n: u128) -> uuid::Uuid {
    uuid::Uuid::from_u128(n)
}

fn org(n: u128, code: &str, kind: OrgKind, parent: Option<u128>) -> Organisation {
    Organisation {
        id: OrgId::from_uuid(id(n)),
        code: OdsCode::parse(code).unwrap(),
        name: format!("Org {code}"),
        kind,
        parent: parent.map(|p| OrgId::from_uuid(id(p))),
        postcode: None,
        opened: None,
        closed: None,
    }
}

fn service(n: u128, org: u128, crit: u8, throughput: u32) -> Service {
    Service {
        id: ServiceId::from_uuid(id(n)),
        org: OrgId::from_uuid(id(org)),
        name: format!("Service {n}"),
        kind: ServiceKind::Clinical,
        criticality: Consequence::new(crit).unwrap(),
        daily_throughput: throughput,
        throughput_unit: ThroughputUnit::Patients,
    }
}

fn product(n: u128, supplier: u128, category: ProductCategory) -> Product {
    Product {
        id: ProductId::from_uuid(id(n)),
        supplier: OrgId::from_uuid(id(supplier)),
        name: format!("Product {n}"),
        category,
        cpe: None,
        status: ProductStatus::Confirmed,
    }
}

fn dep(n: u128, service: &Service, product: u128) -> Dependency {
    Dependency {
        id: DependencyId::from_uuid(id(n)),
        org: service.org,
        service: service.id,
        target: DependencyTarget::Product(ProductId::from_uuid(id(product))),
        note: None,
    }
}

/// Nation 1; regions 2 (ICBs 4, 5) and 3 (ICB 6); trusts 10, 11 (ICB 4), 12 (ICB 5), 13 (ICB 6);
/// suppliers 50 (pathology A), 51 (pathology B), 52 (nothing).
struct World {
    orgs: Vec<Organisation>,
    services: Vec<Service>,
    products: Vec<Product>,
    deps: Vec<Dependency>,
    uses: Vec<ProductUse>,
}

fn world() -> World {
    let orgs = vec![
        org(1, "X26", OrgKind::NationalBody, None),
        org(2, "Y56", OrgKind::Region, Some(1)),
        org(3, "Y58", OrgKind::Region, Some(1)),
        org(4, "QMF", OrgKind::Icb, Some(2)),
        org(5, "QMJ", OrgKind::Icb, Some(2)),
        org(6, "QUY", OrgKind::Icb, Some(3)),
        org(10, "RJZ", OrgKind::NhsTrust, Some(4)),
        org(11, "RJ1", OrgKind::NhsTrust, Some(4)),
        org(12, "RAL", OrgKind::NhsTrust, Some(5)),
        org(13, "RA7", OrgKind::NhsTrust, Some(6)),
        org(50, "SUPA", OrgKind::Supplier, None),
        org(51, "SUPB", OrgKind::Supplier, None),
        org(52, "SUPC", OrgKind::Supplier, None),
    ];
    // Each trust's pathology (critical 5) and an outpatients service (3).
    let services = vec![
        service(100, 10, 5, 300),
        service(101, 11, 5, 100),
        service(102, 12, 5, 600),
        service(103, 13, 5, 200),
        service(110, 10, 3, 1000),
    ];
    let products = vec![
        product(200, 50, ProductCategory::Pathology),
        product(201, 51, ProductCategory::Pathology),
    ];
    // Supplier A: RJZ, RJ1 (region 2), RA7 (region 3). Supplier B: RAL (region 2).
    let deps = vec![
        dep(300, &services[0], 200),
        dep(301, &services[1], 200),
        dep(302, &services[3], 200),
        dep(303, &services[2], 201),
    ];
    // RJZ's outpatients server runs supplier A's product too (found in the inventory).
    let uses = vec![ProductUse {
        product: ProductId::from_uuid(id(200)),
        org: OrgId::from_uuid(id(10)),
        assets: 2,
        services: vec![ServiceId::from_uuid(id(110))],
    }];
    World {
        orgs,
        services,
        products,
        deps,
        uses,
    }
}

fn build(w: &World) -> SupplierRegister {
    let releases = [(
        ProductId::from_uuid(id(200)),
        vec![InstalledRelease {
            version: "7.4.0".into(),
            purl: None,
            assets: 2,
        }],
    )];
    SupplierRegister::build(RegisterInput {
        orgs: &w.orgs,
        services: &w.services,
        products: &w.products,
        dependencies: &w.deps,
        uses: &w.uses,
        releases: &releases,
    })
}

fn oid(n: u128) -> OrgId {
    OrgId::from_uuid(id(n))
}

#[test]
fn dependants_come_from_declared_dependencies_and_the_inventory() {
    let r = build(&world());
    let v = r.view(&Visibility::All);
    let a = v.suppliers.iter().find(|s| s.supplier == oid(50)).unwrap();
    assert_eq!(a.organisations, 3);
    // Three pathology services and RJZ's outpatients (through its assets).
    assert_eq!(a.services, 4);
    assert_eq!(a.patient_critical_services, 3);
    assert_eq!(a.throughput_per_day, 300 + 100 + 200 + 1000);
    let c = v.suppliers.iter().find(|s| s.supplier == oid(52)).unwrap();
    assert_eq!((c.organisations, c.criticality), (0, Criticality::Low));
    assert_eq!(v.suppliers.len(), 3, "national sees every supplier");
}

#[test]
fn concentration_is_the_share_of_a_regions_capacity_for_the_category() {
    let r = build(&world());
    let v = r.view(&Visibility::All);
    let find = |supplier: u128, region: u128| {
        v.concentration
            .iter()
            .find(|c| c.supplier == oid(supplier) && c.region == oid(region))
            .unwrap()
    };
    // Region 2's pathology: RJZ 300 (declared) and its outpatients 1000 (on an asset running the
    // LIMS) + RJ1 100 on A; RAL 600 on B.
    let a2 = find(50, 2);
    assert_eq!((a2.throughput_per_day, a2.total_throughput_per_day), (1400, 2000));
    assert_eq!((a2.organisations, a2.total_organisations), (2, 3));
    assert_eq!(a2.share_percent, 70);
    assert_eq!(find(51, 2).share_percent, 30);
    assert_eq!(find(50, 3).share_percent, 100);
    // Highest share first.
    assert!(
        v.concentration
            .windows(2)
            .all(|w| w[0].share_percent >= w[1].share_percent)
    );
    // A holds all of region 3's pathology: critical. B holds 30% of region 2's: high.
    let crit = |s: u128| {
        v.suppliers
            .iter()
            .find(|x| x.supplier == oid(s))
            .unwrap()
            .criticality
    };
    assert_eq!(crit(50), Criticality::Critical);
    assert_eq!(crit(51), Criticality::High);
}

#[test]
fn area_figures_add_up_from_organisation_to_nation() {
    let r = build(&world());
    let f = r.figures(oid(50), &Visibility::All).unwrap();
    let row = |n: u128| f.areas.iter().find(|a| a.org == oid(n)).unwrap();
    let sum = |ns: &[u128]| -> (u32, u32) {
        ns.iter()
            .filter_map(|n| f.areas.iter().find(|a| a.org == oid(*n)))
            .fold((0, 0), |(o, s), a| (o + a.organisations, s + a.services))
    };
    assert_eq!((row(4).organisations, row(4).services), sum(&[10, 11]));
    assert_eq!((row(2).organisations, row(2).services), sum(&[4, 5]));
    assert_eq!((row(1).organisations, row(1).services), sum(&[2, 3]));
    assert_eq!(row(1).organisations, f.summary.organisations);
    assert_eq!(row(1).services, f.summary.services);
    assert_eq!(row(10).assets, 2);
    assert!(row(10).declared);
    assert_eq!(f.areas[0].level, AreaLevel::Nation);
}

#[test]
fn a_footprint_sees_only_its_own_dependants_and_suppliers() {
    let r = build(&world());
    // A trust in region 2 sees supplier A only, with itself as the only dependant.
    let v = r.view(&Visibility::Subtrees(vec![oid(11)]));
    assert_eq!(v.suppliers.len(), 1);
    assert_eq!(v.suppliers[0].supplier, oid(50));
    assert_eq!(v.suppliers[0].organisations, 1);
    assert_eq!(v.suppliers[0].facts, None, "sector facts are national");
    assert!(
        v.suppliers[0].products[0].releases.is_empty(),
        "sector-wide install counts are national"
    );
    let all = r.view(&Visibility::All);
    let a = all.suppliers.iter().find(|s| s.supplier == oid(50)).unwrap();
    assert_eq!(a.products[0].releases.len(), 1);
    assert!(r.figures(oid(51), &Visibility::Subtrees(vec![oid(11)])).is_none());
    let f = r.figures(oid(50), &Visibility::Subtrees(vec![oid(11)])).unwrap();
    assert_eq!(f.areas.len(), 1, "no area above the trust is in its footprint");
    // Region 2's lead: both pathology suppliers, region 3 left out of the shares.
    let v = r.view(&Visibility::Subtrees(vec![oid(2)]));
    assert_eq!(v.suppliers.len(), 2);
    assert!(v.concentration.iter().all(|c| c.region == oid(2)));
    let a = v.suppliers.iter().find(|s| s.supplier == oid(50)).unwrap();
    assert_eq!(a.organisations, 2);
    // A supplier contact sees its own record and no customers.
    let v = r.view(&Visibility::Orgs(vec![oid(51)]));
    assert_eq!(v.suppliers.len(), 1);
    assert_eq!(v.suppliers[0].organisations, 0);
    assert!(v.concentration.is_empty());
    assert!(r.figures(oid(50), &Visibility::Orgs(vec![oid(51)])).is_none());
}

#[test]
fn broken_references_are_left_out_not_fatal() {
    let mut w = world();
    w.deps.push(dep(399, &service(999, 10, 5, 10), 200));
    w.deps.push(dep(398, &w.services[0].clone(), 999));
    let r = build(&w);
    let v = r.view(&Visibility::All);
    assert_eq!(
        v.suppliers
            .iter()
            .find(|s| s.supplier == oid(50))
            .unwrap()
            .services,
        4
    );
}

#[test]
fn the_demo_sector_has_a_critical_pathology_supplier() {
    let plan = ward_demo::DemoPlan::new(2017, ward_demo::Scale::Small, jiff::civil::date(2026, 12, 7));
    let mut services = Vec::new();
    let mut deps = Vec::new();
    for i in 0..plan.orgs.len() {
        let inv = plan.inventory(i);
        services.extend(inv.services);
        deps.extend(inv.dependencies);
    }
    let r = SupplierRegister::build(RegisterInput {
        orgs: &plan.orgs,
        services: &services,
        products: &plan.products,
        dependencies: &deps,
        uses: &[],
        releases: &[],
    });
    let v = r.view(&Visibility::All);
    assert!(!v.suppliers.is_empty());
    assert!(v.suppliers.iter().any(|s| s.criticality == Criticality::Critical));
    assert!(
        v.concentration
            .iter()
            .any(|c| c.category == ProductCategory::Pathology && c.share_percent >= 50)
    );
}

#[test]
fn each_organisation_knows_the_suppliers_it_depends_on() {
    let r = build(&world());
    let of = r.suppliers_of(&[oid(10), oid(13), oid(99)]);
    assert_eq!(
        of.get(&oid(10)),
        Some(&vec![oid(50)]),
        "RJZ: supplier A, declared and installed"
    );
    assert!(
        !of.contains_key(&oid(99)),
        "an unknown organisation depends on nothing"
    );
    let all: Vec<OrgId> = r
        .view(&Visibility::All)
        .suppliers
        .iter()
        .filter(|s| s.organisations > 0)
        .map(|s| s.supplier)
        .collect();
    let every = r.suppliers_of(&[oid(10), oid(11), oid(12), oid(13)]);
    for s in all {
        assert!(
            every.values().any(|l| l.contains(&s)),
            "{s} has a dependant among the trusts"
        );
    }
}
