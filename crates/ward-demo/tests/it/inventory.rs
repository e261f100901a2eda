use crate::plan;
use std::collections::{BTreeMap, BTreeSet};
use ward_core::asset::AssetKind;
use ward_core::dependency::DependencyTarget;
use ward_core::org::OrgKind;
use ward_core::role::Role;
use ward_core::supplier::ProductCategory;
use ward_core::{OrgId, ProductId, ServiceId};
use ward_demo::{DemoPlan, OrgInventory, Scale};

/// Check one inventory on its own: sizes, validation, services and assets belong to the organisation.
fn assert_inventory_sound(p: &DemoPlan, i: usize, inv: &OrgInventory) {
    let org = &p.orgs[i];
    assert_eq!(inv.assets.len(), p.expected_assets(i), "{} asset count", org.code);
    assert_eq!(inv.services, p.services(i), "{} services match", org.code);
    let services: BTreeSet<ServiceId> = inv.services.iter().map(|s| s.id).collect();
    assert_eq!(services.len(), inv.services.len());
    for s in &inv.services {
        assert_eq!(s.org, org.id);
    }
    for a in &inv.assets {
        a.validate()
            .unwrap_or_else(|e| panic!("{} asset {} invalid: {e}", org.code, a.name));
        assert_eq!(a.org, org.id);
        for s in &a.services {
            assert!(
                services.contains(s),
                "{} asset {} supports a foreign service",
                org.code,
                a.name
            );
        }
        let n = a.software.len();
        let ok = match a.kind {
            AssetKind::EndUserDevice => (2..=5).contains(&n),
            AssetKind::Server | AssetKind::System => (3..=15).contains(&n),
            AssetKind::NetworkDevice | AssetKind::MedicalDevice => (1..=3).contains(&n),
        };
        assert!(
            ok,
            "{} {:?} '{}' has {n} software items",
            org.code, a.kind, a.name
        );
        if a.internet_facing {
            assert!(
                a.hostname.as_deref().is_some_and(|h| h.contains('.')),
                "{} needs a public name",
                a.name
            );
        }
    }
    let assets: BTreeSet<_> = inv.assets.iter().map(|a| a.id).collect();
    assert_eq!(assets.len(), inv.assets.len(), "asset ids unique in {}", org.code);
    let products: BTreeSet<ProductId> = p.products.iter().map(|x| x.id).collect();
    for d in &inv.dependencies {
        assert_eq!(d.org, org.id);
        assert!(services.contains(&d.service));
        match d.target {
            DependencyTarget::Asset(a) => assert!(assets.contains(&a), "asset target inside {}", org.code),
            DependencyTarget::Product(x) => assert!(products.contains(&x)),
            DependencyTarget::Service(_) => {}
        }
    }
}

fn product_named(p: &DemoPlan, name: &str) -> ProductId {
    p.products
        .iter()
        .find(|x| x.name == name)
        .unwrap_or_else(|| panic!("product {name}"))
        .id
}

/// Organisations whose services depend directly on `product`.
fn dependants(invs: &[(usize, OrgInventory)], product: ProductId) -> BTreeSet<usize> {
    invs.iter()
        .filter(|(_, inv)| {
            inv.dependencies
                .iter()
                .any(|d| d.target == DependencyTarget::Product(product))
        })
        .map(|(i, _)| *i)
        .collect()
}

