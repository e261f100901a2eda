//! Vulnerability intelligence in storage: advisories (with an alias lookup and a package lookup), the
//! KEV catalogue, EPSS scores, VEX statements, end-of-life dates, and the state of each feed source
//! for conditional downloads.
//!
//! All of it is global reference data, readable by every role and written by national imports,
//! except VEX statements entered by an organisation or a supplier: those carry the organisation and
//! are read and written through a [`Scope`]. Every write appends one audit record per call (per
//! batch), in the same transaction, whose `detail` is the JSON form of the call's [`VulnCounts`].

use async_trait::async_trait;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use ward_core::OrgId;
use ward_core::vuln::{
    Advisory, AdvisorySource, EolProduct, EolRelease, EpssHeader, EpssScore, KevCatalog, KevEntry,
    VexStatement,
};

use crate::{AuditMeta, Page, PageRequest, Scope, StoreResult};

/// The pseudo-ecosystem under which NVD CPE criteria are indexed (`vendor:product` as the name), so
/// that [`AdvisoryStore::advisories_for_cpe`] is the same lookup as a package.
pub const CPE_ECOSYSTEM: &str = "CPE";

/// What one write did to the records it was given. Fields that do not apply to a kind stay 0.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VulnCounts {
    /// New records.
    pub inserted: u64,
    /// Records that replaced a stored one with different content.
    pub updated: u64,
    /// Records identical to the stored one (nothing written).
    pub unchanged: u64,
    /// Advisories older (by `modified`) than the stored record, or superseded by a newer copy in
    /// the same batch: not written.
    pub stale: u64,
    /// Stored records removed because a full replacement (the KEV catalogue) no longer lists them.
    pub removed: u64,
}

impl VulnCounts {
    /// Add another call's counts.
    pub fn add(&mut self, other: VulnCounts) {
        self.inserted += other.inserted;
        self.updated += other.updated;
        self.unchanged += other.unchanged;
        self.stale += other.stale;
        self.removed += other.removed;
    }

    /// Records given to the call: inserted + updated + unchanged + stale.
    pub fn total(&self) -> u64 {
        self.inserted + self.updated + self.unchanged + self.stale
    }

    /// The JSON text stores put in the audit record's `detail`.
    pub fn detail(&self, extra: &[(&str, String)]) -> String {
        let mut map = serde_json::Map::new();
        for (k, v) in [
            ("inserted", self.inserted),
            ("updated", self.updated),
            ("unchanged", self.unchanged),
            ("stale", self.stale),
            ("removed", self.removed),
        ] {
            map.insert(k.to_owned(), v.into());
        }
        for (k, v) in extra {
            map.insert((*k).to_owned(), v.clone().into());
        }
        serde_json::Value::Object(map).to_string()
    }
}

/// Filters for [`AdvisoryStore::list_advisories`]; every field narrows the list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AdvisoryFilter {
    /// Case-insensitive substring of the id, an alias or the summary.
    pub text: Option<String>,
    /// Advisories affecting a package of this ecosystem (its base name: `Debian` covers `Debian:12`).
    pub ecosystem: Option<String>,
    /// Advisories affecting a package of this name (normalised as [`package_key`] does); with
    /// `ecosystem` when given.
    pub package: Option<String>,
    /// Only records whose `modified` is at or after this instant.
    pub modified_since: Option<Timestamp>,
    /// Include withdrawn advisories (default: leave them out).
    pub include_withdrawn: bool,
}

/// One row of an advisory list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdvisorySummary {
    pub id: String,
    pub aliases: Vec<String>,
    pub summary: Option<String>,
    pub source: AdvisorySource,
    pub published: Option<Timestamp>,
    pub modified: Option<Timestamp>,
    pub withdrawn: Option<Timestamp>,
}

impl AdvisorySummary {
    /// The list row of a full advisory.
    pub fn of(a: &Advisory) -> Self {
        Self {
            id: a.id.clone(),
            aliases: a.aliases.clone(),
            summary: a.summary.clone(),
            source: a.source,
            published: a.published,
            modified: a.modified,
            withdrawn: a.withdrawn,
        }
    }
}

