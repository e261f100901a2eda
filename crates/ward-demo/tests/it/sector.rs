use crate::plan;
use std::collections::{BTreeMap, BTreeSet};
use strum::IntoEnumIterator;
use ward_core::org::{OdsCode, OrgKind, check_parent};
use ward_core::role::Role;
use ward_demo::{DemoPlan, Scale};

fn kind_counts(p: &DemoPlan) -> BTreeMap<OrgKind, usize> {
    let mut m = BTreeMap::new();
    for o in &p.orgs {
        *m.entry(o.kind).or_insert(0) += 1;
    }
    m
}

fn count(m: &BTreeMap<OrgKind, usize>, k: OrgKind) -> usize {
    m.get(&k).copied().unwrap_or(0)
}

/// Codes and ids unique, codes canonical, parents exist earlier with an allowed kind.
fn assert_hierarchy_valid(p: &DemoPlan) {
    let mut codes = BTreeSet::new();
    let mut ids = BTreeMap::new();
    for (i, o) in p.orgs.iter().enumerate() {
        assert_eq!(
            OdsCode::parse(o.code.as_str()).unwrap(),
            o.code,
            "code {} is canonical",
            o.code
        );
        assert!(codes.insert(o.code.clone()), "duplicate code {}", o.code);
        assert!(!o.name.trim().is_empty());
        match o.parent {
            None => assert!(
                matches!(o.kind, OrgKind::NationalBody | OrgKind::Supplier),
                "{} ({:?}) has no parent",
                o.code,
                o.kind
            ),
            Some(parent) => {
                let &(pi, pk) = ids
                    .get(&parent)
                    .unwrap_or_else(|| panic!("parent of {} precedes it", o.code));
                assert!(pi < i);
                check_parent(o.kind, pk).unwrap();
            }
        }
        if let Some(opened) = o.opened {
            assert!(opened <= crate::today(), "{} opens in the future", o.code);
        }
        assert!(
            ids.insert(o.id, (i, o.kind)).is_none(),
            "duplicate id for {}",
            o.code
        );
    }
    let product_ids: BTreeSet<_> = p.products.iter().map(|x| x.id).collect();
    assert_eq!(product_ids.len(), p.products.len());
    for product in &p.products {
        let (_, kind) = ids[&product.supplier];
        assert_eq!(kind, OrgKind::Supplier, "{} belongs to a supplier", product.name);
        assert!(product.cpe.as_deref().is_some_and(|c| c.starts_with("cpe:2.3:")));
    }
}

#[test]
fn small_scale_is_one_london_like_region() {
    let p = plan(11, Scale::Small);
    let k = kind_counts(&p);
    assert_eq!(count(&k, OrgKind::NationalBody), 1);
    assert_eq!(count(&k, OrgKind::Region), 1);
    assert_eq!(count(&k, OrgKind::Icb), 3);
    assert_eq!(count(&k, OrgKind::NhsTrust), 8);
    assert_eq!(count(&k, OrgKind::GpPractice), 40);
    assert_eq!(count(&k, OrgKind::CareProvider), 30);
    assert!((30..=90).contains(&count(&k, OrgKind::CareSite)), "{k:?}");
    assert!(count(&k, OrgKind::Supplier) >= 10);
    let region = p.orgs.iter().find(|o| o.kind == OrgKind::Region).unwrap();
    assert_eq!(region.code.as_str(), "Y56");
    let national = p.orgs.iter().find(|o| o.kind == OrgKind::NationalBody).unwrap();
    assert_eq!(national.code.as_str(), "X26");
    let (_, assets) = p.expected_counts();
    assert!((2_000..=5_000).contains(&assets), "{assets} assets");
    assert_hierarchy_valid(&p);
}

#[test]
fn region_scale_is_one_full_region() {
    let p = plan(12, Scale::Region);
    let k = kind_counts(&p);
    assert_eq!(count(&k, OrgKind::Region), 1);
    assert_eq!(count(&k, OrgKind::Icb), 5);
    assert_eq!(count(&k, OrgKind::NhsTrust), 40);
    assert_eq!(count(&k, OrgKind::GpPractice), 1000);
    assert_eq!(count(&k, OrgKind::CareProvider), 3000);
    let (_, assets) = p.expected_counts();
    assert!((100_000..=250_000).contains(&assets), "{assets} assets");
    assert_hierarchy_valid(&p);
}

