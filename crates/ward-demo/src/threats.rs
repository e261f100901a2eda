//! Threat data for the demo sector: real, published vulnerabilities that affect the releases in
//! [`crate::catalogue`], CISA KEV listings for the ones that are in the KEV catalogue, EPSS scores,
//! and end-of-life dates for the operating systems and products the catalogue carries.
//!
//! Pure data as `ward_core` types: no I/O, no clock, the same output on every call.
//!
//! # Conventions
//! - **Ids.** Every advisory's id is the real CVE id, with the GitHub advisory id as an alias where
//!   one exists for a package advisory, so a later import of the real NVD, CVE or OSV record of the
//!   same vulnerability finds and supersedes the demo record by id or alias.
//! - **Source.** [`AdvisorySource::Manual`]: the records were written by hand for the demo, not read
//!   from a feed. Summaries and details are written for Ward; the facts (ids, affected and fixed
//!   versions, CVSS vectors, dates, KEV dates and ransomware use) are the published ones.
//! - **Shape.** Vendor products that inventories identify by CPE (operating systems, appliances,
//!   servers, applications) are described with NVD-style `cpeMatch` criteria and version bounds;
//!   packages that inventories identify by purl (Maven, npm, PyPI) are described with OSV ranges.
//!   Where a product's CPE carries no build (Windows 7, Exchange cumulative updates, ESXi updates,
//!   Ivanti releases), the criteria name the affected releases one by one, as NVD does.
//! - **Published.** The day the vulnerability was first made public by the vendor or in its CVE
//!   record; `modified` is the same day.
//! - **EPSS.** Scores and percentiles are illustrative demo values chosen to look plausible for each
//!   vulnerability (high for mass-exploited edge flaws, low for hard-to-reach library bugs). They are
//!   *not* a snapshot of FIRST's data, which changes daily.
//! - **KEV.** Only CVEs that are in CISA's catalogue carry an entry, with CISA's `dateAdded`,
//!   `dueDate` and ransomware flag; names and descriptions are Ward's own words.
//! - **End of life.** Product and cycle names follow endoflife.date, with the identifiers through
//!   which the exposure engine's end-of-life check recognises the catalogue's software (purl, CPE
//!   vendor and product, or its name map); the `eol` module notes the few cycles the demo names so
//!   that the engine finds them from a CPE.

mod eol;
mod infra;
mod software;

use jiff::Timestamp;
use jiff::civil::{Date, date};
use jiff::tz::TimeZone;
use ward_core::vuln::{
    Advisory, AdvisorySource, Affected, CpeMatch, EolProduct, EpssHeader, EpssScore, Event, KevCatalog,
    KevEntry, PackageRef, Range, RangeKind, Reference, Severity, SeverityKind,
};

/// The demo's threat data, ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoThreats {
    /// One advisory per CVE, sorted by id.
    pub advisories: Vec<Advisory>,
    /// The header stored with the KEV entries.
    pub kev_catalog: KevCatalog,
    /// KEV entries for the advisories whose CVE is in CISA's catalogue, sorted by CVE.
    pub kev: Vec<KevEntry>,
    /// The header stored with the EPSS scores (no score date: the values are illustrative).
    pub epss_header: EpssHeader,
    /// One illustrative EPSS score per advisory, sorted by CVE.
    pub epss: Vec<EpssScore>,
    /// End-of-life data for the products of the catalogue, sorted by product.
    pub eol: Vec<EolProduct>,
}

