//! When Ward first saw an organisation exposed to a vulnerability: the start of the default
//! remediation clock for exposures that no alert covers.

use async_trait::async_trait;
use jiff::Timestamp;
use ward_core::OrgId;

use crate::{AuditMeta, Scope, StoreResult};

/// An organisation and the vulnerability it is exposed to, by the identifier people know it by
/// (its CVE where it has one), so the records of one vulnerability from several feeds share it.
pub type ExposureKey = (OrgId, String);

/// First sightings. A pair is recorded once; later sightings leave it alone, so an exposure that
/// closes and opens again keeps its first date (the clock does not start again).
#[async_trait]
pub trait FirstSeenStore: Send + Sync {
    /// Record `meta.at` as the first sighting of each pair not yet recorded (one audit record,
    /// `exposure.first_seen`, counting them, when any is new); the number recorded.
    async fn record_first_seen(&self, pairs: &[ExposureKey], meta: &AuditMeta) -> StoreResult<u64>;
    /// The first sightings of those of `pairs` whose organisation is inside `scope`.
    async fn first_seen(
        &self,
        scope: &Scope,
        pairs: &[ExposureKey],
    ) -> StoreResult<Vec<(ExposureKey, Timestamp)>>;
}
