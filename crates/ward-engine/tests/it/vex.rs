//! VEX layering: statements change the effective status per asset, the raw match stays.

use ward_core::vuln::{Justification, ProductRef, RangeKind, VexStatement, VexStatus};
use ward_engine::{
    Effective, Inventory, ScopedStatement, Verdict, VexOrigin, VexScope, layer_vex, match_all,
};

use crate::helpers::*;

fn statement(vuln: &str, purl: &str, status: VexStatus, scope: VexScope) -> ScopedStatement {
    ScopedStatement {
        statement: VexStatement {
            vulnerability: vuln.into(),
            aliases: vec![],
            product: ProductRef {
                purl: Some(purl.into()),
                ..ProductRef::default()
            },
            status,
            source_status: status.as_str().into(),
            justification: (status == VexStatus::NotAffected)
                .then_some(Justification::VulnerableCodeNotInExecutePath),
            detail: None,
            actions: vec![],
            source: "test".into(),
        },
        scope,
        origin: VexOrigin::Supplier,
    }
}

fn world() -> (Inventory, Vec<ward_core::vuln::Advisory>) {
    let rows = [
        (asset(1), org(1), purl("pkg:npm/lodash@4.17.19")),
        (asset(2), org(1), purl("pkg:npm/lodash@4.17.19")),
        (asset(3), org(2), purl("pkg:npm/lodash@4.17.19")),
    ];
    let inv = Inventory::build(rows.iter().map(|(a, o, s)| (*a, *o, s)));
    let mut adv = advisory(
        "GHSA-35jh-r3h4-6jhm",
        vec![package(
            "npm",
            "lodash",
            RangeKind::Semver,
            vec![introduced("0"), fixed("4.17.21")],
            &[],
        )],
    );
    adv.aliases = vec!["CVE-2021-23337".into()];
    (inv, vec![adv])
}

fn groups_by_asset(inv: &Inventory, layered: &ward_engine::LayeredMatch) -> Vec<(u128, Effective)> {
    let mut out: Vec<(u128, Effective)> = layered
        .groups
        .iter()
        .flat_map(|g| {
            g.assets
                .iter()
                .map(|a| (inv.asset_id(*a).unwrap().as_uuid().as_u128(), g.effective.clone()))
        })
        .collect();
    out.sort_by_key(|(a, _)| *a);
    out
}

#[test]
fn statements_layer_by_scope_and_keep_the_raw_match() {
    let (inv, advisories) = world();
    let matches = match_all(&inv, &advisories);
    let statements = vec![
        statement(
            "CVE-2021-23337",
            "pkg:npm/lodash",
            VexStatus::NotAffected,
            VexScope::default(),
        ),
        statement(
            "cve-2021-23337",
            "pkg:npm/lodash@4.17.19",
            VexStatus::UnderInvestigation,
            VexScope {
                org: Some(org(1)),
                asset: None,
            },
        ),
        statement(
            "GHSA-35jh-r3h4-6jhm",
            "pkg:npm/LODASH",
            VexStatus::Affected,
            VexScope {
                org: None,
                asset: Some(asset(2)),
            },
        ),
    ];
    let layered = layer_vex(&inv, &advisories, &matches, &statements);
    assert_eq!(layered.len(), 1);
    assert_eq!(layered[0].raw, Verdict::Affected, "the raw match is kept");
    let by_asset = groups_by_asset(&inv, &layered[0]);
    let stated = |status, statement| Effective::Stated { status, statement };
    assert_eq!(
        by_asset,
        vec![
            (1, stated(VexStatus::UnderInvestigation, 1)),
            (2, stated(VexStatus::Affected, 2)),
            (3, stated(VexStatus::NotAffected, 0)),
        ]
    );
    assert_eq!(matches.matches.len(), 1, "layering deletes nothing");
}

#[test]
fn versions_and_ranges_limit_a_statement() {
    let (inv, advisories) = world();
    let matches = match_all(&inv, &advisories);
    let other_version = vec![statement(
        "CVE-2021-23337",
        "pkg:npm/lodash@4.17.21",
        VexStatus::Fixed,
        VexScope::default(),
    )];
    let layered = layer_vex(&inv, &advisories, &matches, &other_version);
    assert!(
        layered[0]
            .groups
            .iter()
            .all(|g| matches!(g.effective, Effective::Matched { .. }))
    );
    let mut ranged = statement(
        "CVE-2021-23337",
        "pkg:npm/lodash",
        VexStatus::NotAffected,
        VexScope::default(),
    );
    ranged.statement.product.version_range = Some("vers:npm/>=4.17.0|<4.17.20".into());
    let layered = layer_vex(&inv, &advisories, &matches, &[ranged.clone()]);
    assert_eq!(layered[0].groups.len(), 1);
    assert!(!layered[0].groups[0].effective.needs_action());
    ranged.statement.product.version_range = Some("vers:npm/>=4.17.20".into());
    let layered = layer_vex(&inv, &advisories, &matches, &[ranged]);
    assert!(layered[0].groups[0].effective.needs_action());
    let unrelated = vec![statement(
        "CVE-2000-0001",
        "pkg:npm/lodash",
        VexStatus::NotAffected,
        VexScope::default(),
    )];
    let layered = layer_vex(&inv, &advisories, &matches, &unrelated);
    assert!(layered[0].groups[0].effective.needs_action());
}

#[test]
fn origins_have_one_spelling() {
    ward_core::text::check_serde_agrees::<VexOrigin>().unwrap();
    assert_eq!(VexOrigin::CycloneDx.to_string(), "cyclone_dx");
}
