//! Small builders shared by the test modules.

use ward_core::asset::{InstalledSoftware, SoftwareSource};
use ward_core::vuln::{Advisory, AdvisorySource, Affected, CpeMatch, Event, PackageRef, Range, RangeKind};
use ward_core::{AssetId, OrgId};

pub(crate) fn asset(n: u128) -> AssetId {
    AssetId::from_uuid(uuid::Uuid::from_u128(n))
}

pub(crate) fn org(n: u128) -> OrgId {
    OrgId::from_uuid(uuid::Uuid::from_u128(1 << 64 | n))
}

pub(crate) fn purl(p: &str) -> InstalledSoftware {
    InstalledSoftware {
        name: p.to_owned(),
        vendor: None,
        version: String::new(),
        purl: Some(p.to_owned()),
        cpe: None,
        source: SoftwareSource::Sbom,
    }
}

pub(crate) fn cpe(c: &str) -> InstalledSoftware {
    InstalledSoftware {
        name: c.to_owned(),
        vendor: None,
        version: String::new(),
        purl: None,
        cpe: Some(c.to_owned()),
        source: SoftwareSource::Import,
    }
}

pub(crate) fn named(vendor: Option<&str>, name: &str, version: &str) -> InstalledSoftware {
    InstalledSoftware {
        name: name.to_owned(),
        vendor: vendor.map(Into::into),
        version: version.to_owned(),
        purl: None,
        cpe: None,
        source: SoftwareSource::Manual,
    }
}

pub(crate) fn advisory(id: &str, affected: Vec<Affected>) -> Advisory {
    Advisory {
        id: id.to_owned(),
        aliases: vec![],
        related: vec![],
        summary: None,
        details: None,
        published: None,
        modified: None,
        withdrawn: None,
        severity: vec![],
        affected,
        references: vec![],
        cwes: vec![],
        source: AdvisorySource::Osv,
    }
}

pub(crate) fn package(
    ecosystem: &str,
    name: &str,
    kind: RangeKind,
    events: Vec<Event>,
    versions: &[&str],
) -> Affected {
    Affected {
        package: Some(PackageRef {
            ecosystem: ecosystem.to_owned(),
            name: name.to_owned(),
            purl: None,
        }),
        ranges: if events.is_empty() {
            vec![]
        } else {
            vec![Range {
                kind,
                repo: None,
                events,
            }]
        },
        versions: versions.iter().map(|v| (*v).to_owned()).collect(),
        ..Affected::default()
    }
}

pub(crate) fn introduced(v: &str) -> Event {
    Event::Introduced(v.to_owned())
}

pub(crate) fn fixed(v: &str) -> Event {
    Event::Fixed(v.to_owned())
}

pub(crate) fn criterion(criteria: &str, end_excluding: Option<&str>, vulnerable: bool) -> CpeMatch {
    CpeMatch {
        criteria: criteria.to_owned(),
        version_start_including: None,
        version_start_excluding: None,
        version_end_including: None,
        version_end_excluding: end_excluding.map(Into::into),
        vulnerable,
    }
}