/// The demo's advisories, KEV entries, EPSS scores and end-of-life products.
pub fn threats() -> DemoThreats {
    let mut vulns = infra::vulns();
    vulns.extend(software::vulns());
    vulns.sort_by(|a, b| a.id.cmp(b.id));
    let kev: Vec<KevEntry> = vulns.iter().filter_map(Vuln::kev_entry).collect();
    let epss = vulns
        .iter()
        .map(|v| EpssScore {
            cve: v.id.to_owned(),
            epss: v.epss.0,
            percentile: v.epss.1,
        })
        .collect();
    let kev_catalog = KevCatalog {
        title: Some("CISA Known Exploited Vulnerabilities: the entries the Ward demo needs".to_owned()),
        catalog_version: Some("ward-demo".to_owned()),
        date_released: None,
        count: u64::try_from(kev.len()).ok(),
    };
    let epss_header = EpssHeader {
        model_version: Some("ward-demo-illustrative".to_owned()),
        score_date: None,
    };
    let mut eol = eol::products();
    eol.sort_by(|a, b| a.product.cmp(&b.product));
    DemoThreats {
        advisories: vulns.into_iter().map(Vuln::into_advisory).collect(),
        kev_catalog,
        kev,
        epss_header,
        epss,
        eol,
    }
}

/// What CISA lists for one CVE: (vendor, product, date added, due date, known ransomware use).
struct Kev {
    vendor: &'static str,
    product: &'static str,
    added: Date,
    due: Date,
    ransomware: bool,
}

/// One vulnerability as the demo writes it, turned into an [`Advisory`] and its signals.
struct Vuln {
    id: &'static str,
    ghsa: Option<&'static str>,
    published: Date,
    /// CVSS vector (v3.1 or v4.0) and its published base score (NVD's or the CNA's).
    cvss: (&'static str, f64),
    cwes: &'static [&'static str],
    summary: &'static str,
    details: &'static str,
    affected: Vec<Affected>,
    kev: Option<Kev>,
    /// Illustrative EPSS probability and percentile.
    epss: (f64, f64),
}

/// Starts a vulnerability: CVE id, publication date, CVSS vector and its base score.
fn v(id: &'static str, published: (i16, i8, i8), vector: &'static str, score: f64) -> Vuln {
    Vuln {
        id,
        ghsa: None,
        published: day(published),
        cvss: (vector, score),
        cwes: &[],
        summary: "",
        details: "",
        affected: Vec::new(),
        kev: None,
        epss: (0.0, 0.0),
    }
}

fn day((y, m, d): (i16, i8, i8)) -> Date {
    date(y, m, d)
}

