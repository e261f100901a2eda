//! Sector-wide incidents: opened only for an area in scope; local incidents linked only from a
//! scope holding both the area and the incident (once, however often linked); visible to a scope
//! holding the area or any local incident, whose members are cut to that scope (a trust sees its
//! own incident under it and the shared timeline, never the other trust's); every change audited.

use super::accounts::user;
use super::fixtures::{AuditCursor, Fixture, at, new_id};
use super::incident_tasks::incident;
use crate::{check_eq, check_err};
use std::sync::Arc;
use ward_core::coordinated::{CoordinatedIncident, SharedEntry};
use ward_core::incident::{IncidentStatus, NcscCategory};
use ward_core::org::OrgKind;
use ward_core::{CoordinatedIncidentId, TimelineEntryId};
use ward_store::incidents::IncidentCount;
use ward_store::{Scope, Store, StoreError};

/// The coordinated incident round trip on one backend.
pub async fn coordinated_round_trip(store: Arc<dyn Store>) -> anyhow::Result<()> {
    let fx = Fixture::new(store.clone(), "CO");
    let [national, region, _icb, a, b] = fx.small_tree().await?;
    let other_region = fx.org("R2", "Other region", OrgKind::Region, Some(national.id))?;
    let c_trust = fx.org("TC", "Trust C", OrgKind::NhsTrust, Some(other_region.id))?;
    let [other_region, c_trust] = <[_; 2]>::try_from(fx.save_orgs(vec![other_region, c_trust]).await?)
        .map_err(|_| anyhow::anyhow!("two organisations"))?;
    let author = user("coordinator")?;
    store.create_user(&author, &fx.meta(1)).await?;
    let (ia, ib, ic) = (
        incident(a.id, author.id),
        incident(b.id, author.id),
        incident(c_trust.id, author.id),
    );
    for i in [&ia, &ib, &ic] {
        store.create_incident(&Scope::All, i, &fx.meta(5)).await?;
    }
    let mut cursor = AuditCursor::at_end(&store).await?;
    let regional = Scope::subtree(region.id);
    let c = CoordinatedIncident {
        id: new_id(CoordinatedIncidentId::new_at),
        area: region.id,
        title: "Pathology supplier compromise".into(),
        summary: "LIMS supplier, \"quoted\" é".into(),
        created_by: author.id,
        created_at: at(10),
    };

    // Refusals write nothing: an area outside the scope; a local incident outside it.
    check_err!(
        store
            .create_coordinated(&Scope::subtree(other_region.id), &c, &fx.meta(10))
            .await,
        StoreError::NotFound { .. },
        "a coordinated incident for another region"
    );
    store.create_coordinated(&regional, &c, &fx.meta(10)).await?;
    check_eq!(
        store.get_coordinated(&regional, c.id).await?,
        c,
        "read back equal"
    );
    check_err!(
        store
            .link_to_coordinated(&regional, c.id, ic.id, &fx.meta(11))
            .await,
        StoreError::NotFound { .. },
        "another region's incident linked by the region"
    );
    check_err!(
        store
            .link_to_coordinated(&Scope::subtree(a.id), c.id, ia.id, &fx.meta(11))
            .await,
        StoreError::NotFound { .. },
        "a trust links under the region's coordinated incident"
    );
    store
        .link_to_coordinated(&regional, c.id, ia.id, &fx.meta(12))
        .await?;
    store
        .link_to_coordinated(&regional, c.id, ib.id, &fx.meta(13))
        .await?;
    store
        .link_to_coordinated(&regional, c.id, ib.id, &fx.meta(14))
        .await?;
    // The national team links the other region's incident too.
    store
        .link_to_coordinated(&Scope::All, c.id, ic.id, &fx.meta(15))
        .await?;
    let entry = SharedEntry {
        id: new_id(TimelineEntryId::new_at),
        coordinated: c.id,
        at: at(20),
        zone: "Europe/London".into(),
        text: "Supplier confirms ransomware".into(),
        author: author.id,
        recorded_at: at(21),
    };
    check_err!(
        store
            .add_shared_entry(&Scope::subtree(a.id), &entry, &fx.meta(21))
            .await,
        StoreError::NotFound { .. },
        "a trust writes the shared timeline"
    );
    store.add_shared_entry(&regional, &entry, &fx.meta(21)).await?;
    cursor
        .expect(
            &store,
            "changes",
            &[
                ("coordinated.create", Some(region.id)),
                ("coordinated.link", Some(a.id)),
                ("coordinated.link", Some(b.id)),
                ("coordinated.link", Some(c_trust.id)),
                ("coordinated.timeline", Some(region.id)),
            ],
        )
        .await?;

    // What each sees.
    let ids = |v: Vec<ward_core::incident::Incident>| {
        let mut v: Vec<_> = v.into_iter().map(|i| i.id).collect();
        v.sort();
        v
    };
    let mut all = vec![ia.id, ib.id, ic.id];
    all.sort();
    check_eq!(
        ids(store.coordinated_members(&Scope::All, c.id).await?),
        all,
        "national: all"
    );
    let mut own_region = vec![ia.id, ib.id];
    own_region.sort();
    check_eq!(
        ids(store.coordinated_members(&regional, c.id).await?),
        own_region,
        "the region: its own"
    );
    check_eq!(
        ids(store.coordinated_members(&Scope::subtree(a.id), c.id).await?),
        vec![ia.id],
        "trust A: its own incident only"
    );
    check_eq!(
        ids(store
            .coordinated_members(&Scope::subtree(other_region.id), c.id)
            .await?),
        vec![ic.id],
        "the other region, involved: its own only"
    );
    check_eq!(
        store.shared_timeline(&Scope::subtree(b.id), c.id).await?,
        vec![entry],
        "trust B reads the shared timeline"
    );
    check_eq!(
        store
            .list_coordinated(&Scope::subtree(a.id))
            .await?
            .iter()
            .map(|x| x.id)
            .collect::<Vec<_>>(),
        vec![c.id],
        "listed for trust A"
    );
    // Incident figures: counted in scope by organisation, status and category.
    check_eq!(
        store.incident_counts(&Scope::subtree(a.id)).await?,
        vec![IncidentCount {
            org: a.id,
            status: IncidentStatus::Open,
            category: NcscCategory::Substantial,
            count: 1,
        }],
        "trust A's figures"
    );
    check_eq!(
        store
            .incident_counts(&regional)
            .await?
            .iter()
            .map(|c| c.count)
            .sum::<u64>(),
        2,
        "the region's figures leave the other region out"
    );
    // A trust with no incident under it sees nothing of it.
    let d = fx
        .save_orgs(vec![fx.org(
            "TD",
            "Trust D",
            OrgKind::NhsTrust,
            Some(other_region.id),
        )?])
        .await?;
    let outside = Scope::subtree(d[0].id);
    check_err!(
        store.get_coordinated(&outside, c.id).await,
        StoreError::NotFound { .. },
        "read by an uninvolved trust"
    );
    check_err!(
        store.shared_timeline(&outside, c.id).await,
        StoreError::NotFound { .. },
        "shared timeline read by an uninvolved trust"
    );
    check_eq!(
        store.list_coordinated(&outside).await?.is_empty(),
        true,
        "not listed for an uninvolved trust"
    );
    Ok(())
}