/// A stored EPSS score with the date it was computed for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredEpss {
    pub cve: String,
    /// Probability of exploitation activity in the next 30 days, 0..=1.
    pub epss: f64,
    /// Percentile among all scored CVEs, 0..=1.
    pub percentile: f64,
    /// The file's `score_date`, when it had one.
    pub score_date: Option<Date>,
}

/// A stored VEX statement: who entered it (an organisation, or nobody for feed data) and the
/// statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredVex {
    /// The organisation that made the statement; `None` for statements imported from feeds.
    pub org: Option<OrgId>,
    pub statement: VexStatement,
    /// When the statement was last written.
    pub updated_at: Timestamp,
}

/// What Ward knows about one feed URL, for conditional and resumable downloads.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedSourceState {
    /// The URL fetched (the key).
    pub url: String,
    /// The configured source it belongs to (`osv-pypi`, `kev`, a CSAF provider's name).
    pub name: String,
    /// The `ETag` of the last complete download.
    pub etag: Option<String>,
    /// The `Last-Modified` of the last complete download, as the server wrote it.
    pub last_modified: Option<String>,
    /// The source's own version marker, when it has one (a ROLIE entry's `updated`).
    pub version: Option<String>,
    /// When the URL was last asked for.
    pub last_checked: Option<Timestamp>,
    /// When it was last downloaded (or confirmed unchanged) and imported without error.
    pub last_success: Option<Timestamp>,
    /// The last failure, cleared by a success.
    pub last_error: Option<String>,
    /// Bytes of the last complete download.
    pub bytes: Option<u64>,
}

/// Row counts of the vulnerability tables, for summaries and tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VulnTotals {
    pub advisories: u64,
    pub withdrawn: u64,
    pub aliases: u64,
    pub kev: u64,
    pub epss: u64,
    pub vex: u64,
    pub eol_products: u64,
    pub eol_releases: u64,
    pub feed_sources: u64,
}

/// The lookup key of a package name: lower case, and for PyPI every run of `-`, `_`, `.` as one
/// `-` (PEP 503). Lookups by key return candidates; the exposure engine decides exact matches.
pub fn package_key(ecosystem: &str, name: &str) -> String {
    let name = name.trim();
    if ecosystem_base(ecosystem).eq_ignore_ascii_case("PyPI") {
        let mut out = String::with_capacity(name.len());
        let mut in_run = false;
        for c in name.chars() {
            if matches!(c, '-' | '_' | '.') {
                if !in_run {
                    out.push('-');
                }
                in_run = true;
            } else {
                out.extend(c.to_lowercase());
                in_run = false;
            }
        }
        out
    } else {
        name.to_lowercase()
    }
}

/// The ecosystem without its release suffix: `Debian:12` → `Debian`.
pub fn ecosystem_base(ecosystem: &str) -> &str {
    ecosystem.split(':').next().unwrap_or(ecosystem).trim()
}

/// The (ecosystem base, package key) pairs an advisory is indexed under: each affected package,
/// and `CPE` / `vendor:product` for each vulnerable CPE criterion. Sorted and without repeats.
pub fn advisory_index_keys(a: &Advisory) -> Vec<(String, String)> {
    let mut keys = Vec::new();
    for entry in &a.affected {
        if let Some(p) = &entry.package {
            keys.push((
                ecosystem_base(&p.ecosystem).to_owned(),
                package_key(&p.ecosystem, &p.name),
            ));
        }
        for m in entry.cpes.iter().filter(|m| m.vulnerable) {
            if let Some(vp) = cpe_vendor_product(&m.criteria) {
                keys.push((CPE_ECOSYSTEM.to_owned(), vp));
            }
        }
    }
    keys.sort();
    keys.dedup();
    keys
}

/// `vendor:product` of a CPE 2.3 formatted string (`cpe:2.3:a:apache:log4j:...`), lower case.
pub fn cpe_vendor_product(cpe: &str) -> Option<String> {
    let mut parts = cpe.strip_prefix("cpe:2.3:")?.split(':');
    let _part = parts.next()?;
    let vendor = parts.next()?;
    let product = parts.next()?;
    if vendor.is_empty() || product.is_empty() || vendor == "*" || product == "*" {
        return None;
    }
    Some(format!("{}:{}", vendor.to_lowercase(), product.to_lowercase()))
}