impl Vuln {
    fn ghsa(mut self, id: &'static str) -> Self {
        self.ghsa = Some(id);
        self
    }
    fn cwe(mut self, cwes: &'static [&'static str]) -> Self {
        self.cwes = cwes;
        self
    }
    fn text(mut self, summary: &'static str, details: &'static str) -> Self {
        self.summary = summary;
        self.details = details;
        self
    }
    /// One affected entry made of CPE criteria.
    fn cpes(mut self, criteria: Vec<CpeMatch>) -> Self {
        self.affected.push(Affected {
            cpes: criteria,
            ..Affected::default()
        });
        self
    }
    /// One affected package with ECOSYSTEM ranges given as (introduced, fixed) pairs.
    fn pkg(self, ecosystem: &str, name: &str, purl: &str, ranges: &[(&str, &str)]) -> Self {
        let events = ranges
            .iter()
            .flat_map(|(intro, fixed)| {
                [
                    Event::Introduced((*intro).to_owned()),
                    Event::Fixed((*fixed).to_owned()),
                ]
            })
            .collect();
        self.pkg_events(ecosystem, name, purl, events)
    }
    /// One affected package with one ECOSYSTEM range of these events.
    fn pkg_events(mut self, ecosystem: &str, name: &str, purl: &str, events: Vec<Event>) -> Self {
        self.affected.push(Affected {
            package: Some(PackageRef {
                ecosystem: ecosystem.to_owned(),
                name: name.to_owned(),
                purl: Some(purl.to_owned()),
            }),
            ranges: vec![Range {
                kind: RangeKind::Ecosystem,
                repo: None,
                events,
            }],
            ..Affected::default()
        });
        self
    }
    fn kev(
        mut self,
        vendor: &'static str,
        product: &'static str,
        added: (i16, i8, i8),
        due: (i16, i8, i8),
        ransomware: bool,
    ) -> Self {
        self.kev = Some(Kev {
            vendor,
            product,
            added: day(added),
            due: day(due),
            ransomware,
        });
        self
    }
    fn epss(mut self, probability: f64, percentile: f64) -> Self {
        self.epss = (probability, percentile);
        self
    }

    fn kev_entry(&self) -> Option<KevEntry> {
        let k = self.kev.as_ref()?;
        Some(KevEntry {
            cve: self.id.to_owned(),
            vendor: k.vendor.to_owned(),
            product: k.product.to_owned(),
            name: self.summary.to_owned(),
            date_added: k.added,
            due_date: Some(k.due),
            known_ransomware: k.ransomware,
            description: Some(self.details.to_owned()),
            required_action: "Apply the vendor's update or mitigation, then look for signs that the \
                              weakness was used before it was closed; take the product out of service \
                              if neither is available."
                .to_owned(),
            notes: Some(format!("https://nvd.nist.gov/vuln/detail/{}", self.id)),
            cwes: self.cwes.iter().map(|c| (*c).to_owned()).collect(),
        })
    }

    fn into_advisory(self) -> Advisory {
        let published = midnight(self.published);
        let kind = if self.cvss.0.starts_with("CVSS:4.0/") {
            SeverityKind::CvssV4
        } else {
            SeverityKind::CvssV3
        };
        let mut references = vec![Reference {
            kind: Some("ADVISORY".to_owned()),
            url: format!("https://nvd.nist.gov/vuln/detail/{}", self.id),
        }];
        if let Some(g) = self.ghsa {
            references.push(Reference {
                kind: Some("ADVISORY".to_owned()),
                url: format!("https://github.com/advisories/{g}"),
            });
        }
        Advisory {
            id: self.id.to_owned(),
            aliases: self.ghsa.map(str::to_owned).into_iter().collect(),
            related: Vec::new(),
            summary: Some(self.summary.to_owned()),
            details: Some(self.details.to_owned()),
            published,
            modified: published,
            withdrawn: None,
            severity: vec![Severity {
                kind,
                score: self.cvss.0.to_owned(),
                base_score: Some(self.cvss.1),
                assigned_by: None,
            }],
            affected: self.affected,
            references,
            cwes: self.cwes.iter().map(|c| (*c).to_owned()).collect(),
            source: AdvisorySource::Manual,
        }
    }
}

fn midnight(d: Date) -> Option<Timestamp> {
    d.to_zoned(TimeZone::UTC).ok().map(|z| z.timestamp())
}

/// A vulnerable CPE criterion with NVD-style bounds: `versionStartIncluding` and
/// `versionEndExcluding` (the fixed version).
fn range(criteria: &str, start: Option<&str>, end_excluding: &str) -> CpeMatch {
    CpeMatch {
        criteria: criteria.to_owned(),
        version_start_including: start.map(str::to_owned),
        version_start_excluding: None,
        version_end_including: None,
        version_end_excluding: Some(end_excluding.to_owned()),
        vulnerable: true,
    }
}

/// A vulnerable CPE criterion that names its releases in the CPE itself (no bounds).
fn exact(criteria: &str) -> CpeMatch {
    CpeMatch {
        criteria: criteria.to_owned(),
        version_start_including: None,
        version_start_excluding: None,
        version_end_including: None,
        version_end_excluding: None,
        vulnerable: true,
    }
}

/// `exact` for several criteria.
fn each(criteria: &[&str]) -> Vec<CpeMatch> {
    criteria.iter().map(|c| exact(c)).collect()
}

/// `range` for one product over several (start, fixed) branches.
fn branches(criteria: &str, list: &[(Option<&str>, &str)]) -> Vec<CpeMatch> {
    list.iter()
        .map(|(start, end)| range(criteria, *start, end))
        .collect()
}
