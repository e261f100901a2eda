//! Supplier assurance and certificates, once for both backends.

use async_trait::async_trait;
use jiff::civil::Date;
use ward_core::CertificateId;
use ward_core::OrgId;
use ward_core::audit::digest_json;
use ward_core::certificate::{Certificate, CertificateKind, SupplierAssurance};
use ward_core::org::OrgKind;

use super::{Exec, RowRead, Sql, SqlBackend, Tx, audit};
use crate::suppliers::{CertificateReminders, SupplierStore};
use crate::{AuditMeta, Scope, StoreError, StoreResult};

pub(super) const CERT_COLUMNS: &str =
    "id, org_id, kind, reference, issued_on, expires_on, recorded_by, recorded_at";
const ASSURANCE_COLUMNS: &str =
    "org_id, charter_attested_on, charter_attested_by, dspt_status, dspt_year, updated_by, updated_at";

pub(super) fn certificate_row(r: &impl RowRead) -> StoreResult<Certificate> {
    Ok(Certificate {
        id: r.id("id")?,
        org: r.id("org_id")?,
        kind: r.parsed("kind")?,
        reference: r.opt_text("reference")?,
        issued_on: r.date("issued_on")?,
        expires_on: r.date("expires_on")?,
        recorded_by: r.opt_id("recorded_by")?,
        recorded_at: r.ts("recorded_at")?,
    })
}

fn assurance_row(r: &impl RowRead) -> StoreResult<SupplierAssurance> {
    Ok(SupplierAssurance {
        supplier: r.id("org_id")?,
        charter_attested_on: r.opt_date("charter_attested_on")?,
        charter_attested_by: r.opt_text("charter_attested_by")?,
        dspt_status: r.parsed("dspt_status")?,
        dspt_year: r.opt_text("dspt_year")?,
        updated_by: r.opt_id("updated_by")?,
        updated_at: r.ts("updated_at")?,
    })
}

fn certificate_summary(c: &Certificate) -> String {
    serde_json::json!({
        "kind": c.kind.as_str(), "reference": c.reference,
        "issued_on": c.issued_on.to_string(), "expires_on": c.expires_on.to_string(),
    })
    .to_string()
}

/// The kind of an organisation inside the scope, or not found.
pub(super) async fn org_kind_in(db: &mut impl Exec, scope: &Scope, org: OrgId) -> StoreResult<OrgKind> {
    let mut q = Sql::new("SELECT kind FROM organisations WHERE id = $1").arg(org);
    db.scope_filter(&mut q, scope, "id");
    match db.fetch_optional(q).await? {
        Some(r) => r.parsed("kind"),
        None => Err(StoreError::not_found("organisation", org.to_string())),
    }
}

#[async_trait]
impl<B: SqlBackend> SupplierStore for B {
    async fn put_supplier_assurance(
        &self,
        scope: &Scope,
        record: &SupplierAssurance,
        meta: &AuditMeta,
    ) -> StoreResult<()> {
        record.check().map_err(|e| StoreError::Invalid(e.to_string()))?;
        let mut tx = self.write().await?;
        if org_kind_in(&mut tx, scope, record.supplier).await? != OrgKind::Supplier {
            return Err(StoreError::Invalid(
                "supplier: assurance records are kept for suppliers only".into(),
            ));
        }
        let before = tx
            .fetch_optional(
                Sql::new(format!(
                    "SELECT {ASSURANCE_COLUMNS} FROM supplier_assurance WHERE org_id = $1"
                ))
                .arg(record.supplier),
            )
            .await?
            .map(|r| assurance_row(&r))
            .transpose()?;
        tx.execute(Sql::new("DELETE FROM supplier_assurance WHERE org_id = $1").arg(record.supplier))
            .await?;
        tx.execute(
            Sql::new(format!(
                "INSERT INTO supplier_assurance ({ASSURANCE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)"
            ))
            .arg(record.supplier)
            .arg(record.charter_attested_on)
            .arg(record.charter_attested_by.clone())
            .arg(record.dspt_status.as_str())
            .arg(record.dspt_year.clone())
            .arg(record.updated_by)
            .arg(record.updated_at),
        )
        .await?;
        let event = meta
            .change("supplier.assurance", "supplier", record.supplier.to_string())
            .org(record.supplier)
            .before_opt(before.as_ref().map(digest_json))
            .after(digest_json(record))
            .build();
        audit::append_events(&mut tx, self.keys(), vec![event]).await?;
        tx.commit().await
    }

    async fn list_supplier_assurance(&self, scope: &Scope) -> StoreResult<Vec<SupplierAssurance>> {
        let mut db = self.read().await?;
        let mut q = Sql::new(format!(
            "SELECT {ASSURANCE_COLUMNS} FROM supplier_assurance WHERE 1 = 1"
        ));
        db.scope_filter(&mut q, scope, "org_id");
        q.push(" ORDER BY org_id");
        db.fetch_all(q).await?.iter().map(assurance_row).collect()
    }

