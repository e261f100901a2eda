//! The critical supplier register's records: suppliers' assurance (charter attestation, DSPT
//! status) and certificates, which any organisation may hold.

use async_trait::async_trait;
use jiff::civil::Date;
use ward_core::certificate::{Certificate, CertificateKind, SupplierAssurance};
use ward_core::{CertificateId, OrgId};

use crate::{AuditMeta, Scope, StoreResult};

/// A certificate with the reminders already sent for it (days before expiry).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateReminders {
    pub certificate: Certificate,
    pub sent: Vec<i32>,
}

/// Supplier assurance and certificates. Every method that reads or changes an organisation's
/// records takes the caller's scope; a record outside it is not found.
#[async_trait]
pub trait SupplierStore: Send + Sync {
    /// Store a supplier's assurance record, replacing the one it had (audited as
    /// `supplier.assurance`). The organisation must be a supplier inside the scope.
    async fn put_supplier_assurance(
        &self,
        scope: &Scope,
        record: &SupplierAssurance,
        audit: &AuditMeta,
    ) -> StoreResult<()>;
    /// The assurance records of suppliers inside the scope.
    async fn list_supplier_assurance(&self, scope: &Scope) -> StoreResult<Vec<SupplierAssurance>>;
    /// Record a certificate held by an organisation inside the scope (audited as
    /// `certificate.add`).
    async fn add_certificate(
        &self,
        scope: &Scope,
        certificate: &Certificate,
        audit: &AuditMeta,
    ) -> StoreResult<()>;
    /// Remove a certificate recorded in error (audited as `certificate.remove`).
    async fn remove_certificate(
        &self,
        scope: &Scope,
        id: CertificateId,
        audit: &AuditMeta,
    ) -> StoreResult<()>;
    /// Certificates of organisations inside the scope, by organisation, then latest expiry first.
    async fn list_certificates(&self, scope: &Scope) -> StoreResult<Vec<Certificate>>;
    /// Whether `org` holds a certificate of `kind` current on `day` (a system read: the caller
    /// has already decided it may ask).
    async fn holds_current_certificate(
        &self,
        org: OrgId,
        kind: CertificateKind,
        day: Date,
    ) -> StoreResult<bool>;
    /// Certificates current on `day` that expire on or before `until`, with their reminders sent
    /// (a system read for the reminder job).
    async fn certificates_expiring(&self, day: Date, until: Date) -> StoreResult<Vec<CertificateReminders>>;
    /// Record that the reminder `days_before` expiry was sent for a certificate, once: `false`
    /// (and nothing written) when it already was. Audited as `certificate.reminder`.
    async fn record_certificate_reminder(
        &self,
        certificate: &Certificate,
        days_before: i32,
        audit: &AuditMeta,
    ) -> StoreResult<bool>;
}
