//! Advisories: one vulnerability, what it affects, how severe it is, and where the record came from.
//!
//! The shape mirrors the OSV schema (<https://ossf.github.io/osv-schema/>); other sources (NVD, CVE JSON 5,
//! CSAF) are mapped onto it by `ward-feeds`. `Range`, `RangeKind` and `Event` use OSV's field names and
//! (de)serialise to OSV's wire form, so they convert 1:1 to the range types of `ward-versions`.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// One vulnerability record from one source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Advisory {
    /// The record's identifier in its source (`GHSA-...`, `RUSTSEC-...`, `PYSEC-...`, `CVE-...`, a CSAF
    /// tracking id).
    pub id: String,
    /// Other identifiers of the same vulnerability (OSV `aliases`; CVE ids of a CSAF document).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Identifiers of related but distinct vulnerabilities (OSV `related`).
    #[serde(default)]
    pub related: Vec<String>,
    /// A one-line summary, when the source has one.
    #[serde(default)]
    pub summary: Option<String>,
    /// The full description, when the source has one.
    #[serde(default)]
    pub details: Option<String>,
    /// When the vulnerability was first published.
    #[serde(default)]
    pub published: Option<Timestamp>,
    /// When the record was last changed.
    #[serde(default)]
    pub modified: Option<Timestamp>,
    /// When the record was withdrawn (rejected CVEs, withdrawn GHSAs); a withdrawn advisory matches nothing.
    #[serde(default)]
    pub withdrawn: Option<Timestamp>,
    /// Severity ratings, as many as the source gives (CVSS v2, v3, v4 vectors, qualitative ratings).
    #[serde(default)]
    pub severity: Vec<Severity>,
    /// What the vulnerability affects: one entry per package (OSV) or per CPE configuration (NVD).
    #[serde(default)]
    pub affected: Vec<Affected>,
    /// Links to further information.
    #[serde(default)]
    pub references: Vec<Reference>,
    /// CWE identifiers (`CWE-79`) of the weakness, when given.
    #[serde(default)]
    pub cwes: Vec<String>,
    /// The format the record was read from.
    pub source: AdvisorySource,
}

impl Advisory {
    /// The id and all aliases, the id first.
    pub fn all_ids(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.id.as_str()).chain(self.aliases.iter().map(String::as_str))
    }

    /// The CVE id of this advisory: its own id or its first `CVE-` alias.
    pub fn cve(&self) -> Option<&str> {
        self.all_ids().find(|id| id.starts_with("CVE-"))
    }
}

/// The format an advisory was read from.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::Display,
    strum::EnumIter,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum AdvisorySource {
    /// An OSV record (JSON or YAML).
    Osv,
    /// An NVD API 2.0 `cve` object.
    Nvd,
    /// A CVE JSON 5 record from the CVE programme.
    Cve5,
    /// A CSAF 2.0 document.
    Csaf,
    /// Entered by a person in Ward.
    Manual,
}

impl AdvisorySource {
    /// The stored name (`cve5`).
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// One severity rating.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Severity {
    /// The scoring system (OSV `severity[].type`).
    #[serde(rename = "type")]
    pub kind: SeverityKind,
    /// The rating as the source writes it: a CVSS vector string for the CVSS kinds (OSV `score`), or a
    /// label such as `HIGH` or `moderate` for [`SeverityKind::Other`].
    pub score: String,
    /// The numeric base score, when the source states it (NVD, CVE JSON 5, CSAF) or it was computed from
    /// the vector.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_score: Option<f64>,
    /// Who assigned the rating (NVD `source`, a CNA short name), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assigned_by: Option<String>,
}

/// The scoring system of a [`Severity`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SeverityKind {
    /// CVSS v2 vector (OSV `CVSS_V2`).
    #[serde(rename = "CVSS_V2")]
    CvssV2,
    /// CVSS v3.0 or v3.1 vector (OSV `CVSS_V3`).
    #[serde(rename = "CVSS_V3")]
    CvssV3,
    /// CVSS v4.0 vector (OSV `CVSS_V4`).
    #[serde(rename = "CVSS_V4")]
    CvssV4,
    /// Any other system, named as the source names it (`Ubuntu`, `GHSA`, a vendor's rating).
    #[serde(untagged)]
    Other(String),
}