    async fn add_certificate(&self, scope: &Scope, c: &Certificate, meta: &AuditMeta) -> StoreResult<()> {
        c.check().map_err(|e| StoreError::Invalid(e.to_string()))?;
        let mut tx = self.write().await?;
        org_kind_in(&mut tx, scope, c.org).await?;
        tx.execute(
            Sql::new(format!(
                "INSERT INTO certificates ({CERT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
            ))
            .arg(c.id)
            .arg(c.org)
            .arg(c.kind.as_str())
            .arg(c.reference.clone())
            .arg(c.issued_on)
            .arg(c.expires_on)
            .arg(c.recorded_by)
            .arg(c.recorded_at),
        )
        .await?;
        let event = meta
            .change("certificate.add", "certificate", c.id.to_string())
            .org(c.org)
            .detail(certificate_summary(c))
            .build();
        audit::append_events(&mut tx, self.keys(), vec![event]).await?;
        tx.commit().await
    }

    async fn remove_certificate(
        &self,
        scope: &Scope,
        id: CertificateId,
        meta: &AuditMeta,
    ) -> StoreResult<()> {
        let mut tx = self.write().await?;
        let mut q = Sql::new(format!("SELECT {CERT_COLUMNS} FROM certificates WHERE id = $1")).arg(id);
        tx.scope_filter(&mut q, scope, "org_id");
        let Some(row) = tx.fetch_optional(q).await? else {
            return Err(StoreError::not_found("certificate", id.to_string()));
        };
        let before = certificate_row(&row)?;
        tx.execute(Sql::new("DELETE FROM certificate_reminders WHERE certificate_id = $1").arg(id))
            .await?;
        tx.execute(Sql::new("DELETE FROM certificates WHERE id = $1").arg(id))
            .await?;
        let event = meta
            .change("certificate.remove", "certificate", id.to_string())
            .org(before.org)
            .before(digest_json(&before))
            .detail(certificate_summary(&before))
            .build();
        audit::append_events(&mut tx, self.keys(), vec![event]).await?;
        tx.commit().await
    }

    async fn list_certificates(&self, scope: &Scope) -> StoreResult<Vec<Certificate>> {
        let mut db = self.read().await?;
        let mut q = Sql::new(format!("SELECT {CERT_COLUMNS} FROM certificates WHERE 1 = 1"));
        db.scope_filter(&mut q, scope, "org_id");
        q.push(" ORDER BY org_id, expires_on DESC, id");
        db.fetch_all(q).await?.iter().map(certificate_row).collect()
    }

    async fn holds_current_certificate(
        &self,
        org: OrgId,
        kind: CertificateKind,
        day: Date,
    ) -> StoreResult<bool> {
        // Which certificates count as current is `Certificate::is_current_on`, the one rule.
        let mut db = self.read().await?;
        let q = Sql::new(format!(
            "SELECT {CERT_COLUMNS} FROM certificates WHERE org_id = $1 AND kind = $2"
        ))
        .arg(org)
        .arg(kind.as_str());
        for row in db.fetch_all(q).await? {
            if certificate_row(&row)?.is_current_on(day) {
                return Ok(true);
            }
        }
        Ok(false)
    }

    async fn certificates_expiring(&self, day: Date, until: Date) -> StoreResult<Vec<CertificateReminders>> {
        let mut db = self.read().await?;
        let certs: Vec<Certificate> = db
            .fetch_all(
                Sql::new(format!(
                    "SELECT {CERT_COLUMNS} FROM certificates WHERE expires_on >= $1 AND expires_on <= $2 \
                     ORDER BY expires_on, id"
                ))
                .arg(day)
                .arg(until),
            )
            .await?
            .iter()
            .map(certificate_row)
            .collect::<StoreResult<_>>()?;
        let sent = db
            .fetch_all(
                Sql::new(
                    "SELECT r.certificate_id, r.days_before FROM certificate_reminders r \
                     JOIN certificates c ON c.id = r.certificate_id \
                     WHERE c.expires_on >= $1 AND c.expires_on <= $2",
                )
                .arg(day)
                .arg(until),
            )
            .await?;
        let mut by_cert: std::collections::HashMap<CertificateId, Vec<i32>> =
            std::collections::HashMap::new();
        for r in &sent {
            let id: CertificateId = r.id("certificate_id")?;
            let days =
                i32::try_from(r.i64("days_before")?).map_err(|_| super::corrupt_column("days_before"))?;
            by_cert.entry(id).or_default().push(days);
        }
        Ok(certs
            .into_iter()
            .map(|c| CertificateReminders {
                sent: by_cert.remove(&c.id).unwrap_or_default(),
                certificate: c,
            })
            .collect())
    }

    async fn record_certificate_reminder(
        &self,
        c: &Certificate,
        days_before: i32,
        meta: &AuditMeta,
    ) -> StoreResult<bool> {
        let mut tx = self.write().await?;
        let written = tx
            .execute(
                Sql::new(
                    "INSERT INTO certificate_reminders (certificate_id, days_before, sent_at) \
                     VALUES ($1, $2, $3) ON CONFLICT (certificate_id, days_before) DO NOTHING",
                )
                .arg(c.id)
                .arg(days_before)
                .arg(meta.at),
            )
            .await?;
        if written == 0 {
            return Ok(false);
        }
        let event = meta
            .change("certificate.reminder", "certificate", c.id.to_string())
            .org(c.org)
            .detail(
                serde_json::json!({
                    "kind": c.kind.as_str(), "expires_on": c.expires_on.to_string(),
                    "days_before": days_before,
                })
                .to_string(),
            )
            .build();
        audit::append_events(&mut tx, self.keys(), vec![event]).await?;
        tx.commit().await?;
        Ok(true)
    }
}
