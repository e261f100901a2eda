//! Supplier assurance and certificates: written only inside the scope (another organisation's
//! certificate is not found), assurance only for suppliers, reminders recorded once each, the
//! current-certificate question answered by date; every change audited.

use super::fixtures::{AuditCursor, Fixture, at, new_id};
use crate::{check_eq, check_err};
use jiff::civil::date;
use std::sync::Arc;
use ward_core::certificate::{Certificate, CertificateKind, DsptStatus, SupplierAssurance};
use ward_core::org::OrgKind;
use ward_core::{CertificateId, OrgId};
use ward_store::{Scope, Store, StoreError};

fn certificate(
    org: OrgId,
    kind: CertificateKind,
    issued: jiff::civil::Date,
    expires: jiff::civil::Date,
) -> Certificate {
    Certificate {
        id: new_id(CertificateId::new_at),
        org,
        kind,
        reference: Some("IASME-CEP-001234".into()),
        issued_on: issued,
        expires_on: expires,
        recorded_by: None,
        recorded_at: at(5),
    }
}

/// The supplier records' round trip on one backend.
pub async fn suppliers_round_trip(store: Arc<dyn Store>) -> anyhow::Result<()> {
    let fx = Fixture::new(store.clone(), "SU");
    let [_national, _region, _icb, a, b] = fx.small_tree().await?;
    let supplier = fx.org("S", "Supplier", OrgKind::Supplier, None)?;
    fx.save_orgs(vec![supplier.clone()]).await?;
    let scope_a = Scope::subtree(a.id);
    let mut cursor = AuditCursor::at_end(&store).await?;

    // Certificates: only inside the scope, dates in order.
    let cep = certificate(
        a.id,
        CertificateKind::CyberEssentialsPlus,
        date(2026, 1, 1),
        date(2026, 12, 31),
    );
    check_err!(
        store
            .add_certificate(&Scope::subtree(b.id), &cep, &fx.meta(5))
            .await,
        StoreError::NotFound { .. },
        "a certificate for an organisation outside the scope"
    );
    let backwards = certificate(
        a.id,
        CertificateKind::Iso27001,
        date(2026, 2, 1),
        date(2026, 1, 1),
    );
    check_err!(
        store.add_certificate(&scope_a, &backwards, &fx.meta(5)).await,
        StoreError::Invalid(_),
        "expiry before issue"
    );
    cursor.expect(&store, "refusals write nothing", &[]).await?;
    store.add_certificate(&scope_a, &cep, &fx.meta(6)).await?;
    cursor
        .expect(&store, "add", &[("certificate.add", Some(a.id))])
        .await?;
    check_eq!(
        store.list_certificates(&scope_a).await?,
        vec![cep.clone()],
        "read back equal"
    );
    check_eq!(
        store.list_certificates(&Scope::subtree(b.id)).await?,
        vec![],
        "the sibling sees none"
    );
    for (day, kind, want) in [
        (date(2026, 6, 1), CertificateKind::CyberEssentialsPlus, true),
        (date(2026, 12, 31), CertificateKind::CyberEssentialsPlus, true),
        (date(2027, 1, 1), CertificateKind::CyberEssentialsPlus, false),
        (date(2025, 12, 31), CertificateKind::CyberEssentialsPlus, false),
        (date(2026, 6, 1), CertificateKind::CyberEssentials, false),
    ] {
        check_eq!(
            store.holds_current_certificate(a.id, kind, day).await?,
            want,
            "{kind} current on {day}"
        );
    }
    check_eq!(
        store
            .holds_current_certificate(b.id, CertificateKind::CyberEssentialsPlus, date(2026, 6, 1))
            .await?,
        false,
        "the sibling holds none"
    );

    // Reminders: listed with what was sent, recorded once.
    let due = store
        .certificates_expiring(date(2026, 11, 1), date(2026, 12, 31))
        .await?;
    check_eq!(due.len(), 1, "one certificate expiring in the window");
    check_eq!(due[0].sent.clone(), Vec::<i32>::new(), "nothing sent yet");
    check_eq!(
        store.record_certificate_reminder(&cep, 60, &fx.meta(7)).await?,
        true,
        "first reminder recorded"
    );
    check_eq!(
        store.record_certificate_reminder(&cep, 60, &fx.meta(8)).await?,
        false,
        "the same reminder again"
    );
    cursor
        .expect(&store, "reminder once", &[("certificate.reminder", Some(a.id))])
        .await?;
    let due = store
        .certificates_expiring(date(2026, 11, 1), date(2026, 12, 31))
        .await?;
    check_eq!(due[0].sent.clone(), vec![60], "the sent reminder is listed");
    check_eq!(
        store
            .certificates_expiring(date(2027, 1, 1), date(2027, 3, 1))
            .await?
            .len(),
        0,
        "an expired certificate is not listed"
    );

    // Removal: not from the sibling; with its reminders.
    check_err!(
        store
            .remove_certificate(&Scope::subtree(b.id), cep.id, &fx.meta(9))
            .await,
        StoreError::NotFound { .. },
        "removal from the sibling"
    );
    store.remove_certificate(&scope_a, cep.id, &fx.meta(10)).await?;
    check_eq!(store.list_certificates(&scope_a).await?, vec![], "removed");
    cursor
        .expect(&store, "remove", &[("certificate.remove", Some(a.id))])
        .await?;

    // Supplier assurance: suppliers only, replaced on a second write.
    let mut record = SupplierAssurance {
        supplier: supplier.id,
        charter_attested_on: Some(date(2026, 3, 1)),
        charter_attested_by: Some("Jo Bloggs, Chief Executive".into()),
        dspt_status: DsptStatus::StandardsMet,
        dspt_year: Some("2025-26".into()),
        updated_by: None,
        updated_at: at(11),
    };
    let not_supplier = SupplierAssurance {
        supplier: a.id,
        ..record.clone()
    };
    check_err!(
        store
            .put_supplier_assurance(&Scope::All, &not_supplier, &fx.meta(11))
            .await,
        StoreError::Invalid(_),
        "assurance for a trust"
    );
    check_err!(
        store
            .put_supplier_assurance(&scope_a, &record, &fx.meta(11))
            .await,
        StoreError::NotFound { .. },
        "assurance for a supplier outside the scope"
    );
    store
        .put_supplier_assurance(&Scope::All, &record, &fx.meta(12))
        .await?;
    record.dspt_status = DsptStatus::StandardsExceeded;
    store
        .put_supplier_assurance(&Scope::All, &record, &fx.meta(13))
        .await?;
    cursor
        .expect(
            &store,
            "assurance",
            &[
                ("supplier.assurance", Some(supplier.id)),
                ("supplier.assurance", Some(supplier.id)),
            ],
        )
        .await?;
    check_eq!(
        store
            .list_supplier_assurance(&Scope::Orgs(vec![supplier.id]))
            .await?,
        vec![record.clone()],
        "one record, the latest"
    );
    check_eq!(
        store.list_supplier_assurance(&scope_a).await?,
        vec![],
        "not in a trust's scope"
    );

    // Left behind for the backup checks that follow: a supplier's certificate with a reminder.
    let iso = certificate(
        supplier.id,
        CertificateKind::Iso27001,
        date(2025, 1, 1),
        date(2027, 12, 31),
    );
    store.add_certificate(&Scope::All, &iso, &fx.meta(14)).await?;
    store.record_certificate_reminder(&iso, 60, &fx.meta(15)).await?;
    Ok(())
}
