//! Supplier advisories and naming consent: kept only for a supplier inside the scope (another
//! supplier's reads as not found), an id kept once, a release claimed once (the second claim
//! writes nothing) and given back only before its alert is recorded, embargoes due by date, and
//! consent per organisation inside the scope; every change audited. Revisions: the first kept with
//! the advisory, each later one numbered in turn (a stale number is a conflict and writes
//! nothing), made the advisory's current state, read back whole and only inside the scope.

use super::fixtures::{AuditCursor, Fixture, at, new_id};
use crate::{check_eq, check_err};
use jiff::civil::date;
use std::sync::Arc;
use ward_core::AlertId;
use ward_core::alert::{Alert, ClockSettings, Clocks, EventKind, Recipient, Severity, TargetReason};
use ward_core::org::OrgKind;
use ward_core::supplier::advisory::{AdvisoryFormat, AdvisoryRevision, NamingConsent, SupplierAdvisory};
use ward_core::tlp::Tlp;
use ward_store::{Scope, Store, StoreError};

fn advisory(
    id: &str,
    supplier: ward_core::OrgId,
    embargo: Option<jiff::civil::Date>,
) -> anyhow::Result<SupplierAdvisory> {
    let kept: ward_core::vuln::Advisory = serde_json::from_value(serde_json::json!({
        "id": id, "aliases": ["CVE-2026-40001"], "source": "csaf", "summary": "LIMS flaw",
        "affected": [{"cpes": [{"criteria": "cpe:2.3:a:pathlab:lims:4.2:*:*:*:*:*:*:*", "vulnerable": true}]}]
    }))?;
    Ok(SupplierAdvisory {
        id: id.to_owned(),
        supplier,
        title: "LIMS flaw".into(),
        severity: Severity::Critical,
        format: AdvisoryFormat::Csaf,
        advisory: kept,
        actions: vec!["Upgrade to 4.3".into()],
        version: "1.0.0".into(),
        not_affected: vec![serde_json::from_value(serde_json::json!({
            "vulnerability": "CVE-2026-40001", "status": "not_affected",
            "product": {"cpe": "cpe:2.3:a:pathlab:lims:4.3:*:*:*:*:*:*:*"},
            "source_status": "known_not_affected", "justification": "vulnerable_code_not_present",
            "source": "contract"
        }))?],
        fixed: vec![serde_json::from_value(serde_json::json!({
            "vulnerability": "CVE-2026-40001", "status": "fixed",
            "product": {"cpe": "cpe:2.3:a:pathlab:lims:4.4:*:*:*:*:*:*:*"},
            "source_status": "fixed", "source": "contract"
        }))?],
        embargo_until: embargo,
        published_by: "user:contract".into(),
        published_at: at(10),
        released_at: None,
        released_by: None,
        alert: None,
    })
}

