//! Vulnerability intelligence (the [`VulnStore`] impl): advisories in `advisories.rs`, KEV and EPSS
//! in `signals.rs`, VEX statements in `vex.rs`, end-of-life dates and feed sources in `reference.rs`.
//! Schema in `migrations/0002_vulnerabilities.sql`.

mod advisories;
pub(crate) mod reference;
pub(crate) mod signals;
mod vex;

use async_trait::async_trait;
use ward_core::OrgId;
use ward_core::vuln::{
    Advisory, EolProduct, EolRelease, EpssHeader, EpssScore, KevCatalog, KevEntry, VexStatement,
};
use ward_store::vuln::{
    AdvisoryFilter, AdvisorySummary, FeedSourceState, StoredEpss, StoredVex, VulnCounts, VulnTotals,
};
use ward_store::{AuditMeta, Page, PageRequest, Scope, StoreResult, VulnStore};

use crate::SqliteStore;

pub(crate) use ward_store::vuln::support::{batch_digest, check_key, from_doc, source_str, to_doc};

#[async_trait]
impl VulnStore for SqliteStore {
    async fn upsert_advisories(&self, advisories: &[Advisory], audit: &AuditMeta) -> StoreResult<VulnCounts> {
        self.upsert_advisories_impl(advisories, audit).await
    }

    async fn get_advisory(&self, id: &str) -> StoreResult<Advisory> {
        self.get_advisory_impl(id).await
    }

    async fn find_advisories(&self, id: &str) -> StoreResult<Vec<Advisory>> {
        self.find_advisories_impl(id).await
    }

    async fn list_advisories(
        &self,
        filter: &AdvisoryFilter,
        page: PageRequest,
    ) -> StoreResult<Page<AdvisorySummary>> {
        self.list_advisories_impl(filter, page).await
    }

    async fn advisories_for_package(&self, ecosystem: &str, name: &str) -> StoreResult<Vec<Advisory>> {
        self.advisories_for_package_impl(ecosystem, name).await
    }

    async fn upsert_kev(
        &self,
        catalog: &KevCatalog,
        entries: &[KevEntry],
        replace: bool,
        audit: &AuditMeta,
    ) -> StoreResult<VulnCounts> {
        self.upsert_kev_impl(catalog, entries, replace, audit).await
    }

    async fn kev_for(&self, cves: &[String]) -> StoreResult<Vec<KevEntry>> {
        self.kev_for_impl(cves).await
    }

    async fn kev_catalog(&self) -> StoreResult<Option<KevCatalog>> {
        self.kev_catalog_impl().await
    }

    async fn upsert_epss(
        &self,
        header: &EpssHeader,
        scores: &[EpssScore],
        audit: &AuditMeta,
    ) -> StoreResult<VulnCounts> {
        self.upsert_epss_impl(header, scores, audit).await
    }

    async fn epss_for(&self, cves: &[String]) -> StoreResult<Vec<StoredEpss>> {
        self.epss_for_impl(cves).await
    }

    async fn upsert_vex(
        &self,
        scope: &Scope,
        org: Option<OrgId>,
        statements: &[VexStatement],
        audit: &AuditMeta,
    ) -> StoreResult<VulnCounts> {
        self.upsert_vex_impl(scope, org, statements, audit).await
    }

    async fn vex_for(&self, scope: &Scope, vulnerability: &str) -> StoreResult<Vec<StoredVex>> {
        self.vex_for_impl(scope, vulnerability).await
    }

    async fn upsert_eol(&self, products: &[EolProduct], audit: &AuditMeta) -> StoreResult<VulnCounts> {
        self.upsert_eol_impl(products, audit).await
    }

    async fn get_eol_product(&self, product: &str) -> StoreResult<EolProduct> {
        self.get_eol_product_impl(product).await
    }

    async fn list_eol_releases(&self, product: Option<&str>) -> StoreResult<Vec<EolRelease>> {
        self.list_eol_releases_impl(product).await
    }

    async fn get_feed_source(&self, url: &str) -> StoreResult<Option<FeedSourceState>> {
        self.get_feed_source_impl(url).await
    }

    async fn put_feed_source(&self, state: &FeedSourceState, audit: &AuditMeta) -> StoreResult<()> {
        self.put_feed_source_impl(state, audit).await
    }

    async fn list_feed_sources(&self) -> StoreResult<Vec<FeedSourceState>> {
        self.list_feed_sources_impl().await
    }

    async fn vuln_totals(&self) -> StoreResult<VulnTotals> {
        self.vuln_totals_impl().await
    }
}
