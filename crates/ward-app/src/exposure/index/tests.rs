//! A consistent snapshot is indexed and every lookup lands; an inconsistent one is refused with an
//! error that names what does not hold together, never a panic or an "(unknown)" organisation.

use jiff::Timestamp;
use jiff::civil::date;
use ward_core::asset::{AssetKind, InstalledSoftware, SoftwareSource};
use ward_core::org::{OdsCode, OrgKind};
use ward_core::risk::Consequence;
use ward_core::service::{Service, ServiceKind, ThroughputUnit};
use ward_core::vuln::{ProductRef, VexStatement, VexStatus};
use ward_core::{AssetId, OrgId, ServiceId};
use ward_engine::PriorityWeights;
use ward_store::Scope;
use ward_store::sector::{SectorAsset, SectorOrg, SectorSnapshot, ThreatSnapshot};
use ward_store::vuln::StoredVex;

use super::{ExposureIndex, SnapshotError, Status, Visible};
use crate::exposure::view::{ExposureFilter, StatusFilter};

fn org_id(n: u128) -> OrgId {
    OrgId::from_uuid(uuid::Uuid::from_u128(n))
}

fn asset_id(n: u128) -> AssetId {
    AssetId::from_uuid(uuid::Uuid::from_u128(0x100 + n))
}

fn service_id(n: u128) -> ServiceId {
    ServiceId::from_uuid(uuid::Uuid::from_u128(0x200 + n))
}

fn org(n: u128, code: &str, path: &str) -> SectorOrg {
    SectorOrg {
        id: org_id(n),
        code: OdsCode::parse(code).unwrap(),
        name: format!("Organisation {code}"),
        kind: OrgKind::NhsTrust,
        path: path.to_owned(),
    }
}

fn asset(n: u128, org: u32, internet_facing: bool) -> SectorAsset {
    SectorAsset {
        id: asset_id(n),
        org,
        name: format!("asset {n}"),
        kind: AssetKind::Server,
        internet_facing,
    }
}

fn service(n: u128, org: OrgId) -> Service {
    Service {
        id: service_id(n),
        org,
        name: format!("service {n}"),
        kind: ServiceKind::Clinical,
        criticality: Consequence::new(4).unwrap(),
        daily_throughput: 10,
        throughput_unit: ThroughputUnit::Patients,
    }
}

/// Two trusts under one region, an asset in each running a vulnerable lodash, and a service of the
/// first trust that depends on its asset.
fn sector() -> SectorSnapshot {
    SectorSnapshot {
        orgs: vec![
            org(1, "Y56", "/Y56/"),
            org(2, "RJZ", "/Y56/RJZ/"),
            org(3, "RAL", "/Y56/RAL/"),
        ],
        assets: vec![asset(1, 1, true), asset(2, 2, false)],
        software: vec![InstalledSoftware {
            name: "lodash".into(),
            vendor: None,
            version: "1.0.0".into(),
            purl: Some("pkg:npm/lodash@1.0.0".into()),
            cpe: None,
            source: SoftwareSource::Import,
        }],
        installs: vec![(0, 0), (1, 0)],
        services: vec![service(1, org_id(2))],
        asset_services: vec![(asset_id(1), service_id(1))],
        service_dependencies: vec![],
    }
}

fn threats() -> ThreatSnapshot {
    ThreatSnapshot {
        advisories: vec![ward_testkit::contract::osv_advisory(
            "GHSA-0001",
            &["CVE-2099-0001"],
            "npm",
            "lodash",
            1,
        )],
        ..ThreatSnapshot::default()
    }
}

fn statement_by(org: OrgId) -> StoredVex {
    StoredVex {
        org: Some(org),
        statement: VexStatement {
            vulnerability: "CVE-2099-0001".into(),
            aliases: vec![],
            product: ProductRef {
                purl: Some("pkg:npm/lodash@1.0.0".into()),
                ..ProductRef::default()
            },
            status: VexStatus::NotAffected,
            source_status: "not_affected".into(),
            justification: None,
            detail: None,
            actions: vec![],
            source: "entered in Ward".into(),
        },
        updated_at: Timestamp::UNIX_EPOCH,
    }
}

fn build(sector: SectorSnapshot, threats: ThreatSnapshot) -> Result<ExposureIndex, SnapshotError> {
    ExposureIndex::build(
        sector,
        threats,
        vec![],
        PriorityWeights::default(),
        Timestamp::UNIX_EPOCH,
        date(2026, 1, 1),
    )
}

#[test]
fn a_consistent_snapshot_is_indexed_and_every_row_names_its_organisation() {
    let index = build(sector(), threats()).unwrap();
    assert_eq!(index.totals(), (2, 2));
    let all = index.select(
        &index.visible(&Scope::All),
        &ExposureFilter::default(),
        StatusFilter::All,
    );
    let views: Vec<_> = all
        .iter()
        .map(|r| index.view(index.rows.get(*r), &Visible::All))
        .collect();
    let mut orgs: Vec<(&str, &str)> = views
        .iter()
        .map(|v| (v.org.code.as_str(), v.asset_name.as_str()))
        .collect();
    orgs.sort_unstable();
    assert_eq!(orgs, vec![("RAL", "asset 2"), ("RJZ", "asset 1")]);
    let with_impact = views.iter().find(|v| v.asset_name == "asset 1").unwrap();
    let impact = with_impact.impact.as_ref().expect("asset 1 supports a service");
    assert_eq!(impact.org_name, "Organisation RJZ");

    // One trust's footprint sees its own row only.
    let trust = index.visible(&Scope::Orgs(vec![org_id(3)]));
    let mine = index.select(&trust, &ExposureFilter::default(), StatusFilter::All);
    assert_eq!(mine.len(), 1);
    assert_eq!(index.view(index.rows.get(mine[0]), &Visible::All).org.code, "RAL");
}