/// The supplier advisory records' round trip on one backend.
pub async fn supplier_advisories_round_trip(store: Arc<dyn Store>) -> anyhow::Result<()> {
    let fx = Fixture::new(store.clone(), "XA");
    let [_national, _region, _icb, a, b] = fx.small_tree().await?;
    let supplier = fx.org("S", "Supplier", OrgKind::Supplier, None)?;
    let other = fx.org("O", "Other supplier", OrgKind::Supplier, None)?;
    fx.save_orgs(vec![supplier.clone(), other.clone()]).await?;
    let own = Scope::Orgs(vec![supplier.id]);
    let mut cursor = AuditCursor::at_end(&store).await?;
    let n = super::fixtures::next_number();
    let id = format!("SV-SA-{n}");
    let record = advisory(&id, supplier.id, Some(date(2026, 7, 1)))?;

    check_err!(
        store
            .create_supplier_advisory(&Scope::Orgs(vec![other.id]), &record, &fx.meta(10))
            .await,
        StoreError::NotFound { .. },
        "an advisory for a supplier outside the scope"
    );
    let mut for_trust = advisory(&format!("SV-T-{n}"), a.id, None)?;
    for_trust.supplier = a.id;
    check_err!(
        store
            .create_supplier_advisory(&Scope::All, &for_trust, &fx.meta(10))
            .await,
        StoreError::Invalid(_),
        "an advisory for an organisation that is not a supplier"
    );
    let mut mismatched = record.clone();
    mismatched.advisory.id = "SOMETHING-ELSE".into();
    check_err!(
        store
            .create_supplier_advisory(&own, &mismatched, &fx.meta(10))
            .await,
        StoreError::Invalid(_),
        "an advisory kept under another id"
    );
    cursor.expect(&store, "refusals write nothing", &[]).await?;

    store
        .create_supplier_advisory(&own, &record, &fx.meta(10))
        .await?;
    cursor
        .expect(
            &store,
            "publish",
            &[("supplier_advisory.publish", Some(supplier.id))],
        )
        .await?;
    check_err!(
        store.create_supplier_advisory(&own, &record, &fx.meta(11)).await,
        StoreError::Conflict(_),
        "the same id twice"
    );
    check_eq!(
        store.get_supplier_advisory(&own, &id).await?,
        record.clone(),
        "read back equal"
    );
    check_err!(
        store
            .get_supplier_advisory(&Scope::Orgs(vec![other.id]), &id)
            .await,
        StoreError::NotFound { .. },
        "another supplier's advisory"
    );
    check_eq!(
        store
            .list_supplier_advisories(&Scope::Orgs(vec![other.id]))
            .await?,
        vec![],
        "the other supplier lists none"
    );
    check_eq!(
        store.list_supplier_advisories(&own).await?,
        vec![record.clone()],
        "own list"
    );

    let due = |day| {
        let store = store.clone();
        let id = id.clone();
        async move {
            anyhow::Ok(
                store
                    .supplier_advisories_due(day)
                    .await?
                    .iter()
                    .any(|r| r.id == id),
            )
        }
    };
    check_eq!(!due(date(2026, 6, 30)).await?, true, "not due before its date");
    check_eq!(due(date(2026, 7, 1)).await?, true, "due on its date");

    // A release is claimed once; a failed one is given back.
    check_eq!(
        store
            .claim_supplier_advisory_release(&id, at(20), &fx.meta(20))
            .await?,
        true,
        "the first claim wins"
    );
    cursor
        .expect(
            &store,
            "release",
            &[("supplier_advisory.release", Some(supplier.id))],
        )
        .await?;
    check_eq!(
        !store
            .claim_supplier_advisory_release(&id, at(21), &fx.meta(21))
            .await?,
        true,
        "the second claim loses"
    );
    cursor.expect(&store, "a lost claim writes nothing", &[]).await?;
    check_eq!(
        !due(date(2026, 7, 1)).await?,
        true,
        "a released advisory is not due"
    );
    store.undo_supplier_advisory_release(&id).await?;
    check_eq!(due(date(2026, 7, 1)).await?, true, "given back, it is due again");
    check_eq!(
        store
            .claim_supplier_advisory_release(&id, at(22), &fx.meta(22))
            .await?,
        true,
        "claimed again"
    );
    // Issued as medium; the revision below says critical.
    let alert = Alert {
        id: new_id(AlertId::new_at),
        severity: Severity::Medium,
        title: "LIMS flaw".into(),
        summary: String::new(),
        advisories: vec![id.clone()],
        actions: vec![],
        references: vec![],
        tlp: Tlp::Amber,
        issuer: supplier.id,
        area: None,
        issued_by: "user:contract".into(),
        issued_at: at(22),
        policy: ClockSettings::default().medium,
        kev_due: None,
    };
    let reached = Recipient::new(&alert, supplier.id, TargetReason::Added, vec![], at(22));
    store
        .create_alert(&Scope::All, &alert, std::slice::from_ref(&reached), &fx.meta(22))
        .await?;
    store.set_supplier_advisory_alert(&id, alert.id).await?;
    store.undo_supplier_advisory_release(&id).await?;
    let released = store.get_supplier_advisory(&own, &id).await?;
    check_eq!(released.alert, Some(alert.id), "the alert is recorded");
    check_eq!(
        released.released_at,
        Some(at(22)),
        "an alerted release is not given back"
    );
    check_eq!(
        released.released_by.as_deref(),
        Some("user:contract"),
        "who released it"
    );
    cursor
        .expect(
            &store,
            "second release and its alert",
            &[
                ("supplier_advisory.release", Some(supplier.id)),
                ("alert.issue", Some(supplier.id)),
            ],
        )
        .await?;

    // Revisions: the first was kept with the advisory; the next must be number 2.
    let first = store.supplier_advisory_revisions(&own, &id).await?;
    check_eq!(
        first,
        vec![AdvisoryRevision::first(&record)],
        "the first revision"
    );
    let mut second = AdvisoryRevision::first(&record);
    second.number = 2;
    second.version = "1.1.0".into();
    second.title = "LIMS flaw (fix available)".into();
    second.actions.push("Upgrade to 4.4".into());
    second.advisory.details = Some("Fixed in 4.4 as well".into());
    second.fixed.clear();
    second.changes = vec!["New action: Upgrade to 4.4".into()];
    second.published_at = at(40);
    check_err!(
        store
            .revise_supplier_advisory(
                &Scope::Orgs(vec![other.id]),
                &second,
                &ClockSettings::default(),
                &fx.meta(40)
            )
            .await,
        StoreError::NotFound { .. },
        "revising another supplier's advisory"
    );
    let mut stale = second.clone();
    stale.number = 1;
    check_err!(
        store
            .revise_supplier_advisory(&own, &stale, &ClockSettings::default(), &fx.meta(40))
            .await,
        StoreError::Conflict(_),
        "a revision number already taken"
    );
    let mut skipping = second.clone();
    skipping.number = 3;
    check_err!(
        store
            .revise_supplier_advisory(&own, &skipping, &ClockSettings::default(), &fx.meta(40))
            .await,
        StoreError::Conflict(_),
        "a revision number that skips one"
    );
    cursor
        .expect(&store, "refused revisions write nothing", &[])
        .await?;
    store
        .revise_supplier_advisory(&own, &second, &ClockSettings::default(), &fx.meta(40))
        .await?;
    cursor
        .expect(
            &store,
            "revise",
            &[
                ("supplier_advisory.revise", Some(supplier.id)),
                ("alert.revise", Some(supplier.id)),
            ],
        )
        .await?;
    // The alert raised from it reads as the revision does, its timeline saying so.
    let revised = store.get_alert(&Scope::All, alert.id).await?;
    check_eq!(
        (
            revised.alert.title.as_str(),
            revised.alert.summary.as_str(),
            revised.alert.actions.clone()
        ),
        (
            second.title.as_str(),
            "Fixed in 4.4 as well",
            second.actions.clone()
        ),
        "the alert's text"
    );
    check_eq!(
        revised.alert.issued_at,
        alert.issued_at,
        "the alert's issue stays"
    );
    // A revision more severe raises the alert and brings its open record's clocks forward.
    let critical = ClockSettings::default().critical;
    check_eq!(
        (revised.alert.severity, revised.alert.policy),
        (Severity::Critical, critical),
        "the alert raised to the revision's severity, with its tighter allowances"
    );
    let record = revised
        .recipients
        .iter()
        .find(|r| r.org == supplier.id)
        .map(|r| r.clocks);
    check_eq!(
        record,
        Some(Clocks::start(&critical, at(22), None)),
        "the open record's clocks brought forward"
    );
    let last = revised.events.last().map(|e| (e.kind, e.org, e.actor.clone()));
    check_eq!(
        last,
        Some((EventKind::Revised, None, "user:contract".to_owned())),
        "the revised entry"
    );
    check_eq!(
        revised
            .events
            .last()
            .and_then(|e| e.text.clone())
            .is_some_and(|t| t.contains("New action: Upgrade to 4.4")),
        true,
        "the entry says what changed"
    );
    // Organisations no longer exposed: noted only where the alert reaches them.
    check_eq!(
        store
            .note_no_longer_exposed(&Scope::All, alert.id, &[a.id], "gone", &fx.meta(41))
            .await?,
        0,
        "an organisation the alert does not reach"
    );
    cursor.expect(&store, "nothing noted writes nothing", &[]).await?;
    let current = store.get_supplier_advisory(&own, &id).await?;
    check_eq!(current.version.as_str(), "1.1.0", "the current version");
    check_eq!(current.title.as_str(), second.title.as_str(), "the current title");
    check_eq!(
        current.actions.clone(),
        second.actions.clone(),
        "the current actions"
    );
    check_eq!(current.alert, Some(alert.id), "the alert stays");
    check_eq!(current.released_at, Some(at(22)), "the release stays");
    check_eq!(
        store.supplier_advisory_revisions(&own, &id).await?,
        vec![first[0].clone(), second.clone()],
        "both revisions, oldest first"
    );
    check_err!(
        store
            .supplier_advisory_revisions(&Scope::Orgs(vec![other.id]), &id)
            .await,
        StoreError::NotFound { .. },
        "another supplier's revisions"
    );

    // Consent: per organisation, inside the scope.
    let consent = |org, yes| NamingConsent {
        org,
        may_be_named: yes,
        changed_by: "user:contract".into(),
        changed_at: at(30),
    };
    check_err!(
        store
            .set_naming_consent(&Scope::subtree(a.id), &consent(b.id, true), &fx.meta(30))
            .await,
        StoreError::NotFound { .. },
        "consent for an organisation outside the scope"
    );
    check_eq!(store.naming_consent(a.id).await?, None, "no choice recorded yet");
    store
        .set_naming_consent(&Scope::subtree(a.id), &consent(a.id, true), &fx.meta(30))
        .await?;
    check_eq!(
        store.orgs_consenting_to_be_named(&[a.id, b.id]).await?,
        vec![a.id],
        "only the organisation that agreed"
    );
    store
        .set_naming_consent(&Scope::subtree(a.id), &consent(a.id, false), &fx.meta(31))
        .await?;
    check_eq!(
        store.orgs_consenting_to_be_named(&[a.id, b.id]).await?,
        vec![],
        "withdrawn"
    );
    check_eq!(
        store.naming_consent(a.id).await?.map(|c| c.may_be_named),
        Some(false),
        "the latest choice"
    );
    cursor
        .expect(
            &store,
            "consent",
            &[
                ("org.naming_consent", Some(a.id)),
                ("org.naming_consent", Some(a.id)),
            ],
        )
        .await?;
    Ok(())
}