/// A link to further information about an advisory.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Reference {
    /// What the link is (OSV `references[].type`: `ADVISORY`, `FIX`, `WEB`, ...; NVD tags), when given.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The address.
    pub url: String,
}

/// One thing an advisory affects: a package with version ranges (OSV, CVE JSON 5 with a package name),
/// a set of CPE matches (NVD, CVE JSON 5 `cpes`), or a vendor product by name (CVE JSON 5 without either).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Affected {
    /// The package, for ecosystem advisories.
    #[serde(default)]
    pub package: Option<PackageRef>,
    /// A vendor and product by name, as CVE JSON 5 records write them (`vendor`, `product`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor_product: Option<VendorProduct>,
    /// CPE match criteria. An NVD configuration becomes one `Affected`: its matches with
    /// `vulnerable: true` name the affected software; when it also has matches with `vulnerable: false`
    /// (NVD's "running on/with" AND configurations), the software is affected only together with one of
    /// those platforms.
    #[serde(default)]
    pub cpes: Vec<CpeMatch>,
    /// Version ranges (OSV `ranges`).
    #[serde(default)]
    pub ranges: Vec<Range>,
    /// Versions known to be affected, in the ecosystem's syntax (OSV `versions`).
    #[serde(default)]
    pub versions: Vec<String>,
}

impl Affected {
    /// Every version named in a `fixed` event of this entry's ranges, in order of appearance.
    pub fn fixed_versions(&self) -> Vec<&str> {
        self.ranges
            .iter()
            .flat_map(|r| r.events.iter())
            .filter_map(|e| match e {
                Event::Fixed(v) => Some(v.as_str()),
                _ => None,
            })
            .collect()
    }
}

/// A package in an ecosystem (OSV `affected[].package`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PackageRef {
    /// The ecosystem as OSV names it (`PyPI`, `crates.io`, `npm`, `Maven`, `Debian:12`, ...). Kept as
    /// written, including ecosystems Ward does not know.
    pub ecosystem: String,
    /// The package name in the ecosystem's own form (`org.apache.logging.log4j:log4j-core` for Maven).
    pub name: String,
    /// The package URL, when the source gives one.
    #[serde(default)]
    pub purl: Option<String>,
}

/// A vendor and product by name, without a package ecosystem or CPE.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct VendorProduct {
    /// The vendor (`Apache Software Foundation`).
    pub vendor: String,
    /// The product (`Apache Log4j2`).
    pub product: String,
}

/// One NVD CPE match criterion (`configurations[].nodes[].cpeMatch[]`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CpeMatch {
    /// The CPE 2.3 formatted string the software must match (`criteria`); its version part may be `*`,
    /// in which case the four bounds below limit the versions.
    pub criteria: String,
    /// Lowest affected version, inclusive (`versionStartIncluding`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_start_including: Option<String>,
    /// Lower bound, exclusive (`versionStartExcluding`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_start_excluding: Option<String>,
    /// Highest affected version, inclusive (`versionEndIncluding`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_end_including: Option<String>,
    /// Upper bound, exclusive (`versionEndExcluding`): usually the fixed version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_end_excluding: Option<String>,
    /// Whether matching software is vulnerable (`true`) or only a platform condition (`false`).
    pub vulnerable: bool,
}

/// One version range (OSV `affected[].ranges[]`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Range {
    /// How event versions are ordered (OSV `type`).
    #[serde(rename = "type")]
    pub kind: RangeKind,
    /// The repository of a `GIT` range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repo: Option<String>,
    /// The timeline of the range, in the order the source lists it.
    #[serde(default)]
    pub events: Vec<Event>,
}

/// OSV `ranges[].type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RangeKind {
    /// SemVer 2.0 versions.
    Semver,
    /// Versions ordered by the package ecosystem's own rules.
    Ecosystem,
    /// Git commit hashes.
    Git,
}

/// One event of a range, (de)serialised as OSV writes it: an object with exactly one key, such as
/// `{"introduced": "1.0.0"}`.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, strum::IntoStaticStr,
)]
#[serde(try_from = "EventObject", into = "EventObject")]
#[strum(serialize_all = "snake_case")]
pub enum Event {
    /// The vulnerability starts at this version; `"0"` means before every version.
    Introduced(String),
    /// The vulnerability is fixed in this version.
    Fixed(String),
    /// The last version known to be affected.
    LastAffected(String),
    /// An upper limit on the range; `"*"` means none.
    Limit(String),
}

