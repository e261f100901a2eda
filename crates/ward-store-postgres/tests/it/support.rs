//! Small fixtures. Each test gets its own database from `ward_testkit::PgDatabase` (dropped after
//! the test, also when it fails), which prints `SKIPPED:` when `WARD_TEST_POSTGRES_URL` is unset.

use jiff::Timestamp;
use uuid::Uuid;
use ward_core::OrgId;
use ward_core::asset::{Asset, AssetKind, InstalledSoftware, SoftwareSource};
use ward_core::audit::AuditActor;
use ward_core::org::{OdsCode, OrgKind, Organisation};
use ward_store::AuditMeta;
pub(crate) use ward_testkit::PgDatabase;
pub(crate) use ward_testkit::contract::backup::resign;
pub(crate) use ward_testkit::{restore_meta, test_key};

pub(crate) fn at(micros: i64) -> Timestamp {
    Timestamp::from_microsecond(micros).expect("valid timestamp")
}

/// A fixed instant with microsecond detail, so truncation bugs show.
pub(crate) fn t0() -> Timestamp {
    at(1_750_000_000_123_456)
}

pub(crate) fn meta() -> AuditMeta {
    AuditMeta {
        actor: AuditActor::system("test"),
        at: t0(),
        request_id: Some("req-1".into()),
    }
}

pub(crate) fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

pub(crate) fn org(code: &str, n: u128, kind: OrgKind, parent: Option<OrgId>) -> Organisation {
    Organisation {
        id: OrgId::from_uuid(id(n)),
        code: OdsCode::parse(code).expect("code"),
        name: format!("{code} organisation"),
        kind,
        parent,
        postcode: Some("LS1 4AP".into()),
        opened: Some(jiff::civil::date(2020, 4, 1)),
        closed: None,
    }
}

/// national(1) > region(2) > icb(3) > {trust A(4), trust B(5)}; region2(6) > icb2(7) > trust C(8).
pub(crate) fn hierarchy() -> Vec<Organisation> {
    let o = |n| Some(OrgId::from_uuid(id(n)));
    vec![
        org("X26", 1, OrgKind::NationalBody, None),
        org("Y56", 2, OrgKind::Region, o(1)),
        org("QWO", 3, OrgKind::Icb, o(2)),
        org("RR8", 4, OrgKind::NhsTrust, o(3)),
        org("RAE", 5, OrgKind::NhsTrust, o(3)),
        org("Y59", 6, OrgKind::Region, o(1)),
        org("QHM", 7, OrgKind::Icb, o(6)),
        org("RTD", 8, OrgKind::NhsTrust, o(7)),
    ]
}

pub(crate) fn oid(n: u128) -> OrgId {
    OrgId::from_uuid(id(n))
}

pub(crate) fn software(name: &str, version: &str) -> InstalledSoftware {
    InstalledSoftware {
        name: name.into(),
        vendor: None,
        version: version.into(),
        purl: Some(format!("pkg:generic/{name}@{version}")),
        cpe: None,
        source: SoftwareSource::Import,
    }
}

pub(crate) fn asset(n: u128, org: OrgId, software: Vec<InstalledSoftware>) -> Asset {
    Asset {
        id: ward_core::AssetId::from_uuid(id(n)),
        org,
        name: format!("asset-{n:06}"),
        kind: AssetKind::Server,
        hostname: Some(format!("host{n}.nhs.example")),
        internet_facing: n.is_multiple_of(3),
        services: Vec::new(),
        software,
    }
}
