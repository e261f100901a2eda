//! Suppliers' advisories (held under embargo until released) and organisations' consent to be
//! named to suppliers.

use async_trait::async_trait;
use jiff::Timestamp;
use jiff::civil::Date;
use ward_core::supplier::advisory::{AdvisoryRevision, NamingConsent, SupplierAdvisory};
use ward_core::{AlertId, OrgId};

use crate::{AuditMeta, Scope, StoreResult};

/// Supplier advisories and naming consent. Reads and changes take the caller's scope, matched
/// against the advisory's supplier (or the consenting organisation); outside it, not found.
#[async_trait]
pub trait SupplierAdvisoryStore: Send + Sync {
    /// Keep a new advisory (audited as `supplier_advisory.publish`), with its first revision. Its
    /// supplier must be a supplier inside the scope; an id already kept is refused.
    async fn create_supplier_advisory(
        &self,
        scope: &Scope,
        advisory: &SupplierAdvisory,
        audit: &AuditMeta,
    ) -> StoreResult<()>;
    /// The advisories of suppliers inside the scope, newest first.
    async fn list_supplier_advisories(&self, scope: &Scope) -> StoreResult<Vec<SupplierAdvisory>>;
    /// One advisory of a supplier inside the scope.
    async fn get_supplier_advisory(&self, scope: &Scope, id: &str) -> StoreResult<SupplierAdvisory>;
    /// Mark an advisory released, once: `false` (and nothing written) when it already was, so of
    /// two replicas or two people releasing it only one goes on to publish. Audited as
    /// `supplier_advisory.release`.
    async fn claim_supplier_advisory_release(
        &self,
        id: &str,
        at: Timestamp,
        audit: &AuditMeta,
    ) -> StoreResult<bool>;
    /// Give a claimed release back after publishing failed, so that it is tried again.
    async fn undo_supplier_advisory_release(&self, id: &str) -> StoreResult<()>;
    /// Record the alert issued from a released advisory.
    async fn set_supplier_advisory_alert(&self, id: &str, alert: AlertId) -> StoreResult<()>;
    /// Embargoed advisories whose date is `day` or earlier (a system read for the release job).
    async fn supplier_advisories_due(&self, day: Date) -> StoreResult<Vec<SupplierAdvisory>>;
    /// Keep a new revision of an advisory of a supplier inside the scope and make it the
    /// advisory's current one (title, severity, format, advisory, actions, version, not affected,
    /// fixed), in one transaction audited as `supplier_advisory.revise`. When an alert was raised
    /// from it, the alert's title, summary (when the revision gives one) and required actions
    /// become the revision's, with a `revised` timeline entry saying what changed, audited as
    /// `alert.revise` in the same transaction. A revision more severe than the alert raises the
    /// alert's severity, its allowances to the tighter of its own and `clocks`' for the new
    /// severity, and brings the clocks of its open records forward to match (never back). Its
    /// number must be one more than the latest kept, else a conflict (another revision came
    /// first) and nothing is written.
    async fn revise_supplier_advisory(
        &self,
        scope: &Scope,
        revision: &AdvisoryRevision,
        clocks: &ward_core::alert::ClockSettings,
        audit: &AuditMeta,
    ) -> StoreResult<()>;
    /// The revisions of an advisory of a supplier inside the scope, oldest first (not found
    /// outside it).
    async fn supplier_advisory_revisions(
        &self,
        scope: &Scope,
        id: &str,
    ) -> StoreResult<Vec<AdvisoryRevision>>;
    /// Record whether an organisation inside the scope may be named to suppliers (audited as
    /// `org.naming_consent`).
    async fn set_naming_consent(
        &self,
        scope: &Scope,
        consent: &NamingConsent,
        audit: &AuditMeta,
    ) -> StoreResult<()>;
    /// An organisation's recorded choice, if any (a system read; no record means not named).
    async fn naming_consent(&self, org: OrgId) -> StoreResult<Option<NamingConsent>>;
    /// Of `orgs`, those that agreed to be named (a system read).
    async fn orgs_consenting_to_be_named(&self, orgs: &[OrgId]) -> StoreResult<Vec<OrgId>>;
}