/// The key a VEX statement is stored under together with its organisation, source and
/// vulnerability: a digest of its product reference.
pub fn vex_product_key(statement: &VexStatement) -> String {
    ward_core::audit::digest_json(&statement.product)
}

/// Advisories, with the alias and package indexes the exposure engine reads.
#[async_trait]
pub trait AdvisoryStore: Send + Sync {
    /// Insert or replace advisories by id, in one transaction. A stored record is replaced only
    /// when the new one's content digest differs and its `modified` is not older than the stored
    /// one's (older copies count as `stale`). Aliases and the package/CPE index are rewritten with
    /// the record; withdrawn records are kept with their `withdrawn` time. One `advisories.import`
    /// audit record. Ids must be 1..=200 characters without control characters.
    async fn upsert_advisories(&self, advisories: &[Advisory], audit: &AuditMeta) -> StoreResult<VulnCounts>;
    /// The advisory with this id.
    async fn get_advisory(&self, id: &str) -> StoreResult<Advisory>;
    /// Advisories whose id or one of whose aliases is `id`: the one with that id first, then the
    /// others by id.
    async fn find_advisories(&self, id: &str) -> StoreResult<Vec<Advisory>>;
    /// Advisory summaries matching the filter, newest `modified` first, then by id.
    async fn list_advisories(
        &self,
        filter: &AdvisoryFilter,
        page: PageRequest,
    ) -> StoreResult<Page<AdvisorySummary>>;
    /// Advisories (not withdrawn) with an affected package of `ecosystem` (compared by its base)
    /// and `name` (compared by [`package_key`]), by id: the exposure engine's input for a package.
    async fn advisories_for_package(&self, ecosystem: &str, name: &str) -> StoreResult<Vec<Advisory>>;
    /// Advisories (not withdrawn) with a vulnerable CPE criterion of this vendor and product, by id.
    async fn advisories_for_cpe(&self, vendor: &str, product: &str) -> StoreResult<Vec<Advisory>> {
        let key = format!("{}:{}", vendor.to_lowercase(), product.to_lowercase());
        self.advisories_for_package(CPE_ECOSYSTEM, &key).await
    }
}

/// Exploitation signals: CISA's Known Exploited Vulnerabilities catalogue and EPSS scores.
#[async_trait]
pub trait ExploitSignalStore: Send + Sync {
    /// Store the KEV catalogue: insert or update every entry by CVE (keeping `date_added`,
    /// `due_date` and ransomware use as given) and record the header. With `replace`, entries no
    /// longer listed are removed (pass `false` when some entries of the file could not be read).
    /// One `kev.import` audit record.
    async fn upsert_kev(
        &self,
        catalog: &KevCatalog,
        entries: &[KevEntry],
        replace: bool,
        audit: &AuditMeta,
    ) -> StoreResult<VulnCounts>;
    /// The KEV entries of these CVEs that exist, by CVE.
    async fn kev_for(&self, cves: &[String]) -> StoreResult<Vec<KevEntry>>;
    /// The KEV entry of one CVE, if listed.
    async fn get_kev(&self, cve: &str) -> StoreResult<Option<KevEntry>> {
        Ok(self.kev_for(&[cve.to_owned()]).await?.into_iter().next())
    }
    /// The stored catalogue header, if a catalogue was imported.
    async fn kev_catalog(&self) -> StoreResult<Option<KevCatalog>>;

    /// Insert or update EPSS scores by CVE in bulk (set-based, for hundreds of thousands of rows).
    /// A repeated CVE keeps its last score. One `epss.import` audit record.
    async fn upsert_epss(
        &self,
        header: &EpssHeader,
        scores: &[EpssScore],
        audit: &AuditMeta,
    ) -> StoreResult<VulnCounts>;
    /// The stored scores of these CVEs, by CVE.
    async fn epss_for(&self, cves: &[String]) -> StoreResult<Vec<StoredEpss>>;
    /// The stored score of one CVE.
    async fn get_epss(&self, cve: &str) -> StoreResult<Option<StoredEpss>> {
        Ok(self.epss_for(&[cve.to_owned()]).await?.into_iter().next())
    }
}