impl Event {
    /// The version (or commit) the event names.
    pub fn version(&self) -> &str {
        match self {
            Self::Introduced(v) | Self::Fixed(v) | Self::LastAffected(v) | Self::Limit(v) => v,
        }
    }

    /// OSV's key for this event: `introduced`, `fixed`, `last_affected` or `limit`.
    pub fn key(&self) -> &'static str {
        self.into()
    }
}

/// The wire form of an event: four optional keys of which exactly one must be present.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct EventObject {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    introduced: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    fixed: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_affected: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    limit: Option<String>,
}

impl TryFrom<EventObject> for Event {
    type Error = String;

    fn try_from(o: EventObject) -> Result<Self, Self::Error> {
        match (o.introduced, o.fixed, o.last_affected, o.limit) {
            (Some(v), None, None, None) => Ok(Self::Introduced(v)),
            (None, Some(v), None, None) => Ok(Self::Fixed(v)),
            (None, None, Some(v), None) => Ok(Self::LastAffected(v)),
            (None, None, None, Some(v)) => Ok(Self::Limit(v)),
            _ => Err("an event needs exactly one of introduced, fixed, last_affected, limit".to_owned()),
        }
    }
}

impl From<Event> for EventObject {
    fn from(event: Event) -> Self {
        let mut o = Self::default();
        match event {
            Event::Introduced(v) => o.introduced = Some(v),
            Event::Fixed(v) => o.fixed = Some(v),
            Event::LastAffected(v) => o.last_affected = Some(v),
            Event::Limit(v) => o.limit = Some(v),
        }
        o
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_round_trip_in_osv_wire_form() {
        let json = r#"[{"introduced":"0"},{"fixed":"1.2.3"},{"last_affected":"2.0"},{"limit":"*"}]"#;
        let events: Vec<Event> = serde_json::from_str(json).unwrap();
        assert_eq!(events[1], Event::Fixed("1.2.3".into()));
        assert_eq!(events[2].key(), "last_affected");
        for e in &events {
            let wire = serde_json::to_value(e).unwrap();
            let keys: Vec<&String> = wire.as_object().unwrap().keys().collect();
            assert_eq!(keys, vec![e.key()], "{e:?}");
        }
        assert_eq!(serde_json::to_string(&events).unwrap(), json);
        assert!(serde_json::from_str::<Event>(r#"{"introduced":"0","fixed":"1"}"#).is_err());
        assert!(serde_json::from_str::<Event>("{}").is_err());
    }

    #[test]
    fn advisory_sources_have_one_spelling() {
        crate::text::check_serde_agrees::<AdvisorySource>().unwrap();
        assert_eq!(AdvisorySource::Cve5.as_str(), "cve5");
    }

    #[test]
    fn severity_kinds_use_osv_names_and_keep_unknown_ones() {
        let s: Vec<Severity> = serde_json::from_str(
            r#"[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N"},{"type":"Ubuntu","score":"high"}]"#,
        )
        .unwrap();
        assert_eq!(s[0].kind, SeverityKind::CvssV3);
        assert_eq!(s[1].kind, SeverityKind::Other("Ubuntu".into()));
        let back = serde_json::to_string(&s[1]).unwrap();
        assert!(back.contains(r#""type":"Ubuntu""#), "{back}");
    }

    #[test]
    fn fixed_versions_and_cve_alias() {
        let a = Advisory {
            id: "GHSA-jfh8-c2jp-5v3q".into(),
            aliases: vec!["CVE-2021-44228".into()],
            related: vec![],
            summary: None,
            details: None,
            published: None,
            modified: None,
            withdrawn: None,
            severity: vec![],
            affected: vec![Affected {
                ranges: vec![Range {
                    kind: RangeKind::Ecosystem,
                    repo: None,
                    events: vec![
                        Event::Introduced("2.0-beta9".into()),
                        Event::Fixed("2.3.1".into()),
                        Event::Introduced("2.4".into()),
                        Event::Fixed("2.12.2".into()),
                    ],
                }],
                ..Affected::default()
            }],
            references: vec![],
            cwes: vec![],
            source: AdvisorySource::Osv,
        };
        assert_eq!(a.cve(), Some("CVE-2021-44228"));
        assert_eq!(a.affected[0].fixed_versions(), vec!["2.3.1", "2.12.2"]);
    }
}