#[test]
fn a_statement_names_the_organisation_that_made_it() {
    let mut threats = threats();
    threats.vex = vec![statement_by(org_id(3))];
    let index = build(sector(), threats).unwrap();
    let all = index.select(
        &index.visible(&Scope::All),
        &ExposureFilter::default(),
        StatusFilter::All,
    );
    let stated: Vec<_> = all
        .iter()
        .map(|r| index.view(index.rows.get(*r), &Visible::All))
        .filter(|v| v.status == Status::NotAffected)
        .collect();
    assert_eq!(stated.len(), 1, "the trust's statement covers its own asset only");
    let s = stated[0].statement.as_ref().unwrap();
    assert_eq!(s.org, Some(org_id(3)));
    assert_eq!(s.org_name.as_deref(), Some("Organisation RAL"));
}

#[test]
fn a_dependency_on_a_deleted_asset_is_not_an_inconsistency() {
    // Deleting an asset keeps the dependencies naming it: the asset supports nothing any more.
    let mut s = sector();
    s.asset_services.push((asset_id(99), service_id(1)));
    let index = build(s, threats()).unwrap();
    assert_eq!(index.totals(), (2, 2));
}

#[test]
fn an_asset_of_an_unknown_organisation_is_refused() {
    let mut s = sector();
    s.assets[1].org = 7;
    let err = build(s, threats()).unwrap_err();
    assert_eq!(
        err,
        SnapshotError::AssetOrganisation {
            asset: asset_id(2),
            org: 7,
            orgs: 3
        }
    );
    assert!(err.to_string().contains(&asset_id(2).to_string()), "{err}");
}

#[test]
fn an_installation_of_an_unknown_asset_or_software_is_refused() {
    let mut s = sector();
    s.installs.push((2, 0));
    assert!(matches!(
        build(s, threats()),
        Err(SnapshotError::Install {
            asset: 2,
            software: 0,
            ..
        })
    ));
    let mut s = sector();
    s.installs.push((0, 5));
    let err = build(s, threats()).unwrap_err();
    assert!(
        matches!(
            err,
            SnapshotError::Install {
                asset: 0,
                software: 5,
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("software number 5"), "{err}");
}

#[test]
fn an_identifier_listed_twice_is_refused() {
    // A repeated asset would take the engine's number of its first copy, and every later asset
    // would then be numbered differently in the inventory and in the tables.
    let mut s = sector();
    s.assets.push(asset(1, 2, false));
    assert_eq!(
        build(s, threats()).unwrap_err(),
        SnapshotError::DuplicateAsset(asset_id(1))
    );
    let mut s = sector();
    s.orgs.push(org(2, "RJZ", "/Y56/RJZ/"));
    assert_eq!(
        build(s, threats()).unwrap_err(),
        SnapshotError::DuplicateOrganisation(org_id(2))
    );
    let mut s = sector();
    s.services.push(service(1, org_id(3)));
    assert_eq!(
        build(s, threats()).unwrap_err(),
        SnapshotError::DuplicateService(service_id(1))
    );
}

#[test]
fn a_service_of_an_unknown_organisation_is_refused() {
    // Today this showed the service's organisation as "(unknown)" with a nil id.
    let mut s = sector();
    s.services.push(service(2, org_id(42)));
    let err = build(s, threats()).unwrap_err();
    assert_eq!(
        err,
        SnapshotError::ServiceOrganisation {
            service: service_id(2),
            org: org_id(42)
        }
    );
    assert!(err.to_string().contains(&org_id(42).to_string()), "{err}");
}

#[test]
fn a_link_to_an_unknown_service_is_refused() {
    let mut s = sector();
    s.service_dependencies.push((service_id(1), service_id(9)));
    assert_eq!(
        build(s, threats()).unwrap_err(),
        SnapshotError::ServiceDependency {
            dependant: service_id(1),
            on: service_id(9),
            unknown: service_id(9)
        }
    );
    let mut s = sector();
    s.service_dependencies.push((service_id(8), service_id(1)));
    assert!(matches!(
        build(s, threats()),
        Err(SnapshotError::ServiceDependency { unknown, .. }) if unknown == service_id(8)
    ));
    let mut s = sector();
    s.asset_services.push((asset_id(2), service_id(9)));
    assert_eq!(
        build(s, threats()).unwrap_err(),
        SnapshotError::AssetService {
            asset: asset_id(2),
            service: service_id(9)
        }
    );
}

#[test]
fn a_statement_by_an_unknown_organisation_is_refused() {
    let mut threats = threats();
    threats.vex = vec![statement_by(org_id(42))];
    assert_eq!(
        build(sector(), threats).unwrap_err(),
        SnapshotError::StatementOrganisation(org_id(42))
    );
}

#[test]
fn status_text_is_spelled_once() {
    use super::Status;
    ward_core::text::check_serde_agrees::<Status>().unwrap();
    assert_eq!(Status::UnderInvestigation.as_str(), "under_investigation");
    assert_eq!(Status::parse("not_affected"), Some(Status::NotAffected));
    assert_eq!(Status::parse("Not affected"), None);
}
