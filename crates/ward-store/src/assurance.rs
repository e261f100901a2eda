//! Assurance storage: frameworks as versioned reference data (later: profiles, assessments).

use async_trait::async_trait;
use jiff::Timestamp;
use serde::Serialize;
use ward_core::assurance::{Framework, FrameworkFormat};

use crate::{AuditMeta, StoreResult};

/// One stored framework version, without its content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FrameworkSummary {
    pub id: String,
    pub version: String,
    pub name: String,
    pub format: FrameworkFormat,
    pub outcomes: u64,
    pub indicators: u64,
    /// SHA-256 of the stored document: equal digests, equal content.
    pub digest: String,
    #[schema(value_type = String, format = DateTime)]
    pub imported_at: Timestamp,
}

/// What storing a framework did.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::IntoStaticStr, strum::Display, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum FrameworkPut {
    /// A version not held before.
    Created,
    /// The version was held with other content, now replaced.
    Replaced,
    /// The same content was already held: nothing changed and nothing was audited.
    Unchanged,
}

/// Frameworks. Reference data, the same for every organisation: reading needs no scope; writing is
/// for national roles and the command line, decided in `ward-app`.
#[async_trait]
pub trait FrameworkStore: Send + Sync {
    /// Store a framework version whole, in one transaction with its audit record
    /// (`framework.import` or `framework.replace`); the same content again changes nothing.
    async fn put_framework(&self, framework: &Framework, audit: &AuditMeta) -> StoreResult<FrameworkPut>;
    /// Every stored framework version, by identifier then version.
    async fn list_frameworks(&self) -> StoreResult<Vec<FrameworkSummary>>;
    /// One framework version whole.
    async fn get_framework(&self, id: &str, version: &str) -> StoreResult<Option<Framework>>;
}