#[test]
fn national_scale_matches_the_size_of_england() {
    let p = plan(13, Scale::National);
    let k = kind_counts(&p);
    assert_eq!(count(&k, OrgKind::Region), 7);
    assert_eq!(count(&k, OrgKind::Icb), 42);
    assert_eq!(count(&k, OrgKind::NhsTrust), 210);
    assert_eq!(count(&k, OrgKind::GpPractice), 6200);
    assert_eq!(count(&k, OrgKind::CareProvider), 18_500);
    let (orgs, assets) = p.expected_counts();
    assert!((28_000..=32_000).contains(&orgs), "{orgs} organisations");
    assert!((800_000..=1_300_000).contains(&assets), "{assets} assets");
    let regions: BTreeSet<_> = p
        .orgs
        .iter()
        .filter(|o| o.kind == OrgKind::Region)
        .map(|o| o.code.as_str().to_owned())
        .collect();
    let expected: BTreeSet<_> = ["Y56", "Y58", "Y59", "Y60", "Y61", "Y62", "Y63"]
        .into_iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(regions, expected);
    assert_hierarchy_valid(&p);
    // Ambulance trusts sit under regions; every ICB has trusts and practices under it.
    let icbs: BTreeSet<_> = p
        .orgs
        .iter()
        .filter(|o| o.kind == OrgKind::Icb)
        .map(|o| o.id)
        .collect();
    for icb in &icbs {
        assert!(
            p.orgs
                .iter()
                .any(|o| o.kind == OrgKind::NhsTrust && o.parent == Some(*icb))
        );
        assert!(
            p.orgs
                .iter()
                .any(|o| o.kind == OrgKind::GpPractice && o.parent == Some(*icb))
        );
    }
}

#[test]
fn code_shapes_follow_ods_conventions() {
    let p = plan(14, Scale::Small);
    for o in &p.orgs {
        let c = o.code.as_str();
        let ok = match o.kind {
            OrgKind::NationalBody => c == "X26",
            OrgKind::Region => c.len() == 3 && c.starts_with('Y'),
            OrgKind::Icb => c.len() == 3 && c.starts_with('Q'),
            OrgKind::NhsTrust => c.len() == 3 && c.starts_with('R'),
            OrgKind::GpPractice => {
                c.len() == 6
                    && c.as_bytes()[0].is_ascii_uppercase()
                    && c[1..].bytes().all(|b| b.is_ascii_digit())
            }
            OrgKind::CareProvider => c.len() == 5 && c.starts_with('V'),
            OrgKind::CareSite => c.len() == 6 && c.starts_with('V'),
            OrgKind::Supplier => c.starts_with('8'),
        };
        assert!(ok, "{c} does not look like a {:?} code", o.kind);
    }
    assert_eq!(
        p.org_index("y56"),
        p.orgs.iter().position(|o| o.code.as_str() == "Y56")
    );
    assert_eq!(p.org_index("NOPE1"), None);
}

#[test]
fn one_persona_per_role_on_a_fitting_organisation() {
    let p = plan(15, Scale::Small);
    assert_eq!(p.personas.len(), Role::iter().count());
    for (persona, role) in p.personas.iter().zip(Role::iter()) {
        assert_eq!(persona.role, role);
        assert_eq!(
            persona.email,
            format!("{}@demo.ward.example", role.as_str().replace('_', "."))
        );
        assert!(!persona.display_name.is_empty());
        let org = p
            .orgs
            .iter()
            .find(|o| o.id == persona.org)
            .expect("persona org exists");
        let expected = match role {
            Role::NationalAnalyst => OrgKind::NationalBody,
            Role::RegionalLead => OrgKind::Region,
            Role::OrgAdmin | Role::OrgMember => OrgKind::NhsTrust,
            Role::Auditor => OrgKind::Icb,
            Role::SupplierContact => OrgKind::Supplier,
            Role::IncidentResponder => OrgKind::GpPractice,
        };
        assert_eq!(org.kind, expected, "{role:?}");
    }
    assert_eq!(p.personas[0].email, "national.analyst@demo.ward.example");
}