#[test]
fn small_sector_inventories_are_valid_and_every_dependency_resolves() {
    let p = plan(21, Scale::Small);
    let invs: Vec<(usize, OrgInventory)> = (0..p.orgs.len()).map(|i| (i, p.inventory(i))).collect();
    let mut all_services: BTreeMap<ServiceId, OrgId> = BTreeMap::new();
    let mut all_assets = BTreeSet::new();
    for (i, inv) in &invs {
        assert_inventory_sound(&p, *i, inv);
        for s in &inv.services {
            assert!(
                all_services.insert(s.id, s.org).is_none(),
                "service ids unique across the sector"
            );
        }
        for a in &inv.assets {
            assert!(all_assets.insert(a.id), "asset ids unique across the sector");
        }
    }
    let total: usize = invs.iter().map(|(_, inv)| inv.assets.len()).sum();
    assert_eq!(total, p.expected_counts().1);
    let mut cross_org = 0;
    for (_, inv) in &invs {
        for d in &inv.dependencies {
            if let DependencyTarget::Service(s) = d.target {
                let owner = all_services
                    .get(&s)
                    .unwrap_or_else(|| panic!("service target {s} exists"));
                if *owner != d.org {
                    cross_org += 1;
                }
            }
        }
    }
    assert!(
        cross_org >= 40,
        "practices and care providers lean on other organisations ({cross_org})"
    );
    let exposed = invs
        .iter()
        .flat_map(|(_, inv)| &inv.assets)
        .filter(|a| a.internet_facing)
        .count();
    assert!(
        exposed >= 8,
        "every trust has a remote access gateway and a portal ({exposed})"
    );
}

#[test]
fn the_city_shares_one_pathology_supplier_like_the_real_incident() {
    let p = plan(22, Scale::Small);
    let invs: Vec<(usize, OrgInventory)> = (0..p.orgs.len()).map(|i| (i, p.inventory(i))).collect();
    let lims = product_named(&p, "CapitalLab LIMS");
    let direct = dependants(&invs, lims);
    let trusts = direct
        .iter()
        .filter(|i| p.orgs[**i].kind == OrgKind::NhsTrust)
        .count();
    let practices = direct
        .iter()
        .filter(|i| p.orgs[**i].kind == OrgKind::GpPractice)
        .count();
    assert!(trusts >= 2, "several trusts run the shared LIMS ({trusts})");
    assert!(practices >= 5, "practices order tests through it ({practices})");

    // The personas tell one story: the supplier contact supplies the LIMS the admin's trust runs, and
    // the responder's practice sends its tests to that trust's pathology service.
    let persona = |r: Role| p.personas.iter().find(|x| x.role == r).unwrap().org;
    let supplier = persona(Role::SupplierContact);
    assert_eq!(
        p.products.iter().find(|x| x.id == lims).unwrap().supplier,
        supplier
    );
    let trust = p
        .orgs
        .iter()
        .position(|o| o.id == persona(Role::OrgAdmin))
        .unwrap();
    assert!(direct.contains(&trust));
    let pathology = p
        .services(trust)
        .into_iter()
        .find(|s| s.name.contains("Pathology"))
        .unwrap();
    let practice = p
        .orgs
        .iter()
        .position(|o| o.id == persona(Role::IncidentResponder))
        .unwrap();
    assert!(
        invs[practice]
            .1
            .dependencies
            .iter()
            .any(|d| d.target == DependencyTarget::Service(pathology.id))
    );
    let on_pathology = invs
        .iter()
        .filter(|(_, inv)| {
            inv.dependencies
                .iter()
                .any(|d| d.target == DependencyTarget::Service(pathology.id))
        })
        .count();
    assert!(
        on_pathology >= 5,
        "the hub's pathology serves many practices ({on_pathology})"
    );
}

#[test]
fn two_gp_systems_cover_nearly_every_practice() {
    let p = plan(23, Scale::Region);
    let invs: Vec<(usize, OrgInventory)> = (0..p.orgs.len())
        .filter(|i| p.orgs[*i].kind == OrgKind::GpPractice)
        .map(|i| (i, p.inventory(i)))
        .collect();
    let mut shares: Vec<usize> = p
        .products
        .iter()
        .filter(|x| x.category == ProductCategory::GpClinicalSystem)
        .map(|x| dependants(&invs, x.id).len())
        .collect();
    shares.sort_unstable_by(|a, b| b.cmp(a));
    assert!(shares.len() >= 3);
    let top_two = shares[0] + shares[1];
    assert!(
        top_two * 100 >= invs.len() * 90,
        "top two GP systems serve {top_two} of {}",
        invs.len()
    );
    assert!(
        shares[1] * 100 >= invs.len() * 20,
        "the second system is substantial too"
    );
}