/// VEX statements: those imported from feeds and those organisations and suppliers make (scoped).
#[async_trait]
pub trait VexStore: Send + Sync {
    /// Insert or update VEX statements keyed by (organisation, `source`, vulnerability, product).
    /// `org: None` stores feed statements and needs [`Scope::All`]; `Some(org)` stores statements
    /// an organisation or supplier makes, and `org` must lie inside `scope` (else `Forbidden`).
    /// One `vex.import` audit record carrying the organisation.
    async fn upsert_vex(
        &self,
        scope: &Scope,
        org: Option<OrgId>,
        statements: &[VexStatement],
        audit: &AuditMeta,
    ) -> StoreResult<VulnCounts>;
    /// Statements about `vulnerability` (as their id or one of their aliases): feed statements and
    /// those of organisations inside `scope`; ordered by organisation (feed first), source, product.
    async fn vex_for(&self, scope: &Scope, vulnerability: &str) -> StoreResult<Vec<StoredVex>>;
}

/// End-of-life dates of products and their release cycles (endoflife.date).
#[async_trait]
pub trait EolStore: Send + Sync {
    /// Insert or replace end-of-life products (with all their release cycles) by product name.
    /// One `eol.import` audit record.
    async fn upsert_eol(&self, products: &[EolProduct], audit: &AuditMeta) -> StoreResult<VulnCounts>;
    /// One product with its release cycles in the order given at import.
    async fn get_eol_product(&self, product: &str) -> StoreResult<EolProduct>;
    /// Release cycles of one product, or of every product (by product, then in import order).
    async fn list_eol_releases(&self, product: Option<&str>) -> StoreResult<Vec<EolRelease>>;
}

/// The bookkeeping of feed imports: the state of each feed URL (for conditional downloads) and
/// the row counts of what the feeds brought in.
#[async_trait]
pub trait FeedSourceStore: Send + Sync {
    /// The state of one feed URL.
    async fn get_feed_source(&self, url: &str) -> StoreResult<Option<FeedSourceState>>;
    /// Insert or replace the state of a feed URL. One `feed_source.update` audit record.
    async fn put_feed_source(&self, state: &FeedSourceState, audit: &AuditMeta) -> StoreResult<()>;
    /// Every feed URL's state, by name then URL.
    async fn list_feed_sources(&self) -> StoreResult<Vec<FeedSourceState>>;
    /// Row counts of the vulnerability tables.
    async fn vuln_totals(&self) -> StoreResult<VulnTotals>;
}

/// All of vulnerability intelligence: advisories, exploitation signals, VEX, end-of-life dates
/// and feed sources. Implemented for every type that implements the five.
pub trait VulnStore: AdvisoryStore + ExploitSignalStore + VexStore + EolStore + FeedSourceStore {}
impl<T> VulnStore for T where T: AdvisoryStore + ExploitSignalStore + VexStore + EolStore + FeedSourceStore {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_keys_fold_case_and_pypi_separators() {
        assert_eq!(
            package_key("PyPI", "Django_REST.framework"),
            "django-rest-framework"
        );
        assert_eq!(package_key("PyPI", "a--b"), "a-b");
        assert_eq!(package_key("crates.io", "Serde_JSON"), "serde_json");
        assert_eq!(ecosystem_base("Debian:12"), "Debian");
        assert_eq!(ecosystem_base("npm"), "npm");
    }

    #[test]
    fn cpe_vendor_product_needs_both_parts() {
        assert_eq!(
            cpe_vendor_product("cpe:2.3:a:Apache:log4j:2.0:*:*:*:*:*:*:*").as_deref(),
            Some("apache:log4j")
        );
        assert_eq!(cpe_vendor_product("cpe:2.3:a:*:log4j:*"), None);
        assert_eq!(cpe_vendor_product("cpe:/a:apache:log4j"), None);
    }

    #[test]
    fn counts_add_and_describe_themselves() {
        let mut c = VulnCounts {
            inserted: 1,
            updated: 2,
            ..VulnCounts::default()
        };
        c.add(VulnCounts {
            unchanged: 3,
            stale: 1,
            ..VulnCounts::default()
        });
        assert_eq!(c.total(), 7);
        let d: serde_json::Value = serde_json::from_str(&c.detail(&[("digest", "ab".into())])).unwrap();
        assert_eq!(d["unchanged"], 3);
        assert_eq!(d["digest"], "ab");
    }
}
