//! Exposure: which assets of which organisations are affected by which advisories, ranked by patient
//! harm, with the reasons.
//!
//! The application keeps one [`ExposureIndex`] in memory ([`index`]) and answers every view from it
//! ([`view`], [`advisory`], [`export`]), applying the caller's scope. The index is rebuilt from the
//! store when something that changes exposure happens in this process (inventory writes, SBOM
//! uploads, VEX statements, feed imports: they call [`App::exposure_changed`]), and at the latest
//! [`MAX_AGE`] after it was built, so changes written by another process (the CLI, a second server
//! on the same PostgreSQL) show up too. A request that finds the index out of date after a change
//! in this process waits for the rebuild (one build at a time; concurrent requests share it);
//! `ward serve` also rebuilds in the background shortly after changes so requests rarely wait.

pub mod advisory;
pub mod advisory_index;
pub mod export;
pub mod groups;
mod impact;
pub mod index;
mod overdue;
pub mod pictures;
pub mod sbom;
pub mod statements;
pub mod timescales;
pub mod unsupported;
pub mod view;

use std::sync::Arc;
use std::sync::atomic::Ordering;

use jiff::SignedDuration;
use ward_store::{Page, PageRequest, Scope};

use crate::App;
use crate::actor::Actor;
use crate::authz::{Action, authorise};
use crate::error::{AppError, AppResult};

pub use index::{ExposureIndex, SnapshotError, Status};
pub use view::{ExposureFilter, ExposureView, Sort};
/// The engine's kinds that exposure records carry.
pub use ward_engine::software_name::name_of_identifier;
pub use ward_engine::{FactorKind, PriorityWeights, VexOrigin};

/// The longest an index is used before it is rebuilt even without a change in this process.
pub const MAX_AGE: SignedDuration = SignedDuration::from_mins(5);

/// How fresh an index must be for a caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Freshness {
    /// Reflects every change made in this process (requests).
    Changes,
    /// Also no older than [`MAX_AGE`] (the background refresher).
    ChangesAndAge,
}

impl App {
    /// Marks the exposure index and the impact graph out of date (call after any change that can
    /// alter exposure or the dependency graph).
    pub fn exposure_changed(&self) {
        self.inner.data_generation.fetch_add(1, Ordering::SeqCst);
    }

    async fn index_with(&self, freshness: Freshness) -> AppResult<Arc<ExposureIndex>> {
        let young_enough = |index: &ExposureIndex| {
            freshness == Freshness::Changes || self.now().duration_since(index.built_at()) < MAX_AGE
        };
        self.inner
            .exposure
            .get(&self.inner.data_generation, young_enough, || self.build_index())
            .await
    }

    async fn build_index(&self) -> AppResult<ExposureIndex> {
        let started = std::time::Instant::now();
        let sector = self.store().sector_snapshot().await?;
        let threats = self.store().threat_snapshot().await?;
        let confirmed = self.confirmed_products(None).await?;
        let weights = self.settings().priority;
        let now = self.now();
        let today = now.to_zoned(jiff::tz::TimeZone::UTC).date();
        let index = tokio::task::spawn_blocking(move || {
            ExposureIndex::build(sector, threats, confirmed, weights, now, today)
        })
        .await
        .map_err(|e| AppError::Internal(format!("building the exposure index: {e}")))?
        .map_err(|e| {
            tracing::error!(error = %e, "the exposure index was not built: the snapshot is inconsistent");
            AppError::Internal(format!("the exposure index was not built: {e}"))
        })?;
        let (rows, open) = index.totals();
        tracing::info!(
            rows,
            open,
            assets = index.sector.asset_count(),
            advisories = index.threats.advisory_count(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "exposure index built"
        );
        // Called under the build lock: the current index is the one being replaced.
        let old = self.inner.exposure.current();
        self.record_first_seen(&index, old.as_deref()).await;
        Ok(index)
    }

    /// The current index, rebuilt first when this process changed something since it was built.
    pub async fn exposure_index(&self) -> AppResult<Arc<ExposureIndex>> {
        self.index_with(Freshness::Changes).await
    }

    /// Rebuilds the index when it is out of date or older than [`MAX_AGE`] (for a background task).
    pub async fn refresh_exposure(&self) -> AppResult<()> {
        self.index_with(Freshness::ChangesAndAge).await.map(|_| ())
    }

    /// Authorise a list: the caller's scope and the parsed status filter (an organisation filter
    /// must lie inside the scope).
    async fn list_scope(
        &self,
        actor: &Actor,
        filter: &ExposureFilter,
    ) -> AppResult<(Scope, view::StatusFilter)> {
        let scope = authorise(actor, Action::ReadExposure, self.now())?;
        let status = view::StatusFilter::parse(filter.status.as_deref())
            .map_err(|m| AppError::invalid("status", m))?;
        if let Some(org) = filter.org {
            crate::authz::authorise_on(self.store(), actor, Action::ReadExposure, org, self.now()).await?;
        }
        Ok((scope, status))
    }

    /// The index and the rows of it that the actor may see and `filter` selects, in order.
    pub(crate) async fn selected_exposures(
        &self,
        actor: &Actor,
        filter: &ExposureFilter,
        sort: Sort,
    ) -> AppResult<(Arc<ExposureIndex>, Vec<index::RowIx>)> {
        let (scope, status) = self.list_scope(actor, filter).await?;
        let index = self.exposure_index().await?;
        let mut rows = index.select(&index.visible(&scope), filter, status);
        index.sort(&mut rows, sort);
        Ok((index, rows))
    }

    /// Exposures the actor may see, filtered, sorted and paged.
    pub async fn list_exposures(
        &self,
        actor: &Actor,
        filter: &ExposureFilter,
        sort: Sort,
        page: PageRequest,
    ) -> AppResult<Page<ExposureView>> {
        let (scope, status) = self.list_scope(actor, filter).await?;
        let index = self.exposure_index().await?;
        let limit = page.clamped_limit();
        // The national landing page: the whole sector, by priority, filtered at most by status.
        // The index is already in that order, so only the page's rows are spelled out and the
        // total is a count of statuses (no per-row lookups).
        if matches!(scope, Scope::All) && sort == Sort::Priority && filter.only_status() {
            return Ok(index.first_rows(&index::Visible::All, status, page.offset, limit));
        }
        let visible = index.visible(&scope);
        let mut rows = index.select(&visible, filter, status);
        index.sort(&mut rows, sort);
        Ok(index.page(&visible, &rows, page.offset, limit))
    }
}