#[test]
fn one_urgent_care_platform_serves_most_111_and_urgent_care_services() {
    let p = plan(24, Scale::National);
    let urgent: Vec<(usize, OrgInventory)> = (0..p.orgs.len())
        .filter(|i| p.orgs[*i].kind == OrgKind::NhsTrust)
        .filter(|i| {
            p.services(*i)
                .iter()
                .any(|s| s.name.contains("111") || s.name.contains("Urgent treatment"))
        })
        .map(|i| (i, p.inventory(i)))
        .collect();
    assert!(urgent.len() >= 20, "{} urgent care providers", urgent.len());
    let mut shares: Vec<usize> = p
        .products
        .iter()
        .filter(|x| x.category == ProductCategory::UrgentCarePlatform)
        .map(|x| dependants(&urgent, x.id).len())
        .collect();
    shares.sort_unstable_by(|a, b| b.cmp(a));
    assert!(
        shares[0] * 100 >= urgent.len() * 65,
        "leading platform serves {} of {}",
        shares[0],
        urgent.len()
    );
    for (i, inv) in &urgent {
        assert_inventory_sound(&p, *i, inv);
    }
}

#[test]
fn estates_are_mostly_patched_with_a_meaningful_vulnerable_minority() {
    let p = plan(25, Scale::Region);
    let trusts: Vec<usize> = (0..p.orgs.len())
        .filter(|i| p.orgs[*i].kind == OrgKind::NhsTrust)
        .collect();
    let (mut assets, mut unsupported_os, mut log4shell, mut moveit, mut citrix) = (0usize, 0usize, 0, 0, 0);
    for i in trusts {
        let inv = p.inventory(i);
        assert!(
            inv.assets.iter().any(|a| a.internet_facing),
            "{} has an internet edge",
            p.orgs[i].code
        );
        for a in &inv.assets {
            assets += 1;
            if a.software.iter().any(|s| {
                s.name.starts_with("Windows 7")
                    || s.name.starts_with("Windows XP")
                    || s.name.starts_with("Windows Embedded Standard 7")
                    || s.name.starts_with("Windows Server 2008")
                    || s.name.starts_with("Windows Server 2012")
            }) {
                unsupported_os += 1;
            }
            for s in &a.software {
                if s.purl.as_deref() == Some("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1") {
                    log4shell += 1;
                }
                if s.name == "MOVEit Transfer" {
                    moveit += 1;
                }
                if s.name == "NetScaler ADC" {
                    citrix += 1;
                }
            }
        }
    }
    let share = unsupported_os as f64 / assets as f64;
    assert!(
        (0.005..0.25).contains(&share),
        "{unsupported_os} of {assets} assets run an unsupported OS"
    );
    assert!(
        log4shell >= 1,
        "some Java applications still carry log4j-core 2.14.1"
    );
    assert!(
        moveit >= 1 && citrix >= 1,
        "edge products present (MOVEit {moveit}, NetScaler {citrix})"
    );
}

#[test]
fn national_inventories_sampled_across_every_kind_are_sound() {
    let p = plan(26, Scale::National);
    let mut seen = BTreeSet::new();
    for (i, o) in p.orgs.iter().enumerate() {
        // Every 211th organisation plus the first of each kind, skipping most big trusts for speed.
        let first_of_kind = seen.insert(o.kind);
        if !(first_of_kind || (i % 211 == 0 && o.kind != OrgKind::NhsTrust)) {
            continue;
        }
        let inv = p.inventory(i);
        assert_inventory_sound(&p, i, &inv);
        if o.kind == OrgKind::GpPractice {
            assert!(
                inv.dependencies
                    .iter()
                    .any(|d| matches!(d.target, DependencyTarget::Service(_))),
                "practice {} depends on its hub's pathology",
                o.code
            );
        }
    }
    assert_eq!(seen.len(), 8, "all organisation kinds sampled");
}
