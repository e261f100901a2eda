//! Incidents: created only in scope and with services and assets of the organisation's own, read
//! back equal, invisible and unchangeable outside scope, listed newest detection first, with a
//! timeline kept in UTC beside its zone; every change audited.

use super::accounts::user;
use super::fixtures::{AuditCursor, Fixture, asset, at, new_id, service};
use crate::{check_eq, check_err};
use std::sync::Arc;
use ward_core::alert::Severity;
use ward_core::asset::AssetKind;
use ward_core::incident::{Incident, IncidentDetails, IncidentStatus, NcscCategory, TimelineEntry};
use ward_core::risk::Consequence;
use ward_core::service::ServiceKind;
use ward_core::tlp::Tlp;
use ward_core::{IncidentId, OrgId, TimelineEntryId, UserId};
use ward_store::incidents::IncidentFilter;
use ward_store::{Scope, Store, StoreError};

fn incident(org: OrgId, author: UserId, detected: i64) -> Incident {
    Incident {
        id: new_id(IncidentId::new_at),
        org,
        details: IncidentDetails {
            title: "Pathology ransomware, \"quoted\" é".into(),
            category: NcscCategory::Significant,
            severity: Severity::Critical,
            tlp: Tlp::AmberStrict,
            status: IncidentStatus::Open,
            impact: "line one\nline two".into(),
            resolution: String::new(),
            patient_harm: Consequence::MAJOR,
            services: vec![],
            assets: vec![],
            suppliers: vec![],
            occurred_at: None,
            detected_at: at(detected),
            reported_at: Some(at(detected + 3600)),
            nis_applies: true,
            ico_applies: false,
            nis_reported_at: None,
            ico_reported_at: None,
            contained_at: None,
            recovered_at: None,
        },
        created_by: author,
        created_at: at(detected + 60),
        updated_at: at(detected + 60),
    }
}

/// The incident round trip on one backend.
pub async fn incidents_round_trip(store: Arc<dyn Store>) -> anyhow::Result<()> {
    let fx = Fixture::new(store.clone(), "IN");
    let [_national, _region, icb, a, b] = fx.small_tree().await?;
    let author = user("incident-author")?;
    store.create_user(&author, &fx.meta(1)).await?;
    let svc = service(a.id, "Pathology", ServiceKind::Clinical, 4)?;
    store
        .insert_services(&Scope::All, std::slice::from_ref(&svc), &fx.meta(1))
        .await?;
    let server = asset(a.id, "LIMS", AssetKind::Server, vec![], vec![]);
    let other = asset(b.id, "Other trusts server", AssetKind::Server, vec![], vec![]);
    store
        .insert_assets(&Scope::All, &[server.clone(), other.clone()], &fx.meta(1))
        .await?;
    let scope_a = Scope::subtree(a.id);
    let mut cursor = AuditCursor::at_end(&store).await?;

    let mut i1 = incident(a.id, author.id, 10);
    i1.details.services = vec![svc.id];
    i1.details.assets = vec![server.id];
    store.create_incident(&scope_a, &i1, &fx.meta(10)).await?;
    let i2 = incident(b.id, author.id, 20);
    store
        .create_incident(&Scope::subtree(b.id), &i2, &fx.meta(11))
        .await?;
    cursor
        .expect(
            &store,
            "creates",
            &[("incident.create", Some(a.id)), ("incident.create", Some(b.id))],
        )
        .await?;
    check_eq!(store.get_incident(&scope_a, i1.id).await?, i1, "read back equal");

    // Refusals write nothing.
    check_err!(
        store
            .create_incident(&scope_a, &incident(b.id, author.id, 30), &fx.meta(12))
            .await,
        StoreError::NotFound { .. },
        "an incident for an organisation outside the scope"
    );
    let mut foreign = incident(a.id, author.id, 30);
    foreign.details.assets = vec![other.id];
    check_err!(
        store.create_incident(&scope_a, &foreign, &fx.meta(12)).await,
        StoreError::Invalid(_),
        "an incident naming another organisation's asset"
    );
    check_err!(
        store.get_incident(&Scope::subtree(b.id), i1.id).await,
        StoreError::NotFound { .. },
        "incident read from the sibling"
    );
    check_err!(
        store
            .update_incident(&Scope::subtree(b.id), i1.id, &i1.details, &fx.meta(12))
            .await,
        StoreError::NotFound { .. },
        "incident edit from the sibling"
    );
    let stray = TimelineEntry {
        id: new_id(TimelineEntryId::new_at),
        incident: i1.id,
        at: at(15),
        zone: "Europe/London".into(),
        text: "From the sibling".into(),
        author: author.id,
        recorded_at: at(16),
    };
    check_err!(
        store
            .add_timeline_entry(&Scope::subtree(b.id), &stray, &fx.meta(12))
            .await,
        StoreError::NotFound { .. },
        "timeline entry from the sibling"
    );
    cursor.expect(&store, "refusals write nothing", &[]).await?;

    // Lists: scope, order, filters.
    let ids = |v: Vec<Incident>| v.into_iter().map(|i| i.id).collect::<Vec<_>>();
    check_eq!(
        ids(store.list_incidents(&scope_a, &IncidentFilter::default()).await?),
        vec![i1.id],
        "own organisation only"
    );
    check_eq!(
        ids(store
            .list_incidents(&Scope::subtree(icb.id), &IncidentFilter::default())
            .await?),
        vec![i2.id, i1.id],
        "the ICB sees both trusts, latest detection first"
    );

    // Update: details replaced, links rewritten, creation kept.
    let mut d = i1.details.clone();
    d.status = IncidentStatus::Recovered;
    d.contained_at = Some(at(5000));
    d.recovered_at = Some(at(9000));
    d.assets = vec![];
    d.resolution = "Rebuilt from offline backups".into();
    d.ico_applies = true;
    d.nis_applies = false;
    let after = store.update_incident(&scope_a, i1.id, &d, &fx.meta(20)).await?;
    check_eq!(after.details, d, "update stored");
    check_eq!(after.created_at, i1.created_at, "creation kept");
    check_eq!(
        store.get_incident(&scope_a, i1.id).await?,
        after,
        "update read back"
    );
    let recovered = IncidentFilter {
        status: Some(IncidentStatus::Recovered),
        org: Some(icb.id),
    };
    check_eq!(
        ids(store.list_incidents(&Scope::All, &recovered).await?),
        vec![i1.id],
        "status filter"
    );

    // Timeline: earliest first, whatever the order written.
    let entry = |secs: i64, zone: &str, text: &str| TimelineEntry {
        id: new_id(TimelineEntryId::new_at),
        incident: i1.id,
        at: at(secs),
        zone: zone.into(),
        text: text.into(),
        author: author.id,
        recorded_at: at(9500),
    };
    let late = entry(400, "+01", "Backups checked");
    let early = entry(100, "Europe/London", "LIMS encrypted");
    store.add_timeline_entry(&scope_a, &late, &fx.meta(21)).await?;
    store.add_timeline_entry(&scope_a, &early, &fx.meta(22)).await?;
    check_eq!(
        store.incident_timeline(&scope_a, i1.id).await?,
        vec![early, late],
        "timeline earliest first"
    );
    check_err!(
        store.incident_timeline(&Scope::subtree(b.id), i1.id).await,
        StoreError::NotFound { .. },
        "timeline read from the sibling"
    );
    cursor
        .expect(
            &store,
            "update and timeline",
            &[
                ("incident.update", Some(a.id)),
                ("incident.timeline", Some(a.id)),
                ("incident.timeline", Some(a.id)),
            ],
        )
        .await?;
    Ok(())
}
